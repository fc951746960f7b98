using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PartialWave.Optimization;

/// <summary>A fitted parameter.</summary>
/// <param name="Name">Name.</param>
/// <param name="Value">Value at the minimum.</param>
/// <param name="Error">Parabolic (HESSE or MIGRAD) error.</param>
/// <param name="Lower">Lower limit, if any.</param>
/// <param name="Upper">Upper limit, if any.</param>
/// <param name="Fixed">True when it was not fitted.</param>
/// <param name="Minos">MINOS errors, when run for it.</param>
public sealed record ParameterResult(string Name, double Value, double Error, double? Lower, double? Upper, bool Fixed, MinosError? Minos);

/// <summary>
/// The outcome of a minimisation: values, errors, covariance, MINOS errors, the minimum's value and EDM, call
/// counts, timings and Minuit's validity flags. <see cref="ToTable"/> prints it as Minuit does;
/// <see cref="ToJson"/> serialises it.
/// </summary>
public sealed record FitResult
{
    /// <summary>Every parameter (fixed ones included), in the objective's order.</summary>
    public required IReadOnlyList<ParameterResult> Parameters { get; init; }
    /// <summary>Covariance matrix in external coordinates (rows and columns of fixed parameters are zero).</summary>
    public required double[,] Covariance { get; init; }
    /// <summary>The value of the objective at the minimum.</summary>
    public double Fval { get; init; }
    /// <summary>Estimated distance to the minimum, ½ gᵀVg.</summary>
    public double Edm { get; init; }
    /// <summary>MIGRAD's convergence goal, 0.002 · tolerance · errordef.</summary>
    public double EdmGoal { get; init; }
    /// <summary>The errordef the errors refer to.</summary>
    public double ErrorDef { get; init; }
    /// <summary>Objective calls (value or value with gradient).</summary>
    public int Nfcn { get; init; }
    /// <summary>Calls of the analytic gradient.</summary>
    public int Ngrad { get; init; }
    /// <summary>MIGRAD iterations.</summary>
    public int Iterations { get; init; }
    /// <summary>Wall time of MIGRAD.</summary>
    public double MigradSeconds { get; init; }
    /// <summary>Wall time of HESSE.</summary>
    public double HesseSeconds { get; init; }
    /// <summary>Wall time of MINOS.</summary>
    public double MinosSeconds { get; init; }
    /// <summary>A valid minimum: converged, covariance available, no call limit, EDM within 10 times the goal.</summary>
    public bool IsValid { get; init; }
    /// <summary>A covariance estimate exists.</summary>
    public bool HasCovariance { get; init; }
    /// <summary>The covariance is accurate (from HESSE, or well-converged updates).</summary>
    public bool HasAccurateCovar { get; init; }
    /// <summary>The covariance is positive definite as computed.</summary>
    public bool HasPosDefCovar { get; init; }
    /// <summary>HESSE's matrix had to be forced positive definite.</summary>
    public bool HasMadePosDefCovar { get; init; }
    /// <summary>HESSE failed.</summary>
    public bool HesseFailed { get; init; }
    /// <summary>EDM is above 10 times the goal.</summary>
    public bool IsAboveMaxEdm { get; init; }
    /// <summary>MIGRAD stopped at its call limit.</summary>
    public bool HasReachedCallLimit { get; init; }
    /// <summary>A parameter is within half an error of a limit.</summary>
    public bool HasParametersAtLimit { get; init; }
    /// <summary>Why the minimisation stopped where it did, when it is worth saying.</summary>
    public string? Message { get; init; }
    /// <summary>Set when the fit was stopped by a non-finite objective value (where, and how many events).</summary>
    public string? Failure { get; init; }
    /// <summary>How the covariance of a weighted fit was corrected ("sumw2", "asymptotic" or "none"); null for a fit
    /// that is not weighted.</summary>
    public string? CovarianceCorrection { get; init; }

    /// <summary>The fitted value of a parameter.</summary>
    public double Value(string name) => Find(name).Value;
    /// <summary>The parabolic error of a parameter.</summary>
    public double Error(string name) => Find(name).Error;

