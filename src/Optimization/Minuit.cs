using System.Diagnostics;

namespace PartialWave.Optimization;

/// <summary>Progress of a running minimisation, reported once per iteration.</summary>
/// <param name="Stage">"MIGRAD", "HESSE" or "MINOS".</param>
/// <param name="Iteration">Iterations so far.</param>
/// <param name="Fval">Current best value.</param>
/// <param name="Edm">Current estimated distance to the minimum.</param>
/// <param name="Nfcn">Calls so far.</param>
public sealed record FitProgress(string Stage, int Iteration, double Fval, double Edm, int Nfcn);

/// <summary>
/// Minuit-grade minimisation of an <see cref="IObjective"/>: MIGRAD, HESSE and MINOS with Minuit2's algorithms,
/// limits through Minuit's transformations, fixed parameters, and a result with Minuit's validity flags. Use
/// it the way iminuit is used: set up, call <see cref="Migrad"/>, then <see cref="Hesse"/> and
/// <see cref="Minos"/> as needed; each returns the current <see cref="FitResult"/>.
/// </summary>
public sealed class Minuit
{
    private readonly IObjective _objective;
    private List<FitParameter> _parameters;
    private MinimumState? _state;
    private int _nfcn, _ngrad, _iterations;
    private double _migradSeconds, _hesseSeconds, _minosSeconds;
    private bool _aboveMaxEdm, _callLimit, _hesseFailed, _migradRun;
    private string? _message, _failure;
    private readonly Dictionary<string, MinosError> _minos = new(StringComparer.Ordinal);

    /// <summary>Sets up a minimisation.</summary>
    /// <param name="objective">What to minimise.</param>
    /// <param name="parameters">One definition per objective parameter (matched by name, any order).</param>
    public Minuit(IObjective objective, IEnumerable<FitParameter> parameters)
    {
        _objective = objective;
        var byName = new Dictionary<string, FitParameter>(StringComparer.Ordinal);
        foreach (var p in parameters)
            if (!byName.TryAdd(p.Name, p)) throw new ArgumentException($"parameter '{p.Name}' is defined twice");
        var unknown = byName.Keys.Where(k => !objective.ParameterNames.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"the objective has no parameter(s) {string.Join(", ", unknown)} (it has {string.Join(", ", objective.ParameterNames)})");
        var missing = objective.ParameterNames.Where(n => !byName.ContainsKey(n)).ToList();
        if (missing.Count > 0) throw new ArgumentException($"no start value for parameter(s) {string.Join(", ", missing)}");
        _parameters = objective.ParameterNames.Select(n => byName[n]).ToList();
        foreach (var p in _parameters) p.Validate();
        if (!(objective.ErrorDef > 0)) throw new ArgumentException($"errordef must be positive, got {objective.ErrorDef}");
    }

    /// <summary>Sets up a minimisation from start values and steps in the objective's parameter order.</summary>
    public Minuit(IObjective objective, IReadOnlyList<double> start, IReadOnlyList<double> steps)
        : this(objective, objective.ParameterNames.Select((n, i) => new FitParameter(n, start[i], steps[i])))
    {
    }

    /// <summary>0 (fast), 1 (default) or 2 (careful).</summary>
    public int Strategy { get; set; } = 1;
    /// <summary>Convergence tolerance: MIGRAD stops when EDM &lt; 0.002 · Tolerance · errordef. Default 0.1.</summary>
    public double Tolerance { get; set; } = 0.1;
    /// <summary>The inverse-Hessian update (Davidon by default, as in Minuit).</summary>
    public MetricUpdate Update { get; set; } = MetricUpdate.Davidon;
    /// <summary>Call limit per MIGRAD; 0 for Minuit's default 200 + 100n + 5n².</summary>
    public int MaxCalls { get; set; }
    /// <summary>Called once per iteration (a CLI shows it as a live line).</summary>
    public Action<FitProgress>? Progress { get; set; }

