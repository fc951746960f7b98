namespace PartialWave.Optimization;

/// <summary>
/// A parameter of a fit as the user sets it up: start value, initial step (Minuit's "error"), optional limits,
/// fixed or free.
/// </summary>
/// <param name="Name">Name (as the objective lists it).</param>
/// <param name="Value">Start value.</param>
/// <param name="Step">Initial step: a rough guess of the uncertainty. Must be positive for a free parameter.</param>
/// <param name="Lower">Lower limit, or null.</param>
/// <param name="Upper">Upper limit, or null.</param>
/// <param name="Fixed">True to keep the parameter at its value.</param>
public sealed record FitParameter(string Name, double Value, double Step, double? Lower = null, double? Upper = null, bool Fixed = false)
{
    /// <summary>True when the parameter has a lower or an upper limit.</summary>
    public bool HasLimits => Lower is not null || Upper is not null;

    /// <summary>Checks the definition; throws with a message naming the parameter.</summary>
    public void Validate()
    {
        if (!double.IsFinite(Value)) throw new ArgumentException($"parameter '{Name}': the start value {Value} is not finite");
        if (!Fixed && !(Step > 0 && double.IsFinite(Step))) throw new ArgumentException($"parameter '{Name}': the step must be positive and finite, got {Step}");
        if (Lower is { } lo && Upper is { } hi && !(lo < hi))
            throw new ArgumentException($"parameter '{Name}': the lower limit {lo} is not below the upper limit {hi}");
        if (Lower is { } l && Value < l) throw new ArgumentException($"parameter '{Name}': the start value {Value} is below the lower limit {l}");
        if (Upper is { } u && Value > u) throw new ArgumentException($"parameter '{Name}': the start value {Value} is above the upper limit {u}");
    }
}

/// <summary>
/// Minuit's mapping between the external (user) value of a bounded parameter and the unbounded internal value
/// the minimiser moves: ext = a + (b−a)(sin θ + 1)/2 for two limits, ext = a − 1 + √(θ² + 1) for a lower limit,
/// ext = b + 1 − √(θ² + 1) for an upper limit, the identity otherwise.
/// </summary>
internal static class ParameterTransform
{
    public static double ToExternal(FitParameter p, double x)
    {
        switch (p.Lower, p.Upper)
        {
            case ({ } a, { } b): return a + 0.5 * (b - a) * (Math.Sin(x) + 1.0);
            case ({ } a, null): return a - 1.0 + Math.Sqrt(x * x + 1.0);
            case (null, { } b): return b + 1.0 - Math.Sqrt(x * x + 1.0);
            default: return x;
        }
    }

    public static double ToInternal(FitParameter p, double value)
    {
        switch (p.Lower, p.Upper)
        {
            case ({ } a, { } b):
            {
                double limit = Math.PI / 2 - 8.0 * Precision.Eps2;
                double y = 2.0 * (value - a) / (b - a) - 1.0;
                if (y * y > 1.0 - Precision.Eps2) return y < 0 ? -limit : limit;
                return Math.Asin(y);
            }
            case ({ } a, null):
            {
                double y = value - a + 1.0;
                return y * y < 1.0 ? 0.0 : Math.Sqrt(y * y - 1.0);
            }
            case (null, { } b):
            {
                double y = b - value + 1.0;
                return y * y < 1.0 ? 0.0 : Math.Sqrt(y * y - 1.0);
            }
            default: return value;
        }
    }

    /// <summary>d ext / d int at internal value <paramref name="x"/>.</summary>
    public static double Derivative(FitParameter p, double x) => (p.Lower, p.Upper) switch
    {
        ({ } a, { } b) => 0.5 * (b - a) * Math.Cos(x),
        ({ }, null) => x / Math.Sqrt(x * x + 1.0),
        (null, { }) => -x / Math.Sqrt(x * x + 1.0),
        _ => 1.0,
    };

    /// <summary>An internal error turned into an external one the way Minuit reports it for bounded parameters.</summary>
    public static double ErrorToExternal(FitParameter p, double x, double error)
    {
        if (!p.HasLimits) return error;
        double u = ToExternal(p, x);
        double du1 = ToExternal(p, x + error) - u;
        double du2 = ToExternal(p, x - error) - u;
        if (p.Lower is { } a && p.Upper is { } b && error > 1.0) du1 = b - a;
        return 0.5 * (Math.Abs(du1) + Math.Abs(du2));
    }
}

/// <summary>Minuit's machine precision constants for doubles.</summary>
internal static class Precision
{
    /// <summary>Eight times the smallest ε with 1 + ε ≠ 1 in round-to-nearest (2⁻⁵³).</summary>
    public const double Eps = 8.0 * 1.1102230246251565e-16;
    /// <summary>2√Eps: the relative precision of a function value that finite differences can use.</summary>
    public static readonly double Eps2 = 2.0 * Math.Sqrt(Eps);
}
