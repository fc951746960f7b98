using PartialWave.Data;
using PartialWave.Modeling;
using PartialWave.Optimization;

namespace PartialWave.Estimation;

/// <summary>
/// A histogram of events in one or more variables: bin edges per variable and the contents of every bin (row-major,
/// the last variable fastest). Bins are [low, high), the last bin of each variable also holds its upper edge, as
/// NumPy's histograms do.
/// </summary>
public sealed class Histogram
{
    /// <summary>A histogram from its edges and contents.</summary>
    /// <exception cref="ArgumentException">Edges not strictly increasing or fewer than two, or contents of the wrong number or not finite and non-negative.</exception>
    public Histogram(IReadOnlyList<string> variables, IReadOnlyList<double[]> edges, double[] counts)
    {
        if (variables.Count == 0 || variables.Count != edges.Count) throw new ArgumentException($"{variables.Count} variable(s) but {edges.Count} edge list(s)");
        for (int d = 0; d < edges.Count; d++)
        {
            var e = edges[d];
            if (e.Length < 2) throw new ArgumentException($"variable '{variables[d]}': a histogram needs at least two edges, got {e.Length}");
            for (int i = 0; i < e.Length; i++)
                if (!double.IsFinite(e[i]) || i > 0 && !(e[i] > e[i - 1]))
                    throw new ArgumentException($"variable '{variables[d]}': the edges must be finite and increasing (edge {i} is {e[i]})");
        }
        int bins = edges.Aggregate(1, (n, e) => checked(n * (e.Length - 1)));
        if (counts.Length != bins) throw new ArgumentException($"{bins} bins but {counts.Length} contents");
        int bad = Array.FindIndex(counts, c => !(c >= 0) || !double.IsFinite(c));
        if (bad >= 0) throw new ArgumentException($"bin {bad}: the content must be a finite number, at least 0, got {counts[bad]}");
        Variables = variables;
        Edges = edges;
        Counts = counts;
    }

    /// <summary>The variables, in the order of <see cref="Edges"/>.</summary>
    public IReadOnlyList<string> Variables { get; }
    /// <summary>The bin edges of each variable.</summary>
    public IReadOnlyList<double[]> Edges { get; }
    /// <summary>The contents, row-major (the last variable fastest).</summary>
    public double[] Counts { get; }
    /// <summary>The number of bins.</summary>
    public int BinCount => Counts.Length;

    /// <summary>Evenly spaced edges: <paramref name="bins"/> bins from <paramref name="low"/> to <paramref name="high"/>.</summary>
    public static double[] UniformEdges(double low, double high, int bins)
    {
        if (bins < 1) throw new ArgumentException($"a histogram needs at least one bin, got {bins}");
        if (!(high > low)) throw new ArgumentException($"the range must have high > low, got [{low}, {high}]");
        return Enumerable.Range(0, bins + 1).Select(i => i == bins ? high : low + (high - low) * i / bins).ToArray();
    }

    /// <summary>The bin of a point (one coordinate per variable), or −1 outside the histogram.</summary>
    public int BinOf(ReadOnlySpan<double> point)
    {
        int index = 0;
        for (int d = 0; d < Edges.Count; d++)
        {
            var e = Edges[d];
            double v = point[d];
            if (!(v >= e[0] && v <= e[^1])) return -1;
            int i = Array.BinarySearch(e, v);
            i = i >= 0 ? Math.Min(i, e.Length - 2) : ~i - 1;
            index = index * (e.Length - 1) + i;
        }
        return index;
    }

    /// <summary>Fills a histogram from events (with optional weights); events outside it are not counted.</summary>
    /// <exception cref="ArgumentException">A variable is not a column of the events, or the weights do not fit.</exception>
    public static Histogram Fill(EventSample events, IReadOnlyList<string> variables, IReadOnlyList<double[]> edges, double[]? weights = null)
    {
        var empty = new Histogram(variables, edges, new double[edges.Aggregate(1, (n, e) => n * (e.Length - 1))]);
        if (weights is not null && weights.Length != events.Count) throw new ArgumentException($"{weights.Length} weights for {events.Count} events");
        foreach (var (bin, i) in empty.Bins(events)) empty.Counts[bin] += weights?[i] ?? 1;
        return empty;
    }

