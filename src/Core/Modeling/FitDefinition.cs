using System.Numerics;
using System.Text.Json;
using PartialWave.Parsing;

namespace PartialWave.Modeling;

/// <summary>A free parameter of a fit definition.</summary>
/// <param name="Name">Fit parameter name (as results are keyed).</param>
/// <param name="Symbol">Model symbol it moves.</param>
/// <param name="Part">Which part of the symbol.</param>
/// <param name="Start">Start value.</param>
/// <param name="Step">Initial step.</param>
/// <param name="Lower">Lower limit or null.</param>
/// <param name="Upper">Upper limit or null.</param>
/// <param name="Label">Short label for tables (the name when absent).</param>
public sealed record FreeParameter(string Name, string Symbol, ParameterPart Part, double Start, double Step, double? Lower, double? Upper, string Label);

/// <summary>A component of the intensity for fit fractions: the complex couplings that are kept when it alone is evaluated.</summary>
/// <param name="Name">Its name in the tables.</param>
/// <param name="Couplings">Its couplings (model symbols).</param>
public sealed record FitComponent(string Name, IReadOnlyList<string> Couplings);

/// <summary>
/// A fit as the shared reference fits describe it (fit.json): free parameters (name, symbol, part re/im for
/// complex couplings, start, initial_step, limits), fixed values (number or [re, im]), kinematic variables,
/// minimiser settings, and optionally the model, data and normalisation files beside it.
/// </summary>
public sealed record FitDefinition
{
    /// <summary>Free parameters in order.</summary>
    public required IReadOnlyList<FreeParameter> Free { get; init; }
    /// <summary>Fixed model symbols and their values.</summary>
    public required IReadOnlyDictionary<string, Complex> Fixed { get; init; }
    /// <summary>Event columns the model reads (empty: every data column that is a model symbol).</summary>
    public IReadOnlyList<string> KinematicVariables { get; init; } = [];
    /// <summary>Minuit strategy (default 1).</summary>
    public int Strategy { get; init; } = 1;
    /// <summary>Minuit tolerance (default 0.1).</summary>
    public double Tolerance { get; init; } = 0.1;
    /// <summary>
    /// The change of the cost that makes one standard error (default 0.5, a negative log-likelihood's; read from
    /// <c>errordef</c> or <c>estimator.errordef</c>).
    /// </summary>
    public double ErrorDef { get; init; } = 0.5;
    /// <summary>Gaussian constraints on free parameters (by their fit-parameter name): <c>"constraints": [{"name", "value", "error"}]</c>.</summary>
    public IReadOnlyList<GaussianConstraint> Constraints { get; init; } = [];
    /// <summary>Problems that do not stop the fit (unknown fields), to show the user.</summary>
    public IReadOnlyList<Diagnostic> Warnings { get; init; } = [];
    /// <summary>Model file named by the definition, relative to it (or null).</summary>
    public string? ModelFile { get; init; }
    /// <summary>Data file named by the definition (or null).</summary>
    public string? DataFile { get; init; }
    /// <summary>Normalisation (phase-space) file named by the definition (or null).</summary>
    public string? PhspFile { get; init; }

    // Where the definition was read from, to place diagnostics about its parameters (null when built in code).
    private string? _source, _text;

