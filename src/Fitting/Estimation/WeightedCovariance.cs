using PartialWave.Optimization;

namespace PartialWave.Estimation;

/// <summary>How the covariance of a weighted unbinned fit is corrected.</summary>
public enum WeightCorrection
{
    /// <summary>None: the inverse Hessian of the weighted likelihood, right only when the weights are all 1 (or
    /// scaled so that Σw = Σw² and they are not correlated with the parameters).</summary>
    None,
    /// <summary>
    /// SumW2 (the "sandwich" of RooFit's SumW2Error): V′ = H⁻¹ H₂ H⁻¹, H the Hessian of the weighted likelihood, H₂
    /// that of the likelihood with squared weights. Right for efficiency weights in the large-sample limit, not for
    /// sWeights in general.
    /// </summary>
    SumW2,
    /// <summary>
    /// The asymptotically correct covariance (Langenbruch, Eur. Phys. J. C 82 (2022) 393): V′ = H⁻¹ D H⁻¹ with
    /// D = Σ wᵢ² (∂ log Pᵢ/∂θ)(∂ log Pᵢ/∂θ)ᵀ over the data, P the normalised density.
    /// </summary>
    Asymptotic,
}

/// <summary>The corrected covariance of a weighted unbinned fit (see <see cref="WeightCorrection"/>).</summary>
public static class WeightedCovariance
{
    /// <summary>The name printed and written for a correction.</summary>
    public static string Describe(WeightCorrection correction) => correction switch
    {
        WeightCorrection.SumW2 => "sumw2 (H^-1 H_w2 H^-1, the Hessian of the squared-weight likelihood in the middle)",
        WeightCorrection.Asymptotic => "asymptotic (H^-1 D H^-1, D the weighted sum of squared per-event scores; Langenbruch, EPJC 82 (2022) 393)",
        _ => "none (the inverse Hessian of the weighted likelihood)",
    };

    /// <summary>Parses a correction's name: <c>asymptotic</c>, <c>sumw2</c> or <c>none</c>.</summary>
    public static bool TryParse(string text, out WeightCorrection correction)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "asymptotic": correction = WeightCorrection.Asymptotic; return true;
            case "sumw2": correction = WeightCorrection.SumW2; return true;
            case "none": correction = WeightCorrection.None; return true;
            default: correction = WeightCorrection.None; return false;
        }
    }

    /// <summary>
    /// The result with its covariance and parabolic errors replaced by the corrected ones, and
    /// <see cref="FitResult.CovarianceCorrection"/> saying which; MINOS errors, where run, are the weighted
    /// likelihood's own and are kept as they are.
    /// </summary>
    /// <param name="result">A weighted fit's result with a covariance (after HESSE).</param>
    /// <param name="likelihood">The weighted likelihood the fit minimised.</param>
    /// <param name="correction">Which correction.</param>
    /// <exception cref="InvalidOperationException">The result has no covariance, or the corrected one cannot be formed.</exception>
    public static FitResult Correct(FitResult result, UnbinnedNll likelihood, WeightCorrection correction)
    {
        if (correction == WeightCorrection.None) return result with { CovarianceCorrection = "none" };
        if (!result.HasCovariance) throw new InvalidOperationException("the fit has no covariance to correct (run HESSE)");
        var names = likelihood.ParameterNames;
        var free = result.Parameters.Select((p, i) => (p, i)).Where(t => !t.p.Fixed).Select(t => t.i).ToArray();
        // The likelihood's own parameter order (the objective's may carry constraints around it).
        var x = names.Select(n => result.Value(n)).ToArray();
        var position = free.Select(i => names.ToList().IndexOf(result.Parameters[i].Name)).ToArray();
        int k = free.Length;
        // H⁻¹ from the fit's covariance: V = 2 up H⁻¹.
        double scale = 2 * result.ErrorDef;
        var hinv = new double[k, k];
        for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++) hinv[a, b] = result.Covariance[free[a], free[b]] / scale;
        double[,] middle;
        if (correction == WeightCorrection.Asymptotic)
        {
            var d = likelihood.WeightedScoreProduct(x);
            middle = new double[k, k];
            for (int a = 0; a < k; a++)
                for (int b = 0; b < k; b++) middle[a, b] = d[position[a], position[b]];
        }
        else middle = Hessian(likelihood.WithSquaredWeights(), x, position, free.Select(i => result.Parameters[i].Error).ToArray());
        var corrected = Sandwich(hinv, middle);
        var covariance = new double[result.Parameters.Count, result.Parameters.Count];
        for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++)
            {
                double v = scale * corrected[a, b];
                if (!double.IsFinite(v)) throw new InvalidOperationException($"the {correction} covariance is not finite");
                covariance[free[a], free[b]] = v;
            }
        var parameters = result.Parameters.Select((p, i) => p.Fixed ? p : p with { Error = Math.Sqrt(Math.Max(covariance[i, i], 0)) }).ToList();
        return result with
        {
            Covariance = covariance,
            Parameters = parameters,
            CovarianceCorrection = correction == WeightCorrection.SumW2 ? "sumw2" : "asymptotic",
        };
    }

    // A B A for symmetric A and B.
    private static double[,] Sandwich(double[,] a, double[,] b)
    {
        int n = a.GetLength(0);
        var ab = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int l = 0; l < n; l++) ab[i, j] += a[i, l] * b[l, j];
        var r = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int l = 0; l < n; l++) r[i, j] += ab[i, l] * a[l, j];
        return r;
    }

    // The Hessian over the free parameters (at positions in the objective's order) by central differences of the
    // gradient (analytic where there is one, else of the value), with steps of a hundredth of the errors.
    private static double[,] Hessian(IObjective objective, double[] x, int[] position, double[] errors)
    {
        int k = position.Length, n = x.Length;
        var h = new double[k, k];
        var steps = errors.Select((e, a) => e > 0 && double.IsFinite(e) ? 0.01 * e : 1e-4 * Math.Max(1, Math.Abs(x[position[a]]))).ToArray();
        if (objective.HasGradient)
        {
            var gp = new double[n];
            var gm = new double[n];
            for (int b = 0; b < k; b++)
            {
                var xp = (double[])x.Clone();
                var xm = (double[])x.Clone();
                xp[position[b]] += steps[b];
                xm[position[b]] -= steps[b];
                objective.ValueAndGradient(xp, gp);
                objective.ValueAndGradient(xm, gm);
                for (int a = 0; a < k; a++) h[a, b] = (gp[position[a]] - gm[position[a]]) / (2 * steps[b]);
            }
        }
        else
        {
            double At(int a, double da, int b, double db)
            {
                var y = (double[])x.Clone();
                y[position[a]] += da;
                y[position[b]] += db;
                return objective.Value(y);
            }
            for (int a = 0; a < k; a++)
                for (int b = 0; b < k; b++)
                {
                    double ha = steps[a], hb = steps[b];
                    h[a, b] = (At(a, ha, b, hb) - At(a, ha, b, -hb) - At(a, -ha, b, hb) + At(a, -ha, b, -hb)) / (4 * ha * hb);
                }
        }
        for (int a = 0; a < k; a++)
            for (int b = 0; b < a; b++) h[a, b] = h[b, a] = 0.5 * (h[a, b] + h[b, a]);
        return h;
    }
}
