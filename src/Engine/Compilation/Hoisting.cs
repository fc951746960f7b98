namespace PartialWave.Compilation;

/// <summary>
/// Splits a kernel into a data kernel, run once per event sample, and a parameter kernel, run at every parameter
/// update. Instructions that depend on event data but on no parameter (angles, Wigner d, form factors at fixed
/// radii) move to the data kernel; the values the parameter kernel needs from it become cached columns.
/// </summary>
internal static class Hoisting
{
    /// <summary>Name prefix of the cached columns in the parameter kernel's inputs.</summary>
    public const string CachePrefix = "#cache";

    /// <param name="Data">Computes the cached columns from the inputs (null when nothing is worth caching).</param>
    /// <param name="Parameters">Reads the inputs and the cached columns; has the original outputs.</param>
    public sealed record Result(KernelIR? Data, KernelIR Parameters);

    public static Result Run(KernelIR ir)
    {
        int n = ir.Instructions.Count;
        var onParams = IrRebuild.DependsOn(ir, ins => ins.Op == IrOp.Param);
        var onData = IrRebuild.DependsOn(ir, ins => ins.Op == IrOp.Input);
        bool Hoistable(int i) => !onParams[i] && onData[i] && ir.Instructions[i].Op != IrOp.Input;
        var frontier = new List<int>();
        var isFrontier = new bool[n];
        void Mark(int v)
        {
            if (Hoistable(v) && !isFrontier[v]) { isFrontier[v] = true; frontier.Add(v); }
        }
        for (int i = 0; i < n; i++)
        {
            var ins = ir.Instructions[i];
            if (Hoistable(i)) continue;
            for (int k = 0; k < ins.Arity; k++) Mark(ins.Operand(k));
        }
        foreach (var o in ir.Outputs) Mark(o.Value);
        if (frontier.Count == 0) return new Result(null, ir);
        frontier.Sort();

        var data = new IrBuilder(ir.Inputs, []);
        var dataMap = new int[n];
        for (int i = 0; i < n; i++)
        {
            var ins = ir.Instructions[i];
            dataMap[i] = !onParams[i] ? data.Copy(ins, dataMap) : -1;
        }
        for (int k = 0; k < frontier.Count; k++) data.AddOutput($"{CachePrefix}{k}", dataMap[frontier[k]]);

        var main = new IrBuilder(ir.Inputs.Concat(frontier.Select((_, k) => $"{CachePrefix}{k}")), ir.Parameters);
        var map = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (isFrontier[i]) map[i] = main.Input(ir.Inputs.Count + frontier.IndexOf(i));
            else if (Hoistable(i)) map[i] = -1;
            else map[i] = main.Copy(ir.Instructions[i], map);
        }
        foreach (var o in ir.Outputs) main.AddOutput(o.Name, map[o.Value]);
        // The input was optimised already; the data kernel keeps every parameter-free value and needs pruning.
        return new Result(DeadCodeElimination.Run(data.Build()), main.Build());
    }
}