    /// <summary>The parameter definitions; after a fit their values are the fitted ones.</summary>
    public IReadOnlyList<FitParameter> Parameters => _parameters;

    private int DefaultMaxCalls(int n) => MaxCalls > 0 ? MaxCalls : 200 + 100 * n + 5 * n * n;

    private InternalFunction Function(IReadOnlyList<FitParameter>? parameters = null) => new(_objective, parameters ?? _parameters);

    // Whether the last state is where the parameters are (compared externally: the round trip through a limit's
    // transformation need not reproduce the internal value to the last bit).
    private bool AtState => _state is not null && _stateExternal is not null && _parameters.Select(p => p.Value).SequenceEqual(_stateExternal);

    private int _infeasible;
    private string? _firstInfeasible;

    private void Absorb(InternalFunction f)
    {
        _nfcn += f.Calls;
        _ngrad += f.GradientCalls;
        _infeasible += f.InfeasiblePoints;
        _firstInfeasible ??= f.FirstInfeasible;
    }

    private double[]? _stateExternal;

    private void Store(InternalFunction f, MinimumState s)
    {
        _state = s;
        var external = f.ToExternal(s.X);
        _parameters = _parameters.Select((p, i) => p with { Value = external[i] }).ToList();
        _stateExternal = external;
    }

    /// <summary>
    /// Runs MIGRAD from the current values. As iminuit does, an invalid minimum is retried from where it ended up to
    /// <paramref name="iterate"/> − 1 more times (not after reaching the call limit).
    /// </summary>
    public FitResult Migrad(int iterate = 5)
    {
        var sw = Stopwatch.StartNew();
        _minos.Clear();
        _failure = null;
        // As iminuit: a MIGRAD after an earlier one (or a HESSE) at these values starts from that state's covariance,
        // and its first gradient steps are the current errors rather than the user's initial steps.
        MinimumState? previous = AtState && _state!.HasCovariance && !_simplexState ? _state : null;
        var f = Function(previous is null ? null : StepsFromErrors());
        int n = f.Dimension;
        int strategy = Strategy;
        var x = f.ToInternal(_parameters.Select(p => p.Value).ToList());
        if (previous is not null && previous.X.Length != n) previous = null;
        try
        {
            for (int attempt = 0; attempt < Math.Max(1, iterate); attempt++)
            {
                var migrad = new Migrad(f, Optimization.Strategy.Of(strategy), Update);
                if (Progress is { } progress) migrad.Progress = (it, fv, edm, nf) => progress(new FitProgress("MIGRAD", _iterations + it, fv, edm, _nfcn + nf));
                int iterations = 0;
                var outcome = migrad.Run(x, previous, Tolerance, DefaultMaxCalls(n));
                iterations = outcome.Iterations;
                _iterations += iterations;
                Store(f, outcome.State);
                _simplexState = false;
                _aboveMaxEdm = outcome.AboveMaxEdm;
                _callLimit = outcome.ReachedCallLimit;
                _hesseFailed = outcome.State.Status == ErrorStatus.HesseFailed;
                _message = outcome.Message;
                if (Valid || _callLimit) break;
                // As iminuit 2.11's retry: the same MIGRAD again (same strategy) from this state, its errors as the
                // first steps, with a call budget of its own.
                Absorb(f);
                f = Function(StepsFromErrors());
                x = f.ToInternal(_parameters.Select(p => p.Value).ToList());
                previous = outcome.State;
            }
        }
        catch (NonFiniteObjectiveException e)
        {
            _failure = e.Message;
        }
        return Minimised(f, sw);
    }

    // What MIGRAD and SIMPLEX do when they end: count the calls and the time, and give the result.
    private FitResult Minimised(InternalFunction f, Stopwatch sw)
    {
        Absorb(f);
        _migradRun = true;
        _migradSeconds += sw.Elapsed.TotalSeconds;
        return Result;
    }

