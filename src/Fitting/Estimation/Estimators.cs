using System.Numerics;
using PartialWave.Backends.Reference;
using PartialWave.Data;
using PartialWave.Optimization;
using PartialWave.Symbolic;
using PartialWave.Modeling;

namespace PartialWave.Estimation;

/// <summary>Shared plumbing of the estimators: the parameter map, call counting, reports of bad values.</summary>
public abstract class Estimator : IObjective
{
    /// <summary>Sets up the parameter map of <paramref name="function"/>.</summary>
    protected Estimator(IParametrizedFunction function, ParameterMap? map)
    {
        Function = function;
        Map = map ?? ParameterMap.All(function);
    }

    /// <summary>The compiled model.</summary>
    public IParametrizedFunction Function { get; }
    /// <summary>Fit parameters → model parameters.</summary>
    public ParameterMap Map { get; }
    /// <summary>When false, minimisers see no analytic gradient (and differentiate numerically, as iminuit does).</summary>
    public bool UseAnalyticGradient { get; set; } = true;

    /// <inheritdoc/>
    public IReadOnlyList<string> ParameterNames => Map.ParameterNames;
    /// <inheritdoc/>
    public abstract double ErrorDef { get; }
    /// <inheritdoc/>
    public bool HasGradient => UseAnalyticGradient && Function.IsGradientSupported;

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x)
    {
        Map.Apply(x);
        return Compute(x, null);
    }

    /// <inheritdoc/>
    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        if (!Function.IsGradientSupported) throw new NotSupportedException("the model is complex-valued: no gradient of the estimator");
        Map.Apply(x);
        var slots = new double[Function.GradientParameters.Count];
        double f = Compute(x, slots);
        Map.ChainGradient(x, slots, gradient);
        return f;
    }

    /// <summary>The estimator's value at the function's current parameters; fills <paramref name="slotGradient"/> when given.</summary>
    protected abstract double Compute(ReadOnlySpan<double> x, double[]? slotGradient);

    /// <summary>Counts events where the model is not a positive finite number and reports them.</summary>
    protected NonFiniteObjectiveException BadIntensity(ReadOnlySpan<double> x, EventSample sample, string sampleName, bool mustBePositive)
    {
        var v = new double[sample.Count];
        var im = Function.IsComplexValued ? new double[sample.Count] : default;
        Function.Evaluate(sample, v, im);
        int bad = 0, first = -1;
        for (int i = 0; i < v.Length; i++)
            if (!double.IsFinite(v[i]) || mustBePositive && v[i] <= 0)
            {
                bad++;
                if (first < 0) first = i;
            }
        string what = mustBePositive ? "not a positive finite number" : "not finite";
        string message = bad > 0
            ? $"the model is {what} at {bad} of {sample.Count} {sampleName} events (first: event {first}, value {v[first]:R})"
            : $"the {sampleName} sum is not finite";
        return new NonFiniteObjectiveException(message, Map.Named(x));
    }

    /// <summary>Σ wᵢ (or the count when unweighted).</summary>
    protected static double Total(double[]? weights, int count) => weights is null ? count : weights.Sum();

    /// <summary>Checks a weight array against a sample.</summary>
    protected static double[]? CheckWeights(double[]? weights, EventSample sample, string what)
    {
        if (weights is null) return null;
        if (weights.Length != sample.Count) throw new ArgumentException($"{weights.Length} {what} weights for {sample.Count} events");
        if (weights.Any(w => !double.IsFinite(w))) throw new ArgumentException($"the {what} weights contain a non-finite value");
        return weights;
    }
}

/// <summary>
/// The unbinned negative log-likelihood with a Monte-Carlo normalisation:
/// NLL = −Σ_data wᵢ log I(xᵢ) + (Σ_data wᵢ) · log( Σ_mc w′ⱼ I(yⱼ) / Σ_mc w′ⱼ ). Errordef ½. Value and gradient come
/// from fused reducing kernels: no per-event value or derivative is stored.
/// </summary>
public sealed class UnbinnedNll : Estimator
{
    private readonly EventSample _data, _mc;
    private readonly double[]? _wData, _wMc;
    private readonly double _sumData, _sumMc;