    /// <summary>
    /// A diagnostic about <paramref name="name"/>: a free parameter (by name, else by the symbol it moves), a
    /// fixed symbol or a kinematic variable, at its entry in the file the definition was read from (at the top when the definition was
    /// built in code or the name is not in it).
    /// </summary>
    public Diagnostic DiagnosticAt(string name, string message, string code = DiagnosticCodes.InvalidJson)
    {
        if (_text is null) return new Diagnostic(code, message, _source ?? "fit definition", 1, 1);
        // The file's own order: free_parameters[k] is the k-th entry as written (CouplingsOnly drops entries, not the text).
        using var doc = JsonDocument.Parse(_text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var entries = doc.RootElement.GetProperty("free_parameters").EnumerateArray().ToList();
        int Find(string key) => entries.FindIndex(p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty(key, out var v)
            && v.ValueKind == JsonValueKind.String && v.GetString() == name);
        int k = Find("name");
        if (k < 0) k = Find("symbol");
        int kin = KinematicVariables.ToList().IndexOf(name);
        string path = k >= 0 ? $"free_parameters[{k}]" : Fixed.ContainsKey(name) ? JsonLocations.Member("fixed_parameters", name)
            : kin >= 0 ? $"kinematic_variables[{kin}]" : "";
        var (line, column) = JsonLocations.Index(_text).Locate(path);
        return new Diagnostic(code, message, _source!, line, column);
    }

    /// <summary>Symbols that are complex in this fit: those bound by re/im or magnitude/phase, and fixed values given as [re, im].</summary>
    public IReadOnlySet<string> ComplexSymbols { get; init; } = new HashSet<string>();

    /// <summary>Named components for fit fractions ("components" in the file); empty for the default of one per complex coupling.</summary>
    public IReadOnlyList<FitComponent> Components { get; init; } = [];

    /// <summary>The model parameters to compile as free, with start values.</summary>
    public IReadOnlyList<ParameterSpec> ParameterSpecs()
    {
        var specs = new List<ParameterSpec>();
        foreach (var group in Free.GroupBy(p => p.Symbol))
        {
            var parts = group.ToList();
            if (parts.All(p => p.Part == ParameterPart.Value)) { specs.Add(ParameterSpec.Real(group.Key, parts[0].Start)); continue; }
            double re = 0, im = 0, mag = double.NaN, phase = 0;
            foreach (var p in parts)
                switch (p.Part)
                {
                    case ParameterPart.Re: re = p.Start; break;
                    case ParameterPart.Im: im = p.Start; break;
                    case ParameterPart.Magnitude: mag = p.Start; break;
                    case ParameterPart.Phase: phase = p.Start; break;
                }
            specs.Add(ParameterSpec.ComplexValued(group.Key, double.IsNaN(mag) ? new Complex(re, im) : Complex.FromPolarCoordinates(mag, phase)));
        }
        return specs;
    }

    /// <summary>
    /// The same fit with every real parameter (masses, widths) fixed at its start value: only complex couplings stay
    /// free, the case in which the normalisation is kept as a coupling matrix.
    /// </summary>
    public FitDefinition CouplingsOnly()
    {
        var fixedValues = new Dictionary<string, Complex>(Fixed, StringComparer.Ordinal);
        foreach (var p in Free.Where(p => p.Part == ParameterPart.Value)) fixedValues[p.Symbol] = p.Start;
        return this with { Free = Free.Where(p => p.Part != ParameterPart.Value).ToList(), Fixed = fixedValues };
    }

    /// <summary>Reads a fit definition file; errors are diagnostics naming the file, line and column.</summary>
    public static ParseResult<FitDefinition> ReadFile(string path) => SourceFile.Parse(path, Read);

    /// <summary>
    /// Reads a fit definition from text (<paramref name="source"/> names it in diagnostics). The first problem is
    /// reported at the value it concerns (an object missing a key at the object).
    /// </summary>
    public static ParseResult<FitDefinition> Read(string text, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            var (line, column) = JsonSyntaxPosition(text, e);
            return new ParseResult<FitDefinition>(null,
                [new Diagnostic(DiagnosticCodes.InvalidJson, JsonErrors.Message(e), source, line, column)]);
        }
        using (doc)
        {
            try
            {
                var unknown = new List<(string Path, string Message)>();
                var definition = FromJson(doc.RootElement, unknown);
                definition._source = source;
                definition._text = text;
                if (unknown.Count > 0)
                {
                    var index = JsonLocations.Index(text);
                    definition = definition with { Warnings = unknown.Select(u =>
                    {
                        var (line, column) = index.Locate(u.Path);
                        return new Diagnostic(DiagnosticCodes.UnknownField, u.Message, source, line, column);
                    }).ToList() };
                }
                return new ParseResult<FitDefinition>(definition, []);
            }
            catch (DefinitionError e)
            {
                var (line, column) = JsonLocations.Index(text).Locate(e.Path);
                return new ParseResult<FitDefinition>(null, [new Diagnostic(DiagnosticCodes.InvalidJson, e.Message, source, line, column)]);
            }
        }
    }