    // The parameters with the current errors as steps where an error is a positive number, as iminuit's m.errors
    // after a fit (the first steps of a MIGRAD that follows).
    private List<FitParameter> StepsFromErrors()
    {
        var result = Result.Parameters;
        return _parameters.Select((p, i) => p.Fixed || !(result[i].Error > 0 && double.IsFinite(result[i].Error)) ? p : p with { Step = result[i].Error }).ToList();
    }

    private bool Valid => _state is { } s && s.Status is ErrorStatus.Available or ErrorStatus.MadePosDef && !_aboveMaxEdm && !_callLimit && _failure is null;

    /// <summary>Runs HESSE at the current values: the covariance from numerical second derivatives.</summary>
    public FitResult Hesse()
    {
        var sw = Stopwatch.StartNew();
        var f = Function();
        try
        {
            var x = f.ToInternal(_parameters.Select(p => p.Value).ToList());
            var s = _state;
            // The last state is used where the parameters are still where it left them.
            bool atState = AtState && s!.X.Length == x.Length;
            if (!atState)
            {
                // No MIGRAD state at this point: start from the user's steps.
                var m = new Migrad(f, Optimization.Strategy.Of(Strategy), Update);
                s = m.Seed(x, null);
            }
            var h = new Hesse(f, Optimization.Strategy.Of(Strategy)).Run(s!, MaxCalls);
            _hesseFailed = h.Status == ErrorStatus.HesseFailed;
            if (!_hesseFailed)
            {
                Store(f, h);
                _simplexState = false;
                // As in iminuit: a good HESSE makes a minimum whose only flaw was its EDM estimate valid again.
                double goal = 0.002 * Tolerance * _objective.ErrorDef;
                _aboveMaxEdm = h.Edm > 10 * goal;
            }
            else _state = h;
        }
        catch (NonFiniteObjectiveException e)
        {
            _failure = e.Message;
        }
        Absorb(f);
        _hesseSeconds += sw.Elapsed.TotalSeconds;
        return Result;
    }

    /// <summary>Runs MINOS for the named parameters (all free parameters when none are named).</summary>
    public FitResult Minos(params string[] names)
    {
        var sw = Stopwatch.StartNew();
        if (_state is null) Migrad();
        if (_failure is not null) return Result;
        var result = Result;
        if (!result.HasCovariance) Hesse();
        result = Result;
        var targets = names.Length > 0 ? names : _parameters.Where(p => !p.Fixed).Select(p => p.Name).ToArray();
        foreach (var name in targets)
        {
            int index = _parameters.FindIndex(p => p.Name == name);
            if (index < 0) throw new ArgumentException($"no parameter '{name}' (parameters: {string.Join(", ", _parameters.Select(p => p.Name))})");
            if (_parameters[index].Fixed) throw new ArgumentException($"parameter '{name}' is fixed: MINOS needs a free parameter");
            var values = _parameters.Select(p => p.Value).ToArray();
            try
            {
                var me = Optimization.Minos.Run(_objective, _parameters, index, values, result.Covariance, result.Parameters.Select(p => p.Error).ToArray(), result.Fval, Strategy, Tolerance,
                    DefaultMaxCalls(_parameters.Count(p => !p.Fixed)));
                _minos[name] = me;
                _nfcn += me.Nfcn;
            }
            catch (NonFiniteObjectiveException e)
            {
                _failure = e.Message;
                break;
            }
            Progress?.Invoke(new FitProgress("MINOS", _iterations, result.Fval, result.Edm, _nfcn));
        }
        _minosSeconds += sw.Elapsed.TotalSeconds;
        return Result;
    }

    private bool _simplexState;

    /// <summary>Fixes a parameter at its current value for the calls that follow (iminuit's <c>fixed[name] = True</c>).</summary>
    public void Fix(string name) => Change(name, p => p with { Fixed = true });