    /// <summary>The bin of each event inside the histogram, with the event's index.</summary>
    internal IEnumerable<(int Bin, int Event)> Bins(EventSample events)
    {
        var missing = Variables.Where(v => !events.Contains(v)).ToList();
        if (missing.Count > 0) throw new ArgumentException($"the events have no column(s) {string.Join(", ", missing)} (they have {string.Join(", ", events.ColumnNames)})");
        var columns = Variables.Select(v => events[v].ToArray()).ToArray();
        var point = new double[Variables.Count];
        for (int i = 0; i < events.Count; i++)
        {
            for (int d = 0; d < point.Length; d++) point[d] = columns[d][i];
            int b = BinOf(point);
            if (b >= 0) yield return (b, i);
        }
    }
}

/// <summary>
/// Binned Poisson likelihoods, as iminuit's <c>BinnedNLL</c> and <c>ExtendedBinnedNLL</c>: the cost is the Poisson
/// deviance 2 Σ_b [μ_b − n_b + n_b ln(n_b / μ_b)] (errordef 1), and the model is integrated over each bin, not
/// evaluated at its centre. Extended: μ_b = ∫_b I, the model a density of counts. Not extended: μ_b = N ∫_b I / Σ_b′ ∫_b′ I
/// with N the histogram's total, the model's shape within the histogram's range. The integrals are sums over points
/// with weights: Gauss–Legendre nodes in every bin (<see cref="Quadrature"/>) or the events of a normalisation sample
/// (<see cref="Sample"/>, as the unbinned likelihood normalises).
/// </summary>
public sealed class BinnedNll : Estimator
{
    private readonly Histogram _histogram;
    private readonly EventSample _points;
    private readonly double[] _pointWeights;
    private readonly int[] _pointBins;
    private readonly double _total;

    private BinnedNll(IParametrizedFunction model, Histogram histogram, EventSample points, double[] pointWeights, int[] pointBins, bool extended, ParameterMap? map)
        : base(model, map)
    {
        if (model.IsComplexValued) throw new ArgumentException("the model must be real-valued (an intensity)");
        _histogram = histogram;
        _points = points;
        _pointWeights = pointWeights;
        _pointBins = pointBins;
        Extended = extended;
        _total = histogram.Counts.Sum();
        var covered = new bool[histogram.BinCount];
        foreach (var b in pointBins) covered[b] = true;
        int empty = Array.FindIndex(covered, c => !c);
        if (empty >= 0) throw new ArgumentException($"bin {empty} of the histogram has no integration points (the normalisation sample does not reach it)");
    }

    /// <summary>True for the extended likelihood (the model gives the counts), false for the shape only.</summary>
    public bool Extended { get; }

    /// <summary>The histogram fitted.</summary>
    public Histogram Histogram => _histogram;

    /// <inheritdoc/>
    public override double ErrorDef => 1.0;

    /// <summary>
    /// Integrates the model over each bin by Gauss–Legendre quadrature with <paramref name="nodes"/> nodes per variable
    /// and bin (exact for polynomials of degree 2·nodes − 1). The model's inputs must be the histogram's variables.
    /// </summary>
    public static BinnedNll Quadrature(IParametrizedFunction model, Histogram histogram, bool extended, int nodes = 5, ParameterMap? map = null)
    {
        if (nodes < 1 || nodes > 64) throw new ArgumentException($"nodes per bin must be 1 to 64, got {nodes}");
        var inputs = model.Inputs.ToHashSet(StringComparer.Ordinal);
        if (!inputs.SetEquals(histogram.Variables))
            throw new ArgumentException($"quadrature needs the model's inputs ({string.Join(", ", model.Inputs)}) to be the histogram's variables ({string.Join(", ", histogram.Variables)}); integrate over a normalisation sample instead");
        var (x, w) = GaussLegendre.Nodes(nodes);
        int dims = histogram.Variables.Count;
        var columns = Enumerable.Range(0, dims).Select(_ => new List<double>()).ToArray();
        var weights = new List<double>();
        var bins = new List<int>();
        var counts = histogram.Edges.Select(e => e.Length - 1).ToArray();
        var cell = new int[dims];
        var node = new int[dims];
        for (int b = 0; b < histogram.BinCount; b++)
        {
            // The bin's indices per variable (the last fastest).
            int rest = b;
            for (int d = dims - 1; d >= 0; d--) { cell[d] = rest % counts[d]; rest /= counts[d]; }
            Array.Clear(node);
            while (true)
            {
                double weight = 1;
                for (int d = 0; d < dims; d++)
                {
                    double lo = histogram.Edges[d][cell[d]], hi = histogram.Edges[d][cell[d] + 1];
                    double half = 0.5 * (hi - lo);
                    columns[d].Add(lo + half * (1 + x[node[d]]));
                    weight *= half * w[node[d]];
                }
                weights.Add(weight);
                bins.Add(b);
                int k = dims - 1;
                while (k >= 0 && ++node[k] == nodes) node[k--] = 0;
                if (k < 0) break;
            }
        }
        var sample = new EventSample(histogram.Variables.Select((v, d) => new KeyValuePair<string, double[]>(v, columns[d].ToArray())));
        return new BinnedNll(model, histogram, sample, weights.ToArray(), bins.ToArray(), extended, map);
    }

