namespace PartialWave.Compilation;

/// <summary>Removes instructions no output needs, renumbering the rest (value numbering applies again).</summary>
internal static class DeadCodeElimination
{
    public static KernelIR Run(KernelIR ir)
    {
        var live = IrRebuild.Live(ir);
        var b = new IrBuilder(ir.Inputs, ir.Parameters);
        var map = b.CopyRegions(ir, i => live[i], (i, m) => b.Copy(ir.Instructions[i], m));
        foreach (var o in ir.Outputs) b.AddOutput(o.Name, map[o.Value]);
        return b.Build();
    }
}