    /// <summary>Releases a fixed parameter (iminuit's <c>fixed[name] = False</c>).</summary>
    public void Release(string name) =>
        Change(name, p => p with { Fixed = false, Step = p.Step > 0 && double.IsFinite(p.Step) ? p.Step : p.Value != 0 ? 0.01 * Math.Abs(p.Value) : 0.1 });

    /// <summary>Sets a parameter's value (the next MIGRAD starts there).</summary>
    public void SetValue(string name, double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentException($"parameter '{name}': the value {value} is not finite");
        Change(name, p => p with { Value = value });
    }

    /// <summary>Sets or removes (null) a parameter's limits; its value is moved inside them (iminuit's <c>limits[name]</c>).</summary>
    public void SetLimits(string name, double? lower, double? upper)
    {
        if (lower is { } lo && upper is { } hi && !(lo < hi)) throw new ArgumentException($"parameter '{name}': the lower limit {lo} is not below the upper limit {hi}");
        Change(name, p => p with { Lower = lower, Upper = upper, Value = Math.Clamp(p.Value, lower ?? double.NegativeInfinity, upper ?? double.PositiveInfinity) });
    }

    // A parameter changed between calls: the last state no longer describes the problem (its dimension or coordinates
    // changed), so the next MIGRAD seeds afresh; values, steps and the other settings are kept.
    private void Change(string name, Func<FitParameter, FitParameter> change)
    {
        int index = _parameters.FindIndex(p => p.Name == name);
        if (index < 0) throw new ArgumentException($"no parameter '{name}' (parameters: {string.Join(", ", _parameters.Select(p => p.Name))})");
        var before = _parameters[index];
        var after = change(before);
        if (after == before) return;
        _parameters[index] = after;
        if (after.Fixed != before.Fixed || after.Lower != before.Lower || after.Upper != before.Upper)
        {
            _state = null;
            _stateExternal = null;
        }
        _minos.Clear();
    }

    /// <summary>
    /// SIMPLEX from the current values (Minuit2's SimplexBuilder; see <see cref="Optimization.Simplex"/>): no
    /// derivatives, robust far from the minimum. Its errors come from the simplex's extent and are rough; run
    /// <see cref="Migrad"/> after it (iminuit's <c>simplex().migrad()</c>), which starts from its point with those
    /// errors as steps.
    /// </summary>
    public FitResult Simplex()
    {
        var sw = Stopwatch.StartNew();
        _minos.Clear();
        _failure = null;
        var f = Function();
        try
        {
            var x = f.ToInternal(_parameters.Select(p => p.Value).ToList());
            // As Minuit2's SimplexSeedGenerator: one call at the start, and steps from the errors alone (no derivatives).
            var initial = new Migrad(f, Optimization.Strategy.Of(Strategy), Update).InitialGradient(x);
            double f0 = f.Value(x);
            var (best, fBest, errors, edm, above, callLimit) = new Simplex(f).Run(x, f0, initial.Step, Tolerance, DefaultMaxCalls(f.Dimension));
            int n = best.Length;
            var v = new double[n, n];
            for (int i = 0; i < n; i++) v[i, i] = errors[i] * errors[i] / (2 * f.Up);
            Store(f, new MinimumState(best, fBest, initial, v, 1, ErrorStatus.Available, edm, f.Calls));
            _parameters = StepsFromErrors();
            _simplexState = true;
            _aboveMaxEdm = above;
            _callLimit = callLimit;
            _hesseFailed = false;
            _message = "SIMPLEX: errors from the simplex's extent, not a covariance; run MIGRAD for them";
        }
        catch (NonFiniteObjectiveException e)
        {
            _failure = e.Message;
        }
        return Minimised(f, sw);
    }

