using static PartialWave.Optimization.LinearAlgebra;

namespace PartialWave.Optimization;

/// <summary>Which inverse-Hessian update MIGRAD uses.</summary>
public enum MetricUpdate
{
    /// <summary>Davidon–Fletcher–Powell with Minuit's rank-one correction (Minuit's default).</summary>
    Davidon,
    /// <summary>Broyden–Fletcher–Goldfarb–Shanno.</summary>
    Bfgs,
}

/// <summary>How a MIGRAD run ended.</summary>
internal sealed record MigradOutcome(MinimumState State, bool AboveMaxEdm, bool ReachedCallLimit, int Iterations, string? Message);

/// <summary>
/// MIGRAD as Minuit2 runs it: a numerical (or analytic) gradient seed with diagonal second derivatives, then
/// variable-metric iterations (Davidon or BFGS update of the inverse Hessian) with Minuit's parabolic line
/// search, until the estimated distance to the minimum, EDM = ½ gᵀVg, is below 0.002 · tolerance · errordef.
/// </summary>
internal sealed class Migrad
{
    private readonly InternalFunction _f;
    private readonly Strategy _strategy;
    private readonly MetricUpdate _update;

    public Migrad(InternalFunction f, Strategy strategy, MetricUpdate update)
    {
        _f = f; _strategy = strategy; _update = update;
    }

    /// <summary>Called after each iteration with (iteration, fval, edm, nfcn).</summary>
    public Action<int, double, double, int>? Progress { get; set; }

    // ---------------- gradients ----------------

    /// <summary>Minuit's first guess of gradient, second derivative and step from the user's steps.</summary>
    internal Gradient InitialGradient(double[] x)
    {
        int n = x.Length;
        double[] grad = new double[n], g2 = new double[n], step = new double[n];
        for (int i = 0; i < n; i++)
        {
            var p = _f.Parameter(i);
            double werr = p.Step;
            double sav = ParameterTransform.ToExternal(p, x[i]);
            double sav2 = sav + werr;
            if (p.Upper is { } hi && sav2 > hi) sav2 = hi;
            double vplu = ParameterTransform.ToInternal(p, sav2) - x[i];
            sav2 = sav - werr;
            if (p.Lower is { } lo && sav2 < lo) sav2 = lo;
            double vmin = ParameterTransform.ToInternal(p, sav2) - x[i];
            double dirin = 0.5 * (Math.Abs(vplu) + Math.Abs(vmin));
            if (dirin == 0) dirin = werr; // a parameter sitting on a limit
            double gsmin = 8.0 * Precision.Eps2 * (Math.Abs(x[i]) + Precision.Eps2);
            g2[i] = 2.0 * _f.Up / (dirin * dirin);
            step[i] = Math.Max(gsmin, 0.1 * dirin);
            grad[i] = g2[i] * dirin;
            if (p.HasLimits && step[i] > 0.5) step[i] = 0.5;
        }
        return new Gradient(grad, g2, step, false);
    }

