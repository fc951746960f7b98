namespace PartialWave.Optimization;

/// <summary>
/// The objective seen in internal coordinates: only free parameters, limits unfolded through Minuit's
/// transformations, calls counted, non-finite values turned into <see cref="NonFiniteObjectiveException"/>.
/// </summary>
internal sealed class InternalFunction
{
    private readonly IObjective _objective;
    private readonly double[] _external;

    public InternalFunction(IObjective objective, IReadOnlyList<FitParameter> parameters)
    {
        _objective = objective;
        Parameters = parameters;
        Free = parameters.Select((p, i) => (p, i)).Where(t => !t.p.Fixed).Select(t => t.i).ToArray();
        _external = parameters.Select(p => p.Value).ToArray();
        Up = objective.ErrorDef;
    }

    public IReadOnlyList<FitParameter> Parameters { get; }
    /// <summary>External index of each internal parameter.</summary>
    public int[] Free { get; }
    public int Dimension => Free.Length;
    public double Up { get; }
    public int Calls { get; private set; }
    public int GradientCalls { get; private set; }
    public bool HasGradient => _objective.HasGradient;
    public Action<int>? CallObserver { get; set; }

    /// <summary>Sets a parameter's value while it is fixed (MINOS scans).</summary>
    public void SetFixedValue(int external, double value) => _external[external] = value;

    public FitParameter Parameter(int i) => Parameters[Free[i]];

    public double[] ToInternal(IReadOnlyList<double> external) =>
        Free.Select(e => ParameterTransform.ToInternal(Parameters[e], external[e])).ToArray();

    public double[] ToExternal(ReadOnlySpan<double> x)
    {
        var e = (double[])_external.Clone();
        for (int i = 0; i < Free.Length; i++) e[Free[i]] = ParameterTransform.ToExternal(Parameters[Free[i]], x[i]);
        return e;
    }

    public double Value(ReadOnlySpan<double> x)
    {
        var e = ToExternal(x);
        Calls++;
        CallObserver?.Invoke(Calls);
        double f = _objective.Value(e);
        Check(f, e);
        return f;
    }

    /// <summary>f(x + d·eᵢ) and f(x − d·eᵢ); <paramref name="x"/> is left as it was.</summary>
    public (double Plus, double Minus) Sides(double[] x, int i, double d)
    {
        double xi = x[i];
        x[i] = xi + d;
        double plus = Value(x);
        x[i] = xi - d;
        double minus = Value(x);
        x[i] = xi;
        return (plus, minus);
    }

    /// <summary>
    /// The symmetrised Hessian from forward differences of the analytic gradient: column i is
    /// (g(x + hᵢeᵢ) − <paramref name="g0"/>) / hᵢ, one gradient call per parameter.
    /// </summary>
    public double[,] HessianFromGradient(double[] x, double[] g0, double[] h)
    {
        int n = x.Length;
        var hessian = new double[n, n];
        var shifted = new double[n];
        var xx = (double[])x.Clone();
        for (int i = 0; i < n; i++)
        {
            xx[i] = x[i] + h[i];
            ValueAndGradient(xx, shifted);
            xx[i] = x[i];
            for (int j = 0; j < n; j++) hessian[i, j] = (shifted[j] - g0[j]) / h[i];
        }
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) hessian[i, j] = hessian[j, i] = 0.5 * (hessian[i, j] + hessian[j, i]);
        return hessian;
    }

    /// <summary>Trial points of line searches where the objective was not finite (stepped back from, not minimised).</summary>
    public int InfeasiblePoints { get; private set; }
    /// <summary>The report of the first such point.</summary>
    public string? FirstInfeasible { get; private set; }

    /// <summary>
    /// The value at a line-search trial point, or false where the objective is not finite there: the search then
    /// treats the point as worse than any other and steps back, and the fit result says how often that happened.
    /// </summary>
    public bool TryValue(ReadOnlySpan<double> x, out double f)
    {
        try
        {
            f = Value(x);
            return true;
        }
        catch (NonFiniteObjectiveException e)
        {
            InfeasiblePoints++;
            FirstInfeasible ??= e.Message;
            f = double.NaN;
            return false;
        }
    }

    /// <summary>Value and analytic gradient in internal coordinates.</summary>
    public double ValueAndGradient(ReadOnlySpan<double> x, double[] gradient)
    {
        var e = ToExternal(x);
        var g = new double[e.Length];
        Calls++;
        GradientCalls++;
        CallObserver?.Invoke(Calls);
        double f = _objective.ValueAndGradient(e, g);
        Check(f, e);
        for (int i = 0; i < Free.Length; i++)
        {
            double gi = g[Free[i]];
            if (!double.IsFinite(gi))
                throw new NonFiniteObjectiveException($"the gradient with respect to '{Parameters[Free[i]].Name}' is {gi}", Named(e));
            gradient[i] = gi * ParameterTransform.Derivative(Parameters[Free[i]], x[i]);
        }
        return f;
    }

    private void Check(double f, double[] e)
    {
        if (!double.IsFinite(f)) throw new NonFiniteObjectiveException($"the objective is {f}", Named(e));
    }

    private List<KeyValuePair<string, double>> Named(double[] e) =>
        Parameters.Select((p, i) => new KeyValuePair<string, double>(p.Name, e[i])).ToList();
}
