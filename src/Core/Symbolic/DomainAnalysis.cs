using PartialWave.Symbolic;

namespace PartialWave.Symbolic;

/// <summary>What is provably true of an expression's value for every allowed input.</summary>
/// <param name="Real">The value is real.</param>
/// <param name="Nonnegative">The value is real and ≥ 0.</param>
/// <param name="Positive">The value is real and &gt; 0.</param>
/// <param name="Integer">The value is an integer.</param>
internal readonly record struct Domain(bool Real, bool Nonnegative, bool Positive, bool Integer)
{
    /// <summary>Nothing known: a complex number.</summary>
    public static readonly Domain Complex = new(false, false, false, false);
    /// <summary>A real of unknown sign.</summary>
    public static readonly Domain AnyReal = new(true, false, false, false);
    /// <summary>A real ≥ 0.</summary>
    public static readonly Domain Nonneg = new(true, true, false, false);
    /// <summary>A real &gt; 0.</summary>
    public static readonly Domain Pos = new(true, true, true, false);

    /// <summary>The domain of a symbol with these assumptions bound to a real value.</summary>
    public static Domain OfRealSymbol(Assumptions a) => new(true,
        (a & Assumptions.Nonnegative) != 0, (a & Assumptions.Positive) != 0, (a & Assumptions.Integer) != 0);
}

/// <summary>
/// Domain analysis: proves where real arithmetic is exact. Real fast paths are taken only where SymPy's
/// principal-branch result is provably real (assumptions, squares, Abs, exp of reals); everything else is
/// computed in complex arithmetic, so results equal SymPy's even where NumPy would give NaN.
/// </summary>
internal sealed class DomainAnalysis(Func<Symbol, Domain> symbols)
{
    private readonly Dictionary<Expr, Domain> _memo = new(ReferenceEqualityComparer.Instance);

    public Domain Of(Expr e)
    {
        if (_memo.TryGetValue(e, out var d)) return d;
        d = Compute(e);
        _memo[e] = d;
        return d;
    }

    private Domain Compute(Expr e)
    {
        switch (e)
        {
            case RationalNumber r:
                return new Domain(true, !r.IsNegative, r.Numerator.Sign > 0, r.IsInteger);
            case FloatNumber f:
                return new Domain(!double.IsNaN(f.Value), f.Value >= 0, f.Value > 0, double.IsInteger(f.Value));
            case ComplexNumber:
                return Domain.Complex;
            case Symbol s:
                return symbols(s);
        }
        var args = e.Args;
        switch (e.Kind)
        {
            case ExprKind.Pi or ExprKind.E: return Domain.Pos;
            case ExprKind.ImaginaryUnit: return Domain.Complex;
            case ExprKind.Add:
            {
                var ds = args.Select(Of).ToList();
                bool real = ds.All(x => x.Real), nonneg = ds.All(x => x.Nonnegative);
                return new Domain(real, nonneg, nonneg && ds.Any(x => x.Positive), ds.All(x => x.Integer));
            }
            case ExprKind.Mul:
            {
                var ds = args.Select(Of).ToList();
                return new Domain(ds.All(x => x.Real), ds.All(x => x.Nonnegative), ds.All(x => x.Positive), ds.All(x => x.Integer));
            }
            case ExprKind.Pow:
            {
                Domain b = Of(args[0]), x = Of(args[1]);
                if (args[1] is RationalNumber { IsInteger: true } n)
                {
                    bool even = n.Numerator.IsEven;
                    return new Domain(b.Real, b.Real && (even || b.Nonnegative), b.Positive,
                        b.Integer && n.Numerator.Sign >= 0);
                }
                if (x.Real && b.Nonnegative) return new Domain(true, true, b.Positive, false);
                if (args[0].Kind == ExprKind.E && x.Real) return Domain.Pos;
                return Domain.Complex;
            }
            case ExprKind.Exp: return Of(args[0]).Real ? Domain.Pos : Domain.Complex;
            case ExprKind.Log: return Of(args[0]).Positive && args.Count == 1 ? Domain.AnyReal : Domain.Complex;
            case ExprKind.Abs: return Domain.Nonneg;
            case ExprKind.Re or ExprKind.Im or ExprKind.Arg: return Domain.AnyReal;
            case ExprKind.Sin or ExprKind.Cos or ExprKind.Tan or ExprKind.Atan or ExprKind.Sinh or ExprKind.Tanh or ExprKind.Sign
                or ExprKind.Floor or ExprKind.Ceiling or ExprKind.Gamma or ExprKind.Erf or ExprKind.Conjugate:
            {
                var a = Of(args[0]);
                if (!a.Real) return Domain.Complex;
                return e.Kind switch
                {
                    ExprKind.Floor or ExprKind.Ceiling => new Domain(true, false, false, true),
                    ExprKind.Conjugate => a,
                    _ => Domain.AnyReal,
                };
            }
            case ExprKind.Cosh: return Of(args[0]).Real ? Domain.Pos : Domain.Complex;
            case ExprKind.Atan2: return Domain.AnyReal;
            case ExprKind.Heaviside or ExprKind.KroneckerDelta: return new Domain(true, true, false, e.Kind == ExprKind.KroneckerDelta);
            case ExprKind.Max or ExprKind.Min or ExprKind.Mod:
                return args.All(a => Of(a).Real) ? Domain.AnyReal : Domain.AnyReal;
            case ExprKind.Piecewise:
            {
                var ds = args.Select(p => Of(p.Args[0])).ToList();
                return new Domain(ds.All(x => x.Real), ds.All(x => x.Nonnegative), ds.All(x => x.Positive), ds.All(x => x.Integer));
            }
        }
        return Domain.Complex; // asin, acos, polygamma of anything: no real proof
    }
}