    /// <summary>Minuit's two-point numerical gradient, refining the steps from a previous estimate.</summary>
    public Gradient NumericalGradient(double[] x, double fx, Gradient previous)
    {
        int n = x.Length;
        var grad = (double[])previous.Grad.Clone();
        var g2 = (double[])previous.G2.Clone();
        var gstep = (double[])previous.Step.Clone();
        double dfmin = 8.0 * Precision.Eps2 * (Math.Abs(fx) + _f.Up);
        double vrysml = 8.0 * Precision.Eps * Precision.Eps;
        var xx = (double[])x.Clone();
        for (int i = 0; i < n; i++)
        {
            double xtf = x[i];
            double epspri = Precision.Eps2 + Math.Abs(grad[i] * Precision.Eps2);
            double stepb4 = 0;
            bool limited = _f.Parameter(i).HasLimits;
            for (int cycle = 0; cycle < _strategy.GradientCycles; cycle++)
            {
                double optstp = Math.Sqrt(dfmin / (Math.Abs(g2[i]) + epspri));
                double step = Math.Max(optstp, Math.Abs(0.1 * gstep[i]));
                if (limited && step > 0.5) step = 0.5;
                double stpmax = 10.0 * Math.Abs(gstep[i]);
                if (step > stpmax) step = stpmax;
                double stpmin = Math.Max(vrysml, 8.0 * Math.Abs(Precision.Eps2 * x[i]));
                if (step < stpmin) step = stpmin;
                if (Math.Abs((step - stepb4) / step) < _strategy.GradientStepTolerance) break;
                gstep[i] = step;
                stepb4 = step;
                var (fs1, fs2) = _f.Sides(xx, i, step);
                double grdb4 = grad[i];
                grad[i] = 0.5 * (fs1 - fs2) / step;
                g2[i] = (fs1 + fs2 - 2.0 * fx) / step / step;
                if (Math.Abs(grdb4 - grad[i]) / (Math.Abs(grad[i]) + dfmin / step) < _strategy.GradientTolerance) break;
            }
        }
        return new Gradient(grad, g2, gstep, false);
    }

    /// <summary>The gradient at a new point: analytic when the objective has one, else numerical.</summary>
    private (double F, Gradient G) GradientAt(double[] x, double fx, Gradient previous)
    {
        if (!_f.HasGradient) return (fx, NumericalGradient(x, fx, previous));
        var g = new double[x.Length];
        double f = _f.ValueAndGradient(x, g);
        return (f, new Gradient(g, (double[])previous.G2.Clone(), (double[])previous.Step.Clone(), true));
    }

    private static double Edm(Gradient g, double[,] v) => 0.5 * Similarity(v, g.Grad);

    // ---------------- seed ----------------

    public MinimumState Seed(double[] x, MinimumState? previous)
    {
        int n = x.Length;
        double f;
        Gradient g;
        var initial = InitialGradient(x);
        // As Minuit2's user state: a covariance to start from, also the diagonal stand-in a failed HESSE left.
        bool usable = previous is { } p && (p.HasCovariance || p.Status == ErrorStatus.HesseFailed) && p.X.Length == n;
        if (_f.HasGradient)
        {
            // Analytic first derivatives: forward differences of the gradient over a tenth of each user step give
            // the whole Hessian at the start (one gradient call per parameter), and its inverse seeds the metric.
            var grad = new double[n];
            f = _f.ValueAndGradient(x, grad);
            var hessian = _f.HessianFromGradient(x, grad, initial.Step);
            var g2 = new double[n];
            for (int i = 0; i < n; i++) g2[i] = hessian[i, i];
            g = new Gradient(grad, g2, initial.Step, true);
            if (!usable && g2.All(d => d > 0))
            {
                var (pd, made) = MakePositiveDefinite(hessian);
                if (Invert(pd) is { } inverse)
                {
                    // An exact Hessian at the start: trusted as Minuit trusts a HESSE seed (dcovar 0) unless it
                    // had to be forced positive definite.
                    return new MinimumState(x, f, g, inverse, made ? 1 : 0, ErrorStatus.Available, Edm(g, inverse), _f.Calls);
                }
            }
        }
        else
        {
            f = _f.Value(x);
            g = NumericalGradient(x, f, initial);
        }
        double[,] v;
        double dcovar;
        if (usable)
        {
            v = Clone(previous!.V);
            dcovar = 0;
        }
        else
        {
            v = new double[n, n];
            for (int i = 0; i < n; i++) v[i, i] = Math.Abs(g.G2[i]) > Precision.Eps2 ? 1.0 / g.G2[i] : 1.0;
            dcovar = 1;
        }
        var state = new MinimumState(x, f, g, v, dcovar, ErrorStatus.Available, Edm(g, v), _f.Calls);
        if (g.G2.Any(d => d <= 0)) state = NegativeG2LineSearch(state);
        if (_strategy.Level >= 2 && !usable)
        {
            var h = new Hesse(_f, _strategy).Run(state, 0);
            if (h.HasCovariance) state = h;
        }
        return state;
    }

