using System.Numerics;
using PartialWave.Numerics;

namespace PartialWave.Symbolic;

// The one factory. Every node is created here: arguments are flattened and put in canonical order,
// constants are folded (exact integers and rationals stay exact, floats stay floats), trivial identities
// are applied, and the result is interned.
public abstract partial class Expr
{
    /// <summary>0.</summary>
    public static readonly Expr Zero = Integer(0);
    /// <summary>1.</summary>
    public static readonly Expr One = Integer(1);
    /// <summary>-1.</summary>
    public static readonly Expr MinusOne = Integer(-1);
    /// <summary>1/2.</summary>
    public static readonly Expr Half = Rational(1, 2);
    /// <summary>The imaginary unit.</summary>
    public static readonly Expr I = InternTable.Intern(new Compound(ExprKind.ImaginaryUnit, []));
    /// <summary>π.</summary>
    public static readonly Expr Pi = InternTable.Intern(new Compound(ExprKind.Pi, []));
    /// <summary>Euler's number.</summary>
    public static readonly Expr E = InternTable.Intern(new Compound(ExprKind.E, []));
    /// <summary>Boolean true.</summary>
    public static readonly Expr True = InternTable.Intern(new Compound(ExprKind.True, []));
    /// <summary>Boolean false.</summary>
    public static readonly Expr False = InternTable.Intern(new Compound(ExprKind.False, []));

    // ---------------- atoms ----------------

    /// <summary>An exact integer.</summary>
    public static Expr Integer(BigInteger value) => InternTable.Intern(new RationalNumber(value, BigInteger.One));

    /// <summary>An exact rational p/q, reduced.</summary>
    public static Expr Rational(BigInteger p, BigInteger q)
    {
        if (q.IsZero) throw new DivideByZeroException("Rational with zero denominator.");
        if (q.Sign < 0) { p = -p; q = -q; }
        var g = BigInteger.GreatestCommonDivisor(p, q);
        if (!g.IsOne && !g.IsZero) { p /= g; q /= g; }
        return InternTable.Intern(new RationalNumber(p, q));
    }

    /// <summary>A float (SymPy precision 53 = double).</summary>
    // +0.0 turns -0.0 into 0.0: SymPy has no signed zero, and one zero keeps structurally equal things one object.
    // NaN is one value (SymPy's nan), whatever its payload bits.
    public static Expr Float(double value, int precision = 53) =>
        InternTable.Intern(new FloatNumber(double.IsNaN(value) ? double.NaN : value + 0.0, precision));

    /// <summary>A complex floating constant; a zero imaginary part gives a Float.</summary>
    public static Expr Complex(Complex value) =>
        value.Imaginary == 0 || double.IsNaN(value.Real) || double.IsNaN(value.Imaginary) ? Float(value.Real + value.Imaginary * 0) : InternTable.Intern(new ComplexNumber(new Complex(value.Real + 0.0, value.Imaginary + 0.0)));

    /// <summary>A symbol with the given assumptions (closed under implication).</summary>
    public static Symbol Symbol(string name, Assumptions assumptions = Assumptions.None) =>
        string.IsNullOrEmpty(name) ? throw new ArgumentException("A symbol needs a non-empty name.", nameof(name))
        : InternTable.Intern(new Symbol(name, AssumptionSet.Close(assumptions), null));

    /// <summary>A SymPy Indexed symbol, named as SymPy prints it.</summary>
    public static Symbol IndexedSymbol(string name, IndexedParts parts) =>
        InternTable.Intern(new Symbol(name, Assumptions.None, parts));

    // ---------------- numbers ----------------

    /// <summary>Numeric value of a number node (Rational, Float, Complex).</summary>
    internal static Complex NumberValue(Expr e) => e switch
    {
        RationalNumber r => new Complex(r.ToDouble(), 0),
        FloatNumber f => new Complex(f.Value, 0),
        ComplexNumber c => c.Value,
        _ => throw new InvalidOperationException("not a number"),
    };

    // Result kind of combining numbers: 0 exact, 1 float, 2 complex.
    private static int NumberLevel(Expr e) => e.Kind switch { ExprKind.Rational => 0, ExprKind.Float => 1, _ => 2 };