    /// <summary>Reads a fit definition file.</summary>
    /// <exception cref="FormatException">The file cannot be read or is not a valid fit definition (the message is the diagnostic).</exception>
    public static FitDefinition Load(string path) => ReadFile(path).GetValueOrThrow();

    /// <summary>Parses a fit definition from text (<paramref name="source"/> names it in errors).</summary>
    /// <exception cref="FormatException">The text is not a valid fit definition (the message is the diagnostic).</exception>
    public static FitDefinition Parse(string text, string source) => Read(text, source).GetValueOrThrow();

    // JsonException counts lines and bytes from 0; columns here count characters from 1.
    private static (int Line, int Column) JsonSyntaxPosition(string text, JsonException e)
    {
        int line = (int)(e.LineNumber ?? 0), bytes = (int)(e.BytePositionInLine ?? 0);
        int start = 0;
        for (int l = 0; l < line && start < text.Length; l++)
        {
            int next = text.IndexOf('\n', start);
            if (next < 0) break;
            start = next + 1;
        }
        int end = start, count = 0;
        while (end < text.Length && text[end] != '\n' && count < bytes) count += System.Text.Encoding.UTF8.GetByteCount(text.AsSpan(end++, 1));
        return (line + 1, end - start + 1);
    }

    /// <summary>A problem with the value at a JSON path.</summary>
    private sealed class DefinitionError(string path, string message) : Exception(message)
    {
        public string Path { get; } = path;
    }

