using System.Diagnostics;
using PartialWave.Data;
using PartialWave.Modeling;
using PartialWave.Optimization;
using PartialWave.Symbolic;

namespace PartialWave.Estimation;

/// <summary>
/// An unbinned maximum-likelihood fit of an intensity model to data with a phase-space normalisation sample,
/// set up from a <see cref="FitDefinition"/>: compiles the model (free symbols as parameters, fixed values
/// folded in), builds the <see cref="UnbinnedNll"/> and a <see cref="Minuit"/> with the definition's settings.
/// </summary>
public sealed class UnbinnedFit : IDisposable
{
    private readonly bool _ownsFunction;

    private UnbinnedFit(IParametrizedFunction function, UnbinnedNll nll, Minuit minuit, double compileSeconds, bool ownsFunction = false)
    {
        _ownsFunction = ownsFunction;
        Function = function;
        Likelihood = nll;
        Minuit = minuit;
        CompileSeconds = compileSeconds;
    }

    /// <summary>The compiled intensity.</summary>
    public IParametrizedFunction Function { get; }
    /// <summary>The likelihood.</summary>
    public UnbinnedNll Likelihood { get; }
    /// <summary>The minimiser, ready for MIGRAD.</summary>
    public Minuit Minuit { get; }
    /// <summary>Seconds spent compiling the model.</summary>
    public double CompileSeconds { get; }