    private static Expr MakeNumber(int level, Complex value) =>
        level == 1 ? Float(value.Real) : Complex(value);

    // ---------------- Add ----------------

    /// <summary>Sum of the arguments.</summary>
    public static Expr Add(params Expr[] args) => Add((IReadOnlyList<Expr>)args);

    /// <summary>Sum of the arguments.</summary>
    public static Expr Add(IReadOnlyList<Expr> args)
    {
        var terms = new List<Expr>(args.Count);
        BigInteger p = 0, q = 1;
        int level = 0; bool anyNumber = false;
        Complex inexact = System.Numerics.Complex.Zero;
        void Collect(Expr a)
        {
            RequireValue(a, "Add");
            if (a.Kind == ExprKind.Add) { foreach (var c in a.ArgArray) Collect(c); return; }
            if (a is RationalNumber r)
            {
                p = p * r.Denominator + r.Numerator * q; q *= r.Denominator;
                anyNumber = true;
                return;
            }
            if (a.IsNumber) { level = Math.Max(level, NumberLevel(a)); inexact += NumberValue(a); anyNumber = true; return; }
            terms.Add(a);
        }
        foreach (var a in args) Collect(a);
        if (anyNumber)
        {
            Expr exact = Rational(p, q);
            if (level == 0) { if (!exact.IsZero) terms.Add(exact); }
            else
            {
                var v = inexact + NumberValue(exact);
                // x + 0.0 is x: a float zero carries no information in a sum.
                if (v != System.Numerics.Complex.Zero || terms.Count == 0) terms.Add(MakeNumber(level, v));
            }
        }
        if (terms.Count == 0) return Zero;
        if (terms.Count == 1) return terms[0];
        var arr = terms.ToArray();
        Array.Sort(arr, CanonicalOrder.Instance);
        return InternTable.Intern(new Compound(ExprKind.Add, arr));
    }

    // ---------------- Mul ----------------

    /// <summary>Product of the arguments.</summary>
    public static Expr Mul(params Expr[] args) => Mul((IReadOnlyList<Expr>)args);

    /// <summary>Product of the arguments.</summary>
    public static Expr Mul(IReadOnlyList<Expr> args)
    {
        var factors = new List<Expr>(args.Count);
        BigInteger p = 1, q = 1;
        int level = 0; bool anyInexact = false;
        Complex inexact = System.Numerics.Complex.One;
        void Collect(Expr a)
        {
            RequireValue(a, "Mul");
            if (a.Kind == ExprKind.Mul) { foreach (var c in a.ArgArray) Collect(c); return; }
            if (a is RationalNumber r) { p *= r.Numerator; q *= r.Denominator; return; }
            if (a.IsNumber) { level = Math.Max(level, NumberLevel(a)); inexact = ScalarMath.Multiply(inexact, NumberValue(a)); anyInexact = true; return; }
            factors.Add(a);
        }
        foreach (var a in args) Collect(a);
        if (anyInexact)
        {
            // A float times I is a complex constant: 2.5*I reads back as the number it prints as.
            int units = factors.RemoveAll(f => f.Kind == ExprKind.ImaginaryUnit);
            // Multiplying by I is a rotation, (a, b) -> (-b, a); done exactly so that oo*I stays (0, oo), not (nan, oo).
            for (int k = 0; k < units; k++) { inexact = new Complex(-inexact.Imaginary, inexact.Real); level = 2; }
            var v = ScalarMath.Multiply(inexact, NumberValue(Rational(p, q)));
            if (p.IsZero && IsFinite(v) && factors.TrueForAll(IsFiniteExpr)) return Zero;
            factors.Add(MakeNumber(level, v));
        }
        else
        {
            if (p.IsZero && factors.TrueForAll(IsFiniteExpr)) return Zero;
            var c = Rational(p, q);
            if (!c.IsOne) factors.Add(c);
        }
        if (factors.Count == 0) return One;
        if (factors.Count == 1) return factors[0];
        var arr = factors.ToArray();
        Array.Sort(arr, CanonicalOrder.Instance);
        return InternTable.Intern(new Compound(ExprKind.Mul, arr));
    }

