using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using PartialWave.Data;
using PartialWave.Modeling;
using PartialWave.Optimization;
using PartialWave.Symbolic;

namespace PartialWave.Estimation;

/// <summary>A fit fraction or an interference fraction with its uncertainties.</summary>
/// <param name="Name">The component ("f0(980)"), or the pair ("f0(980)|f0(1500)") for an interference fraction.</param>
/// <param name="Value">The fraction at the fitted parameters.</param>
/// <param name="Error">Propagated from the fit's covariance with the fraction's exact gradient.</param>
/// <param name="SampledError">The spread of the fraction over parameter sets drawn from the covariance, when asked for.</param>
public sealed record FractionValue(string Name, double Value, double Error, double? SampledError);

/// <summary>
/// Fit fractions FF_k = ∫I_k / ∫I and interference fractions I_kl = ∫(I_{k+l} − I_k − I_l) / ∫I over the normalisation
/// sample, I_s the intensity with every coupling outside the components s set to zero.
/// </summary>
/// <param name="Components">Each component's couplings, in table order.</param>
/// <param name="Fractions">One per component.</param>
/// <param name="Interference">One per pair of components.</param>
/// <param name="Sum">Σ FF_k (1 when the components do not interfere).</param>
/// <param name="Samples">Parameter sets drawn for the sampled errors (0: not run).</param>
/// <param name="Seconds">Wall time.</param>
public sealed record FitFractions(IReadOnlyList<FitComponent> Components, IReadOnlyList<FractionValue> Fractions,
    IReadOnlyList<FractionValue> Interference, FractionValue Sum, int Samples, double Seconds)
{
    /// <summary>How the errors were found, as printed.</summary>
    public string Method => Samples > 0
        ? $"errors: linear propagation of the fit covariance with each fraction's exact gradient; sampled: the spread over {Samples} parameter sets drawn from it"
        : "errors: linear propagation of the fit covariance with each fraction's exact gradient";

    /// <summary>The fractions as a table: fit fractions, their sum, then the interference fractions.</summary>
    public string ToTable()
    {
        var sb = new StringBuilder();
        int width = Math.Max(12, Fractions.Concat(Interference).Max(f => f.Name.Length) + 2);
        string Row(FractionValue f) => $"  {f.Name.PadRight(width)} {Percent(f.Value),10} ± {Percent(f.Error),-9}" +
            (f.SampledError is { } s ? $" (sampled ± {Percent(s)})" : "");
        sb.AppendLine($"Fit fractions over the normalisation sample ({Method}):");
        foreach (var f in Fractions) sb.AppendLine(Row(f));
        sb.AppendLine(Row(Sum with { Name = "sum" }));
        if (Interference.Count > 0)
        {
            sb.AppendLine("Interference fractions (∫(I_kl − I_k − I_l) / ∫I):");
            foreach (var f in Interference) sb.AppendLine(Row(f));
        }
        return sb.ToString();
    }

    private static string Percent(double v) => double.IsFinite(v) ? (100 * v).ToString("F3", CultureInfo.InvariantCulture) + " %" : "n/a";

    /// <summary>The JSON the CLI writes: <c>fit_fractions</c>, <c>interference_fractions</c> and how they were found.</summary>
    public void WriteTo(JsonObject json)
    {
        JsonObject Map(IEnumerable<FractionValue> values)
        {
            var o = new JsonObject();
            foreach (var f in values)
            {
                var v = new JsonObject { ["value"] = Number(f.Value), ["error"] = Number(f.Error) };
                if (f.SampledError is { } s) v["sampled_error"] = Number(s);
                o[f.Name] = v;
            }
            return o;
        }
        json["fit_fractions"] = Map(Fractions);
        json["fit_fraction_sum"] = new JsonObject { ["value"] = Number(Sum.Value), ["error"] = Number(Sum.Error) };
        json["interference_fractions"] = Map(Interference);
        json["fraction_components"] = new JsonObject(Components.Select(c => KeyValuePair.Create(c.Name, (JsonNode?)new JsonArray(c.Couplings.Select(s => (JsonNode?)s).ToArray()))));
        json["fraction_method"] = Method;
        json["fraction_samples"] = Samples;
        json["fraction_seconds"] = Seconds;
    }

    private static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
}

