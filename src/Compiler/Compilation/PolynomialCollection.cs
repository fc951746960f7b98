using PartialWave.Symbolic;

namespace PartialWave.Compilation;

/// <summary>
/// Collects an expression that is polynomial in one input variable v (times factors that are not: exp(−v), a
/// lineshape) into Σ_f f · v^m · H_f(v), one Horner polynomial H_f per distinct non-polynomial factor f, so that the
/// factor is computed once and the polynomial costs one fused multiply-add per degree. A value and its derivative
/// in v then share f (R = e^{−x} P(x), R′ = e^{−x} (P′ − P)): the expansion sums the product rule's terms that carry
/// the same factor. A power of a sum is kept as a factor, not expanded. Numeric coefficients are rounded to doubles once, so that no common factor is pulled back out of
/// the Horner sums. Bounded: an expression whose expansion has more than <see cref="MaxTerms"/> terms, or a power of
/// a sum above <see cref="MaxPower"/>, is left as it is; whether the collected form is used at all is the pipeline's
/// choice (it keeps the kernel with fewer operations).
/// </summary>
internal static class PolynomialCollection
{
    public const int MaxTerms = 64;
    public const int MaxPower = 12;

    // factor → (power of v → coefficient): Σ_f f Σ_n c_n v^n. The factor One stands for "no factor".
    private sealed class Poly : Dictionary<Expr, SortedDictionary<int, Expr>>
    {
        public int Terms => Values.Sum(d => d.Count);

        public void Add(Expr factor, int power, Expr coefficient)
        {
            if (!TryGetValue(factor, out var d)) this[factor] = d = [];
            d[power] = d.TryGetValue(power, out var c) ? Expr.Add(c, coefficient) : coefficient;
        }
    }

    /// <summary>The collected form of <paramref name="e"/> in <paramref name="variable"/>, or <paramref name="e"/> itself.</summary>
    public static Expr Run(Expr e, string variable)
    {
        var memo = new Dictionary<Expr, Poly?>();
        // Which nodes depend on the variable, bottom-up once (operands come first in Distinct's order).
        var depends = new HashSet<Expr>(ReferenceEqualityComparer.Instance);
        foreach (var n in e.Distinct())
            if (n is Symbol s ? s.Name == variable : n.Args.Any(depends.Contains)) depends.Add(n);
        var p = Expand(e, variable, memo, depends);
        if (p is null) return e;
        // The variable's own node, with its assumptions (a real x keeps the real fast paths).
        var symbol = e.Distinct().OfType<Symbol>().First(s => s.Name == variable);
        var collected = Emit(p, symbol);
        return collected;
    }

    /// <summary>Collects every output in the one input variable it depends on, where there is exactly one.</summary>
    public static IReadOnlyList<(string Name, Expr Expr)> Run(IReadOnlyList<(string Name, Expr Expr)> outputs, IReadOnlyCollection<string> inputs) =>
        outputs.Select(o =>
        {
            var used = o.Expr.FreeSymbolNames().Where(inputs.Contains).ToList();
            return used.Count == 1 ? (o.Name, Run(o.Expr, used[0])) : o;
        }).ToList();

    private static Poly? Expand(Expr e, string v, Dictionary<Expr, Poly?> memo, HashSet<Expr> depends)
    {
        if (memo.TryGetValue(e, out var known)) return known;
        Poly? result;
        if (!depends.Contains(e)) result = new Poly { [Expr.One] = new SortedDictionary<int, Expr> { [0] = e } };
        else if (e is Symbol s && s.Name == v) result = new Poly { [Expr.One] = new SortedDictionary<int, Expr> { [1] = Expr.One } };
        else switch (e.Kind)
        {
            case ExprKind.Add:
            {
                result = new Poly();
                foreach (var a in e.Args)
                {
                    var pa = Expand(a, v, memo, depends);
                    if (pa is null) { result = null; break; }
                    foreach (var (f, d) in pa)
                        foreach (var (n, c) in d) result.Add(f, n, c);
                    if (result.Terms > MaxTerms) { result = null; break; }
                }
                break;
            }
            case ExprKind.Mul:
            {
                result = new Poly { [Expr.One] = new SortedDictionary<int, Expr> { [0] = Expr.One } };
                foreach (var a in e.Args)
                {
                    var pa = Expand(a, v, memo, depends);
                    result = pa is null ? null : Multiply(result, pa);
                    if (result is null) break;
                }
                break;
            }
            case ExprKind.Pow when e.Args[1] is RationalNumber { IsInteger: true } r && r.Numerator > 0 && r.Numerator <= MaxPower:
            {
                var pb = Expand(e.Args[0], v, memo, depends);
                // Only powers of a monomial: expanding the power of a sum ((x − 1)¹²) would trade a few squarings for
                // binomial coefficients that cancel near its root.
                if (pb is not null && pb.Terms > 1)
                {
                    result = new Poly { [e] = new SortedDictionary<int, Expr> { [0] = Expr.One } };
                    break;
                }
                result = pb;
                for (int k = 1; k < (int)r.Numerator && result is not null; k++) result = Multiply(result, pb!);
                break;
            }
            default:
                // Not a polynomial operation: the node is a factor of its own.
                result = new Poly { [e] = new SortedDictionary<int, Expr> { [0] = Expr.One } };
                break;
        }
        memo[e] = result;
        return result;
    }

    private static Poly? Multiply(Poly a, Poly b)
    {
        if (a.Terms * b.Terms > 4 * MaxTerms) return null;
        var r = new Poly();
        foreach (var (fa, da) in a)
            foreach (var (fb, db) in b)
            {
                var f = fa.IsOne ? fb : fb.IsOne ? fa : Expr.Mul(fa, fb);
                foreach (var (na, ca) in da)
                    foreach (var (nb, cb) in db) r.Add(f, na + nb, Expr.Mul(ca, cb));
            }
        return r.Terms > MaxTerms ? null : r;
    }

    // A constant real coefficient as one double (sqrt(70)/105 → 0.0796...), anything else as it is.
    private static Expr Numeric(Expr c)
    {
        if (c.IsNumber || c.FreeSymbolNames().Count > 0) return c;
        var value = new PartialWave.Numerics.ReferenceEvaluator(c).Evaluate(ReadOnlySpan<System.Numerics.Complex>.Empty);
        return value.Imaginary == 0 && double.IsFinite(value.Real) ? Expr.Float(value.Real) : c;
    }

    // Σ_f f · v^m · (c_m + v (c_{m+1} + v (...))).
    private static Expr Emit(Poly p, Symbol v)
    {
        var terms = new List<Expr>();
        foreach (var (factor, coefficients) in p)
        {
            var nonzero = coefficients.Where(kv => !kv.Value.IsZero).ToList();
            if (nonzero.Count == 0) continue;
            int low = nonzero[0].Key, high = nonzero[^1].Key;
            var horner = Numeric(coefficients.TryGetValue(high, out var top) ? top : Expr.Zero);
            for (int n = high - 1; n >= low; n--)
                horner = Expr.Add(Numeric(coefficients.TryGetValue(n, out var c) ? c : Expr.Zero), Expr.Mul(v, horner));
            var term = low == 0 ? horner : Expr.Mul(Expr.Pow(v, Expr.Integer(low)), horner);
            terms.Add(factor.IsOne ? term : Expr.Mul(factor, term));
        }
        return terms.Count == 0 ? Expr.Zero : Expr.Add(terms);
    }
}