    /// <summary>Sets up the fit.</summary>
    /// <param name="model">Intensity expression.</param>
    /// <param name="definition">Free and fixed parameters, minimiser settings.</param>
    /// <param name="data">Data events.</param>
    /// <param name="phsp">Normalisation events.</param>
    /// <param name="options">Compiler options (CPU backend by default).</param>
    /// <param name="dataWeights">
    /// Per-event weights of the data (sWeights, efficiency weights), or null. A weighted fit's HESSE covariance is
    /// the weighted likelihood's; correct it with <see cref="CorrectCovariance"/>.
    /// </param>
    /// <exception cref="ArgumentException">Parameters and model symbols do not match (the message lists which), or the weights do not fit the data.</exception>
    public static UnbinnedFit Create(Expr model, FitDefinition definition, EventSample data, EventSample phsp, LambdifyOptions? options = null,
        double[]? dataWeights = null)
    {
        var sw = Stopwatch.StartNew();
        var symbols = model.FreeSymbolNames().ToHashSet(StringComparer.Ordinal);
        var strangers = definition.KinematicVariables.Where(v => !symbols.Contains(v)).ToList();
        if (strangers.Count > 0)
            throw new ArgumentException($"kinematic variable(s) the model does not have: {string.Join(", ", strangers)}");
        var inputs = definition.KinematicVariables.Count > 0
            ? definition.KinematicVariables.Where(symbols.Contains).ToList()
            : data.ColumnNames.Where(symbols.Contains).ToList();
        var missingColumns = inputs.Where(i => !data.Contains(i) || !phsp.Contains(i)).ToList();
        if (missingColumns.Count > 0)
            throw new ArgumentException($"the data or phase-space sample has no column(s) {string.Join(", ", missingColumns)}");
        var specs = definition.ParameterSpecs();
        var notInModel = specs.Where(s => !symbols.Contains(s.Name)).Select(s => s.Name)
            .Concat(definition.Fixed.Keys.Where(k => !symbols.Contains(k))).ToList();
        if (notInModel.Count > 0)
            throw new ArgumentException($"the fit names symbol(s) the model does not have: {string.Join(", ", notInModel)}");
        var function = Lambdify.Compile(model, inputs, specs, definition.Fixed, options);
        try
        {
            var map = new ParameterMap(function, definition.Bindings());
            var nll = new UnbinnedNll(function, data, phsp, map, dataWeights);
            IObjective objective = definition.ErrorDef == nll.ErrorDef ? nll : new WithErrorDef(nll, definition.ErrorDef);
            if (definition.Constraints.Count > 0) objective = new ConstrainedObjective(objective, definition.Constraints);
            var minuit = new Minuit(objective, definition.FitParameters()) { Strategy = definition.Strategy, Tolerance = definition.Tolerance };
            return new UnbinnedFit(function, nll, minuit, sw.Elapsed.TotalSeconds, ownsFunction: true);
        }
        catch
        {
            function.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sets up the fit of a compiled model (a precompiled model class's function, say) with the model's own parameter
    /// declarations: real parameters keep their limits; a complex coupling c = r e^{iφ} is fitted as magnitude
    /// <c>NAME.mag</c> (at least 0) and phase <c>NAME.phase</c>; fixed parameters stay at their values.
    /// </summary>
    /// <param name="function">The compiled intensity (real-valued).</param>
    /// <param name="parameters">The model's parameters (defaults, limits, fixed).</param>
    /// <param name="data">Data events.</param>
    /// <param name="phsp">Normalisation events.</param>
    /// <param name="start">Start values by parameter name (defaults where absent).</param>
    /// <exception cref="ArgumentException">A parameter is not one of the function's, or a start value is outside its limits.</exception>
    public static UnbinnedFit Create(IParametrizedFunction function, IReadOnlyList<ModelParameter> parameters, EventSample data, EventSample phsp,
        IReadOnlyDictionary<string, System.Numerics.Complex>? start = null)
    {
        var bindings = new List<ParameterBinding>();
        var fitParameters = new List<FitParameter>();
        foreach (var p in parameters)
        {
            var value = start is not null && start.TryGetValue(p.Name, out var s) ? s : p.Default;
            function.SetParameter(p.Name, value);
            if (p.IsFixed) continue;
            if (!p.IsComplex)
            {
                bindings.Add(new ParameterBinding(p.Name, p.Name, ParameterPart.Value));
                fitParameters.Add(new FitParameter(p.Name, value.Real, StepFor(value.Real, p.Lower, p.Upper), p.Lower, p.Upper));
                continue;
            }
            bindings.Add(new ParameterBinding(p.Name + ".mag", p.Name, ParameterPart.Magnitude));
            bindings.Add(new ParameterBinding(p.Name + ".phase", p.Name, ParameterPart.Phase));
            fitParameters.Add(new FitParameter(p.Name + ".mag", value.Magnitude, Math.Max(0.1 * value.Magnitude, 0.01), Lower: 0));
            fitParameters.Add(new FitParameter(p.Name + ".phase", value.Phase, 0.1));
        }
        foreach (var f in fitParameters) f.Validate();
        var map = new ParameterMap(function, bindings);
        var nll = new UnbinnedNll(function, data, phsp, map);
        return new UnbinnedFit(function, nll, new Minuit(nll, fitParameters), 0);
    }

    /// <summary>
    /// The result of this fit with its covariance and parabolic errors corrected for the data weights (see
    /// <see cref="WeightCorrection"/>); an unweighted fit's result comes back as it is.
    /// </summary>
    public FitResult CorrectCovariance(FitResult result, WeightCorrection correction = WeightCorrection.Asymptotic) =>
        Likelihood.DataWeights is null ? result : WeightedCovariance.Correct(result, Likelihood, correction);

    // Minuit's first steps: a tenth of the value, or of the allowed range where that is smaller.
    private static double StepFor(double value, double? lower, double? upper)
    {
        double step = Math.Abs(value) > 0 ? 0.1 * Math.Abs(value) : 0.1;
        if (lower is { } lo && upper is { } hi) step = Math.Min(step, 0.1 * (hi - lo));
        return step;
    }

    /// <summary>Releases the compiled function when this fit compiled it (one passed in stays the caller's).</summary>
    public void Dispose()
    {
        if (_ownsFunction) Function.Dispose();
    }

    // The likelihood with the error definition the fit definition asks for (errordef other than 0.5).
    private sealed class WithErrorDef(IObjective inner, double errorDef) : IObjective
    {
        public IReadOnlyList<string> ParameterNames => inner.ParameterNames;
        public double ErrorDef => errorDef;
        public bool HasGradient => inner.HasGradient;
        public double Value(ReadOnlySpan<double> x) => inner.Value(x);
        public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient) => inner.ValueAndGradient(x, gradient);
    }
}
