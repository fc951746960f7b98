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

/// <summary>
/// Minimisations with some parameters fixed away from the best fit, as MINOS, profiles and contours run them one after
/// another along a path. Each starts the other parameters where the covariance says the conditional minimum lies,
/// extrapolated from the last conditional minimum found (x̂ₒ + C_of C_ff⁻¹ (v − x̂_f), with x̂ that point): near the
/// best fit this is the linear regression on the fixed ones, and far out, where the regression from the best fit
/// can land outside where the cost is defined, it is a short step from a solved neighbour. A start that fails is
/// retried from the prediction from the best fit, then from the best fit itself.
/// </summary>
internal sealed class ConditionalMinimiser(IObjective objective, IReadOnlyList<FitParameter> parameters, double[] best, double[,] covariance,
    int strategy, double tolerance, int iterate = 5)
{
    private readonly double[] _best = best;
    private double[] _from = best;

    /// <summary>Cost calls used so far.</summary>
    public int Calls { get; private set; }

    /// <summary>The minimum with <paramref name="fixes"/> held; its failure where every start failed.</summary>
    public FitResult Minimise(params (int Index, double Value)[] fixes)
    {
        FitResult? result = null;
        foreach (var (from, predict) in new[] { (_from, true), (_best, true), (_best, false) })
        {
            if (result is not null && from == _from && predict) continue;
            var m = new Minuit(objective, Start(from, fixes, predict)) { Strategy = strategy, Tolerance = tolerance };
            result = m.Migrad(iterate);
            Calls += result.Nfcn;
            if (result.Failure is null) break;
        }
        if (result!.Failure is null) _from = result.Parameters.Select(p => p.Value).ToArray();
        return result;
    }

    /// <summary>
    /// The parameters with each of <paramref name="fixes"/> fixed at its value, the others started at
    /// <paramref name="from"/> shifted by the covariance's regression on the fixed ones' change (where
    /// <paramref name="predict"/>), inside their limits, with their errors as steps.
    /// </summary>
    private List<FitParameter> Start(double[] from, IReadOnlyList<(int Index, double Value)> fixes, bool predict)
    {
        int k = fixes.Count;
        var cff = new double[k, k];
        for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++) cff[a, b] = covariance[fixes[a].Index, fixes[b].Index];
        // C_ff⁻¹ (v − x_f), or no shift where the block cannot be inverted.
        var shift = new double[k];
        if (predict && LinearAlgebra.Invert(cff) is { } inverse)
            for (int a = 0; a < k; a++)
                for (int b = 0; b < k; b++) shift[a] += inverse[a, b] * (fixes[b].Value - from[fixes[b].Index]);
        return parameters.Select((q, j) =>
        {
            int f = -1;
            for (int a = 0; a < k; a++) if (fixes[a].Index == j) f = a;
            if (f >= 0) return q with { Value = fixes[f].Value, Fixed = true, Lower = null, Upper = null };
            double start = from[j];
            if (!q.Fixed) for (int a = 0; a < k; a++) start += covariance[j, fixes[a].Index] * shift[a];
            if (q.Lower is { } lo) start = Math.Max(start, lo);
            if (q.Upper is { } hi) start = Math.Min(start, hi);
            double step = Math.Sqrt(Math.Max(covariance[j, j], 0));
            return q with { Value = start, Step = step > 0 ? step : q.Step };
        }).ToList();
    }
}