    /// <summary>Sets up the likelihood.</summary>
    /// <param name="intensity">The compiled model (real-valued, positive on data).</param>
    /// <param name="data">The data events.</param>
    /// <param name="normalisation">Events flat in phase space (or generated and accepted through the detector).</param>
    /// <param name="map">Fit parameters (all real degrees of freedom when null).</param>
    /// <param name="dataWeights">Optional per-event weights of the data (sWeights, say).</param>
    /// <param name="normalisationWeights">Optional per-event weights of the normalisation sample.</param>
    /// <param name="cacheNormalisation">
    /// When every fit parameter is a part of a complex coupling and the intensity is a Hermitian form in those
    /// couplings (|Σ C_k A_k|² sums), keep the normalisation as a K × K matrix (see <see cref="CoupledNormalisation"/>):
    /// a step then never passes over the normalisation sample.
    /// </param>
    public UnbinnedNll(IParametrizedFunction intensity, EventSample data, EventSample normalisation, ParameterMap? map = null,
        double[]? dataWeights = null, double[]? normalisationWeights = null, bool cacheNormalisation = true) : base(intensity, map)
    {
        if (intensity.IsComplexValued) throw new ArgumentException("the intensity must be real-valued (an |amplitude|² sum)");
        if (data.Count == 0) throw new ArgumentException("the data sample is empty");
        if (normalisation.Count == 0) throw new ArgumentException("the normalisation sample is empty");
        _data = data;
        _mc = normalisation;
        _wData = CheckWeights(dataWeights, data, "data");
        _wMc = CheckWeights(normalisationWeights, normalisation, "normalisation");
        _sumData = Total(_wData, data.Count);
        _sumMc = Total(_wMc, normalisation.Count);
        if (!(_sumMc > 0)) throw new ArgumentException("the normalisation weights sum to zero or less");
        if (cacheNormalisation) TryCacheNormalisation();
        else NormalisationMode = "full sum per call (caching off)";
    }

    private CoupledNormalisation? _coupled;
    private int[] _couplingIndex = [];
    private (int Re, int Im)[] _couplingSlots = [];
    private (int Index, Complex Value)[] _frozen = [];

    /// <summary>How the normalisation is computed: a cached coupling matrix, or a full sum per call (and why).</summary>
    public string NormalisationMode { get; private set; } = "";

    private void TryCacheNormalisation()
    {
        var parameters = Function.Parameters;
        if (Map.Bindings.Any(b => b.Part == ParameterPart.Value))
        {
            NormalisationMode = "full sum per call (real parameters are free, not only couplings)";
            return;
        }
        var couplings = Map.Bindings.Select(b => b.Symbol).Distinct().ToList();
        _coupled = CoupledNormalisation.TryCreate(Function, _mc, _wMc, couplings, out var reason);
        if (_coupled is null)
        {
            NormalisationMode = $"full sum per call ({reason})";
            return;
        }
        var names = parameters.Select(p => p.Name).ToList();
        var slots = Function.GradientParameters.ToList();
        _couplingIndex = couplings.Select(c => names.IndexOf(c)).ToArray();
        _couplingSlots = couplings.Select(c => (slots.IndexOf(c + ".re"), slots.IndexOf(c + ".im"))).ToArray();
        _frozen = parameters.Select((p, i) => (i, p.Value)).Where(t => !couplings.Contains(parameters[t.i].Name)).ToArray();
        NormalisationMode = $"cached {couplings.Count + 1}x{couplings.Count + 1} coupling matrix";
    }

    // The cache holds for the values the other parameters had when it was built; if one was changed on the
    // function since, it is built again.
    private CoupledNormalisation? Coupled()
    {
        if (_coupled is null) return null;
        foreach (var (i, v) in _frozen)
            if (Function.Parameters[i].Value != v)
            {
                TryCacheNormalisation();
                break;
            }
        return _coupled;
    }

