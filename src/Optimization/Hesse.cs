using static PartialWave.Optimization.LinearAlgebra;

namespace PartialWave.Optimization;

/// <summary>
/// HESSE as Minuit2 computes it: diagonal second derivatives by central differences with steps tuned until the
/// sagitta is well above rounding, a refined first derivative (strategy ≥ 1), off-diagonal elements from one
/// extra call each, then the matrix forced positive definite if needed and inverted.
/// </summary>
internal sealed class Hesse
{
    private readonly InternalFunction _f;
    private readonly Strategy _strategy;

    public Hesse(InternalFunction f, Strategy strategy)
    {
        _f = f; _strategy = strategy;
    }

    /// <summary>Second derivatives at <paramref name="state"/>'s point.</summary>
    /// <param name="state">The point, its gradient and step estimates.</param>
    /// <param name="maxCalls">Call budget (0: Minuit's default 200 + 100n + 5n²).</param>
    public MinimumState Run(MinimumState state, int maxCalls)
    {
        int n = state.X.Length;
        if (n == 0) return new MinimumState(state.X, state.F, state.Gradient, new double[0, 0], 0, ErrorStatus.Available, 0, _f.Calls);
        if (maxCalls == 0) maxCalls = 200 + 100 * n + 5 * n * n;
        if (_f.HasGradient) return FromGradient(state);
        int start = _f.Calls;
        var x = (double[])state.X.Clone();
        double amin = _f.Value(x);
        double aimsag = Math.Sqrt(Precision.Eps2) * (Math.Abs(amin) + _f.Up);
        var vh = new double[n, n];
        var gradient = state.Gradient;
        if (gradient.IsAnalytic || !gradient.HasG2)
            gradient = new Migrad(_f, _strategy, MetricUpdate.Davidon).NumericalGradient(x, amin, gradient.HasG2 ? gradient : Initial(x, gradient));
        var g2 = (double[])gradient.G2.Clone();
        var gst = (double[])gradient.Step.Clone();
        var grd = (double[])gradient.Grad.Clone();
        var dirin = (double[])gradient.Step.Clone();
        var yy = new double[n];
        MinimumState Failed() => FailedState(state, g2);

        for (int i = 0; i < n; i++)
        {
            double xtf = x[i];
            double dmin = 8.0 * Precision.Eps2 * (Math.Abs(xtf) + Precision.Eps2);
            double d = Math.Max(Math.Abs(gst[i]), dmin);
            bool limited = _f.Parameter(i).HasLimits;
            for (int cycle = 0; cycle < _strategy.HessianCycles; cycle++)
            {
                double sag = 0, fs1 = 0, fs2 = 0;
                bool ok = false;
                for (int multiply = 0; multiply < 5; multiply++)
                {
                    (fs1, fs2) = _f.Sides(x, i, d);
                    sag = 0.5 * (fs1 + fs2 - 2.0 * amin);
                    // Any non-zero sagitta is taken, as current Minuit2 does: demanding more than Eps2 in absolute
                    // units widened the step for small costs (a residual sum of squares of 1e-3) and spoilt the curvature.
                    if (sag != 0) { ok = true; break; }
                    if (limited)
                    {
                        if (d > 0.5) break;
                        d *= 10;
                        if (d > 0.5) d = 0.51;
                        continue;
                    }
                    d *= 10;
                }
                if (!ok) return Failed(); // the second derivative is zero for this parameter
                double g2before = g2[i];
                g2[i] = 2.0 * sag / (d * d);
                grd[i] = (fs1 - fs2) / (2.0 * d);
                gst[i] = d;
                dirin[i] = d;
                yy[i] = fs1;
                double dlast = d;
                d = Math.Sqrt(2.0 * aimsag / Math.Abs(g2[i]));
                if (limited) d = Math.Min(0.5, d);
                if (d < dmin) d = dmin;
                if (Math.Abs((d - dlast) / d) < _strategy.HessianStepTolerance) break;
                if (Math.Abs((g2[i] - g2before) / g2[i]) < _strategy.HessianG2Tolerance) break;
                d = Math.Min(d, 10.0 * dlast);
                d = Math.Max(d, 0.1 * dlast);
            }
            vh[i, i] = g2[i];
            if (_f.Calls - start > maxCalls) return Failed();
        }

        if (_strategy.Level > 0) RefineGradient(x, amin, grd, g2, gst);

        for (int i = 0; i < n; i++)
        {
            x[i] += dirin[i];
            for (int j = i + 1; j < n; j++)
            {
                x[j] += dirin[j];
                double fs1 = _f.Value(x);
                double elem = (fs1 + amin - yy[i] - yy[j]) / (dirin[i] * dirin[j]);
                vh[i, j] = vh[j, i] = elem;
                x[j] -= dirin[j];
            }
            x[i] -= dirin[i];
        }

        var (pd, made) = MakePositiveDefinite(vh);
        var inverse = Invert(pd);
        var g = new Gradient(grd, g2, gst, false);
        if (inverse is null)
        {
            var diag = new double[n, n];
            for (int j = 0; j < n; j++) diag[j, j] = g2[j] < Precision.Eps2 ? 1.0 : 1.0 / g2[j];
            return new MinimumState(state.X, amin, g, diag, 1, ErrorStatus.InvertFailed, 0.5 * Similarity(diag, grd), _f.Calls);
        }
        return new MinimumState(state.X, amin, g, inverse, made ? 1 : 0, made ? ErrorStatus.MadePosDef : ErrorStatus.Available,
            0.5 * Similarity(inverse, grd), _f.Calls);
    }