    private static bool IsFinite(Complex v) => double.IsFinite(v.Real) && double.IsFinite(v.Imaginary);

    // Symbols are taken to be finite, as SymPy's 0*x = 0 does; only non-finite constants are not.
    private static bool IsFiniteExpr(Expr e) => !e.IsNumber || IsFinite(NumberValue(e));

    // ---------------- Pow ----------------

    /// <summary>b raised to e.</summary>
    public static Expr Pow(Expr b, Expr e)
    {
        RequireValue(b, "Pow"); RequireValue(e, "Pow");
        if (e.IsZero) return One;
        if (e.IsOne) return b;
        if (b.IsOne) return One;
        if (b is RationalNumber rb && e is RationalNumber re && re.IsInteger && BigInteger.Abs(re.Numerator) <= 4096
            && !(rb.IsZero && re.IsNegative) && rb.Numerator.GetBitLength() * (long)BigInteger.Abs(re.Numerator) < 100_000)
        {
            int n = (int)re.Numerator;
            var num = BigInteger.Pow(rb.Numerator, Math.Abs(n));
            var den = BigInteger.Pow(rb.Denominator, Math.Abs(n));
            return n >= 0 ? Rational(num, den) : Rational(den, num);
        }
        if (b.IsNumber && e.IsNumber && (b.Kind != ExprKind.Rational || e.Kind != ExprKind.Rational))
        {
            var v = ScalarMath.Pow(NumberValue(b), NumberValue(e));
            return MakeNumber(Math.Max(Math.Max(NumberLevel(b), NumberLevel(e)), ScalarMath.IsReal(v) ? 1 : 2), v);
        }
        if (b.Kind == ExprKind.ImaginaryUnit && e is RationalNumber ri && ri.IsInteger)
        {
            int k = (int)(((ri.Numerator % 4) + 4) % 4);
            return k switch { 0 => One, 1 => I, 2 => MinusOne, _ => Mul(MinusOne, I) };
        }
        // (x^a)^n = x^(a n) holds on principal branches when n is an integer.
        if (b.Kind == ExprKind.Pow && e is RationalNumber n2 && n2.IsInteger && b.ArgArray[1] is RationalNumber)
            return Pow(b.ArgArray[0], Mul(b.ArgArray[1], e));
        return InternTable.Intern(new Compound(ExprKind.Pow, [b, e]));
    }

    /// <summary>Principal square root.</summary>
    public static Expr Sqrt(Expr x) => Pow(x, Half);

    // ---------------- functions ----------------

    /// <summary>Applies a function kind to its arguments, folding numeric arguments.</summary>
    public static Expr Call(ExprKind kind, params Expr[] args)
    {
        var info = Functions.Of(kind) ?? throw new ArgumentException($"{kind} is not a function.", nameof(kind));
        if (args.Length < info.MinArgs || args.Length > info.MaxArgs)
            throw new ArgumentException($"{info.Name} takes {Arity(info)} argument(s), got {args.Length}.");
        foreach (var a in args) RequireValue(a, info.Name);
        if (kind == ExprKind.Log && args.Length == 2)
            return Mul(Call(ExprKind.Log, args[0]), Pow(Call(ExprKind.Log, args[1]), MinusOne));
        if (kind == ExprKind.Heaviside && args.Length == 2 && args[1].Kind == ExprKind.Rational && ((RationalNumber)args[1]).Numerator * 2 == ((RationalNumber)args[1]).Denominator)
            args = [args[0]]; // H(x, 1/2) is SymPy's default
        var folded = FoldFunction(kind, args);
        if (folded is not null) return folded;
        if (kind is ExprKind.Max or ExprKind.Min)
        {
            var flat = new List<Expr>();
            foreach (var a in args)
                foreach (var x in a.Kind == kind ? a.ArgArray : [a])
                    if (!flat.Contains(x)) flat.Add(x);
            if (flat.Count == 1) return flat[0];
            var arr = flat.ToArray();
            Array.Sort(arr, CanonicalOrder.Instance);
            args = arr;
        }
        return InternTable.Intern(new Compound(kind, args));
    }