/// <summary>Computes <see cref="FitFractions"/> for a fitted model (see <c>Compute</c>).</summary>
public static class FitFractionCalculator
{
    /// <summary>
    /// The default components of a fit: one per complex coupling of the definition (a symbol fitted as re/im or
    /// magnitude/phase, or fixed to a complex [re, im] value), in the order the fit lists them (free ones first). Each
    /// is named after the resonance of an AmpForm coupling (<c>C_{J/\psi(1S) \to {f_{0}(980)}_{0} \gamma_{+1}; f_{0}(980)
    /// \to ...}</c> → <c>f0(980)</c>), else after its fit parameters' common label ("Re C1", "Im C1" → "C1"), else
    /// after the symbol.
    /// </summary>
    public static IReadOnlyList<FitComponent> DefaultComponents(FitDefinition definition, Expr model)
    {
        var symbols = model.FreeSymbolNames().ToHashSet(StringComparer.Ordinal);
        var order = definition.Free.Select(p => p.Symbol).Concat(definition.Fixed.Keys).Distinct().ToList();
        var couplings = order.Where(s => definition.ComplexSymbols.Contains(s) && symbols.Contains(s)).ToList();
        var names = couplings.Select(s => DisplayName(definition, s)).ToList();
        // Names must tell the components apart; where two coincide, the symbols do.
        return couplings.Select((s, i) => new FitComponent(names.Count(n => n == names[i]) > 1 ? s : names[i], [s])).ToList();
    }

    private static string DisplayName(FitDefinition definition, string symbol)
    {
        if (AmpFormResonance(symbol) is { } resonance) return resonance;
        var labels = definition.Free.Where(p => p.Symbol == symbol && p.Label != p.Name).Select(p => p.Label).ToList();
        string[] prefixes = ["Re ", "Im ", "re ", "im ", "mag ", "phase ", "arg "];
        var stems = labels.Select(l => prefixes.FirstOrDefault(l.StartsWith) is { } p ? l[p.Length..] : l).Distinct().ToList();
        return stems.Count == 1 && stems[0].Length > 0 ? stems[0] : symbol;
    }

    // AmpForm names a coupling after its decay chain, "C_{P \to {R}_{λ} ...; R \to a b}": the resonance R after the
    // last ';', with LaTeX subscripts and braces dropped (f_{0}(980) → f0(980)).
    private static string? AmpFormResonance(string symbol)
    {
        if (!symbol.StartsWith("C_{", StringComparison.Ordinal)) return null;
        int semicolon = symbol.LastIndexOf(';');
        if (semicolon < 0) return null;
        int to = symbol.IndexOf(@" \to", semicolon, StringComparison.Ordinal);
        if (to < 0) return null;
        var latex = symbol[(semicolon + 1)..to].Trim();
        var plain = latex.Replace("_{", "").Replace("^{", "").Replace("{", "").Replace("}", "").Replace("\\", "");
        return plain.Length > 0 ? plain : null;
    }

