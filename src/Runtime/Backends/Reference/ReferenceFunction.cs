using System.Numerics;
using PartialWave.Data;
using PartialWave.Symbolic;
using PartialWave.Numerics;

namespace PartialWave.Backends.Reference;

/// <summary>The reference evaluator behind the <see cref="IParametrizedFunction"/> interface: the oracle the compiled backends are tested against.</summary>
internal sealed class ReferenceFunction : ParametrizedFunction
{
    private readonly Expr _expression;
    private readonly ReferenceEvaluator _evaluator;
    private ReferenceEvaluator[]? _gradient;

    public ReferenceFunction(Expr expression, IReadOnlyList<string> inputs, IEnumerable<ParameterSpec> parameters, bool isComplexValued = true)
        : base(inputs, parameters)
    {
        _expression = expression;
        _evaluator = new ReferenceEvaluator(expression);
        IsComplexValued = isComplexValued;
    }

    /// <summary>False when the compiler's type inference shows the model is real (imaginary parts are then dropped).</summary>
    public override bool IsComplexValued { get; }
    public override bool IsGradientSupported => true;

    private Complex[] Point(EventSample sample, int i, ReferenceEvaluator evaluator)
    {
        var values = new Complex[evaluator.SymbolNames.Count];
        for (int k = 0; k < values.Length; k++)
        {
            var name = evaluator.SymbolNames[k];
            var p = Parameters.FirstOrDefault(q => q.Name == name);
            values[k] = p is not null ? p.Value : sample[name][i];
        }
        return values;
    }

    public override void Evaluate(EventSample sample, Span<double> re, Span<double> im = default)
    {
        CheckSample(sample, re.Length, "the value span");
        for (int i = 0; i < sample.Count; i++)
        {
            var v = _evaluator.Evaluate(Point(sample, i, _evaluator));
            re[i] = v.Real;
            if (im.Length > i) im[i] = v.Imaginary;
        }
    }

    // d/d(re c) of f is df/dc-as-real-variable; for complex c we differentiate with respect to two real
    // symbols standing for its parts, substituted as c = x + i y.
    private ReferenceEvaluator[] Gradient()
    {
        if (_gradient is not null) return _gradient;
        var list = new List<ReferenceEvaluator>();
        foreach (var p in Parameters)
        {
            if (!p.IsComplex)
            {
                var r = Expr.Symbol(p.Name, Assumptions.Real);
                list.Add(new ReferenceEvaluator(_expression.SubstituteByName(new Dictionary<string, Expr> { [p.Name] = r }).Differentiate(r)));
                continue;
            }
            var x = Expr.Symbol(p.Name + ".re", Assumptions.Real);
            var y = Expr.Symbol(p.Name + ".im", Assumptions.Real);
            var split = _expression.SubstituteByName(new Dictionary<string, Expr> { [p.Name] = Expr.Add(x, Expr.Mul(Expr.I, y)) });
            list.Add(new ReferenceEvaluator(split.Differentiate(x)));
            list.Add(new ReferenceEvaluator(split.Differentiate(y)));
        }
        return _gradient = list.ToArray();
    }

    private Complex[] SplitPoint(EventSample sample, int i, ReferenceEvaluator evaluator)
    {
        var values = new Complex[evaluator.SymbolNames.Count];
        for (int k = 0; k < values.Length; k++)
        {
            var name = evaluator.SymbolNames[k];
            if (name.EndsWith(".re", StringComparison.Ordinal) && Parameters.FirstOrDefault(q => q.Name == name[..^3]) is { IsComplex: true } pr)
                values[k] = pr.Value.Real;
            else if (name.EndsWith(".im", StringComparison.Ordinal) && Parameters.FirstOrDefault(q => q.Name == name[..^3]) is { IsComplex: true } pi)
                values[k] = pi.Value.Imaginary;
            else values[k] = Parameters.FirstOrDefault(q => q.Name == name) is { } p ? p.Value : sample[name][i];
        }
        return values;
    }

    public override void EvaluateWithGradient(EventSample sample, Span<double> value, double[][] gradient)
    {
        Evaluate(sample, value);
        var evaluators = Gradient();
        for (int k = 0; k < evaluators.Length; k++)
            for (int i = 0; i < sample.Count; i++)
                gradient[k][i] = evaluators[k].Evaluate(SplitPoint(sample, i, evaluators[k])).Real;
    }

    protected override SampleSum Reduce(EventSample sample, ReadOnlySpan<double> weights, bool withGradient, bool log)
    {
        int n = sample.Count;
        var v = new double[n];
        double[][] g = withGradient ? GradientParameters.Select(_ => new double[n]).ToArray() : [];
        if (withGradient) EvaluateWithGradient(sample, v, g); else Evaluate(sample, v);
        var terms = new double[n];
        var w = weights.Length > 0 ? weights.ToArray() : null;
        double W(int i) => w is null ? 1 : w[i];
        double[]? grad = null;
        if (withGradient)
        {
            grad = new double[g.Length];
            for (int k = 0; k < g.Length; k++)
            {
                for (int i = 0; i < n; i++) terms[i] = W(i) == 0 ? 0 : W(i) * (log ? g[k][i] / v[i] : g[k][i]);
                grad[k] = CompensatedSum(terms);
            }
        }
        for (int i = 0; i < n; i++) terms[i] = W(i) == 0 ? 0 : W(i) * (log ? Math.Log(v[i]) : v[i]);
        return new SampleSum(CompensatedSum(terms), grad);
    }
}
