using PartialWave.Symbolic;

namespace PartialWave.Compilation;

/// <summary>
/// Rewrites an expression into a cheaper equal form before lowering:
/// <list type="bullet">
/// <item>Σₖ F·Gₖ = F·Σₖ Gₖ: factors common to every term of a sum come out. Amplitude models are full of this (an
/// angular factor or a propagator shared by every resonance term); taken out, the factor is computed once, and the
/// inner sum often repeats across helicities, where value numbering finds it.</item>
/// <item>|Πᵢ fᵢ|²ᵏ = Πᵢ |fᵢ|²ᵏ: the norm of a product is the product of norms, so a data-only factor of an amplitude
/// (angular part, phase) becomes one real hoisted column, and sums over helicities can factor out what their
/// terms share.</item>
/// </list>
/// Both are exact in real arithmetic; in floating point they change rounding only.
/// </summary>
internal static class Factoring
{
    public static Expr Run(Expr root)
    {
        var memo = new Dictionary<Expr, Expr>(ReferenceEqualityComparer.Instance);
        return Rewrite(root, memo);
    }

    private static Expr Rewrite(Expr e, Dictionary<Expr, Expr> memo)
    {
        if (memo.TryGetValue(e, out var done)) return done;
        Expr result;
        if (e.Args.Count == 0) result = e;
        else
        {
            var args = e.Args.Select(a => Rewrite(a, memo)).ToArray();
            result = e.Update(args);
            if (result.Kind == ExprKind.Add && Factored(result) is { } f) result = Rewrite(f, memo);
            else if (NormOfProduct(result) is { } n) result = Rewrite(n, memo);
        }
        memo[e] = result;
        return result;
    }

    private static Expr? Factored(Expr sum)
    {
        var terms = sum.Args;
        IReadOnlyList<Expr> FactorsOf(Expr t) => t.Kind == ExprKind.Mul ? t.Args : [t];
        var common = FactorsOf(terms[0]).Where(f => !f.IsNumber).Distinct(ReferenceEqualityComparer.Instance).Cast<Expr>().ToList();
        for (int k = 1; k < terms.Count && common.Count > 0; k++)
        {
            var factors = FactorsOf(terms[k]);
            common.RemoveAll(f => !factors.Any(x => ReferenceEquals(x, f)));
        }
        if (common.Count == 0) return null;
        var inner = terms.Select(t =>
        {
            var rest = FactorsOf(t).ToList();
            foreach (var c in common) rest.Remove(c);
            return Expr.Mul(rest);
        }).ToList();
        return Expr.Mul(common.Append(Expr.Add(inner)).ToList());
    }

    private static Expr? NormOfProduct(Expr e)
    {
        if (e.Kind != ExprKind.Pow || e.Args[0].Kind != ExprKind.Abs || e.Args[1] is not RationalNumber { IsInteger: true } n
            || !n.Numerator.IsEven || n.Numerator.Sign <= 0)
            return null;
        var inside = e.Args[0].Args[0];
        if (inside.Kind != ExprKind.Mul) return null;
        return Expr.Mul(inside.Args.Select(f => Expr.Pow(Expr.Call(ExprKind.Abs, f), n)).ToList());
    }
}
