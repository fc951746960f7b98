using System.Numerics;
using PartialWave.Symbolic;

namespace PartialWave.Compilation;

/// <summary>How a symbol enters a kernel.</summary>
internal enum SymbolRole
{
    /// <summary>An event column (a real double per event).</summary>
    Input,
    /// <summary>A real parameter, changeable without recompiling.</summary>
    RealParameter,
    /// <summary>A complex parameter (two real slots: name.re, name.im).</summary>
    ComplexParameter,
}

/// <summary>Thrown when an expression uses something the compiled backends do not support; the message says what.</summary>
public sealed class UnsupportedExpressionException(string message) : Exception(message);

/// <summary>
/// Lowers an expression DAG to typed IR (real and complex values), using domain analysis to take real fast paths
/// only where they are exact. One IR value per distinct subexpression; value numbering catches the rest.
/// </summary>
internal sealed class Lowering
{
    private readonly IrBuilder _b;
    private readonly DomainAnalysis _domains;
    private readonly Dictionary<Expr, int> _values = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> _symbolValues = new(StringComparer.Ordinal);

    private readonly Dictionary<Expr, bool> _onParameters = new(ReferenceEqualityComparer.Instance);
    private readonly Func<string, bool> _isParameter;

    private Lowering(IrBuilder builder, DomainAnalysis domains, Func<string, bool> isParameter)
    {
        _b = builder;
        _domains = domains;
        _isParameter = isParameter;
    }

    // Does the value change when a parameter does? Sums and products combine the terms that do not first, so
    // that those partial results depend on data alone and hoisting can cache them.
    private bool OnParameters(Expr e)
    {
        if (_onParameters.TryGetValue(e, out var d)) return d;
        d = e is Symbol s ? _isParameter(s.Name) : e.Args.Any(OnParameters);
        _onParameters[e] = d;
        return d;
    }


    /// <summary>Lowers <paramref name="root"/>; symbols take the roles given (every free symbol needs one).</summary>
    public static KernelIR Lower(Expr root, IReadOnlyDictionary<string, SymbolRole> roles) => Lower([("value", root)], roles);

    /// <summary>
    /// Lowers several expressions into one kernel with an output each (the first named "value"): value numbering
    /// shares what they have in common.
    /// </summary>
    public static KernelIR Lower(IReadOnlyList<(string Name, Expr Expr)> outputs, IReadOnlyDictionary<string, SymbolRole> roles)
    {
        CompilerActivity.Lowered();
        var roots = outputs.Select(o => Factoring.Run(o.Expr)).ToList();
        var missing = roots.SelectMany(r => r.FreeSymbolNames()).Distinct().Where(n => !roles.ContainsKey(n)).ToList();
        if (missing.Count > 0)
            throw new ArgumentException("symbol(s) neither input nor parameter: " + string.Join(", ", missing));
        var inputs = roles.Where(r => r.Value == SymbolRole.Input).Select(r => r.Key).OrderBy(n => n, StringComparer.Ordinal).ToList();
        var parameters = new List<string>();
        foreach (var (name, role) in roles.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            if (role == SymbolRole.RealParameter) parameters.Add(name);
            else if (role == SymbolRole.ComplexParameter) { parameters.Add(name + ".re"); parameters.Add(name + ".im"); }
        }
        var builder = new IrBuilder(inputs, parameters);
        var domains = new DomainAnalysis(s => roles[s.Name] == SymbolRole.ComplexParameter ? Domain.Complex : Domain.OfRealSymbol(s.Assumptions));
        var lowering = new Lowering(builder, domains, n => roles[n] != SymbolRole.Input);
        for (int i = 0; i < inputs.Count; i++) lowering._symbolValues[inputs[i]] = builder.Input(i);
        foreach (var (name, role) in roles)
        {
            if (role == SymbolRole.RealParameter) lowering._symbolValues[name] = builder.Param(parameters.IndexOf(name));
            else if (role == SymbolRole.ComplexParameter)
                lowering._symbolValues[name] = builder.Emit(IrOp.CMake, builder.Param(parameters.IndexOf(name + ".re")), builder.Param(parameters.IndexOf(name + ".im")));
        }
        foreach (var root in roots)
            foreach (var e in root.Distinct())
            {
                if (e.IsBoolean || e.Kind == ExprKind.ExprCondPair) continue; // conditions are lowered where they are used
                lowering.V(e);
            }
        // Complex expansion turns a complex output into NAME.re and NAME.im.
        for (int k = 0; k < roots.Count; k++) builder.AddOutput(outputs[k].Name, lowering.V(roots[k]));
        return builder.Build();
    }

