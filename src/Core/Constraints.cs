namespace PartialWave;

/// <summary>
/// External knowledge of a parameter as a Gaussian: a measurement <paramref name="Mean"/> ± <paramref name="Sigma"/>
/// (iminuit's <c>cost.NormalConstraint</c>).
/// </summary>
/// <param name="Parameter">The parameter's name in the objective.</param>
/// <param name="Mean">The measured value.</param>
/// <param name="Sigma">Its standard deviation (positive).</param>
public sealed record GaussianConstraint(string Parameter, double Mean, double Sigma);

/// <summary>
/// An objective with Gaussian penalty terms: cost + errordef · Σ ((p − mean) / sigma)², so that a constraint moves the
/// cost by errordef at one sigma whatever the cost's scale (0.5 for a negative log-likelihood, 1 for a χ²): the
/// penalty is the constraint's own negative log-likelihood (or χ²). The analytic gradient, where the cost has one,
/// gets the penalty's derivatives added.
/// </summary>
public sealed class ConstrainedObjective : IObjective
{
    private readonly IObjective _inner;
    private readonly (int Index, double Mean, double Sigma)[] _terms;

    /// <summary>Adds the constraints to a cost.</summary>
    /// <exception cref="ArgumentException">A constraint names no parameter of the cost, names one twice, or has a sigma that is not a positive number.</exception>
    public ConstrainedObjective(IObjective inner, IEnumerable<GaussianConstraint> constraints)
    {
        _inner = inner;
        Constraints = constraints.ToList();
        var names = inner.ParameterNames.ToList();
        var terms = new List<(int, double, double)>();
        foreach (var c in Constraints)
        {
            int index = names.IndexOf(c.Parameter);
            if (index < 0) throw new ArgumentException($"constraint on '{c.Parameter}': no such parameter (parameters: {string.Join(", ", names)})");
            if (terms.Any(t => t.Item1 == index)) throw new ArgumentException($"'{c.Parameter}' is constrained twice");
            if (!(c.Sigma > 0 && double.IsFinite(c.Sigma))) throw new ArgumentException($"constraint on '{c.Parameter}': sigma must be a positive number, got {c.Sigma}");
            if (!double.IsFinite(c.Mean)) throw new ArgumentException($"constraint on '{c.Parameter}': the mean must be a finite number, got {c.Mean}");
            terms.Add((index, c.Mean, c.Sigma));
        }
        _terms = [.. terms];
    }

    /// <summary>The constraints.</summary>
    public IReadOnlyList<GaussianConstraint> Constraints { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> ParameterNames => _inner.ParameterNames;
    /// <inheritdoc/>
    public double ErrorDef => _inner.ErrorDef;
    /// <inheritdoc/>
    public bool HasGradient => _inner.HasGradient;

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x) => _inner.Value(x) + Penalty(x);

    /// <inheritdoc/>
    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        double f = _inner.ValueAndGradient(x, gradient);
        foreach (var (i, mean, sigma) in _terms) gradient[i] += 2 * ErrorDef * (x[i] - mean) / (sigma * sigma);
        return f + Penalty(x);
    }

    private double Penalty(ReadOnlySpan<double> x)
    {
        double sum = 0;
        foreach (var (i, mean, sigma) in _terms)
        {
            double z = (x[i] - mean) / sigma;
            sum += z * z;
        }
        return ErrorDef * sum;
    }
}
