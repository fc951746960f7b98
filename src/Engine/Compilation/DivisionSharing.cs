namespace PartialWave.Compilation;

/// <summary>
/// Divisions by a shared divisor become one reciprocal and multiplications: a/d and b/d cost a divide each,
/// and a divide takes several times as long as a multiply (complex division produces exactly this pattern).
/// The results differ from the divisions by at most one rounding.
/// </summary>
internal static class DivisionSharing
{
    public static KernelIR Run(KernelIR ir)
    {
        var divisions = new int[ir.Instructions.Count];
        foreach (var ins in ir.Instructions)
            if (ins.Op == IrOp.Div) divisions[ins.B]++;
        if (divisions.All(c => c < 2)) return ir;
        var b = new IrBuilder(ir.Inputs, ir.Parameters);
        var reciprocal = new Dictionary<int, int>();
        var map = b.CopyRegions(ir, _ => true, (i, map) =>
        {
            var ins = ir.Instructions[i];
            if (ins.Op != IrOp.Div || divisions[ins.B] < 2) return b.Copy(ins, map);
            int d = map[ins.B];
            if (!reciprocal.TryGetValue(d, out var r)) reciprocal[d] = r = b.Emit(IrOp.Div, b.Const(1), d);
            return b.IsConst(map[ins.A], out var one) && one == 1 ? r : b.Emit(IrOp.Mul, map[ins.A], r);
        });
        foreach (var o in ir.Outputs) b.AddOutput(o.Name, map[o.Value]);
        return b.Build();
    }
}

/// <summary>The passes run on every real-only kernel before code generation, in one place.</summary>
internal static class IrPasses
{
    public static KernelIR Run(KernelIR ir) => DeadCodeElimination.Run(DivisionSharing.Run(DeadCodeElimination.Run(ir)));
}