    internal static string Arity(Functions.Info info) =>
        info.MinArgs == info.MaxArgs ? info.MinArgs.ToString() :
        info.MaxArgs == int.MaxValue ? $"at least {info.MinArgs}" : $"{info.MinArgs} to {info.MaxArgs}";

    private static bool IsRealSymbolic(Expr e) => e switch
    {
        Symbol s => s.IsReal,
        RationalNumber or FloatNumber => true,
        _ => e.Kind is ExprKind.Pi or ExprKind.E,
    };

    private static bool IsNonnegativeSymbolic(Expr e) => e switch
    {
        Symbol s => (s.Assumptions & Assumptions.Nonnegative) != 0,
        RationalNumber r => !r.IsNegative,
        FloatNumber f => f.Value >= 0,
        _ => e.Kind switch
        {
            ExprKind.Pi or ExprKind.E or ExprKind.Abs => true,
            ExprKind.Exp => IsRealSymbolic(e.ArgArray[0]),
            _ => false,
        },
    };

    private static Expr? FoldFunction(ExprKind kind, Expr[] args)
    {
        var x = args[0];
        // Identities that hold symbolically (SymPy applies them at construction too).
        switch (kind)
        {
            case ExprKind.Conjugate when IsRealSymbolic(x): return x;
            case ExprKind.Conjugate when x.Kind == ExprKind.Conjugate: return x.ArgArray[0];
            case ExprKind.Re when IsRealSymbolic(x): return x;
            case ExprKind.Im when IsRealSymbolic(x): return Zero;
            case ExprKind.Abs when IsNonnegativeSymbolic(x): return x;
            case ExprKind.Exp when x.IsZero: return One;
            case ExprKind.Log when x.IsOne: return Zero;
            case ExprKind.Log when x.Kind == ExprKind.E: return One;
            case ExprKind.Sin or ExprKind.Tan or ExprKind.Sinh or ExprKind.Tanh or ExprKind.Asin or ExprKind.Atan or ExprKind.Erf when x.IsZero: return Zero;
            case ExprKind.Cos or ExprKind.Cosh when x.IsZero: return One;
            case ExprKind.KroneckerDelta when ReferenceEquals(args[0], args[1]): return One;
        }
        foreach (var a in args) if (!a.IsNumber) return null;
        // Exact arguments: fold only where the result is exact.
        bool allExact = Array.TrueForAll(args, a => a.Kind == ExprKind.Rational);
        if (allExact)
        {
            var r = (RationalNumber)x;
            switch (kind)
            {
                case ExprKind.Abs: return r.IsNegative ? Rational(-r.Numerator, r.Denominator) : r;
                case ExprKind.Sign: return Integer(r.Numerator.Sign);
                case ExprKind.Re or ExprKind.Conjugate: return r;
                case ExprKind.Im: return Zero;
                case ExprKind.Floor: return Integer(BigInteger.Divide(r.Numerator - (r.IsNegative ? r.Denominator - 1 : 0), r.Denominator));
                case ExprKind.Ceiling: return Integer(BigInteger.Divide(r.Numerator + (r.IsNegative ? 0 : r.Denominator - 1), r.Denominator));
                case ExprKind.Heaviside: return r.IsZero ? Half : r.IsNegative ? Zero : One;
                case ExprKind.KroneckerDelta: return ReferenceEquals(args[0], args[1]) ? One : Zero;
                case ExprKind.Max or ExprKind.Min:
                {
                    var best = r;
                    foreach (RationalNumber a in args)
                    {
                        int c = (a.Numerator * best.Denominator).CompareTo(best.Numerator * a.Denominator);
                        if (kind == ExprKind.Max ? c > 0 : c < 0) best = a;
                    }
                    return best;
                }
                default: return null; // exp(2), sqrt(2), ... stay exact and symbolic
            }
        }
        // erf is implemented for real arguments only: erf of a complex number stays symbolic.
        if (kind == ExprKind.Erf && x.Kind == ExprKind.Complex) return null;
        var v = Array.ConvertAll(args, NumberValue);
        var result = NumericFunction(kind, v);
        int level = 1;
        foreach (var a in args) level = Math.Max(level, NumberLevel(a));
        return MakeNumber(ScalarMath.IsReal(result) ? 1 : 2, result);
    }