    /// <summary>Where a second derivative is negative, walk downhill along that parameter until it is positive.</summary>
    private MinimumState NegativeG2LineSearch(MinimumState s)
    {
        int n = s.X.Length;
        var x = (double[])s.X.Clone();
        double f = s.F;
        var g = s.Gradient;
        for (int iter = 0; iter <= 2 * n; iter++)
        {
            // A parameter with a zero gradient and a zero second derivative is flat: nothing to search along.
            int i = Enumerable.Range(0, n).FirstOrDefault(k => g.G2[k] <= 0 && !(Math.Abs(g.Grad[k]) < Precision.Eps && Math.Abs(g.G2[k]) < Precision.Eps), -1);
            if (i < 0) break;
            // Step one gradient step downhill; with a zero gradient (a parameter on a limit, where the transformation
            // makes the cost even in the internal value) step towards larger internal values.
            var step = new double[n];
            step[i] = g.Grad[i] < 0 ? g.Step[i] : -g.Step[i];
            double gdel = step[i] * g.Grad[i];
            var (lambda, fmin) = LineSearch(x, f, step, gdel);
            for (int k = 0; k < n; k++) x[k] += lambda * step[k];
            f = fmin;
            (f, g) = GradientAt(x, f, g);
        }
        // As Minuit2: a second derivative still negative gives a negative diagonal element; the first iteration
        // then finds the metric not positive definite and corrects it.
        var v = new double[n, n];
        for (int i = 0; i < n; i++) v[i, i] = Math.Abs(g.G2[i]) > Precision.Eps2 ? 1.0 / g.G2[i] : 1.0;
        return new MinimumState(x, f, g, v, 1, ErrorStatus.Available, Edm(g, v), _f.Calls);
    }

    // ---------------- line search ----------------

