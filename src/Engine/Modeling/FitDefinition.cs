using System.Numerics;
using System.Text.Json;
using PartialWave.Estimation;
using PartialWave.Optimization;

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

/// <summary>
/// A fit as the shared reference fits describe it (fit.json): free parameters (name, symbol, part re/im for
/// complex couplings, start, initial_step, limits), fixed values (number or [re, im]), kinematic variables,
/// minimiser settings, and optionally the model, data and normalisation files beside it.
/// </summary>
public sealed class FitDefinition
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
    /// <summary>Model file named by the definition, relative to it (or null).</summary>
    public string? ModelFile { get; init; }
    /// <summary>Data file named by the definition (or null).</summary>
    public string? DataFile { get; init; }
    /// <summary>Normalisation (phase-space) file named by the definition (or null).</summary>
    public string? PhspFile { get; init; }

    /// <summary>Symbols that are complex in this fit: those bound by re/im or magnitude/phase, and fixed values given as [re, im].</summary>
    public IReadOnlySet<string> ComplexSymbols { get; init; } = new HashSet<string>();

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
        return new FitDefinition
        {
            Free = Free.Where(p => p.Part != ParameterPart.Value).ToList(),
            Fixed = fixedValues,
            KinematicVariables = KinematicVariables,
            Strategy = Strategy,
            Tolerance = Tolerance,
            ModelFile = ModelFile,
            DataFile = DataFile,
            PhspFile = PhspFile,
            ComplexSymbols = ComplexSymbols,
        };
    }

    /// <summary>The fit parameters of a Minuit run.</summary>
    public IReadOnlyList<FitParameter> FitParameters() =>
        Free.Select(p => new FitParameter(p.Name, p.Start, p.Step, p.Lower, p.Upper)).ToList();

    /// <summary>The bindings of fit parameters to model parameters.</summary>
    public IReadOnlyList<ParameterBinding> Bindings() => Free.Select(p => new ParameterBinding(p.Name, p.Symbol, p.Part)).ToList();

    /// <summary>Reads a fit definition; errors name the file, and line and column for JSON syntax errors.</summary>
    /// <exception cref="FormatException">The file is not a valid fit definition.</exception>
    public static FitDefinition Load(string path)
    {
        var text = File.ReadAllText(path);
        return Parse(text, path);
    }

    /// <summary>Parses a fit definition from text (<paramref name="source"/> names it in errors).</summary>
    public static FitDefinition Parse(string text, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}:{(e.LineNumber ?? 0) + 1}:{(e.BytePositionInLine ?? 0) + 1}: not valid JSON: {e.Message.Split(" Path:")[0]}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            string Where(string path) => $"{source}: {path}";
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"{source}: expected a JSON object at the top");
            if (!root.TryGetProperty("free_parameters", out var freeEl) || freeEl.ValueKind != JsonValueKind.Array)
                throw new FormatException(Where("missing 'free_parameters' (a list of {name, symbol, part, start, initial_step, limits})"));
            var free = new List<FreeParameter>();
            var complex = new HashSet<string>(StringComparer.Ordinal);
            int index = 0;
            foreach (var p in freeEl.EnumerateArray())
            {
                string at = $"free_parameters[{index++}]";
                if (p.ValueKind != JsonValueKind.Object) throw new FormatException(Where($"{at}: expected an object"));
                string name = String(p, "name", at, Where) ?? throw new FormatException(Where($"{at}: missing 'name'"));
                string symbol = String(p, "symbol", at, Where) ?? name;
                string? partText = String(p, "part", at, Where);
                var part = partText switch
                {
                    null => ParameterPart.Value,
                    "re" => ParameterPart.Re,
                    "im" => ParameterPart.Im,
                    "mag" or "magnitude" => ParameterPart.Magnitude,
                    "phase" or "phi" => ParameterPart.Phase,
                    _ => throw new FormatException(Where($"{at} ('{name}'): part must be null, \"re\", \"im\", \"magnitude\" or \"phase\", got \"{partText}\"")),
                };
                if (part != ParameterPart.Value) complex.Add(symbol);
                double start = Number(p, "start", at, Where) ?? throw new FormatException(Where($"{at} ('{name}'): missing 'start'"));
                double step = Number(p, "initial_step", at, Where) ?? Number(p, "step", at, Where) ?? (start != 0 ? 0.01 * Math.Abs(start) : 0.1);
                double? lo = null, hi = null;
                if (p.TryGetProperty("limits", out var lim) && lim.ValueKind != JsonValueKind.Null)
                {
                    if (lim.ValueKind != JsonValueKind.Array || lim.GetArrayLength() != 2)
                        throw new FormatException(Where($"{at} ('{name}'): limits must be null or [lower, upper] (either may be null)"));
                    lo = lim[0].ValueKind == JsonValueKind.Null ? null : lim[0].ValueKind == JsonValueKind.Number ? lim[0].GetDouble() : throw new FormatException(Where($"{at} ('{name}'): limits[0] must be a number or null"));
                    hi = lim[1].ValueKind == JsonValueKind.Null ? null : lim[1].ValueKind == JsonValueKind.Number ? lim[1].GetDouble() : throw new FormatException(Where($"{at} ('{name}'): limits[1] must be a number or null"));
                }
                string label = String(p, "label", at, Where) ?? name;
                free.Add(new FreeParameter(name, symbol, part, start, step, lo, hi, label));
            }
            if (free.Count == 0) throw new FormatException(Where("'free_parameters' is empty: nothing to fit"));
            var dup = free.GroupBy(f => f.Name).FirstOrDefault(g => g.Count() > 1);
            if (dup is not null) throw new FormatException(Where($"free parameter '{dup.Key}' is listed twice"));
            var fixedValues = new Dictionary<string, Complex>(StringComparer.Ordinal);
            if (root.TryGetProperty("fixed_parameters", out var fixedEl) && fixedEl.ValueKind != JsonValueKind.Null)
            {
                if (fixedEl.ValueKind != JsonValueKind.Object) throw new FormatException(Where("'fixed_parameters' must be an object name -> value or [re, im]"));
                foreach (var f in fixedEl.EnumerateObject())
                {
                    try { fixedValues[f.Name] = ReferencePoints.ReadComplex(f.Value); }
                    catch (FormatException e) { throw new FormatException(Where($"fixed_parameters['{f.Name}']: {e.Message}")); }
                    if (f.Value.ValueKind == JsonValueKind.Array) complex.Add(f.Name);
                }
            }
            var clash = free.FirstOrDefault(f => fixedValues.ContainsKey(f.Symbol));
            if (clash is not null) throw new FormatException(Where($"'{clash.Symbol}' is both free ('{clash.Name}') and fixed"));
            var kin = new List<string>();
            if (root.TryGetProperty("kinematic_variables", out var kinEl) && kinEl.ValueKind == JsonValueKind.Array)
                kin.AddRange(kinEl.EnumerateArray().Select(e => e.GetString() ?? throw new FormatException(Where("kinematic_variables must be strings"))));
            int strategy = 1;
            double tol = 0.1;
            if (root.TryGetProperty("minimizer", out var min) && min.ValueKind == JsonValueKind.Object)
            {
                if (min.TryGetProperty("strategy", out var s) && s.ValueKind == JsonValueKind.Number) strategy = s.GetInt32();
                if (min.TryGetProperty("tol", out var t) && t.ValueKind == JsonValueKind.Number) tol = t.GetDouble();
            }
            string? modelFile = null;
            if (root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.Object && model.TryGetProperty("srepr_file", out var sf))
                modelFile = sf.GetString();
            return new FitDefinition
            {
                Free = free,
                Fixed = fixedValues,
                KinematicVariables = kin,
                Strategy = strategy,
                Tolerance = tol,
                ModelFile = modelFile,
                DataFile = root.TryGetProperty("data_file", out var df) ? df.GetString() : null,
                PhspFile = root.TryGetProperty("phsp_file", out var pf) ? pf.GetString() : null,
                ComplexSymbols = complex,
            };
        }
    }

    private static string? String(JsonElement o, string key, string at, Func<string, string> where)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new FormatException(where($"{at}: '{key}' must be a string"));
    }

    private static double? Number(JsonElement o, string key, string at, Func<string, string> where)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw new FormatException(where($"{at}: '{key}' must be a number"));
    }
}
