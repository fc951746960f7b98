namespace PartialWave.Compilation;

/// <summary>
/// Finds an output f·Q of a hoisted kernel where f is a cached column that cannot be negative and Q is a form of
/// degree two in other cached columns (with parameter coefficients): an intensity |Σₖ cₖ Bₖ|² times an angular
/// factor, with the couplings free. Caching √f·Bₖ instead of Bₖ and f gives the same value with one column fewer,
/// and the parameter kernel, which only streams its cached columns, reads that much less memory per event.
/// </summary>
/// <remarks>
/// The value differs from f·Q by a few roundings. f must be provably non-negative (squares, absolute values, square
/// roots, exponentials and their sums and products) so that √f is real; every column scaled must be used by Q
/// alone, and f by the product alone.
/// </remarks>
internal static class FactorFolding
{
    /// <param name="Product">The instruction f·Q (an output's value).</param>
    /// <param name="Factor">f, a cached value.</param>
    /// <param name="Form">Q.</param>
    /// <param name="Scaled">The cached values Q is a form in: each is cached as itself times √f.</param>
    public sealed record Fold(int Product, int Factor, int Form, IReadOnlyList<int> Scaled);

    /// <param name="ir">The kernel before hoisting.</param>
    /// <param name="hoistable">Values computed once per sample.</param>
    /// <param name="isFrontier">The hoistable values the rest reads (the cached columns).</param>
    public static Fold? Find(KernelIR ir, Func<int, bool> hoistable, bool[] isFrontier)
    {
        var code = ir.Instructions;
        var uses = ir.UseCounts();
        foreach (var output in ir.Outputs)
        {
            var product = code[output.Value];
            if (product.Op != IrOp.Mul || hoistable(output.Value)) continue;
            foreach (var (f, q) in new[] { (product.A, product.B), (product.B, product.A) })
            {
                if (!isFrontier[f] || hoistable(q) || uses[f] != 1 || uses[q] != 1 || !NonNegative(code, f, [])) continue;
                var degree = new Dictionary<int, int>();
                if (Degree(code, q, f, isFrontier, hoistable, degree) != 2) continue;
                // Scaling changes every value of positive degree: each must be read only inside Q (Q by the product).
                var inside = new Dictionary<int, int> { [q] = 1 };
                foreach (var v in degree.Keys)
                {
                    if (isFrontier[v]) continue;
                    var ins = code[v];
                    for (int k = 0; k < ins.Arity; k++) inside[ins.Operand(k)] = inside.GetValueOrDefault(ins.Operand(k)) + 1;
                }
                if (degree.All(e => e.Value == 0 || inside.GetValueOrDefault(e.Key) == uses[e.Key]))
                    return new Fold(output.Value, f, q, degree.Keys.Where(v => isFrontier[v]).OrderBy(v => v).ToList());
            }
        }
        return null;
    }

    // The degree of v as a polynomial in the cached values (parameters and constants: degree 0), or -1 when it is
    // not one. Every visited value is recorded with its degree.
    private static int Degree(IReadOnlyList<Instruction> code, int v, int factor, bool[] isFrontier, Func<int, bool> hoistable,
        Dictionary<int, int> seen)
    {
        if (seen.TryGetValue(v, out var known)) return known;
        var ins = code[v];
        int d;
        if (v == factor) d = -1;
        else if (isFrontier[v]) d = 1;
        else if (hoistable(v) || ins.Op == IrOp.Input) d = -1;
        else if (ins.Op is IrOp.Param or IrOp.Const) d = 0;
        else
        {
            int D(int k) => Degree(code, ins.Operand(k), factor, isFrontier, hoistable, seen);
            d = ins.Op switch
            {
                IrOp.Mul => D(0) is var a and >= 0 && D(1) is var b and >= 0 ? a + b : -1,
                IrOp.Add or IrOp.Sub => D(0) is var a and >= 0 && D(1) == a ? a : -1,
                IrOp.Neg => D(0),
                _ => -1,
            };
            // Other operations of parameters alone are fine (degree 0); any that reads a cached value is not.
            if (d < 0 && ins.Op is not (IrOp.Mul or IrOp.Add or IrOp.Sub or IrOp.Neg)
                && Enumerable.Range(0, ins.Arity).All(k => D(k) == 0)) d = 0;
        }
        seen[v] = d;
        return d;
    }

    // Provably ≥ 0 (or NaN) and never -0.0, so that √v is real and (√v)² = v up to rounding.
    private static bool NonNegative(IReadOnlyList<Instruction> code, int v, Dictionary<int, bool> known)
    {
        if (known.TryGetValue(v, out var k)) return k;
        var ins = code[v];
        bool result = ins.Op switch
        {
            IrOp.Const => ins.X >= 0 && !double.IsNegative(ins.X),
            IrOp.Abs or IrOp.Exp => true,
            IrOp.Mul when ins.A == ins.B => true,
            IrOp.Mul or IrOp.Add or IrOp.Div => NonNegative(code, ins.A, known) && NonNegative(code, ins.B, known),
            IrOp.Sqrt => NonNegative(code, ins.A, known),
            _ => false,
        };
        return known[v] = result;
    }
}
