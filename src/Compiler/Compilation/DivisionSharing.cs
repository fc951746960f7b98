namespace PartialWave.Compilation;

/// <summary>
/// Divisions by a shared divisor become one reciprocal and multiplications: a/d and b/d cost a divide each,
/// and a divide takes several times as long as a multiply (complex division produces exactly this pattern).
/// So does a division by a value of the parameters alone (the adjoint of x/p in a gradient): its reciprocal
/// moves to the once-per-call prelude with the other parameter-only values, leaving a multiply per event.
/// The results differ from the divisions by at most one rounding.
/// </summary>
internal static class DivisionSharing
{
    public static KernelIR Run(KernelIR ir)
    {
        var divisions = new int[ir.Instructions.Count];
        foreach (var ins in ir.Instructions)
            if (ins.Op == IrOp.Div) divisions[ins.B]++;
        var onData = IrRebuild.DependsOn(ir, ins => ins.Op == IrOp.Input);
        bool Shared(int divisor) => divisions[divisor] >= 2 || (!onData[divisor] && ir.Instructions[divisor].Op != IrOp.Const);
        if (!ir.Instructions.Any(ins => ins.Op == IrOp.Div && Shared(ins.B))) return ir;
        var b = new IrBuilder(ir.Inputs, ir.Parameters);
        var reciprocal = new Dictionary<int, int>();
        var map = b.CopyRegions(ir, _ => true, (i, map) =>
        {
            var ins = ir.Instructions[i];
            if (ins.Op != IrOp.Div || !Shared(ins.B)) return b.Copy(ins, map);
            int d = map[ins.B];
            if (!reciprocal.TryGetValue(d, out var r)) reciprocal[d] = r = b.Emit(IrOp.Div, b.Const(1), d);
            return b.IsConst(map[ins.A], out var one) && one == 1 ? r : b.Emit(IrOp.Mul, map[ins.A], r);
        });
        foreach (var o in ir.Outputs) b.AddOutput(o.Name, map[o.Value]);
        return b.Build();
    }
}
