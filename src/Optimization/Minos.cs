namespace PartialWave.Optimization;

/// <summary>MINOS errors of one parameter: where the profile of the cost crosses F_min + errordef.</summary>
/// <param name="Lower">Negative error (crossing below the value), NaN when not found.</param>
/// <param name="Upper">Positive error, NaN when not found.</param>
/// <param name="LowerValid">The lower crossing was found.</param>
/// <param name="UpperValid">The upper crossing was found.</param>
/// <param name="AtLowerLimit">The lower search ran into the parameter's limit.</param>
/// <param name="AtUpperLimit">The upper search ran into the parameter's limit.</param>
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
/// MINOS (at the objective's errordef, or at another rise <c>level</c> of the cost as contours need): for each side, the parameter is fixed at trial values and the others re-minimised by MIGRAD; the
/// trial value is moved by secant steps on t(v) = √((P(v) − F_min)/up), which is linear in v for a parabolic
/// profile P, until P(v) = F_min + up within a small fraction of up; the error is then the secant's crossing through
/// the last two trials.
/// </summary>
internal static class Minos
{
    private const double CrossingTolerance = 0.01; // |P − F_min − up| below this fraction of up
    private const int MaxTrials = 12;

    public static MinosError Run(IObjective objective, IReadOnlyList<FitParameter> parameters, int index, double[] values,
        double[,] covariance, double fmin, int strategy, double tolerance, int maxCalls, double? level = null)
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
            double sigma = Math.Sqrt(Math.Max(covariance[index, index], 0));
            if (!(sigma > 0)) return (double.NaN, false, false, false, false);
            double x0 = values[index];
            double? limit = sign < 0 ? p.Lower : p.Upper;
            bool newMin = false;
            int budget = maxCalls;
            var minimiser = new ConditionalMinimiser(objective, parameters, values, covariance, strategy, tolerance, iterate: 2);
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
                // Close enough: the crossing is interpolated between the last points (as Minuit2's MnFunctionCross
                // returns its parabola's crossing), not the last trial itself, which is off by up to the tolerance.
                // The secant through two trials near the crossing; one trial alone only where it is already as close as
                // an interpolation would be (a secant through a far trial, or the minimum, is off where the profile is
                // not parabolic).
                if (Math.Abs(delta - up) < CrossingTolerance * up && (ts.Count > 2 && Math.Abs(ts[^2].T * ts[^2].T - 1) < 10 * CrossingTolerance || Math.Abs(delta - up) < 0.05 * CrossingTolerance * up)) return (secant && next * sign > 0 ? next : dTrial, true, false, false, newMin);
                if (atLimit && delta < up) return (dTrial, false, true, false, newMin);
                atLimit = false;
                if (budget <= 0) return (double.NaN, false, false, true, newMin);
                // Keep on the right side and do not jump more than a factor 3.
                if (next * sign <= 0) next = dB / 2;
                if (Math.Abs(next) > 3 * Math.Abs(dB)) next = 3 * dB;
                dTrial = next;
            }
            return (double.NaN, false, false, false, newMin);
        }
    }
}