    /// <summary>
    /// Integrates the model over each bin with a normalisation sample (events flat in the model's variables, or
    /// generated through the detector): ∫_b I ≈ volume · Σ_{j in b} w′ⱼ I(yⱼ) / Σ_j w′ⱼ, the sum in the denominator over the
    /// whole sample. The sample may have more variables than the histogram (a projection is fitted).
    /// </summary>
    /// <param name="model">The intensity (a density of counts for the extended likelihood).</param>
    /// <param name="histogram">The data.</param>
    /// <param name="normalisation">Events with the model's inputs and the histogram's variables.</param>
    /// <param name="extended">Extended (the model gives the counts) or the shape only.</param>
    /// <param name="volume">The volume the sample covers (for the extended likelihood; it cancels otherwise).</param>
    /// <param name="weights">Optional weights of the sample's events.</param>
    /// <param name="map">Fit parameters (all real degrees of freedom when null).</param>
    public static BinnedNll Sample(IParametrizedFunction model, Histogram histogram, EventSample normalisation, bool extended, double volume = 1,
        double[]? weights = null, ParameterMap? map = null)
    {
        if (!(volume > 0) || !double.IsFinite(volume)) throw new ArgumentException($"the volume must be a positive number, got {volume}");
        weights = CheckWeights(weights, normalisation, "normalisation");
        double sum = Total(weights, normalisation.Count);
        if (!(sum > 0)) throw new ArgumentException("the normalisation sample is empty or its weights sum to zero or less");
        var inside = histogram.Bins(normalisation).ToList();
        var index = inside.Select(t => t.Event).ToArray();
        var columns = model.Inputs.Union(histogram.Variables).Select(v =>
        {
            if (!normalisation.Contains(v)) throw new ArgumentException($"the normalisation sample has no column '{v}'");
            var all = normalisation[v].ToArray();
            return new KeyValuePair<string, double[]>(v, index.Select(i => all[i]).ToArray());
        }).ToList();
        var pointWeights = index.Select(i => volume * (weights?[i] ?? 1) / sum).ToArray();
        return new BinnedNll(model, histogram, new EventSample(columns), pointWeights, inside.Select(t => t.Bin).ToArray(), extended, map);
    }

    /// <summary>The expected contents μ_b at fit parameters <paramref name="x"/>.</summary>
    public double[] Expected(ReadOnlySpan<double> x)
    {
        Map.Apply(x);
        var (integrals, _) = Integrals(false);
        if (Extended) return integrals;
        double s = integrals.Sum();
        return integrals.Select(i => _total * i / s).ToArray();
    }