    // Lowered on demand, so that rewritten nodes (factored sums) lower like any other.
    private int V(Expr e)
    {
        if (_values.TryGetValue(e, out var v)) return v;
        v = Node(e);
        _values[e] = v;
        return v;
    }
    private bool IsReal(int v) => _b.TypeOf(v) == IrType.Real;
    private int C(int v) => _b.ToComplex(v);
    private int Const(double x) => _b.Const(x);
    private int Op(IrOp op, int a, int b = -1, int c = -1) => _b.Emit(op, a, b, c);
    private int Re(int v) => IsReal(v) ? v : Op(IrOp.CRe, v);
    private int Im(int v) => IsReal(v) ? Const(0) : Op(IrOp.CIm, v);

    // re() and im() as functions of the model: an undefined (NaN) value stays undefined whichever part is taken,
    // as in SymPy, where nan is one complex value (the parts of a complex value are NaN separately in IR).
    private int ImOfValue(int v) => IsReal(v)
        ? Op(IrOp.Select, Op(IrOp.Eq, v, v), Const(0), Const(double.NaN))
        : Op(IrOp.Select, Op(IrOp.Eq, Op(IrOp.CRe, v), Op(IrOp.CRe, v)), Op(IrOp.CIm, v), Const(double.NaN));

    private int ReOfValue(int v) => IsReal(v) ? v
        : Op(IrOp.Select, Op(IrOp.Eq, Op(IrOp.CIm, v), Op(IrOp.CIm, v)), Op(IrOp.CRe, v), Const(double.NaN));

    // A complex value that is real for the given lanes is kept; where its imaginary part is not zero, the
    // real-only operation is undefined (SymPy raises there): NaN.
    private int RealOrUndefined(int v, Func<int, int> realOp)
    {
        if (IsReal(v)) return realOp(v);
        var isReal = Op(IrOp.Eq, Op(IrOp.CIm, v), Const(0));
        return Op(IrOp.Select, isReal, realOp(Op(IrOp.CRe, v)), Const(double.NaN));
    }

