namespace PartialWave;

/// <summary>
/// A function to minimise: a cost of real parameters, optionally with its analytic gradient. Estimators
/// (likelihoods, χ²) implement it; <c>Minuit</c> minimises it.
/// </summary>
public interface IObjective
{
    /// <summary>Parameter names, in the order of the vectors passed to <see cref="Value"/>.</summary>
    IReadOnlyList<string> ParameterNames { get; }

    /// <summary>
    /// The change of the cost that defines one standard error: 1 for χ² and least squares, 0.5 for negative
    /// log-likelihoods.
    /// </summary>
    double ErrorDef { get; }

    /// <summary>True when <see cref="ValueAndGradient"/> gives an analytic gradient.</summary>
    bool HasGradient { get; }

    /// <summary>The cost at <paramref name="x"/>.</summary>
    double Value(ReadOnlySpan<double> x);

    /// <summary>The cost at <paramref name="x"/>, with ∂cost/∂xₖ written to <paramref name="gradient"/>.</summary>
    /// <exception cref="NotSupportedException">The objective has no analytic gradient.</exception>
    double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient);
}

/// <summary>
/// The cost was NaN or infinite. Minimisers never treat such a value as a number: the fit stops and reports
/// where it happened.
/// </summary>
public sealed class NonFiniteObjectiveException : Exception
{
    /// <summary>Creates the report.</summary>
    /// <param name="message">What was not finite and why (for likelihoods: how many events).</param>
    /// <param name="parameters">Parameter names and values where it happened.</param>
    public NonFiniteObjectiveException(string message, IReadOnlyList<KeyValuePair<string, double>> parameters)
        : base(message + " at " + string.Join(", ", parameters.Select(p => $"{p.Key} = {p.Value:R}")))
    {
        Reason = message;
        Parameters = parameters;
    }

    /// <summary>What was not finite.</summary>
    public string Reason { get; }

    /// <summary>The parameter values where it happened.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Parameters { get; }
}

/// <summary>An objective given as delegates (test functions, user code).</summary>
public sealed class DelegateObjective : IObjective
{
    private readonly Func<double[], double> _value;
    private readonly Func<double[], double[], double>? _gradient;

    /// <summary>Wraps a cost function.</summary>
    /// <param name="names">Parameter names.</param>
    /// <param name="value">The cost.</param>
    /// <param name="errorDef">1 for χ², 0.5 for negative log-likelihoods.</param>
    /// <param name="valueAndGradient">Optional: returns the cost and fills the gradient (second argument).</param>
    public DelegateObjective(IReadOnlyList<string> names, Func<double[], double> value, double errorDef = 1.0,
        Func<double[], double[], double>? valueAndGradient = null)
    {
        ParameterNames = names;
        _value = value;
        _gradient = valueAndGradient;
        ErrorDef = errorDef;
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> ParameterNames { get; }
    /// <inheritdoc/>
    public double ErrorDef { get; }
    /// <inheritdoc/>
    public bool HasGradient => _gradient is not null;

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x) => _value(x.ToArray());

    /// <inheritdoc/>
    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        if (_gradient is null) throw new NotSupportedException("this objective has no analytic gradient");
        var g = new double[x.Length];
        double f = _gradient(x.ToArray(), g);
        g.CopyTo(gradient);
        return f;
    }
}