    /// <summary>Evaluates a function kind on complex values with SymPy's semantics.</summary>
    /// <exception cref="NotSupportedException">erf of a value that is not real (only real erf is implemented).</exception>
    public static Complex NumericFunction(ExprKind kind, ReadOnlySpan<Complex> v) => kind switch
    {
        ExprKind.Abs => ScalarMath.Abs(v[0]),
        ExprKind.Exp => ScalarMath.Exp(v[0]),
        ExprKind.Log => v.Length == 2 ? ScalarMath.Log(v[0]) / ScalarMath.Log(v[1]) : ScalarMath.Log(v[0]),
        ExprKind.Sin => ScalarMath.Sin(v[0]),
        ExprKind.Cos => ScalarMath.Cos(v[0]),
        ExprKind.Tan => ScalarMath.Tan(v[0]),
        ExprKind.Asin => ScalarMath.Asin(v[0]),
        ExprKind.Acos => ScalarMath.Acos(v[0]),
        ExprKind.Atan => ScalarMath.Atan(v[0]),
        ExprKind.Atan2 => ScalarMath.Atan2(v[0], v[1]),
        ExprKind.Sinh => ScalarMath.Sinh(v[0]),
        ExprKind.Cosh => ScalarMath.Cosh(v[0]),
        ExprKind.Tanh => ScalarMath.Tanh(v[0]),
        ExprKind.Gamma => ScalarMath.Gamma(v[0]),
        ExprKind.Polygamma => ScalarMath.Polygamma(v[0], v[1]),
        ExprKind.Conjugate => System.Numerics.Complex.Conjugate(v[0]),
        ExprKind.Re => new Complex(v[0].Real, 0),
        ExprKind.Im => new Complex(v[0].Imaginary, 0),
        ExprKind.Arg => ScalarMath.Arg(v[0]),
        ExprKind.Sign => ScalarMath.Sign(v[0]),
        ExprKind.Heaviside => ScalarMath.Heaviside(v[0], v.Length > 1 ? v[1] : new Complex(0.5, 0)),
        ExprKind.Max => Extreme(v, +1),
        ExprKind.Min => Extreme(v, -1),
        ExprKind.Mod => ScalarMath.Mod(v[0], v[1]),
        ExprKind.Floor => ScalarMath.Floor(v[0]),
        ExprKind.Ceiling => ScalarMath.Ceiling(v[0]),
        ExprKind.KroneckerDelta => v[0] == v[1] ? System.Numerics.Complex.One : System.Numerics.Complex.Zero,
        ExprKind.Erf => ScalarMath.Erf(v[0]),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a function"),
    };

    private static Complex Extreme(ReadOnlySpan<Complex> v, int direction)
    {
        var best = v[0];
        foreach (var x in v)
        {
            var c = ScalarMath.Compare(x, best);
            if (c is null) return ScalarMath.NaN;
            if (c.Value * direction > 0) best = x;
        }
        return best;
    }

    // ---------------- Piecewise and logic ----------------

    /// <summary>Piecewise((value, condition), ...): the first branch whose condition holds.</summary>
    public static Expr Piecewise(IReadOnlyList<(Expr Value, Expr Condition)> branches)
    {
        var pairs = new List<Expr>(branches.Count);
        foreach (var (value, cond) in branches)
        {
            RequireValue(value, "Piecewise");
            RequireCondition(cond, "Piecewise");
            if (cond.Kind == ExprKind.False) continue;
            if (cond.Kind == ExprKind.True && pairs.Count == 0) return value;
            pairs.Add(InternTable.Intern(new Compound(ExprKind.ExprCondPair, [value, cond])));
            if (cond.Kind == ExprKind.True) break;
        }
        if (pairs.Count == 0) throw new ArgumentException("Piecewise has no branch whose condition can hold.");
        return InternTable.Intern(new Compound(ExprKind.Piecewise, pairs.ToArray()));
    }

