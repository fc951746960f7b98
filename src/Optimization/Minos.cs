namespace PartialWave.Optimization;

/// <summary>MINOS errors of one parameter: where the profile of the cost crosses F_min + errordef.</summary>
/// <param name="Lower">Negative error (crossing below the value), NaN when not found.</param>
/// <param name="Upper">Positive error, NaN when not found.</param>
/// <param name="LowerValid">The lower crossing was found, or the limit was reached before it (see <paramref name="AtLowerLimit"/>).</param>
/// <param name="UpperValid">The upper crossing was found, or the limit was reached before it.</param>
/// <param name="AtLowerLimit">The lower search ran into the parameter's limit before the cost rose by errordef: the
/// lower error is then the distance to the limit (as in Minuit2).</param>
/// <param name="AtUpperLimit">The upper search ran into the parameter's limit: the upper error is the distance to it.</param>
/// <param name="LowerMaxFcn">The lower search ran out of calls.</param>
/// <param name="UpperMaxFcn">The upper search ran out of calls.</param>
/// <param name="NewMinimum">A lower minimum than the fit's was found on the way (the fit was not at its minimum).</param>
/// <param name="Nfcn">Calls used.</param>
public sealed record MinosError(double Lower, double Upper, bool LowerValid, bool UpperValid, bool AtLowerLimit, bool AtUpperLimit,
    bool LowerMaxFcn, bool UpperMaxFcn, bool NewMinimum, int Nfcn)
{
    /// <summary>Both crossings were found.</summary>
    public bool IsValid => LowerValid && UpperValid;
}

/// <summary>
/// MINOS (at the objective's errordef, or at another rise <c>level</c> of the cost as contours need): for each side, the parameter is fixed at trial values and the others re-minimised by MIGRAD (one strategy lower, as Minuit2's MnFunctionCross does); the
/// trial value is moved by secant steps on t(v) = √((P(v) − F_min)/up), which is linear in v for a parabolic
/// profile P, until P(v) = F_min + up within a small fraction of up; the error is then the secant's crossing through
/// the last two trials.
/// </summary>
internal static class Minos
{
    private const double CrossingTolerance = 0.01; // |P − F_min − up| below this fraction of up
    private const int MaxTrials = 12;

    private static bool Plateau((double D, double T) a, (double D, double T) b) =>
        b.T < 1 && Math.Abs(b.D) >= 2 * Math.Abs(a.D) && b.T - a.T < 0.1 * (1 - a.T);

    public static MinosError Run(IObjective objective, IReadOnlyList<FitParameter> parameters, int index, double[] values,
        double[,] covariance, double[] errors, double fmin, int strategy, double tolerance, int maxCalls, double? level = null)
    {
        int calls = 0;
        var lower = Side(-1);
        var upper = Side(+1);
        return new MinosError(lower.Error, upper.Error, lower.Valid, upper.Valid, lower.AtLimit, upper.AtLimit,
            lower.MaxFcn, upper.MaxFcn, lower.NewMin || upper.NewMin, calls);

        (double Error, bool Valid, bool AtLimit, bool MaxFcn, bool NewMin) Side(int sign)
        {
            var p = parameters[index];
            double up = level ?? objective.ErrorDef;
            // The parabolic error as Minuit reports it (through the limits' transformation, not its derivative, which
            // vanishes for a parameter on a limit).
            double sigma = errors[index];
            if (!(sigma > 0)) return (double.NaN, false, false, false, false);
            double x0 = values[index];
            double? limit = sign < 0 ? p.Lower : p.Upper;
            bool newMin = false;
            int budget = maxCalls;
            var minimiser = new ConditionalMinimiser(objective, parameters, values, covariance, Math.Max(0, strategy - 1), tolerance, iterate: 2);
            // Profile at offset d (signed) from the minimum.
            (double Delta, bool Ok) Profile(double d)
            {
                int before = minimiser.Calls;
                var r = minimiser.Minimise((index, x0 + d));
                calls += minimiser.Calls - before;
                budget -= minimiser.Calls - before;
                if (r.Failure is not null) return (double.NaN, false);
                double delta = r.Fval - fmin;
                if (delta < -0.01 * up) newMin = true;
                return (delta, true);
            }

            var ts = new List<(double D, double T)> { (0, 0) };
            // The first trial where the parabola of the covariance crosses the level.
            double dTrial = sign * sigma * Math.Sqrt(up / objective.ErrorDef);
            bool atLimit = false;
            for (int trial = 0; trial < MaxTrials; trial++)
            {
                if (limit is { } l && (sign > 0 ? x0 + dTrial >= l : x0 + dTrial <= l))
                {
                    dTrial = l - x0;
                    atLimit = true;
                }
                var (delta, ok) = Profile(dTrial);
                if (!ok) return (double.NaN, false, atLimit, false, newMin);
                double t = Math.Sqrt(Math.Max(delta, 0) / up);
                ts.Add((dTrial, t));
                // Secant on t(d) = 1 through the two most recent points.
                var (dA, tA) = ts[^2];
                var (dB, tB) = ts[^1];
                bool secant = tB != tA && Math.Abs(tB - tA) > 1e-12;
                double next = secant ? dB + (1 - tB) * (dB - dA) / (tB - tA) : dB * 2;
                // Close enough: the crossing is interpolated, not the last trial taken (it is off by up to the tolerance).
                // Through two trials near the crossing, a secant; through the minimum and one trial, the parabola in d
                // that also has the slope 1/σ at the minimum (t = d/σ + b d²), which a profile that is not parabolic
                // bends away from.
                if (Math.Abs(delta - up) < CrossingTolerance * up)
                {
                    if (ts.Count > 2 && Math.Abs(ts[^2].T * ts[^2].T - 1) < 10 * CrossingTolerance)
                        return (secant && next * sign > 0 ? next : dTrial, true, false, false, newMin);
                    if (ts.Count == 2)
                    {
                        double slope = sign / (sigma * Math.Sqrt(up / objective.ErrorDef));
                        double b = (t - slope * dTrial) / (dTrial * dTrial);
                        // The root of b d² + slope d − 1 = 0 on this side, in the form that does not cancel for small b.
                        double disc = slope * slope + 4 * b;
                        double d = disc >= 0 ? 2 / (slope + sign * Math.Sqrt(disc)) : double.NaN;
                        if (d * sign > 0 && Math.Abs(d - dTrial) < 0.1 * Math.Abs(dTrial)) return (d, true, false, false, newMin);
                    }
                }
                // As Minuit2: a profile that stays below the level up to the limit gives the distance to the limit as the
                // error, valid and flagged as at the limit.
                if (atLimit && delta < up) return (dTrial, true, true, false, newMin);
                atLimit = false;
                if (budget <= 0) return (double.NaN, false, false, true, newMin);
                // A profile that levels off below the level: doubling the distance or more closed less than a tenth of
                // the gap that was left. There is no crossing to find (MIGRAD would climb a plateau for ever).
                if (ts.Count >= 4 && Plateau(ts[^2], ts[^1])) return (double.NaN, false, false, false, newMin);
                // Keep on the right side and do not jump more than a factor 3.
                if (next * sign <= 0) next = dB / 2;
                if (Math.Abs(next) > 3 * Math.Abs(dB)) next = 3 * dB;
                dTrial = next;
            }
            return (double.NaN, false, false, false, newMin);
        }
    }
}