    private int Node(Expr e)
    {
        switch (e)
        {
            case RationalNumber r: return Const(r.ToDouble());
            case FloatNumber f: return Const(f.Value);
            case ComplexNumber z: return _b.CConst(z.Value);
            case Symbol s: return _symbolValues[s.Name];
        }
        var args = e.Args;
        switch (e.Kind)
        {
            case ExprKind.Pi: return Const(Math.PI);
            case ExprKind.E: return Const(Math.E);
            case ExprKind.ImaginaryUnit: return _b.CConst(Complex.ImaginaryOne);
            case ExprKind.Add: return Group(args, Sum);
            case ExprKind.Mul: return Group(args, Product);
            case ExprKind.Pow: return Power(args[0], args[1]);
            case ExprKind.Piecewise: return Piecewise(args);
        }
        var x = V(args[0]);
        bool real = IsReal(x);
        switch (e.Kind)
        {
            case ExprKind.Exp: return real ? Op(IrOp.Exp, x) : Op(IrOp.CExp, x);
            case ExprKind.Log:
                return _domains.Of(args[0]).Positive ? Op(IrOp.Log, x) : real ? Op(IrOp.LogRC, x) : Op(IrOp.CLog, x);
            case ExprKind.Sin: return real ? Op(IrOp.Sin, x) : Op(IrOp.CSin, x);
            case ExprKind.Cos: return real ? Op(IrOp.Cos, x) : Op(IrOp.CCos, x);
            case ExprKind.Tan:
                // tan z = -i tanh(i z), so that both share tanh's protection against overflow
                return real ? Op(IrOp.Tan, x)
                    : Op(IrOp.CMul, _b.CConst(-Complex.ImaginaryOne), Op(IrOp.CTanh, Op(IrOp.CMul, _b.CConst(Complex.ImaginaryOne), x)));
            case ExprKind.Sinh: return real ? Op(IrOp.Sinh, x) : Op(IrOp.CSinh, x);
            case ExprKind.Cosh: return real ? Op(IrOp.Cosh, x) : Op(IrOp.CCosh, x);
            case ExprKind.Tanh: return real ? Op(IrOp.Tanh, x) : Op(IrOp.CTanh, x);
            case ExprKind.Asin: return real ? Op(IrOp.AsinRC, x) : ComplexAsin(x);
            case ExprKind.Acos:
                return real ? Op(IrOp.AcosRC, x)
                    : Op(IrOp.CSelect, Op(IrOp.Eq, Op(IrOp.CIm, x), Const(0)), Op(IrOp.AcosRC, Op(IrOp.CRe, x)),
                        Op(IrOp.CSub, _b.CConst(Math.PI / 2), ComplexAsin(x)));
            case ExprKind.Atan:
            {
                if (real) return Op(IrOp.Atan, x);
                // atan(z) = i/2 (log(1 - iz) - log(1 + iz))
                var iz = Op(IrOp.CMul, _b.CConst(Complex.ImaginaryOne), x);
                var one = _b.CConst(Complex.One);
                var diff = Op(IrOp.CSub, Op(IrOp.CLog, Op(IrOp.CSub, one, iz)), Op(IrOp.CLog, Op(IrOp.CAdd, one, iz)));
                return Op(IrOp.CMul, _b.CConst(new Complex(0, 0.5)), diff);
            }
            case ExprKind.Atan2:
            {
                // SymPy's atan2(0, 0) is undefined (IEEE's atan2 gives ±0 or ±π there, by the signs of the zeros).
                int Atan2(int yy, int xr) =>
                    Op(IrOp.Select, Op(IrOp.And, Op(IrOp.Eq, yy, Const(0)), Op(IrOp.Eq, xr, Const(0))), Const(double.NaN), Op(IrOp.Atan2, yy, xr));
                var y = x; var xx = V(args[1]);
                if (IsReal(y) && IsReal(xx)) return Atan2(y, xx);
                var bothReal = Op(IrOp.And, Op(IrOp.Eq, Im(y), Const(0)), Op(IrOp.Eq, Im(xx), Const(0)));
                return Op(IrOp.Select, bothReal, Atan2(Re(y), Re(xx)), Const(double.NaN));
            }
            case ExprKind.Abs: return real ? Op(IrOp.Abs, x) : Op(IrOp.CAbs, x);
            case ExprKind.Conjugate: return real ? x : Op(IrOp.CConj, x);
            case ExprKind.Re: return ReOfValue(x);
            case ExprKind.Im: return ImOfValue(x);
            case ExprKind.Arg:
                return real ? Op(IrOp.Select, Op(IrOp.Eq, x, Const(0)), Const(double.NaN), Op(IrOp.Atan2, Const(0), x)) : Op(IrOp.CArg, x);
            case ExprKind.Sign: return real ? Op(IrOp.Sign, x) : Op(IrOp.CSign, x);
            case ExprKind.Floor: return real ? Op(IrOp.Floor, x) : Op(IrOp.CFloor, x);
            case ExprKind.Ceiling: return real ? Op(IrOp.Ceiling, x) : Op(IrOp.CCeiling, x);
            case ExprKind.Heaviside:
            {
                if (args.Count == 1) return RealOrUndefined(x, v => Op(IrOp.Heaviside, v));
                var h0 = V(args[1]);
                return RealOrUndefined(x, v => Op(IrOp.Select, Op(IrOp.Eq, v, Const(0)), Re(h0), Op(IrOp.Heaviside, v)));
            }
            case ExprKind.Gamma:
                if (!real) throw new UnsupportedExpressionException("gamma of a complex argument is not supported by the compiled backends");
                return Op(IrOp.Gamma, x);
            case ExprKind.Erf:
                if (!real) throw new UnsupportedExpressionException("erf of a complex argument is not supported by the compiled backends");
                return Op(IrOp.Erf, x);
            case ExprKind.Polygamma:
                throw new UnsupportedExpressionException("polygamma is not supported by the compiled backends yet");
            case ExprKind.Mod:
                return Binary(x, V(args[1]), (a, b) => Op(IrOp.Mod, a, b));
            case ExprKind.KroneckerDelta:
                return Equal(x, V(args[1]));
            case ExprKind.Max or ExprKind.Min:
            {
                var op = e.Kind == ExprKind.Max ? IrOp.Max : IrOp.Min;
                int acc = -1;
                foreach (var a in args)
                {
                    var v = RealOrUndefined(V(a), t => t);
                    acc = acc < 0 ? v : Op(op, acc, v);
                }
                return acc;
            }
        }
        throw new UnsupportedExpressionException($"{e.Kind} is not supported by the compiled backends");
    }

