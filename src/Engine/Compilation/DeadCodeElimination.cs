namespace PartialWave.Compilation;

/// <summary>Removes instructions no output needs, renumbering the rest (value numbering applies again).</summary>
internal static class DeadCodeElimination
{
    public static KernelIR Run(KernelIR ir)
    {
        var live = IrRebuild.Live(ir);
        var b = new IrBuilder(ir.Inputs, ir.Parameters);
        var map = new int[ir.Instructions.Count];
        for (int i = 0; i < map.Length; i++)
            map[i] = live[i] ? b.Copy(ir.Instructions[i], map) : -1;
        foreach (var o in ir.Outputs) b.AddOutput(o.Name, map[o.Value]);
        return b.Build();
    }
}