    /// <summary>
    /// Minuit's line search along <paramref name="step"/> from <paramref name="x0"/>: a parabola through f(0),
    /// the slope <paramref name="gdel"/> and f(1), then three-point parabolas, at most twelve calls.
    /// </summary>
    /// <returns>The best multiple of the step and the value there.</returns>
    public (double Lambda, double F) LineSearch(double[] x0, double f0, double[] step, double gdel)
    {
        double overal = 1000, undral = -100, toler = 0.05, slamin = 0, slambg = 5, alpha = 2;
        const int maxiter = 12;
        int niter = 1;
        int n = x0.Length;
        for (int i = 0; i < n; i++)
        {
            if (step[i] == 0) continue;
            double ratio = Math.Abs(x0[i] / step[i]);
            if (slamin == 0 || ratio < slamin) slamin = ratio;
        }
        if (Math.Abs(slamin) < Precision.Eps) slamin = Precision.Eps;
        slamin *= Precision.Eps2;

        var xt = new double[n];
        // A trial point where the objective is not finite (a width gone negative, an intensity below zero on some
        // events) counts as far worse than the start, so the parabolas and the step cuts back away from it.
        double penalty = f0 + 1e3 * (Math.Abs(f0) + _f.Up);
        double At(double lambda)
        {
            for (int i = 0; i < n; i++) xt[i] = x0[i] + lambda * step[i];
            return _f.TryValue(xt, out var v) ? v : penalty;
        }

        double f1 = At(1.0);
        niter++;
        double fvmin = f0, xvmin = 0;
        if (f1 < f0) { fvmin = f1; xvmin = 1; }
        double toler8 = toler, slamax = slambg, flast = f1, slam = 1;
        (double X, double Y) p0 = (0, f0), p1 = (slam, flast);
        double f2 = 0;
        bool again;
        do
        {
            again = false;
            double denom = 2.0 * (flast - f0 - gdel * slam) / (slam * slam);
            slam = denom != 0 ? -gdel / denom : 1.0;
            if (slam < 0) slam = slamax;
            if (slam > slamax) slam = slamax;
            if (slam < toler8) slam = toler8;
            if (slam < slamin) return (xvmin, fvmin);
            if (Math.Abs(slam - 1.0) < toler8 && p1.Y < p0.Y) return (xvmin, fvmin);
            if (Math.Abs(slam - 1.0) < toler8) slam = 1.0 + toler8;
            f2 = At(slam);
            niter++;
            if (f2 < fvmin) { fvmin = f2; xvmin = slam; }
            if (Math.Abs(p0.Y - fvmin) < Math.Abs(fvmin) * Precision.Eps)
            {
                again = true;
                flast = f2;
                toler8 = toler * slam;
                overal = slam - toler8;
                slamax = overal;
                p1 = (slam, flast);
            }
        } while (again && niter < maxiter);
        if (niter >= maxiter) return (xvmin, fvmin);

        (double X, double Y) p2 = (slam, f2);
        do
        {
            slamax = Math.Max(slamax, alpha * Math.Abs(xvmin));
            var (a, b) = Parabola(p0, p1, p2);
            if (a < Precision.Eps2)
            {
                double slopem = 2.0 * a * xvmin + b;
                slam = slopem < 0 ? xvmin + slamax : xvmin - slamax;
            }
            else
            {
                slam = -b / (2.0 * a);
                if (slam > xvmin + slamax) slam = xvmin + slamax;
                if (slam < xvmin - slamax) slam = xvmin - slamax;
            }
            if (slam > 0) { if (slam > overal) slam = overal; }
            else if (slam < undral) slam = undral;

            double f3;
            do
            {
                again = false;
                double toler9 = Math.Max(toler8, Math.Abs(toler8 * slam));
                if (Math.Abs(p0.X - slam) < toler9 || Math.Abs(p1.X - slam) < toler9 || Math.Abs(p2.X - slam) < toler9)
                    return (xvmin, fvmin);
                f3 = At(slam);
                if (f3 > p0.Y && f3 > p1.Y && f3 > p2.Y)
                {
                    if (slam > xvmin) overal = Math.Min(overal, slam - toler8);
                    if (slam < xvmin) undral = Math.Max(undral, slam + toler8);
                    slam = 0.5 * (slam + xvmin);
                    again = true;
                    niter++;
                }
            } while (again && niter < maxiter);
            if (niter >= maxiter) return (xvmin, fvmin);

            var p3 = (slam, f3);
            if (p0.Y > p1.Y && p0.Y > p2.Y) p0 = p3;
            else if (p1.Y > p0.Y && p1.Y > p2.Y) p1 = p3;
            else p2 = p3;
            if (f3 < fvmin) { fvmin = f3; xvmin = slam; }
            else
            {
                if (slam > xvmin) overal = Math.Min(overal, slam - toler8);
                if (slam < xvmin) undral = Math.Max(undral, slam + toler8);
            }
            niter++;
        } while (niter < maxiter);
        return (xvmin, fvmin);
    }

    /// <summary>Coefficients a, b of the parabola a x² + b x + c through three points.</summary>
    private static (double A, double B) Parabola((double X, double Y) p1, (double X, double Y) p2, (double X, double Y) p3)
    {
        double x1 = p1.X, x2 = p2.X, x3 = p3.X;
        double dx12 = x1 - x2, dx13 = x1 - x3, dx23 = x2 - x3;
        double xm = (x1 + x2 + x3) / 3.0;
        x1 -= xm; x2 -= xm; x3 -= xm;
        double y1 = p1.Y, y2 = p2.Y, y3 = p3.Y;
        double a = y1 / (dx12 * dx13) - y2 / (dx12 * dx23) + y3 / (dx13 * dx23);
        double b = -y1 * (x2 + x3) / (dx12 * dx13) + y2 * (x1 + x3) / (dx12 * dx23) - y3 * (x1 + x2) / (dx13 * dx23);
        b -= 2.0 * xm * a;
        return (a, b);
    }