    private ParameterResult Find(string name) => Parameters.FirstOrDefault(p => p.Name == name)
        ?? throw new KeyNotFoundException($"no parameter '{name}' (parameters: {string.Join(", ", Parameters.Select(p => p.Name))})");

    /// <summary>The correlation matrix.</summary>
    public double[,] Correlation
    {
        get
        {
            int n = Parameters.Count;
            var c = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double d = Math.Sqrt(Covariance[i, i] * Covariance[j, j]);
                    c[i, j] = d > 0 ? Covariance[i, j] / d : i == j && !Parameters[i].Fixed ? 1 : 0;
                }
            return c;
        }
    }

    private static string G(double v, int digits = 4) => double.IsNaN(v) ? "nan" : v.ToString("G" + digits, CultureInfo.InvariantCulture);

    /// <summary>Value and error rounded the way physicists quote them (two significant digits of the error).</summary>
    internal static (string Value, string Error) Rounded(double value, double error)
    {
        if (!(error > 0) || !double.IsFinite(error)) return (G(value, 6), G(error, 2));
        int exponent = (int)Math.Floor(Math.Log10(error)) - 1;
        int decimals = Math.Max(0, -exponent);
        if (decimals > 12 || Math.Abs(value) >= 1e7 || exponent > 6)
            return (value.ToString("E3", CultureInfo.InvariantCulture), error.ToString("E1", CultureInfo.InvariantCulture));
        string f = "F" + decimals;
        double scale = Math.Pow(10, exponent);
        return ((Math.Round(value / scale) * scale).ToString(f, CultureInfo.InvariantCulture),
            (Math.Round(error / scale) * scale).ToString(f, CultureInfo.InvariantCulture));
    }

    /// <summary>The familiar Minuit tables: the minimum's status, then one row per parameter.</summary>
    /// <param name="labels">Optional short labels shown instead of long parameter names.</param>
    public string ToTable(IReadOnlyDictionary<string, string>? labels = null)
    {
        var sb = new StringBuilder();
        string status = Failure is not null ? "FAILED (non-finite objective)" : IsValid ? "Valid Minimum" : "INVALID Minimum";
        var left = new[]
        {
            $"FCN = {G(Fval, 8)}",
            $"EDM = {G(Edm, 3)} (Goal: {G(EdmGoal, 3)})",
            status,
            HasParametersAtLimit ? "SOME parameters at limit" : "No parameters at limit",
            HesseFailed ? "Hesse FAILED" : "Hesse ok",
        };
        var right = new[]
        {
            $"Nfcn = {Nfcn}" + (Ngrad > 0 ? $", Ngrad = {Ngrad}" : ""),
            $"time = {MigradSeconds + HesseSeconds + MinosSeconds:F3} s",
            IsAboveMaxEdm ? "ABOVE EDM threshold (goal x 10)" : "Below EDM threshold (goal x 10)",
            HasReachedCallLimit ? "ABOVE call limit" : "Below call limit",
            !HasCovariance ? "NO covariance" : HasMadePosDefCovar ? "Covariance FORCED pos. def." : HasAccurateCovar ? "Covariance accurate" : "Covariance APPROXIMATE",
        };
        int w1 = Math.Max(34, left.Max(s => s.Length) + 2), w2 = Math.Max(38, right.Max(s => s.Length) + 2);
        string Line(char l, char m, char r) => l + new string('─', w1) + m + new string('─', w2) + r;
        string Center(string s, int w) => s.PadLeft((w + s.Length) / 2).PadRight(w);
        sb.AppendLine(Line('┌', '┬', '┐'));
        for (int i = 0; i < left.Length; i++)
        {
            if (i == 2 || i == 3 || i == 4) sb.AppendLine(Line('├', '┼', '┤'));
            sb.AppendLine("│ " + left[i].PadRight(w1 - 1) + "│" + Center(right[i], w2) + "│");
        }
        sb.AppendLine(Line('└', '┴', '┘'));
        if (Failure is not null) sb.AppendLine("stopped: " + Failure);
        else if (Message is not null) sb.AppendLine("note: " + Message);

        bool minos = Parameters.Any(p => p.Minos is not null);
        var header = new List<string> { "", "Name", "Value", "Hesse Err" };
        if (minos) header.AddRange(["Minos Err-", "Minos Err+"]);
        header.AddRange(["Limit-", "Limit+", "Fixed"]);
        var rows = new List<string[]>();
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            var (v, e) = Rounded(p.Value, p.Error);
            var row = new List<string> { i.ToString(CultureInfo.InvariantCulture), labels?.GetValueOrDefault(p.Name) ?? p.Name, v, p.Fixed ? "" : e };
            if (minos)
            {
                // A MINOS search that reached the parameter's limit first shows the distance to the limit, marked.
                row.Add(p.Minos is { } m ? (m.LowerValid ? G(m.Lower, 3) + (m.AtLowerLimit ? " (limit)" : "") : "failed") : "");
                row.Add(p.Minos is { } m2 ? (m2.UpperValid ? G(m2.Upper, 3) + (m2.AtUpperLimit ? " (limit)" : "") : "failed") : "");
            }
            row.Add(p.Lower is { } lo ? G(lo, 6) : "");
            row.Add(p.Upper is { } hi ? G(hi, 6) : "");
            row.Add(p.Fixed ? "yes" : "");
            rows.Add(row.ToArray());
        }
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[c].Length)) + 2).ToArray();
        string Rule(char l, char m, char r) => l + string.Join(m, widths.Select(w => new string('─', w))) + r;
        string Row(IReadOnlyList<string> cells) => "│" + string.Join("│", cells.Select((c, k) => " " + (k == 1 ? c.PadRight(widths[k] - 1) : c.PadLeft(widths[k] - 2) + " "))) + "│";
        sb.AppendLine(Rule('┌', '┬', '┐'));
        sb.AppendLine(Row(header));
        sb.AppendLine(Rule('├', '┼', '┤'));
        foreach (var r in rows) sb.AppendLine(Row(r));
        sb.AppendLine(Rule('└', '┴', '┘'));
        AppendCorrelations(sb, labels);
        return sb.ToString();
    }

    // The correlation matrix of the free parameters, rows labelled as in the parameter table, columns by its index.
    // Plain loops: this runs once in a short-lived process, where every lambda is code to compile first.
    private void AppendCorrelations(StringBuilder sb, IReadOnlyDictionary<string, string>? labels)
    {
        if (!HasCovariance) return;
        int count = Parameters.Count, free = 0;
        for (int i = 0; i < count; i++) if (!Parameters[i].Fixed) free++;
        if (free < 2) return;
        var names = new string[count];
        int nameWidth = 0;
        for (int i = 0; i < count; i++)
        {
            if (Parameters[i].Fixed) continue;
            string label = labels is not null && labels.TryGetValue(Parameters[i].Name, out var l) ? l : Parameters[i].Name;
            names[i] = i.ToString(CultureInfo.InvariantCulture) + " " + label;
            nameWidth = Math.Max(nameWidth, names[i].Length);
        }
        sb.AppendLine("Correlations");
        sb.Append(' ', nameWidth + 1);
        for (int j = 0; j < count; j++)
            if (!Parameters[j].Fixed) sb.Append(j.ToString(CultureInfo.InvariantCulture).PadLeft(6));
        sb.AppendLine();
        for (int i = 0; i < count; i++)
        {
            if (Parameters[i].Fixed) continue;
            sb.Append(names[i].PadRight(nameWidth + 1));
            for (int j = 0; j < count; j++)
            {
                if (Parameters[j].Fixed) continue;
                double d = Math.Sqrt(Covariance[i, i] * Covariance[j, j]);
                double r = d > 0 ? Covariance[i, j] / d : i == j ? 1 : 0;
                sb.Append(r.ToString("F2", CultureInfo.InvariantCulture).PadLeft(6));
            }
            sb.AppendLine();
        }
    }

    /// <summary>The result as JSON: values, errors, covariance (keyed by parameter name), flags, counts, timings.</summary>
    public JsonObject ToJsonObject()
    {
        var free = Parameters.Where(p => !p.Fixed).ToList();
        JsonObject Map(Func<ParameterResult, double> f)
        {
            var o = new JsonObject();
            foreach (var p in Parameters) o[p.Name] = Number(f(p));
            return o;
        }
        var cov = new JsonObject();
        for (int i = 0; i < Parameters.Count; i++)
        {
            var row = new JsonObject();
            for (int j = 0; j < Parameters.Count; j++) row[Parameters[j].Name] = Number(Covariance[i, j]);
            cov[Parameters[i].Name] = row;
        }
        JsonObject Limits()
        {
            var o = new JsonObject();
            foreach (var p in Parameters.Where(p => p.Lower is not null || p.Upper is not null))
                o[p.Name] = new JsonArray(p.Lower is { } lo ? JsonValue.Create(lo) : null, p.Upper is { } hi ? JsonValue.Create(hi) : null);
            return o;
        }
        JsonObject Correlations()
        {
            var c = Correlation;
            var o = new JsonObject();
            for (int i = 0; i < Parameters.Count; i++)
            {
                var row = new JsonObject();
                for (int j = 0; j < Parameters.Count; j++) row[Parameters[j].Name] = Number(c[i, j]);
                o[Parameters[i].Name] = row;
            }
            return o;
        }
        var minos = new JsonObject();
        foreach (var p in Parameters.Where(p => p.Minos is not null))
            minos[p.Name] = new JsonObject
            {
                ["lower"] = Number(p.Minos!.Lower), ["upper"] = Number(p.Minos.Upper),
                ["lower_valid"] = p.Minos.LowerValid, ["upper_valid"] = p.Minos.UpperValid,
                ["at_lower_limit"] = p.Minos.AtLowerLimit, ["at_upper_limit"] = p.Minos.AtUpperLimit,
                ["new_minimum"] = p.Minos.NewMinimum, ["nfcn"] = p.Minos.Nfcn,
            };
        return new JsonObject
        {
            ["valid"] = IsValid,
            ["fval"] = Number(Fval),
            ["edm"] = Number(Edm),
            ["edm_goal"] = Number(EdmGoal),
            ["errordef"] = ErrorDef,
            ["nfcn"] = Nfcn,
            ["ngrad"] = Ngrad,
            ["iterations"] = Iterations,
            ["migrad_seconds"] = MigradSeconds,
            ["hesse_seconds"] = HesseSeconds,
            ["minos_seconds"] = MinosSeconds,
            ["parameter_order"] = new JsonArray(Parameters.Select(p => (JsonNode)p.Name).ToArray()),
            ["fixed"] = new JsonArray(Parameters.Where(p => p.Fixed).Select(p => (JsonNode)p.Name).ToArray()),
            ["limits"] = Limits(),
            ["values"] = Map(p => p.Value),
            ["errors"] = Map(p => p.Error),
            ["covariance"] = cov,
            ["correlation"] = Correlations(),
            ["minos"] = minos,
            ["has_covariance"] = HasCovariance,
            ["has_accurate_covar"] = HasAccurateCovar,
            ["has_posdef_covar"] = HasPosDefCovar,
            ["has_made_posdef_covar"] = HasMadePosDefCovar,
            ["hesse_failed"] = HesseFailed,
            ["is_above_max_edm"] = IsAboveMaxEdm,
            ["has_reached_call_limit"] = HasReachedCallLimit,
            ["has_parameters_at_limit"] = HasParametersAtLimit,
            ["message"] = Message,
            ["failure"] = Failure,
            ["covariance_correction"] = CovarianceCorrection,
            ["free_parameters"] = free.Count,
        };
    }

    // JSON has no NaN: non-finite numbers are written as null.
    private static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    /// <summary>
    /// A result read back from the JSON <see cref="ToJsonObject"/> wrote (what <c>pwa fit --json</c> saves): values,
    /// errors, limits, fixed flags, covariance, the minimum's flags and counts. MINOS errors are not read back.
    /// </summary>
    /// <exception cref="FormatException">The JSON lacks parameter_order, values or errors, or is not such a result.</exception>
    public static FitResult FromJson(string json)
    {
        JsonNode root;
        try { root = JsonNode.Parse(json) ?? throw new FormatException("an empty JSON document"); }
        catch (JsonException e) { throw new FormatException(Parsing.JsonErrors.Message(e), e); }
        if (root is not JsonObject o) throw new FormatException("expected a JSON object (a fit result)");
        JsonNode Need(string key) => o[key] ?? throw new FormatException($"not a fit result: no '{key}'");
        double D(JsonNode? n) => n is null ? double.NaN : n.GetValue<double>();
        try
        {
            var order = Need("parameter_order").AsArray().Select(n => n!.GetValue<string>()).ToList();
            var values = Need("values").AsObject();
            var errors = Need("errors").AsObject();
            var fixedNames = (o["fixed"]?.AsArray() ?? []).Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            var limits = o["limits"]?.AsObject();
            var pars = order.Select(name =>
            {
                var lim = limits?[name]?.AsArray();
                double? lo = lim?[0] is { } l ? l.GetValue<double>() : null, hi = lim?[1] is { } h ? h.GetValue<double>() : null;
                return new ParameterResult(name, D(values[name] ?? throw new FormatException($"no value for '{name}'")), D(errors[name]), lo, hi, fixedNames.Contains(name), null);
            }).ToList();
            var cov = new double[order.Count, order.Count];
            if (o["covariance"] is JsonObject c)
                for (int i = 0; i < order.Count; i++)
                    for (int j = 0; j < order.Count; j++) cov[i, j] = c[order[i]]?[order[j]] is { } v ? v.GetValue<double>() : 0;
            bool B(string key) => o[key]?.GetValue<bool>() ?? false;
            return new FitResult
            {
                Parameters = pars,
                Covariance = cov,
                Fval = D(o["fval"]),
                Edm = D(o["edm"]),
                EdmGoal = D(o["edm_goal"]),
                ErrorDef = o["errordef"]?.GetValue<double>() ?? 1,
                Nfcn = o["nfcn"]?.GetValue<int>() ?? 0,
                Ngrad = o["ngrad"]?.GetValue<int>() ?? 0,
                Iterations = o["iterations"]?.GetValue<int>() ?? 0,
                MigradSeconds = o["migrad_seconds"]?.GetValue<double>() ?? 0,
                HesseSeconds = o["hesse_seconds"]?.GetValue<double>() ?? 0,
                MinosSeconds = o["minos_seconds"]?.GetValue<double>() ?? 0,
                IsValid = B("valid"),
                HasCovariance = B("has_covariance"),
                HasAccurateCovar = B("has_accurate_covar"),
                HasPosDefCovar = B("has_posdef_covar"),
                HasMadePosDefCovar = B("has_made_posdef_covar"),
                HesseFailed = B("hesse_failed"),
                IsAboveMaxEdm = B("is_above_max_edm"),
                HasReachedCallLimit = B("has_reached_call_limit"),
                HasParametersAtLimit = B("has_parameters_at_limit"),
                Message = o["message"]?.GetValue<string>(),
                Failure = o["failure"]?.GetValue<string>(),
                CovarianceCorrection = o["covariance_correction"]?.GetValue<string>(),
            };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new FormatException($"not a fit result as pwa fit --json writes it: {e.Message}", e);
        }
    }

    /// <summary>
    /// The parameters to start another fit from this result: its values, its errors as steps (the parameter's own step
    /// where the error is not a positive number), its limits and fixed flags.
    /// </summary>
    public IEnumerable<FitParameter> ToParameters(double defaultStep = 0.1) =>
        Parameters.Select(p => new FitParameter(p.Name, p.Value, p.Error > 0 && double.IsFinite(p.Error) ? p.Error : defaultStep, p.Lower, p.Upper, p.Fixed));

    /// <summary>Indented JSON text of <see cref="ToJsonObject"/>.</summary>
    public string ToJson() => ToJsonObject().ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}