    /// <inheritdoc/>
    public override double ErrorDef => 0.5;

    /// <inheritdoc/>
    protected override double Compute(ReadOnlySpan<double> x, double[]? slotGradient)
    {
        bool g = slotGradient is not null;
        var logs = Function.SumLog(_data, _wData, g);
        if (!double.IsFinite(logs.Value)) throw BadIntensity(x, _data, "data", mustBePositive: true);
        var norm = Coupled() is { } cached ? CachedSum(cached, g) : Function.Sum(_mc, _wMc, g);
        if (!(norm.Value > 0) || !double.IsFinite(norm.Value)) throw BadIntensity(x, _mc, "normalisation", mustBePositive: false);
        if (g)
            for (int k = 0; k < slotGradient!.Length; k++)
                slotGradient[k] = -logs.Gradient![k] + _sumData * norm.Gradient![k] / norm.Value;
        return -logs.Value + _sumData * Math.Log(norm.Value / _sumMc);
    }

    /// <summary>The data weights, or null for an unweighted fit.</summary>
    public IReadOnlyList<double>? DataWeights => _wData;

    /// <summary>
    /// The same likelihood with every data weight squared: its Hessian is the middle of the SumW2 ("sandwich")
    /// covariance of a weighted fit.
    /// </summary>
    /// <exception cref="InvalidOperationException">The fit is not weighted.</exception>
    public UnbinnedNll WithSquaredWeights() =>
        new(Function, _data, _mc, Map, (_wData ?? throw new InvalidOperationException("the fit has no data weights")).Select(w => w * w).ToArray(),
            _wMc, cacheNormalisation: _coupled is not null) { UseAnalyticGradient = UseAnalyticGradient };

    /// <summary>
    /// D = Σ_data wᵢ² sᵢ sᵢᵀ with sᵢ = ∂ log P(xᵢ)/∂θ, P = I / N the normalised density (N the normalisation sum),
    /// over the fit parameters at <paramref name="x"/>: the middle of the asymptotically correct covariance of a
    /// weighted fit (Langenbruch, Eur. Phys. J. C 82 (2022) 393). Evaluated in chunks of events, with the model's
    /// per-event derivatives.
    /// </summary>
    public double[,] WeightedScoreProduct(ReadOnlySpan<double> x)
    {
        if (!Function.IsGradientSupported) throw new NotSupportedException("the model has no derivatives: the asymptotic covariance needs them");
        Map.Apply(x);
        int slots = Function.GradientParameters.Count, n = x.Length;
        var norm = Function.Sum(_mc, _wMc, withGradient: true);
        // The map from slot derivatives to fit-parameter derivatives is linear at x: its columns, once.
        var jacobian = new double[slots][];
        var unit = new double[slots];
        for (int k = 0; k < slots; k++)
        {
            unit[k] = 1;
            jacobian[k] = new double[n];
            Map.ChainGradient(x, unit, jacobian[k]);
            unit[k] = 0;
        }
        var normScore = new double[n];
        for (int k = 0; k < slots; k++)
            for (int a = 0; a < n; a++) normScore[a] += jacobian[k][a] * norm.Gradient![k] / norm.Value;
        var d = new double[n, n];
        const int chunk = 1 << 16;
        var s = new double[n];
        for (int start = 0; start < _data.Count; start += chunk)
        {
            int count = Math.Min(chunk, _data.Count - start);
            var part = _data.Slice(start, count);
            var values = new double[count];
            var grads = Enumerable.Range(0, slots).Select(_ => new double[count]).ToArray();
            Function.EvaluateWithGradient(part, values, grads);
            for (int i = 0; i < count; i++)
            {
                double w = _wData is null ? 1 : _wData[start + i];
                for (int a = 0; a < n; a++) s[a] = -normScore[a];
                for (int k = 0; k < slots; k++)
                {
                    double dk = grads[k][i] / values[i];
                    if (dk == 0) continue;
                    for (int a = 0; a < n; a++) s[a] += jacobian[k][a] * dk;
                }
                for (int a = 0; a < n; a++)
                    for (int b = 0; b < n; b++) d[a, b] += w * w * s[a] * s[b];
            }
        }
        return d;
    }