    /// <summary>
    /// With an analytic gradient, the Hessian's columns are forward differences of the gradient: n gradient calls
    /// (one more when the state has no analytic gradient at the point) instead of Minuit's value-only scheme
    /// (about 2n·cycles + n(n−1)/2 calls), and more accurate, since differences of first derivatives lose fewer
    /// digits than second differences of values. Steps are a thousandth of each parameter's current error
    /// estimate, so the truncation error (half a step times the third derivative) stays near 1e-4 relative.
    /// </summary>
    private MinimumState FromGradient(MinimumState state)
    {
        int n = state.X.Length;
        var x = (double[])state.X.Clone();
        // MIGRAD's last state already holds the analytic gradient at this point.
        var g0 = state.Gradient.IsAnalytic ? (double[])state.Gradient.Grad.Clone() : new double[n];
        double amin = state.Gradient.IsAnalytic ? state.F : _f.ValueAndGradient(x, g0);
        var h = new double[n];
        for (int i = 0; i < n; i++)
        {
            double variance = state.HasCovariance ? state.V[i, i] : 0;
            if (!(variance > 0) && state.Gradient.G2[i] > 0) variance = 1.0 / state.Gradient.G2[i];
            double sigma = variance > 0 ? Math.Sqrt(2 * _f.Up * variance) : _f.Parameter(i).Step;
            h[i] = Math.Max(1e-3 * sigma, 8.0 * Precision.Eps2 * (Math.Abs(x[i]) + Precision.Eps2));
            if (_f.Parameter(i).HasLimits) h[i] = Math.Min(h[i], 0.05);
        }
        var hessian = _f.HessianFromGradient(x, g0, h);
        var g2 = new double[n];
        for (int i = 0; i < n; i++) g2[i] = hessian[i, i];
        var g = new Gradient(g0, g2, h, true);
        // A zero (or undefined) curvature fails; a negative one is forced positive definite below, as Minuit2 does.
        if (g2.Any(d => d == 0 || !double.IsFinite(d))) return FailedState(state, g2);
        var (pd, made) = MakePositiveDefinite(hessian);
        var inverse = Invert(pd);
        if (inverse is null)
        {
            var diag = new double[n, n];
            for (int j = 0; j < n; j++) diag[j, j] = g2[j] < Precision.Eps2 ? 1.0 : 1.0 / g2[j];
            return new MinimumState(state.X, amin, g, diag, 1, ErrorStatus.InvertFailed, 0.5 * Similarity(diag, g0), _f.Calls);
        }
        return new MinimumState(state.X, amin, g, inverse, made ? 1 : 0, made ? ErrorStatus.MadePosDef : ErrorStatus.Available,
            0.5 * Similarity(inverse, g0), _f.Calls);
    }

    // As Minuit2: a failed HESSE leaves a diagonal matrix from the second-derivative estimates so far.
    private MinimumState FailedState(MinimumState state, double[] g2)
    {
        int n = g2.Length;
        var diag = new double[n, n];
        for (int j = 0; j < n; j++)
        {
            double v = g2[j] < Precision.Eps2 ? 1.0 : 1.0 / g2[j];
            diag[j, j] = v < Precision.Eps2 ? 1.0 : v;
        }
        return new MinimumState(state.X, state.F, state.Gradient, diag, 1, ErrorStatus.HesseFailed, state.Edm, _f.Calls);
    }

    private Gradient Initial(double[] x, Gradient g)
    {
        // No second-derivative estimate yet (an analytic gradient): start the numerical steps from the user's.
        int n = x.Length;
        var g2 = new double[n];
        var step = new double[n];
        for (int i = 0; i < n; i++)
        {
            var p = _f.Parameter(i);
            double dirin = Math.Max(Math.Abs(ParameterTransform.ToInternal(p, ParameterTransform.ToExternal(p, x[i]) + p.Step) - x[i]), Precision.Eps2);
            g2[i] = 2.0 * _f.Up / (dirin * dirin);
            step[i] = 0.1 * dirin;
        }
        return new Gradient((double[])g.Grad.Clone(), g2, step, false);
    }

    /// <summary>Minuit's HessianGradientCalculator: first derivatives refined with steps from the second derivatives.</summary>
    private void RefineGradient(double[] x, double fcnmin, double[] grd, double[] g2, double[] gstep)
    {
        int n = x.Length;
        double dfmin = 4.0 * Precision.Eps2 * (Math.Abs(fcnmin) + _f.Up);
        for (int i = 0; i < n; i++)
        {
            double xtf = x[i];
            double dmin = 4.0 * Precision.Eps2 * (Math.Abs(xtf) + Precision.Eps2);
            double epspri = Precision.Eps2 + Math.Abs(grd[i] * Precision.Eps2);
            double optstp = Math.Sqrt(dfmin / (Math.Abs(g2[i]) + epspri));
            double d = 0.2 * Math.Abs(gstep[i]);
            if (d > optstp) d = optstp;
            if (d < dmin) d = dmin;
            double chgold = 10000;
            for (int j = 0; j < _strategy.HessianGradientCycles; j++)
            {
                var (fs1, fs2) = _f.Sides(x, i, d);
                double grdold = grd[i];
                double grdnew = (fs1 - fs2) / (2.0 * d);
                double dgmin = Precision.Eps * (Math.Abs(fs1) + Math.Abs(fs2)) / d;
                if (grdnew == 0) break;
                double change = Math.Abs((grdold - grdnew) / grdnew);
                if (change > chgold && j > 1) break;
                chgold = change;
                grd[i] = grdnew;
                gstep[i] = d;
                if (change < 0.05) break;
                if (Math.Abs(grdold - grdnew) < dgmin) break;
                if (d < dmin) break;
                d *= 0.2;
            }
        }
    }
}