    private int Binary(int a, int b, Func<int, int, int> realOp)
    {
        if (IsReal(a) && IsReal(b)) return realOp(a, b);
        var bothReal = Op(IrOp.And, Op(IrOp.Eq, Im(a), Const(0)), Op(IrOp.Eq, Im(b), Const(0)));
        return Op(IrOp.Select, bothReal, realOp(Re(a), Re(b)), Const(double.NaN));
    }

    private int Equal(int a, int b) =>
        IsReal(a) && IsReal(b) ? Op(IrOp.Eq, a, b) : Op(IrOp.And, Op(IrOp.Eq, Re(a), Re(b)), Op(IrOp.Eq, Im(a), Im(b)));

    private int ComplexAsin(int z)
    {
        // asin(z) = -i log(iz + sqrt(1 - z^2)) for Re z >= 0; asin(z) = -asin(-z) otherwise, where the sum in
        // the log would cancel (the reference evaluator does the same).
        int Formula(int w)
        {
            var one = _b.CConst(Complex.One);
            var root = Op(IrOp.CSqrt, Op(IrOp.CSub, one, Op(IrOp.CMul, w, w)));
            var log = Op(IrOp.CLog, Op(IrOp.CAdd, Op(IrOp.CMul, _b.CConst(Complex.ImaginaryOne), w), root));
            return Op(IrOp.CMul, _b.CConst(-Complex.ImaginaryOne), log);
        }
        var mirrored = Op(IrOp.CNeg, Formula(Op(IrOp.CNeg, z)));
        var complex = Op(IrOp.CSelect, Op(IrOp.Lt, Op(IrOp.CRe, z), Const(0)), mirrored, Formula(z));
        // A value that is real at run time takes the real path, exactly as SymPy (and the reference) do.
        return Op(IrOp.CSelect, Op(IrOp.Eq, Op(IrOp.CIm, z), Const(0)), Op(IrOp.AsinRC, Op(IrOp.CRe, z)), complex);
    }

    // Combines the parameter-independent arguments, then the rest, then the two partial results.
    private int Group(IReadOnlyList<Expr> args, Func<List<int>, int> combine)
    {
        var data = args.Where(a => !OnParameters(a)).Select(V).ToList();
        var rest = args.Where(OnParameters).Select(V).ToList();
        if (data.Count == 0 || rest.Count == 0) return combine(data.Count == 0 ? rest : data);
        return combine([combine(data), combine(rest)]);
    }

    private int Sum(List<int> terms) => Combine(terms, IrOp.Add, IrOp.CAdd);
    private int Product(List<int> factors) => Combine(factors, IrOp.Mul, IrOp.CMul);

    // Real operands combine in real arithmetic, complex ones in complex; the two partial results meet once.
    private int Combine(List<int> operands, IrOp realOp, IrOp complexOp)
    {
        int real = -1, complex = -1;
        foreach (var v in operands)
        {
            if (IsReal(v)) real = real < 0 ? v : Op(realOp, real, v);
            else complex = complex < 0 ? v : Op(complexOp, complex, v);
        }
        if (complex < 0) return real;
        return real < 0 ? complex : Op(complexOp, complex, C(real));
    }