    // ---------------- iterations ----------------

    /// <summary>Inverse-Hessian update after a step from <paramref name="s0"/> to (x1, g1).</summary>
    private (double[,] V, double Dcovar) Update(MinimumState s0, double[] x1, Gradient g1)
    {
        int n = x1.Length;
        var v0 = s0.V;
        var dx = new double[n];
        var dg = new double[n];
        for (int i = 0; i < n; i++) { dx[i] = x1[i] - s0.X[i]; dg[i] = g1.Grad[i] - s0.Gradient.Grad[i]; }
        double delgam = Dot(dx, dg);
        var vg = Multiply(v0, dg);
        double gvg = Dot(dg, vg);
        if (delgam == 0 || gvg <= 0) return (v0, s0.Dcovar);
        var upd = new double[n, n];
        if (_update == MetricUpdate.Davidon)
        {
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) upd[i, j] = dx[i] * dx[j] / delgam - vg[i] * vg[j] / gvg;
            if (delgam > gvg)
            {
                var w = new double[n];
                for (int i = 0; i < n; i++) w[i] = dx[i] / delgam - vg[i] / gvg;
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++) upd[i, j] += gvg * w[i] * w[j];
            }
        }
        else
        {
            double c = (delgam + gvg) / (delgam * delgam);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) upd[i, j] = c * dx[i] * dx[j] - (vg[i] * dx[j] + dx[i] * vg[j]) / delgam;
        }
        double sumUpd = SumOfElements(upd);
        var v1 = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) v1[i, j] = v0[i, j] + upd[i, j];
        double dcov = 0.5 * (s0.Dcovar + sumUpd / SumOfElements(v1));
        return (v1, dcov);
    }

    // As Minuit2's MnPosDef: the matrix is repaired, the state's EDM is kept as it was.
    private static MinimumState PositiveDefinite(MinimumState s)
    {
        var (v, _) = MakePositiveDefinite(s.V);
        return new MinimumState(s.X, s.F, s.Gradient, v, s.Dcovar, s.Status, s.Edm, s.Nfcn);
    }

    /// <summary>Variable-metric iterations from <paramref name="seed"/>.</summary>
    /// <param name="seed">Start state.</param>
    /// <param name="edmGoal">Stop when EDM falls below this.</param>
    /// <param name="maxCalls">Stop after this many calls.</param>
    /// <param name="iterations">Counts iterations across passes.</param>
    public MigradOutcome Iterate(MinimumState seed, double edmGoal, int maxCalls, ref int iterations)
    {
        int n = seed.X.Length;
        var s0 = seed;
        double edm = s0.Edm * (1.0 + 3.0 * s0.Dcovar);
        if (n == 0) return new MigradOutcome(s0, false, false, iterations, null);
        while (true)
        {
            var step = Multiply(s0.V, s0.Gradient.Grad);
            for (int i = 0; i < n; i++) step[i] = -step[i];
            double gdel = Dot(step, s0.Gradient.Grad);
            if (gdel > 0)
            {
                s0 = PositiveDefinite(s0);
                step = Multiply(s0.V, s0.Gradient.Grad);
                for (int i = 0; i < n; i++) step[i] = -step[i];
                gdel = Dot(step, s0.Gradient.Grad);
                if (gdel > 0) return new MigradOutcome(s0, false, false, iterations, "the covariance estimate is not positive definite (the step goes uphill)");
            }
            var (lambda, fnew) = LineSearch(s0.X, s0.F, step, gdel);
            if (Math.Abs(fnew - s0.F) <= Math.Abs(s0.F) * Precision.Eps)
            {
                // No improvement along the step: the minimum is as good as the function's precision allows.
                iterations++;
                break;
            }
            var x1 = new double[n];
            for (int i = 0; i < n; i++) x1[i] = s0.X[i] + lambda * step[i];
            var (f1, g1) = GradientAt(x1, fnew, s0.Gradient);
            if (_f.HasGradient) fnew = f1;
            double edmNew = Edm(g1, s0.V);
            if (double.IsNaN(edmNew)) return new MigradOutcome(s0, true, false, iterations, "EDM is NaN");
            if (edmNew < 0)
            {
                s0 = PositiveDefinite(s0);
                edmNew = Edm(g1, s0.V);
                if (edmNew < 0) return new MigradOutcome(s0, true, false, iterations, "the covariance estimate is not positive definite (EDM < 0)");
            }
            var (v1, dcov) = Update(s0, x1, g1);
            var s = new MinimumState(x1, fnew, g1, v1, dcov, ErrorStatus.Available, edmNew, _f.Calls);
            iterations++;
            Progress?.Invoke(iterations, fnew, edmNew, _f.Calls);
            edm = edmNew * (1.0 + 3.0 * dcov);
            s0 = s;
            if (!(edm > edmGoal && _f.Calls < maxCalls)) break;
        }
        if (_f.Calls >= maxCalls) return new MigradOutcome(s0, false, true, iterations, "the call limit was reached");
        if (edm > edmGoal)
        {
            if (edm < Math.Abs(Precision.Eps2 * s0.F)) return new MigradOutcome(s0, false, false, iterations, "machine accuracy limits further improvement");
            if (edm < 10 * edmGoal) return new MigradOutcome(s0, false, false, iterations, "EDM is above the goal but within a factor 10");
            return new MigradOutcome(s0, true, false, iterations, "the iterations ended without convergence");
        }
        return new MigradOutcome(s0, false, false, iterations, null);
    }

    /// <summary>
    /// A full MIGRAD: seed, iterations, and (strategy 2, or strategy 1 when the metric is still uncertain) a
    /// HESSE at the end that may send the iterations round once more, as Minuit2 does.
    /// </summary>
    public MigradOutcome Run(double[] x, MinimumState? previous, double tolerance, int maxCalls)
    {
        double edmGoal = 0.002 * Math.Max(tolerance * _f.Up, Precision.Eps2);
        if (x.Length == 0)
        {
            // Every parameter fixed (a MINOS profile of a one-parameter fit): the minimum is the value itself.
            var empty = new Gradient([], [], [], false);
            return new MigradOutcome(new MinimumState([], _f.Value(x), empty, new double[0, 0], 0, ErrorStatus.Available, 0, _f.Calls), false, false, 0, null);
        }
        var current = Seed(x, previous);
        int iterations = 0;
        int limit = maxCalls;
        for (int pass = 0; ; pass++)
        {
            var outcome = Iterate(current, edmGoal, limit, ref iterations);
            if (outcome.ReachedCallLimit || outcome.AboveMaxEdm && pass > 0) return outcome;
            var last = outcome.State;
            double edm = last.Edm;
            bool again = false;
            if (_strategy.Level == 2 || (_strategy.Level == 1 && last.Dcovar > 0.05))
            {
                var h = new Hesse(_f, _strategy).Run(last, maxCalls);
                // As Minuit2: the iterations end here, and the EDM they reached is still judged.
                if (!h.HasCovariance)
                    return outcome with { State = h, AboveMaxEdm = edm > 10 * edmGoal, Message = "HESSE failed at the end of MIGRAD" };
                last = h;
                edm = h.Edm;
                // Continue only while the function's precision allows a smaller EDM.
                if (edm > edmGoal && edm >= Math.Abs(Precision.Eps2 * h.F)) again = true;
                outcome = outcome with { State = last };
            }
            if (!again || pass >= 4)
            {
                if (edm > 10 * edmGoal) return outcome with { AboveMaxEdm = true, Message = outcome.Message ?? "EDM is above 10 times the goal" };
                return outcome with { AboveMaxEdm = false };
            }
            current = last;
            limit = (int)(maxCalls * 1.3);
        }
    }
}
