namespace PartialWave.Optimization;

/// <summary>One point of a likelihood profile or scan.</summary>
/// <param name="Value">The parameter's value there.</param>
/// <param name="Fval">The cost there: minimised over the other free parameters (a profile) or with them at the best fit (a scan).</param>
/// <param name="Valid">The minimisation there ended in a valid minimum (always true for a scan).</param>
public sealed record ProfilePoint(double Value, double Fval, bool Valid);

/// <summary>A profile (iminuit's <c>mnprofile</c>) or a plain scan (<c>profile</c>) of one parameter.</summary>
/// <param name="Parameter">The parameter.</param>
/// <param name="Minimised">True for a profile (the others minimised at each point), false for a scan.</param>
/// <param name="Fmin">The cost at the best fit it was taken around.</param>
/// <param name="Points">The points, in increasing value.</param>
/// <param name="Nfcn">Cost calls used.</param>
/// <param name="Seconds">Wall-clock time taken.</param>
public sealed record ProfileResult(string Parameter, bool Minimised, double Fmin, IReadOnlyList<ProfilePoint> Points, int Nfcn, double Seconds);

/// <summary>Starts for minimisations with one parameter moved off the best fit and fixed, shared by MINOS and profiles.</summary>
internal static class Conditional
{
    /// <summary>
    /// The parameters with <paramref name="index"/> fixed at its best-fit value plus <paramref name="d"/>, the others
    /// started where the covariance says the minimum moves to (the linear regression on the fixed one), inside their
    /// limits, with their errors as steps.
    /// </summary>
    public static List<FitParameter> Fixed(IReadOnlyList<FitParameter> parameters, int index, double[] values, double[,] covariance, double d) =>
        parameters.Select((q, j) =>
        {
            double start = values[j];
            if (j == index) return q with { Value = values[index] + d, Fixed = true, Lower = null, Upper = null };
            if (!q.Fixed && covariance[index, index] > 0) start += covariance[j, index] / covariance[index, index] * d;
            if (q.Lower is { } lo) start = Math.Max(start, lo);
            if (q.Upper is { } hi) start = Math.Min(start, hi);
            double step = Math.Sqrt(Math.Max(covariance[j, j], 0));
            return q with { Value = start, Step = step > 0 ? step : q.Step };
        }).ToList();
}