    private int Power(Expr baseExpr, Expr exponent)
    {
        var db = _domains.Of(baseExpr);
        if (baseExpr.Kind == ExprKind.E)
        {
            var x = V(exponent);
            return IsReal(x) ? Op(IrOp.Exp, x) : Op(IrOp.CExp, x);
        }
        var b = V(baseExpr);
        // |z|^(2k) = (re² + im²)^k: no square root for the most common form of an intensity.
        if (baseExpr.Kind == ExprKind.Abs && exponent is RationalNumber { IsInteger: true } even && even.Numerator.IsEven
            && BigInteger.Abs(even.Numerator) <= 64 && !IsReal(V(baseExpr.Args[0])))
        {
            var z = V(baseExpr.Args[0]);
            var re = Op(IrOp.CRe, z); var im = Op(IrOp.CIm, z);
            var norm = Op(IrOp.Add, Op(IrOp.Mul, re, re), Op(IrOp.Mul, im, im));
            return _b.PowInt(norm, (long)(even.Numerator / 2), complex: false);
        }
        if (exponent is RationalNumber r)
        {
            if (r.IsInteger && BigInteger.Abs(r.Numerator) <= 64)
                return _b.PowInt(b, (long)r.Numerator, !IsReal(b));
            if (r.Denominator == 2 && BigInteger.Abs(r.Numerator) == 1)
            {
                int root = IsReal(b) ? (db.Nonnegative ? Op(IrOp.Sqrt, b) : Op(IrOp.SqrtRC, b)) : Op(IrOp.CSqrt, b);
                if (r.Numerator.Sign > 0) return root;
                return IsReal(root) ? Op(IrOp.Div, Const(1), root) : Op(IrOp.CDiv, _b.CConst(Complex.One), root);
            }
        }
        var e = V(exponent);
        if (IsReal(b) && IsReal(e) && db.Nonnegative) return Op(IrOp.Pow, b, e);
        // b^e = exp(e log b) with the principal log; at b = 0 SymPy's value is 0 for Re e > 0 and undefined
        // otherwise, where exp(e · -oo) would give NaN for a complex e.
        var logb = IsReal(b) ? (db.Positive ? C(Op(IrOp.Log, b)) : Op(IrOp.LogRC, b)) : Op(IrOp.CLog, b);
        var general = Op(IrOp.CExp, Op(IrOp.CMul, C(e), logb));
        if (IsReal(b) && IsReal(e))
        {
            // A real base of unknown sign with an exponent that turns out an integer: SymPy's value is the exact
            // real power (Math.Pow handles negative bases there), not exp(e log b) with its rounding residue.
            var integral = Op(IrOp.Eq, Op(IrOp.Floor, e), e);
            general = Op(IrOp.CSelect, integral, C(Op(IrOp.Pow, b, e)), general);
        }
        if (db.Positive) return general;
        // 0^e: Math.Pow(0, e) for a real e (1 at e = 0, oo below), 0 or undefined for a complex one.
        var complexAtZero = Op(IrOp.CSelect, Op(IrOp.Gt, Re(e), Const(0)), _b.CConst(Complex.Zero), _b.CConst(new Complex(double.NaN, double.NaN)));
        var atZero = IsReal(e) ? C(Op(IrOp.Pow, Const(0), e))
            : Op(IrOp.CSelect, Op(IrOp.Eq, Im(e), Const(0)), C(Op(IrOp.Pow, Const(0), Re(e))), complexAtZero);
        return Op(IrOp.CSelect, Equal(b, Const(0)), atZero, general);
    }

    private int Piecewise(IReadOnlyList<Expr> pairs)
    {
        var values = pairs.Select(p => V(p.Args[0])).ToList();
        bool allReal = values.All(IsReal);
        int result = allReal ? Const(double.NaN) : _b.CConst(new Complex(double.NaN, double.NaN));
        for (int k = pairs.Count - 1; k >= 0; k--)
        {
            var cond = Condition(pairs[k].Args[1]);
            var v = allReal ? values[k] : C(values[k]);
            result = Op(allReal ? IrOp.Select : IrOp.CSelect, cond, v, result);
        }
        return result;
    }

    private int Condition(Expr c)
    {
        switch (c.Kind)
        {
            case ExprKind.True: return Const(1);
            case ExprKind.False: return Const(0);
            case ExprKind.And or ExprKind.Or:
            {
                var op = c.Kind == ExprKind.And ? IrOp.And : IrOp.Or;
                int acc = -1;
                foreach (var a in c.Args) { var v = Condition(a); acc = acc < 0 ? v : Op(op, acc, v); }
                return acc;
            }
            case ExprKind.Not: return Op(IrOp.Not, Condition(c.Args[0]));
            case ExprKind.Equality: return Equal(V(c.Args[0]), V(c.Args[1]));
            case ExprKind.Unequality: return Op(IrOp.Not, Equal(V(c.Args[0]), V(c.Args[1])));
        }
        var op2 = c.Kind switch
        {
            ExprKind.StrictLessThan => IrOp.Lt,
            ExprKind.LessThan => IrOp.Le,
            ExprKind.StrictGreaterThan => IrOp.Gt,
            ExprKind.GreaterThan => IrOp.Ge,
            _ => throw new UnsupportedExpressionException($"{c.Kind} is not a condition"),
        };
        return Binary(V(c.Args[0]), V(c.Args[1]), (a, b) => Op(op2, a, b));
    }
}