    // Fields a fit definition may have: those read, and the descriptive ones of the reference fits (any '*_note' too).
    private static readonly string[] TopFields =
    [
        "free_parameters", "fixed_parameters", "kinematic_variables", "minimizer", "model", "data_file", "phsp_file", "errordef", "constraints", "components",
        "estimator", "description", "kinematic_conventions", "n_data", "n_phsp", "csv_format", "free_parameter_order",
        "complex_parametrisation", "generating_parameters", "reference_result", "seeds",
    ];
    private static readonly string[] ParameterFields = ["name", "symbol", "part", "start", "initial_step", "step", "limits", "label", "true", "error"];
    private static string Format(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly string[] ConstraintFields = ["name", "value", "error"];
    private static readonly string[] MinimizerFields = ["strategy", "tol", "program", "sequence", "initial_step", "limits", "errordef"];

    // An unknown field is reported, not ignored: a misspelt "tol" or "strategy" would otherwise fall back to the default.
    private static void CheckFields(JsonElement o, string path, string[] known, List<(string Path, string Message)> unknown)
    {
        foreach (var p in o.EnumerateObject())
        {
            if (known.Contains(p.Name, StringComparer.Ordinal) || p.Name.EndsWith("_note", StringComparison.Ordinal)) continue;
            var near = NameSuggestions.Near(p.Name, known).FirstOrDefault();
            string where = path.Length == 0 ? "" : $"{path}: ";
            unknown.Add((JsonLocations.Member(path, p.Name),
                $"{where}unknown field '{p.Name}' is ignored{(near is null ? "" : $"; did you mean '{near}'?")} (known: {string.Join(", ", known)})"));
        }
    }

    private static FitDefinition FromJson(JsonElement root, List<(string Path, string Message)> unknown)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new DefinitionError("", "expected a JSON object at the top");
        CheckFields(root, "", TopFields, unknown);
        if (!root.TryGetProperty("free_parameters", out var freeEl) || freeEl.ValueKind != JsonValueKind.Array)
            throw new DefinitionError("free_parameters", "missing 'free_parameters' (a list of {name, symbol, part, start, initial_step, limits})");
        var free = new List<FreeParameter>();
        var complex = new HashSet<string>(StringComparer.Ordinal);
        int index = 0;
        foreach (var p in freeEl.EnumerateArray())
        {
            string at = $"free_parameters[{index++}]";
            if (p.ValueKind != JsonValueKind.Object) throw new DefinitionError(at, $"{at}: expected an object");
            CheckFields(p, at, ParameterFields, unknown);
            string name = String(p, "name", at) ?? throw new DefinitionError(at, $"{at}: missing 'name'");
            string symbol = String(p, "symbol", at) ?? name;
            string? partText = String(p, "part", at);
            var part = partText switch
            {
                null => ParameterPart.Value,
                "re" => ParameterPart.Re,
                "im" => ParameterPart.Im,
                "mag" or "magnitude" => ParameterPart.Magnitude,
                "phase" or "phi" => ParameterPart.Phase,
                _ => throw new DefinitionError(at + ".part", $"{at} ('{name}'): part must be null, \"re\", \"im\", \"magnitude\" or \"phase\", got \"{partText}\""),
            };
            if (part != ParameterPart.Value) complex.Add(symbol);
            double start = Number(p, "start", at) ?? throw new DefinitionError(at, $"{at} ('{name}'): missing 'start'");
            double step = Number(p, "initial_step", at) ?? Number(p, "step", at) ?? (start != 0 ? 0.01 * Math.Abs(start) : 0.1);
            double? lo = null, hi = null;
            if (p.TryGetProperty("limits", out var lim) && lim.ValueKind != JsonValueKind.Null)
            {
                string limits = at + ".limits";
                if (lim.ValueKind != JsonValueKind.Array || lim.GetArrayLength() != 2)
                    throw new DefinitionError(limits, $"{at} ('{name}'): limits must be null or [lower, upper] (either may be null)");
                lo = lim[0].ValueKind == JsonValueKind.Null ? null : lim[0].ValueKind == JsonValueKind.Number ? lim[0].GetDouble() : throw new DefinitionError(limits + "[0]", $"{at} ('{name}'): limits[0] must be a number or null");
                hi = lim[1].ValueKind == JsonValueKind.Null ? null : lim[1].ValueKind == JsonValueKind.Number ? lim[1].GetDouble() : throw new DefinitionError(limits + "[1]", $"{at} ('{name}'): limits[1] must be a number or null");
            }
            // Checked here, where the place in the file is known, rather than when the minimiser is set up.
            if (!double.IsFinite(start)) throw new DefinitionError(at + ".start", $"{at} ('{name}'): start must be a finite number");
            if (!(step > 0 && double.IsFinite(step)))
                throw new DefinitionError(p.TryGetProperty("initial_step", out _) ? at + ".initial_step" : at + ".step", $"{at} ('{name}'): the initial step must be positive, got {Format(step)}");
            if (lo is { } l && hi is { } h && !(l < h))
                throw new DefinitionError(at + ".limits", $"{at} ('{name}'): the lower limit {Format(l)} must be below the upper limit {Format(h)}");
            if (lo is { } below && start < below || hi is { } above && start > above)
                throw new DefinitionError(at + ".start", $"{at} ('{name}'): start {Format(start)} lies outside its limits [{(lo is null ? "-inf" : Format(lo.Value))}, {(hi is null ? "inf" : Format(hi.Value))}]");
            string label = String(p, "label", at) ?? name;
            free.Add(new FreeParameter(name, symbol, part, start, step, lo, hi, label));
        }
        if (free.Count == 0) throw new DefinitionError("free_parameters", "'free_parameters' is empty: nothing to fit");
        var dup = free.Select((f, k) => (f.Name, k)).GroupBy(f => f.Name).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new DefinitionError($"free_parameters[{dup.Skip(1).First().k}].name", $"free parameter '{dup.Key}' is listed twice");
        var fixedValues = new Dictionary<string, Complex>(StringComparer.Ordinal);
        if (root.TryGetProperty("fixed_parameters", out var fixedEl) && fixedEl.ValueKind != JsonValueKind.Null)
        {
            if (fixedEl.ValueKind != JsonValueKind.Object) throw new DefinitionError("fixed_parameters", "'fixed_parameters' must be an object name -> value or [re, im]");
            foreach (var f in fixedEl.EnumerateObject())
            {
                try { fixedValues[f.Name] = ReferencePoints.ReadComplex(f.Value); }
                catch (FormatException e) { throw new DefinitionError(JsonLocations.Member("fixed_parameters", f.Name), $"fixed_parameters['{f.Name}']: {e.Message}"); }
                if (f.Value.ValueKind == JsonValueKind.Array) complex.Add(f.Name);
            }
        }
        var clash = free.Select((f, k) => (f, k)).FirstOrDefault(c => fixedValues.ContainsKey(c.f.Symbol));
        if (clash.f is not null)
            throw new DefinitionError(JsonLocations.Member("fixed_parameters", clash.f.Symbol), $"'{clash.f.Symbol}' is both free ('{clash.f.Name}') and fixed");
        var kin = new List<string>();
        if (root.TryGetProperty("kinematic_variables", out var kinEl) && kinEl.ValueKind == JsonValueKind.Array)
            kin.AddRange(kinEl.EnumerateArray().Select((e, k) => e.ValueKind == JsonValueKind.String ? e.GetString()!
                : throw new DefinitionError($"kinematic_variables[{k}]", "kinematic_variables must be strings")));
        int strategy = 1;
        double tol = 0.1;
        if (root.TryGetProperty("minimizer", out var min) && min.ValueKind == JsonValueKind.Object)
        {
            if (min.TryGetProperty("strategy", out var s) && s.ValueKind == JsonValueKind.Number)
                strategy = s.TryGetInt32(out var level) && level is >= 0 and <= 2 ? level
                    : throw new DefinitionError("minimizer.strategy", $"minimizer strategy must be 0, 1 or 2, got {s.GetRawText()}");
            if (min.TryGetProperty("tol", out var t) && t.ValueKind != JsonValueKind.Null)
                tol = t.ValueKind == JsonValueKind.Number && t.GetDouble() is var v && v > 0 && double.IsFinite(v) ? v
                    : throw new DefinitionError("minimizer.tol", $"minimizer tol must be a positive number, got {t.GetRawText()}");
            CheckFields(min, "minimizer", MinimizerFields, unknown);
        }
        // errordef may stand at the top, in "estimator" or in "minimizer"; where it stands twice, the values must agree.
        double errorDef = 0.5;
        string? errorDefAt = null;
        JsonElement Section(string name) => root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
        foreach (var (element, path) in new[] { (root, "errordef"), (Section("estimator"), "estimator.errordef"), (Section("minimizer"), "minimizer.errordef") })
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("errordef", out var ed) || ed.ValueKind == JsonValueKind.Null) continue;
            double value = ed.ValueKind == JsonValueKind.Number && ed.GetDouble() is var e && e > 0 && double.IsFinite(e) ? e
                : throw new DefinitionError(path, $"errordef must be a positive number (0.5 for a negative log-likelihood, 1 for a chi-square), got {ed.GetRawText()}");
            if (errorDefAt is not null && value != errorDef)
                throw new DefinitionError(path, $"errordef {ed.GetRawText()} here contradicts {errorDefAt} = {errorDef.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}: give it once");
            errorDef = value;
            errorDefAt = path;
        }
        var constraints = new List<GaussianConstraint>();
        if (root.TryGetProperty("constraints", out var cons) && cons.ValueKind != JsonValueKind.Null)
        {
            if (cons.ValueKind != JsonValueKind.Array) throw new DefinitionError("constraints", "'constraints' must be a list of {name, value, error}");
            int k = 0;
            foreach (var c in cons.EnumerateArray())
            {
                string at = $"constraints[{k++}]";
                if (c.ValueKind != JsonValueKind.Object) throw new DefinitionError(at, $"{at}: expected an object {{name, value, error}}");
                CheckFields(c, at, ConstraintFields, unknown);
                string name = String(c, "name", at) ?? throw new DefinitionError(at, $"{at}: missing 'name' (a free parameter)");
                if (!free.Any(f => f.Name == name))
                    throw new DefinitionError(at + ".name", $"{at}: '{name}' is not a free parameter{NameSuggestions.DidYouMean(name, free.Select(f => f.Name))}");
                if (constraints.Any(x => x.Parameter == name)) throw new DefinitionError(at + ".name", $"{at}: '{name}' is constrained twice");
                double mean = Number(c, "value", at) ?? throw new DefinitionError(at, $"{at} ('{name}'): missing 'value'");
                double sigma = Number(c, "error", at) ?? throw new DefinitionError(at, $"{at} ('{name}'): missing 'error'");
                if (!double.IsFinite(mean)) throw new DefinitionError(at + ".value", $"{at} ('{name}'): value must be a finite number");
                if (!(sigma > 0 && double.IsFinite(sigma))) throw new DefinitionError(at + ".error", $"{at} ('{name}'): error must be a positive number, got {Format(sigma)}");
                constraints.Add(new GaussianConstraint(name, mean, sigma));
            }
        }
        var components = new List<FitComponent>();
        if (root.TryGetProperty("components", out var compEl) && compEl.ValueKind != JsonValueKind.Null)
        {
            if (compEl.ValueKind != JsonValueKind.Object)
                throw new DefinitionError("components", "'components' must be an object: component name -> list of complex couplings (model symbols)");
            var owner = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var c in compEl.EnumerateObject())
            {
                string at = JsonLocations.Member("components", c.Name);
                if (c.Value.ValueKind != JsonValueKind.Array || c.Value.GetArrayLength() == 0)
                    throw new DefinitionError(at, $"components['{c.Name}']: expected a non-empty list of coupling symbols");
                var couplings = new List<string>();
                int k = 0;
                foreach (var e in c.Value.EnumerateArray())
                {
                    string item = $"{at}[{k++}]";
                    string symbol = e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new DefinitionError(item, $"components['{c.Name}']: couplings are symbol names (strings)");
                    if (!complex.Contains(symbol))
                        throw new DefinitionError(item, $"components['{c.Name}']: '{symbol}' is not a complex coupling of this fit (a symbol fitted as re/im or magnitude/phase, or fixed to [re, im]){NameSuggestions.DidYouMean(symbol, complex)}");
                    if (!owner.TryAdd(symbol, c.Name)) throw new DefinitionError(item, $"components['{c.Name}']: '{symbol}' is already in component '{owner[symbol]}'");
                    couplings.Add(symbol);
                }
                components.Add(new FitComponent(c.Name, couplings));
            }
        }
        string? modelFile = null;
        if (root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.Object && model.TryGetProperty("srepr_file", out var sf))
            modelFile = sf.ValueKind == JsonValueKind.String ? sf.GetString() : throw new DefinitionError("model.srepr_file", "model.srepr_file must be a string");
        return new FitDefinition
        {
            Free = free,
            Fixed = fixedValues,
            KinematicVariables = kin,
            Strategy = strategy,
            Tolerance = tol,
            ErrorDef = errorDef,
            Constraints = constraints,
            ModelFile = modelFile,
            DataFile = OptionalString(root, "data_file"),
            PhspFile = OptionalString(root, "phsp_file"),
            ComplexSymbols = complex,
            Components = components,
        };
    }

    private static string? OptionalString(JsonElement o, string key) =>
        !o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString() : throw new DefinitionError(key, $"'{key}' must be a string");

    private static string? String(JsonElement o, string key, string at)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new DefinitionError($"{at}.{key}", $"{at}: '{key}' must be a string");
    }

    private static double? Number(JsonElement o, string key, string at)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw new DefinitionError($"{at}.{key}", $"{at}: '{key}' must be a number");
    }
}
