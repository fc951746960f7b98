namespace PartialWave.Symbolic;

/// <summary>
/// Operation count in the spirit of SymPy's <c>count_ops</c>: additions, subtractions, negations,
/// multiplications, divisions, powers and one per function call, counted over the written-out tree.
/// Splitting uses it to bound the size of generated functions. Memoised per distinct node, so it costs
/// O(DAG) even where the tree is huge.
/// </summary>
public static class CountOpsExtensions
{
    /// <summary>The operation count of the expression written out as a tree.</summary>
    public static long CountOps(this Expr root)
    {
        var memo = new Dictionary<Expr, long>(ReferenceEqualityComparer.Instance);
        return new Counter(memo).Count(root);
    }

    private readonly struct Counter(Dictionary<Expr, long> memo)
    {
        public long Count(Expr e)
        {
            if (memo.TryGetValue(e, out var c)) return c;
            c = Own(e);
            memo[e] = c;
            return c;
        }

        private static bool CoeffIsNegative(Expr a)
        {
            if (a.Kind == ExprKind.Mul) a = a.ArgArray[0];
            return a switch
            {
                RationalNumber r => r.IsNegative,
                FloatNumber f => f.Value < 0,
                _ => false,
            };
        }

        private long Own(Expr a)
        {
            switch (a)
            {
                case RationalNumber r:
                    if (a.IsOne) return 0;
                    return (r.IsNegative ? 1 : 0) + (r.IsInteger ? 0 : 1);
                case FloatNumber or ComplexNumber or Symbol:
                    return 0;
            }
            long ops = 0;
            switch (a.Kind)
            {
                case ExprKind.Mul:
                {
                    if (CoeffIsNegative(a))
                    {
                        ops++;
                        a = Expr.Mul(Expr.MinusOne, a);
                        if (a.Kind != ExprKind.Mul) return ops + Count(a);
                    }
                    var (n, d) = Fraction(a);
                    if (n is RationalNumber { IsInteger: true } ni)
                        return ops + 1 + (ni.IsNegative ? 1 : 0) + Count(d);
                    if (!d.IsOne)
                        return ops + 1 + (d is RationalNumber { IsInteger: true } ? 0 : Count(d)) + Count(n);
                    ops += a.ArgArray.Length - 1;
                    foreach (var x in a.ArgArray) ops += Count(x);
                    return ops;
                }
                case ExprKind.Add:
                {
                    int negs = 0;
                    ops += a.ArgArray.Length - 1;
                    foreach (var x in a.ArgArray)
                    {
                        if (CoeffIsNegative(x)) { negs++; ops += Count(Expr.Mul(Expr.MinusOne, x)); }
                        else ops += Count(x);
                    }
                    if (negs == a.ArgArray.Length) ops++;
                    return ops;
                }
                case ExprKind.Pow when a.ArgArray[1] is RationalNumber { IsInteger: true } m && m.Numerator == -1:
                    return 1 + Count(a.ArgArray[0]);
                case ExprKind.E:
                    return 1;
                case ExprKind.Max or ExprKind.Min:
                    ops += a.ArgArray.Length - 1;
                    break;
                case ExprKind.Pow:
                    ops += 1;
                    break;
                default:
                    if (Functions.IsFunction(a.Kind) || a.Kind is ExprKind.Piecewise or ExprKind.And or ExprKind.Or or ExprKind.Not) ops += 1;
                    break;
            }
            foreach (var x in a.ArgArray) ops += Count(x);
            return ops;
        }

        // SymPy's fraction(): negative powers and rational denominators go below the line.
        private static (Expr Numerator, Expr Denominator) Fraction(Expr mul)
        {
            var num = new List<Expr>(); var den = new List<Expr>();
            foreach (var f in mul.ArgArray)
            {
                if (f.Kind == ExprKind.Pow && CoeffIsNegative(f.ArgArray[1]))
                    den.Add(Expr.Pow(f.ArgArray[0], Expr.Mul(Expr.MinusOne, f.ArgArray[1])));
                else if (f is RationalNumber r && !r.IsInteger)
                {
                    num.Add(Expr.Integer(r.Numerator));
                    den.Add(Expr.Integer(r.Denominator));
                }
                else num.Add(f);
            }
            return (Expr.Mul(num), Expr.Mul(den));
        }
    }
}