    // ∫_b I per bin, and (with gradient) ∂/∂slot of each.
    private (double[] Values, double[][]? Gradients) Integrals(bool withGradient)
    {
        int n = _points.Count, bins = _histogram.BinCount;
        var values = new double[n];
        double[][]? grads = null;
        if (withGradient)
        {
            grads = Function.GradientParameters.Select(_ => new double[n]).ToArray();
            Function.EvaluateWithGradient(_points, values, grads);
        }
        else Function.Evaluate(_points, values);
        var integral = new double[bins];
        for (int j = 0; j < n; j++) integral[_pointBins[j]] += _pointWeights[j] * values[j];
        double[][]? dIntegral = null;
        if (grads is not null)
        {
            dIntegral = grads.Select(_ => new double[bins]).ToArray();
            for (int k = 0; k < grads.Length; k++)
                for (int j = 0; j < n; j++) dIntegral[k][_pointBins[j]] += _pointWeights[j] * grads[k][j];
        }
        return (integral, dIntegral);
    }

    /// <inheritdoc/>
    protected override double Compute(ReadOnlySpan<double> x, double[]? slotGradient)
    {
        var (integral, dIntegral) = Integrals(slotGradient is not null);
        var counts = _histogram.Counts;
        int bins = counts.Length;
        double s = Extended ? 1 : integral.Sum();
        double scale = Extended ? 1 : _total / s;
        double cost = 0;
        var dCost = new double[bins];
        for (int b = 0; b < bins; b++)
        {
            double mu = scale * integral[b];
            double n = counts[b];
            if (!double.IsFinite(mu) || mu < 0 || mu == 0 && n > 0)
                throw new NonFiniteObjectiveException($"the model's expected content of bin {b} is {mu} (observed {n}): a Poisson likelihood needs it positive and finite", Map.Named(x));
            cost += 2 * (mu - n + (n > 0 ? n * Math.Log(n / mu) : 0));
            dCost[b] = 2 * (1 - (n > 0 ? n / mu : 0));
        }
        if (!double.IsFinite(cost)) throw new NonFiniteObjectiveException($"the binned likelihood is {cost}", Map.Named(x));
        if (slotGradient is not null)
        {
            // Extended: ∂C = Σ_b C'_b ∂I_b. Shape only: μ_b = N I_b / S, so ∂C = (N/S) [Σ_b C'_b ∂I_b − (Σ_b C'_b I_b) ∂S / S].
            double weighted = 0;
            if (!Extended) for (int b = 0; b < bins; b++) weighted += dCost[b] * integral[b];
            for (int k = 0; k < slotGradient.Length; k++)
            {
                var di = dIntegral![k];
                double direct = 0, dS = 0;
                for (int b = 0; b < bins; b++)
                {
                    direct += dCost[b] * di[b];
                    dS += di[b];
                }
                slotGradient[k] = Extended ? direct : scale * (direct - weighted * dS / s);
            }
        }
        return cost;
    }
}

/// <summary>Gauss–Legendre nodes and weights on [−1, 1], found by Newton's method on the Legendre polynomial.</summary>
internal static class GaussLegendre
{
    public static (double[] Nodes, double[] Weights) Nodes(int n)
    {
        var x = new double[n];
        var w = new double[n];
        for (int i = 0; i < (n + 1) / 2; i++)
        {
            // Start near the i-th root (Tricomi's estimate), then Newton.
            double z = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            double dp = 0;
            for (int iteration = 0; iteration < 100; iteration++)
            {
                // P_n(z) and P_n'(z) by the three-term recurrence.
                double p0 = 1, p1 = z;
                for (int k = 2; k <= n; k++) (p0, p1) = (p1, ((2 * k - 1) * z * p1 - (k - 1) * p0) / k);
                double pn = n == 1 ? z : p1, pm = n == 1 ? 1 : p0;
                dp = n * (z * pn - pm) / (z * z - 1);
                double step = pn / dp;
                z -= step;
                if (Math.Abs(step) < 1e-16) break;
            }
            {
                double p0 = 1, p1 = z;
                for (int k = 2; k <= n; k++) (p0, p1) = (p1, ((2 * k - 1) * z * p1 - (k - 1) * p0) / k);
                double pn = n == 1 ? z : p1, pm = n == 1 ? 1 : p0;
                dp = n * (z * pn - pm) / (z * z - 1);
            }
            x[i] = -z;
            x[n - 1 - i] = z;
            w[i] = w[n - 1 - i] = 2 / ((1 - z * z) * dp * dp);
        }
        return (x, w);
    }
}