    private SampleSum CachedSum(CoupledNormalisation cached, bool withGradient)
    {
        int k = _couplingIndex.Length;
        var c = new Complex[k];
        for (int j = 0; j < k; j++) c[j] = Function.Parameters[_couplingIndex[j]].Value;
        double value = cached.Value(c);
        if (!withGradient) return new SampleSum(value, null);
        var dRe = new double[k];
        var dIm = new double[k];
        cached.Gradient(c, dRe, dIm);
        var slots = new double[Function.GradientParameters.Count];
        for (int j = 0; j < k; j++)
        {
            slots[_couplingSlots[j].Re] = dRe[j];
            slots[_couplingSlots[j].Im] = dIm[j];
        }
        return new SampleSum(value, slots);
    }
}

/// <summary>
/// The extended unbinned negative log-likelihood NLL = N(p) − Σ_data wᵢ log I(xᵢ), where I is a density of
/// counts and N = ∫I its expected total: an expression of the parameters (analytic normalisation, a yield sum)
/// or a Monte-Carlo estimate volume · mean_mc I. Errordef ½.
/// </summary>
public sealed class ExtendedUnbinnedNll : Estimator
{
    private readonly EventSample _data;
    private readonly double[]? _wData;
    private readonly ReferenceFunction? _yield;
    private readonly EventSample? _mc;
    private readonly double[]? _wMc;
    private readonly double _volumeOverMc;
    private static readonly EventSample OnePoint = new([new KeyValuePair<string, double[]>("#point", [0.0])]);

    /// <summary>Extended likelihood with an analytic expected total.</summary>
    /// <param name="intensity">Density of counts (real-valued, positive on data).</param>
    /// <param name="data">Data events.</param>
    /// <param name="expectedTotal">∫I as an expression of the model's parameters (for I = ns·S + nb·B with normalised S, B: ns + nb).</param>
    /// <param name="map">Fit parameters.</param>
    /// <param name="dataWeights">Optional data weights.</param>
    public ExtendedUnbinnedNll(IParametrizedFunction intensity, EventSample data, Expr expectedTotal, ParameterMap? map = null,
        double[]? dataWeights = null) : base(intensity, map)
    {
        if (intensity.IsComplexValued) throw new ArgumentException("the intensity must be real-valued");
        _data = data;
        _wData = CheckWeights(dataWeights, data, "data");
        var known = intensity.Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var unknown = expectedTotal.FreeSymbolNames().Where(n => !known.Contains(n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"the expected total uses symbol(s) that are not model parameters: {string.Join(", ", unknown)}");
        _yield = new ReferenceFunction(expectedTotal, [], intensity.Parameters);
    }

    /// <summary>Extended likelihood with a Monte-Carlo expected total: volume · (Σ w′ I) / (Σ w′).</summary>
    public ExtendedUnbinnedNll(IParametrizedFunction intensity, EventSample data, EventSample normalisation, double volume,
        ParameterMap? map = null, double[]? dataWeights = null, double[]? normalisationWeights = null) : base(intensity, map)
    {
        if (intensity.IsComplexValued) throw new ArgumentException("the intensity must be real-valued");
        if (!(volume > 0)) throw new ArgumentException($"the phase-space volume must be positive, got {volume}");
        _data = data;
        _wData = CheckWeights(dataWeights, data, "data");
        _mc = normalisation;
        _wMc = CheckWeights(normalisationWeights, normalisation, "normalisation");
        _volumeOverMc = volume / Total(_wMc, normalisation.Count);
    }

    /// <inheritdoc/>
    public override double ErrorDef => 0.5;

    /// <inheritdoc/>
    protected override double Compute(ReadOnlySpan<double> x, double[]? slotGradient)
    {
        bool g = slotGradient is not null;
        var logs = Function.SumLog(_data, _wData, g);
        if (!double.IsFinite(logs.Value)) throw BadIntensity(x, _data, "data", mustBePositive: true);
        double total;
        double[]? totalGradient = null;
        if (_yield is not null)
        {
            foreach (var p in Function.Parameters) _yield.SetParameter(p.Name, p.Value);
            var v = new double[1];
            if (g)
            {
                var grads = Function.GradientParameters.Select(_ => new double[1]).ToArray();
                _yield.EvaluateWithGradient(OnePoint, v, grads);
                totalGradient = grads.Select(a => a[0]).ToArray();
            }
            else _yield.Evaluate(OnePoint, v);
            total = v[0];
        }
        else
        {
            var s = Function.Sum(_mc!, _wMc, g);
            total = _volumeOverMc * s.Value;
            totalGradient = s.Gradient?.Select(d => _volumeOverMc * d).ToArray();
        }
        if (!double.IsFinite(total)) throw new NonFiniteObjectiveException($"the expected total is {total}", Map.Named(x));
        if (g)
            for (int k = 0; k < slotGradient!.Length; k++) slotGradient[k] = totalGradient![k] - logs.Gradient![k];
        return total - logs.Value;
    }
}

/// <summary>
/// χ² of binned data: Σ ((yᵢ − f(xᵢ)) / σᵢ)² over bins whose centres (or other coordinates) are the events of a
/// sample. Errordef 1.
/// </summary>
public sealed class ChiSquared : Estimator
{
    private readonly EventSample _bins;
    private readonly double[] _y, _inverseSigma;