    /// <summary>
    /// A likelihood profile as iminuit's <c>mnprofile</c>: the parameter fixed at <paramref name="size"/> values evenly
    /// spread over ± <paramref name="bound"/> errors around the best fit (within its limits), the other free parameters
    /// minimised by MIGRAD at each. With <paramref name="minimise"/> false, a plain scan with the others at the best fit
    /// (iminuit's <c>profile</c>). Runs MIGRAD and HESSE first where there is no covariance yet.
    /// </summary>
    /// <exception cref="ArgumentException">No such parameter, a fixed one, or fewer than 2 points.</exception>
    public ProfileResult Profile(string name, int size = 20, double bound = 2, bool minimise = true)
    {
        int index = _parameters.FindIndex(p => p.Name == name);
        if (index < 0) throw new ArgumentException($"no parameter '{name}' (parameters: {string.Join(", ", _parameters.Select(p => p.Name))})");
        if (_parameters[index].Fixed) throw new ArgumentException($"parameter '{name}' is fixed: a profile needs a free parameter");
        if (size < 2) throw new ArgumentException($"a profile needs at least 2 points, got {size}");
        if (!(bound > 0)) throw new ArgumentException($"the profile's bound must be a positive number of errors, got {bound}");
        if (_state is null) Migrad();
        if (!Result.HasCovariance) Hesse();
        var sw = Stopwatch.StartNew();
        var best = Result;
        if (best.Failure is not null) throw new InvalidOperationException($"the fit failed: {best.Failure}");
        var p = _parameters[index];
        double x0 = best.Parameters[index].Value, sigma = best.Parameters[index].Error;
        double lo = Math.Max(x0 - bound * sigma, p.Lower ?? double.NegativeInfinity), hi = Math.Min(x0 + bound * sigma, p.Upper ?? double.PositiveInfinity);
        var values = _parameters.Select(q => q.Value).ToArray();
        int calls = 0;
        var points = new List<ProfilePoint>();
        var minimiser = new ConditionalMinimiser(_objective, _parameters, values, best.Covariance, Strategy, Tolerance);
        for (int k = 0; k < size; k++)
        {
            double v = lo + (hi - lo) * k / (size - 1);
            if (!minimise)
            {
                var at = values.ToArray();
                at[index] = v;
                points.Add(new ProfilePoint(v, _objective.Value(at), true));
                calls++;
                continue;
            }
            int before = minimiser.Calls;
            var r = minimiser.Minimise((index, v));
            calls += minimiser.Calls - before;
            if (r.Failure is not null) throw new InvalidOperationException($"the profile of '{name}' at {v}: {r.Failure}");
            points.Add(new ProfilePoint(v, r.Fval, r.IsValid));
            Progress?.Invoke(new FitProgress("PROFILE", _iterations, r.Fval, r.Edm, _nfcn + calls));
        }
        _nfcn += calls;
        return new ProfileResult(name, minimise, best.Fval, points, calls, sw.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// A 2-D confidence contour as iminuit's <c>mncontour</c> (Minuit2's MnContours): <paramref name="size"/> points
    /// around the best fit where the cost, minimised over the other free parameters, has risen by errordef × the χ²
    /// quantile of 2 degrees of freedom for <paramref name="cl"/> (a probability below 1, e.g. 0.68; from 1 on, a
    /// number of standard deviations). Runs MIGRAD and HESSE first where there is no covariance yet. A contour that
    /// cannot be completed (a limit cuts the region, a crossing is not found) comes back with the points found and a
    /// message, not as an exception.
    /// </summary>
    /// <exception cref="ArgumentException">No such parameter, a fixed one, the same one twice, fewer than 4 points or a bad level.</exception>
    /// <exception cref="InvalidOperationException">The fit's minimum is not valid (iminuit refuses too).</exception>
    public ContourResult Contour(string x, string y, int size = 20, double cl = 0.68)
    {
        int ix = FreeIndex(x, "a contour"), iy = FreeIndex(y, "a contour");
        if (ix == iy) throw new ArgumentException($"a contour needs two different parameters, got '{x}' twice");
        if (size < 4) throw new ArgumentException($"a contour needs at least 4 points, got {size}");
        Contours.LevelFactor(cl);
        if (_state is null) Migrad();
        if (!Result.HasCovariance) Hesse();
        var best = Result;
        if (best.Failure is not null) throw new InvalidOperationException($"the fit failed: {best.Failure}");
        if (!best.IsValid) throw new InvalidOperationException($"the fit's minimum is not valid ({best.Message ?? "see its flags"}): a contour around it would mean nothing");
        var values = _parameters.Select(q => q.Value).ToArray();
        var contour = Contours.Run(_objective, _parameters, ix, iy, values, best.Covariance, best.Parameters.Select(p => p.Error).ToArray(), best.Fval, Strategy, Tolerance,
            DefaultMaxCalls(_parameters.Count(p => !p.Fixed)), size, cl,
            (points, calls) => Progress?.Invoke(new FitProgress("CONTOUR", points, best.Fval, best.Edm, _nfcn + calls)));
        _nfcn += contour.Nfcn;
        return contour;
    }

    // The index of a free parameter, or an error naming what needed it.
    private int FreeIndex(string name, string purpose)
    {
        int index = _parameters.FindIndex(p => p.Name == name);
        if (index < 0) throw new ArgumentException($"no parameter '{name}' (parameters: {string.Join(", ", _parameters.Select(p => p.Name))})");
        if (_parameters[index].Fixed) throw new ArgumentException($"parameter '{name}' is fixed: {purpose} needs a free parameter");
        return index;
    }

    /// <summary>
    /// SCAN as iminuit's <c>scan</c>: the cost on a regular grid over the free parameters (each from its lower to its
    /// upper limit, or its value ± its error (step) where it has none), about <paramref name="calls"/> points in all
    /// (⌊calls^(1/n)⌋ per parameter as iminuit rounds it, at least 2; by default MIGRAD's call limit), keeping the lowest. At that point the
    /// gradient and second derivatives give the EDM, and the minimum is valid when the EDM is within the goal, which a
    /// grid rarely reaches: run <see cref="Migrad"/> after it (it starts there, with the errors the second derivatives
    /// give as its steps).
    /// </summary>
    public FitResult Scan(int calls = 0)
    {
        var sw = Stopwatch.StartNew();
        _minos.Clear();
        _failure = null;
        var f = Function();
        try
        {
            var free = _parameters.Select((p, i) => (p, i)).Where(t => !t.p.Fixed).Select(t => t.i).ToArray();
            int n = free.Length;
            int budget = calls > 0 ? calls : DefaultMaxCalls(n);
            int steps = Math.Max(2, (int)Math.Pow(budget, 1.0 / n));
            var ranges = free.Select(i =>
            {
                var p = _parameters[i];
                return (Low: p.Lower ?? p.Value - p.Step, High: p.Upper ?? p.Value + p.Step);
            }).ToArray();
            var external = _parameters.Select(p => p.Value).ToArray();
            var best = (double[])external.Clone();
            double fBest = double.PositiveInfinity;
            var counter = new int[n];
            int evaluated = 0;
            while (true)
            {
                for (int a = 0; a < n; a++)
                    external[free[a]] = ranges[a].Low + (ranges[a].High - ranges[a].Low) * counter[a] / (steps - 1);
                double v = _objective.Value(external);
                evaluated++;
                if (v < fBest)
                {
                    fBest = v;
                    Array.Copy(external, best, best.Length);
                }
                int k = n - 1;
                while (k >= 0 && ++counter[k] == steps) counter[k--] = 0;
                if (k < 0) break;
            }
            _nfcn += evaluated;
            if (!double.IsFinite(fBest))
            {
                _failure = $"SCAN: the cost was not finite at any of the {evaluated} grid points";
                return Minimised(f, sw);
            }
            _parameters = _parameters.Select((p, i) => p with { Value = best[i] }).ToList();
            var x = f.ToInternal(best);
            var seed = new Migrad(f, Optimization.Strategy.Of(Strategy), Update).Seed(x, null);
            Store(f, seed);
            _parameters = StepsFromErrors();
            _simplexState = true;
            double goal = 0.002 * Tolerance * _objective.ErrorDef;
            _aboveMaxEdm = !(seed.Edm < goal);
            _callLimit = false;
            _hesseFailed = false;
            _message = $"SCAN: {evaluated} grid points ({steps} per parameter); the lowest is a start for MIGRAD, not a minimum";
        }
        catch (NonFiniteObjectiveException e)
        {
            _failure = e.Message;
        }
        return Minimised(f, sw);
    }

    /// <summary>The current result.</summary>
    public FitResult Result
    {
        get
        {
            int count = _parameters.Count;
            var free = _parameters.Select((p, i) => (p, i)).Where(t => !t.p.Fixed).Select(t => t.i).ToArray();
            var cov = new double[count, count];
            var errors = _parameters.Select(p => p.Fixed ? 0.0 : p.Step).ToArray();
            double up = _objective.ErrorDef;
            var s = _state;
            if (s is not null && s.X.Length == free.Length)
            {
                for (int a = 0; a < free.Length; a++)
                {
                    var pa = _parameters[free[a]];
                    double da = ParameterTransform.Derivative(pa, s.X[a]);
                    errors[free[a]] = ParameterTransform.ErrorToExternal(pa, s.X[a], Math.Sqrt(Math.Max(2 * up * s.V[a, a], 0)));
                    for (int b = 0; b < free.Length; b++)
                        cov[free[a], free[b]] = 2 * up * da * s.V[a, b] * ParameterTransform.Derivative(_parameters[free[b]], s.X[b]);
                }
            }
            var values = _parameters.Select(p => p.Value).ToArray();
            bool atLimit = _parameters.Select((p, i) => !p.Fixed && p.HasLimits &&
                Math.Min(values[i] - (p.Lower ?? double.NegativeInfinity), (p.Upper ?? double.PositiveInfinity) - values[i]) < 0.5 * errors[i]).Any(b => b);
            var pars = _parameters.Select((p, i) => new ParameterResult(p.Name, values[i], errors[i], p.Lower, p.Upper, p.Fixed,
                _minos.TryGetValue(p.Name, out var me) ? me : null)).ToList();
            var status = s?.Status ?? ErrorStatus.None;
            return new FitResult
            {
                Parameters = pars,
                Covariance = cov,
                Fval = s?.F ?? double.NaN,
                Edm = s?.Edm ?? double.NaN,
                EdmGoal = 0.002 * Tolerance * up,
                ErrorDef = up,
                Nfcn = _nfcn,
                Ngrad = _ngrad,
                Iterations = _iterations,
                MigradSeconds = _migradSeconds,
                HesseSeconds = _hesseSeconds,
                MinosSeconds = _minosSeconds,
                IsValid = Valid && _migradRun,
                HasCovariance = s is not null && status is ErrorStatus.Available or ErrorStatus.MadePosDef or ErrorStatus.InvertFailed,
                HasAccurateCovar = s is not null && s.IsAccurate,
                HasPosDefCovar = status == ErrorStatus.Available,
                HasMadePosDefCovar = status == ErrorStatus.MadePosDef,
                HesseFailed = _hesseFailed || status is ErrorStatus.HesseFailed or ErrorStatus.InvertFailed,
                IsAboveMaxEdm = _aboveMaxEdm,
                HasReachedCallLimit = _callLimit,
                HasParametersAtLimit = atLimit,
                Message = _infeasible == 0 ? _message
                    : (_message is null ? "" : _message + "; ") + $"{_infeasible} line-search trial point(s) had a non-finite objective and were stepped back from (first: {_firstInfeasible})",
                Failure = _failure,
            };
        }
    }
}