    /// <summary>
    /// Fit and interference fractions at a fit's result, with errors from its covariance (the fractions' exact
    /// gradients: one summed pass with gradient over the normalisation sample per component and pair) and optionally
    /// from <paramref name="samples"/> parameter sets drawn from it.
    /// </summary>
    /// <param name="model">The intensity the fit used.</param>
    /// <param name="definition">The fit definition (free and fixed parameters).</param>
    /// <param name="result">The fit's result (values and covariance, in the definition's free-parameter names).</param>
    /// <param name="normalisation">The normalisation (phase-space) sample, with the model's inputs.</param>
    /// <param name="components">Named sets of complex couplings; the definition's, or <see cref="DefaultComponents"/>, when null.</param>
    /// <param name="samples">Parameter sets to draw for the sampled errors (0: none).</param>
    /// <param name="options">Compiler options.</param>
    /// <param name="seed">Seed of the parameter draws.</param>
    /// <exception cref="ArgumentException">A component names a symbol that is not a complex coupling of the model, names none, or shares a coupling with another; fewer than one component.</exception>
    public static FitFractions Compute(Expr model, FitDefinition definition, FitResult result, EventSample normalisation,
        IReadOnlyList<FitComponent>? components = null, int samples = 0, LambdifyOptions? options = null, int seed = 1)
    {
        var sw = Stopwatch.StartNew();
        components ??= definition.Components.Count > 0 ? definition.Components : DefaultComponents(definition, model);
        if (components.Count == 0) throw new ArgumentException("no components: the fit has no complex couplings (name them under \"components\" in the fit definition)");
        var symbols = model.FreeSymbolNames().ToHashSet(StringComparer.Ordinal);
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, couplings) in components)
        {
            if (couplings.Count == 0) throw new ArgumentException($"component '{name}' names no coupling");
            foreach (var c in couplings)
            {
                if (!symbols.Contains(c)) throw new ArgumentException($"component '{name}': the model has no symbol '{c}'");
                if (!definition.ComplexSymbols.Contains(c))
                    throw new ArgumentException($"component '{name}': '{c}' is not a complex coupling of the fit (fit it as re/im or magnitude/phase, or fix it to [re, im])");
                if (!owner.TryAdd(c, name)) throw new ArgumentException($"'{c}' is in two components: '{owner[c]}' and '{name}'");
            }
        }
        if (samples < 0) throw new ArgumentException($"samples must be 0 or more, got {samples}");

        // Every coupling of a component is a parameter of the fraction kernel (a fixed one too, so that it can be set
        // to zero); the fit's free parameters as in the fit; everything else folded in.
        var specs = definition.ParameterSpecs().ToList();
        var fixedValues = new Dictionary<string, Complex>(definition.Fixed, StringComparer.Ordinal);
        foreach (var c in owner.Keys.Where(c => specs.All(s => s.Name != c)))
        {
            specs.Add(ParameterSpec.ComplexValued(c, fixedValues[c]));
            fixedValues.Remove(c);
        }
        var inputs = definition.KinematicVariables.Count > 0 ? definition.KinematicVariables.Where(symbols.Contains).ToList()
            : normalisation.ColumnNames.Where(symbols.Contains).ToList();
        using var function = Lambdify.Compile(model, inputs, specs, fixedValues.Where(kv => symbols.Contains(kv.Key)).ToDictionary(), options);
        var map = new ParameterMap(function, definition.Bindings());
        var fractions = Compute(function, map, result, normalisation, components, samples, seed);
        return fractions with { Seconds = sw.Elapsed.TotalSeconds };
    }

    /// <summary>
    /// Fit fractions of a compiled intensity whose component couplings are all complex parameters of the function
    /// (a precompiled model's <c>CreateFunction()</c> as <c>UnbinnedFit.Create(function, parameters, ...)</c> binds it:
    /// fixed couplings stay parameters at their values). Components default to one per complex parameter.
    /// </summary>
    /// <param name="function">The intensity, its parameters at any values (they are set from the result).</param>
    /// <param name="map">How the fit's parameters set the function's (the likelihood's <c>Map</c>).</param>
    /// <param name="result">The fit's result.</param>
    /// <param name="normalisation">The normalisation sample.</param>
    /// <param name="components">Named sets of complex parameters; one per complex parameter when null.</param>
    /// <param name="samples">Parameter sets to draw for the sampled errors (0: none).</param>
    /// <param name="seed">Seed of the draws.</param>
    /// <exception cref="ArgumentException">A component names a parameter that is not a complex parameter of the function, or shares one with another.</exception>
    public static FitFractions Compute(IParametrizedFunction function, ParameterMap map, FitResult result, EventSample normalisation,
        IReadOnlyList<FitComponent>? components = null, int samples = 0, int seed = 1)
    {
        var sw = Stopwatch.StartNew();
        var complexParameters = function.Parameters.Where(p => p.IsComplex).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        components ??= function.Parameters.Where(p => p.IsComplex).Select(p => new FitComponent(p.Name, [p.Name])).ToList();
        if (components.Count == 0) throw new ArgumentException("no components: the function has no complex parameters");
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in components)
            foreach (var coupling in c.Couplings)
            {
                if (!complexParameters.Contains(coupling)) throw new ArgumentException($"component '{c.Name}': '{coupling}' is not a complex parameter of the function");
                if (!owner.TryAdd(coupling, c.Name)) throw new ArgumentException($"'{coupling}' is in two components: '{owner[coupling]}' and '{c.Name}'");
            }
        if (samples < 0) throw new ArgumentException($"samples must be 0 or more, got {samples}");
        var names = map.ParameterNames;
        var x = names.Select(n => result.Value(n)).ToArray();
        var all = owner.Keys.ToList();
        var slotIndex = function.GradientParameters.Select((s, i) => (s, i)).ToDictionary(t => t.s, t => t.i, StringComparer.Ordinal);

        // ∫I_s (mean over the sample) and its gradient over the fit parameters, for the couplings s kept.
        (double Value, double[]? Gradient) Integral(double[] at, IReadOnlySet<string>? kept, bool gradient)
        {
            map.Apply(at);
            var saved = new List<(string, Complex)>();
            if (kept is not null)
                foreach (var c in all.Where(c => !kept.Contains(c)))
                {
                    saved.Add((c, function.Parameters.First(p => p.Name == c).Value));
                    function.SetParameter(c, Complex.Zero);
                }
            try
            {
                var s = function.Sum(normalisation, default, gradient);
                double value = s.Value / normalisation.Count;
                if (!double.IsFinite(value)) throw new InvalidOperationException($"the integral of the intensity{(kept is null ? "" : $" of {string.Join(", ", kept)}")} over the normalisation sample is {value}");
                if (!gradient) return (value, null);
                var slots = s.Gradient!.Select(g => g / normalisation.Count).ToArray();
                // I_s does not depend on the couplings it sets to zero: their slots are the kernel's, not I_s's.
                if (kept is not null)
                    foreach (var c in all.Where(c => !kept.Contains(c)))
                        foreach (var part in new[] { ".re", ".im" })
                            if (slotIndex.TryGetValue(c + part, out int k)) slots[k] = 0;
                var g = new double[at.Length];
                map.ChainGradient(at, slots, g);
                return (value, g);
            }
            finally
            {
                foreach (var (c, v) in saved) function.SetParameter(c, v);
            }
        }

        var sets = components.Select(c => (IReadOnlySet<string>)c.Couplings.ToHashSet(StringComparer.Ordinal)).ToList();
        var pairs = new List<(int A, int B)>();
        for (int a = 0; a < sets.Count; a++)
            for (int b = a + 1; b < sets.Count; b++) pairs.Add((a, b));
        var pairSets = pairs.Select(p => (IReadOnlySet<string>)sets[p.A].Union(sets[p.B]).ToHashSet(StringComparer.Ordinal)).ToList();

        // The fractions at a parameter vector: values, and with gradients their gradients.
        (double[] Ff, double[] If, double[][]? FfGrad, double[][]? IfGrad) Fractions(double[] at, bool gradient)
        {
            var total = Integral(at, null, gradient);
            var comp = sets.Select(s => Integral(at, s, gradient)).ToList();
            var pair = pairSets.Select(s => Integral(at, s, gradient)).ToList();
            double S = total.Value;
            var ff = comp.Select(c => c.Value / S).ToArray();
            var inter = pairs.Select((p, i) => (pair[i].Value - comp[p.A].Value - comp[p.B].Value) / S).ToArray();
            if (!gradient) return (ff, inter, null, null);
            // d(N/S) = (dN − (N/S) dS) / S.
            double[] Ratio(double[] dN, double ratio) => dN.Select((d, j) => (d - ratio * total.Gradient![j]) / S).ToArray();
            var ffGrad = comp.Select((c, k) => Ratio(c.Gradient!, ff[k])).ToArray();
            var ifGrad = pairs.Select((p, i) => Ratio(pair[i].Gradient!.Select((d, j) => d - comp[p.A].Gradient![j] - comp[p.B].Gradient![j]).ToArray(), inter[i])).ToArray();
            return (ff, inter, ffGrad, ifGrad);
        }

        var (ff0, if0, ffg, ifg) = Fractions(x, true);
        // The covariance in the likelihood's parameter order.
        var index = names.Select(n => result.Parameters.ToList().FindIndex(p => p.Name == n)).ToArray();
        double Propagate(double[] g)
        {
            double v = 0;
            for (int a = 0; a < g.Length; a++)
                for (int b = 0; b < g.Length; b++) v += g[a] * result.Covariance[index[a], index[b]] * g[b];
            return Math.Sqrt(Math.Max(v, 0));
        }
        var sumGrad = new double[x.Length];
        foreach (var g in ffg!) for (int j = 0; j < g.Length; j++) sumGrad[j] += g[j];

        double[]? ffSpread = null, ifSpread = null;
        double? sumSpread = null;
        if (samples > 0)
        {
            var draws = Draw(result, names, index, x, samples, seed);
            var values = draws.Select(d => Fractions(d, false)).ToList();
            double Spread(Func<(double[] Ff, double[] If, double[][]? A, double[][]? B), double> pick)
            {
                var v = values.Select(pick).ToArray();
                double mean = v.Average();
                return Math.Sqrt(v.Sum(t => (t - mean) * (t - mean)) / Math.Max(1, v.Length - 1));
            }
            ffSpread = ff0.Select((_, k) => Spread(r => r.Ff[k])).ToArray();
            ifSpread = if0.Select((_, k) => Spread(r => r.If[k])).ToArray();
            sumSpread = Spread(r => r.Ff.Sum());
        }
        var fractions = components.Select((c, k) => new FractionValue(c.Name, ff0[k], Propagate(ffg[k]), ffSpread?[k])).ToList();
        var interference = pairs.Select((p, i) => new FractionValue($"{components[p.A].Name}|{components[p.B].Name}", if0[i], Propagate(ifg![i]), ifSpread?[i])).ToList();
        var sum = new FractionValue("sum", ff0.Sum(), Propagate(sumGrad), sumSpread);
        return new FitFractions(components, fractions, interference, sum, samples, sw.Elapsed.TotalSeconds);
    }

    // Parameter sets drawn from N(x, V) over the free parameters (Cholesky of the covariance); sets outside a
    // parameter's limits are drawn again (at most 100 times the number asked for in all).
    private static List<double[]> Draw(FitResult result, IReadOnlyList<string> names, int[] index, double[] x, int count, int seed)
    {
        int n = x.Length;
        var l = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = result.Covariance[index[i], index[j]];
                for (int k = 0; k < j; k++) s -= l[i, k] * l[j, k];
                if (i == j) l[i, i] = s > 0 ? Math.Sqrt(s) : 0;
                else l[i, j] = l[j, j] > 0 ? s / l[j, j] : 0;
            }
        var limits = index.Select(i => (result.Parameters[i].Lower ?? double.NegativeInfinity, result.Parameters[i].Upper ?? double.PositiveInfinity)).ToArray();
        var rng = new Random(seed);
        var draws = new List<double[]>();
        var z = new double[n];
        for (int attempt = 0; draws.Count < count && attempt < 100 * count; attempt++)
        {
            for (int i = 0; i < n; i++)
            {
                // Box–Muller.
                double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
                z[i] = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            }
            var d = new double[n];
            bool inside = true;
            for (int i = 0; i < n; i++)
            {
                d[i] = x[i];
                for (int k = 0; k <= i; k++) d[i] += l[i, k] * z[k];
                inside &= d[i] >= limits[i].Item1 && d[i] <= limits[i].Item2;
            }
            if (inside) draws.Add(d);
        }
        if (draws.Count < count) throw new InvalidOperationException($"only {draws.Count} of {count} parameter sets drawn from the covariance fell inside the parameters' limits");
        return draws;
    }
}