    /// <summary>Sets up the χ².</summary>
    /// <param name="model">Expected content per bin (real-valued).</param>
    /// <param name="bins">One event per bin with the model's inputs.</param>
    /// <param name="observed">Observed contents.</param>
    /// <param name="errors">Their uncertainties (positive).</param>
    /// <param name="map">Fit parameters.</param>
    public ChiSquared(IParametrizedFunction model, EventSample bins, double[] observed, double[] errors, ParameterMap? map = null)
        : base(model, map)
    {
        if (model.IsComplexValued) throw new ArgumentException("the model must be real-valued");
        if (observed.Length != bins.Count || errors.Length != bins.Count)
            throw new ArgumentException($"{bins.Count} bins but {observed.Length} contents and {errors.Length} errors");
        int bad = Array.FindIndex(errors, e => !(e > 0) || !double.IsFinite(e));
        if (bad >= 0) throw new ArgumentException($"bin {bad}: the error must be positive and finite, got {errors[bad]}");
        _bins = bins;
        _y = observed;
        _inverseSigma = errors.Select(e => 1.0 / e).ToArray();
    }

    /// <inheritdoc/>
    public override double ErrorDef => 1.0;

    /// <inheritdoc/>
    protected override double Compute(ReadOnlySpan<double> x, double[]? slotGradient)
    {
        int n = _bins.Count;
        var f = new double[n];
        double[][]? grads = null;
        if (slotGradient is not null)
        {
            grads = Function.GradientParameters.Select(_ => new double[n]).ToArray();
            Function.EvaluateWithGradient(_bins, f, grads);
        }
        else Function.Evaluate(_bins, f);
        double chi2 = 0;
        if (slotGradient is not null) Array.Clear(slotGradient);
        for (int i = 0; i < n; i++)
        {
            double r = (_y[i] - f[i]) * _inverseSigma[i];
            chi2 += r * r;
            if (grads is not null)
                for (int k = 0; k < grads.Length; k++) slotGradient![k] -= 2 * r * _inverseSigma[i] * grads[k][i];
        }
        if (!double.IsFinite(chi2)) throw BadIntensity(x, _bins, "bin", mustBePositive: false);
        return chi2;
    }
}