    /// <summary>A comparison; folds to True/False when both sides are real numbers.</summary>
    public static Expr Relational(ExprKind kind, Expr a, Expr b)
    {
        if (!Functions.IsRelational(kind)) throw new ArgumentException($"{kind} is not a comparison.", nameof(kind));
        RequireValue(a, Functions.BooleanName(kind)); RequireValue(b, Functions.BooleanName(kind));
        if (a.IsNumber && b.IsNumber)
        {
            var va = NumberValue(a); var vb = NumberValue(b);
            if (kind is ExprKind.Equality or ExprKind.Unequality)
                return (va == vb) == (kind == ExprKind.Equality) ? True : False;
            var c = ScalarMath.Compare(va, vb);
            if (c is not null)
            {
                bool holds = kind switch
                {
                    ExprKind.StrictLessThan => c < 0,
                    ExprKind.StrictGreaterThan => c > 0,
                    ExprKind.LessThan => c <= 0,
                    _ => c >= 0,
                };
                return holds ? True : False;
            }
        }
        return InternTable.Intern(new Compound(kind, [a, b]));
    }

    /// <summary>Logical and/or of conditions, flattened, with true/false absorbed.</summary>
    public static Expr Logic(ExprKind kind, params Expr[] args)
    {
        if (kind is not (ExprKind.And or ExprKind.Or)) throw new ArgumentException($"{kind} is not And/Or.", nameof(kind));
        var identity = kind == ExprKind.And ? ExprKind.True : ExprKind.False;
        var absorbing = kind == ExprKind.And ? False : True;
        var list = new List<Expr>();
        void Collect(Expr a)
        {
            RequireCondition(a, Functions.BooleanName(kind));
            if (a.Kind == kind) { foreach (var c in a.ArgArray) Collect(c); return; }
            if (a.Kind == identity) return;
            if (!list.Contains(a)) list.Add(a);
        }
        foreach (var a in args) Collect(a);
        if (list.Exists(a => ReferenceEquals(a, absorbing))) return absorbing;
        if (list.Count == 0) return kind == ExprKind.And ? True : False;
        if (list.Count == 1) return list[0];
        var arr = list.ToArray();
        Array.Sort(arr, CanonicalOrder.Instance);
        return InternTable.Intern(new Compound(kind, arr));
    }

    /// <summary>Logical negation.</summary>
    public static Expr Not(Expr a)
    {
        RequireCondition(a, "Not");
        if (a.Kind == ExprKind.True) return False;
        if (a.Kind == ExprKind.False) return True;
        if (a.Kind == ExprKind.Not) return a.ArgArray[0];
        return InternTable.Intern(new Compound(ExprKind.Not, [a]));
    }

    // ---------------- rebuilding ----------------

    /// <summary>
    /// A node of the same kind (and payload) with new children, through the factory; returns this when
    /// nothing changed.
    /// </summary>
    public Expr Update(IReadOnlyList<Expr> args)
    {
        bool same = args.Count == ArgArray.Length;
        for (int i = 0; same && i < args.Count; i++) same = ReferenceEquals(args[i], ArgArray[i]);
        if (same) return this;
        return Kind switch
        {
            ExprKind.Add => Add(args),
            ExprKind.Mul => Mul(args),
            ExprKind.Pow => Pow(args[0], args[1]),
            ExprKind.Piecewise => Piecewise(args.Select(p => (p.ArgArray[0], p.ArgArray[1])).ToList()),
            ExprKind.ExprCondPair => InternTable.Intern(new Compound(ExprKind.ExprCondPair, [args[0], args[1]])),
            ExprKind.And or ExprKind.Or => Logic(Kind, args.ToArray()),
            ExprKind.Not => Not(args[0]),
            _ when Functions.IsRelational(Kind) => Relational(Kind, args[0], args[1]),
            _ when Functions.IsFunction(Kind) => Call(Kind, args.ToArray()),
            _ => throw new InvalidOperationException($"{Kind} has no children."),
        };
    }

    private static void RequireValue(Expr e, string where)
    {
        if (e.IsBoolean || e.Kind is ExprKind.ExprCondPair)
            throw new ArgumentException($"{where} needs a value, got the condition {e}.");
    }

    private static void RequireCondition(Expr e, string where)
    {
        if (!e.IsBoolean) throw new ArgumentException($"{where} needs a condition, got the value {e}.");
    }
}
