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

    /// <summary>
    /// The movable instructions whose values the rest of the kernel (or an output) reads: what must be handed over
    /// when the movable part runs elsewhere. Sorted; empty when nothing is read.
    /// </summary>
    internal static (List<int> Frontier, bool[] IsFrontier) Frontier(KernelIR ir, Func<int, bool> movable)
    {
        int n = ir.Instructions.Count;
        var frontier = new List<int>();
        var isFrontier = new bool[n];
        void Mark(int v)
        {
            if (movable(v) && !isFrontier[v]) { isFrontier[v] = true; frontier.Add(v); }
        }
        for (int i = 0; i < n; i++)
        {
            var ins = ir.Instructions[i];
            if (movable(i)) continue;
            for (int k = 0; k < ins.Arity; k++) Mark(ins.Operand(k));
        }
        foreach (var o in ir.Outputs) Mark(o.Value);
        frontier.Sort();
        return (frontier, isFrontier);
    }

    /// <summary>Most arithmetic operations a value may take to be recomputed per call instead of cached.</summary>
    private const int MaxRecomputed = 2;

    /// <summary>
    /// Frontier values the parameter kernel recomputes instead of reading from a cached column: one or two additions
    /// or multiplications of constants, of columns it reads anyway (data it uses, other cached values) and of values
    /// it recomputes. Reading a cached column costs 8 bytes per event of memory traffic, about what the two cores do in
    /// eight arithmetic operations; the Λc model cached 68 columns, 25 of them a constant times another cached column
    /// or a data column. Removes them from <paramref name="frontier"/>; values a factor fold scales stay cached.
    /// </summary>
    private static bool[] Recomputed(KernelIR ir, Func<int, bool> hoistable, List<int> frontier, bool[] isFrontier, FactorFolding.Fold? fold)
    {
        int n = ir.Instructions.Count;
        var code = ir.Instructions;
        // Data columns the parameter kernel reads anyway.
        var read = new bool[n];
        for (int i = 0; i < n; i++)
        {
            if (hoistable(i) || code[i].IsSource) continue;
            for (int k = 0; k < code[i].Arity; k++)
                if (code[code[i].Operand(k)].Op == IrOp.Input) read[code[i].Operand(k)] = true;
        }
        foreach (var o in ir.Outputs) if (code[o.Value].Op == IrOp.Input) read[o.Value] = true;
        var scaled = new HashSet<int>(fold?.Scaled ?? []);
        var cost = new int[n];
        var recomputed = new bool[n];
        foreach (int v in frontier) // ascending: operands first
        {
            var ins = code[v];
            if (scaled.Contains(v) || !IsCheap(ins.Op)) continue;
            int total = 1;
            bool available = true;
            for (int k = 0; k < ins.Arity && available; k++)
            {
                int u = ins.Operand(k);
                if (recomputed[u]) total += cost[u];
                else available = code[u].Op == IrOp.Const || read[u] || (isFrontier[u] && !scaled.Contains(u));
            }
            if (!available || total > MaxRecomputed) continue;
            recomputed[v] = true;
            cost[v] = total;
        }
        frontier.RemoveAll(v => recomputed[v]);
        foreach (int v in Enumerable.Range(0, n).Where(v => recomputed[v])) isFrontier[v] = false;
        return recomputed;
    }

    private static bool IsCheap(IrOp op) => op is IrOp.Add or IrOp.Sub or IrOp.Mul or IrOp.Neg or IrOp.Abs
        or IrOp.MulAdd or IrOp.MulSub or IrOp.NegMulAdd;

    public static Result Run(KernelIR ir)
    {
        int n = ir.Instructions.Count;
        var onParams = IrRebuild.DependsOn(ir, ins => ins.Op == IrOp.Param);
        var onData = IrRebuild.DependsOn(ir, ins => ins.Op == IrOp.Input);
        bool Hoistable(int i) => !onParams[i] && onData[i] && ir.Instructions[i].Op != IrOp.Input;
        var (frontier, isFrontier) = Frontier(ir, Hoistable);
        if (frontier.Count == 0) return new Result(null, ir);
        // An intensity f·|Σ c B|² caches √f·B and not f (see FactorFolding).
        var fold = FactorFolding.Find(ir, Hoistable, isFrontier);
        if (fold is not null)
        {
            frontier.Remove(fold.Factor);
            isFrontier[fold.Factor] = false;
        }

        var recomputed = Recomputed(ir, Hoistable, frontier, isFrontier, fold);
        if (frontier.Count == 0) return new Result(null, ir);

        var data = new IrBuilder(ir.Inputs, []);
        var dataMap = new int[n];
        for (int i = 0; i < n; i++)
        {
            var ins = ir.Instructions[i];
            dataMap[i] = !onParams[i] ? data.Copy(ins, dataMap) : -1;
        }
        int root = fold is null ? -1 : data.Emit(IrOp.Sqrt, dataMap[fold.Factor]);
        for (int k = 0; k < frontier.Count; k++)
        {
            int v = dataMap[frontier[k]];
            data.AddOutput($"{CachePrefix}{k}", fold is not null && fold.Scaled.Contains(frontier[k]) ? data.Emit(IrOp.Mul, v, root) : v);
        }

        var main = new IrBuilder(ir.Inputs.Concat(frontier.Select((_, k) => $"{CachePrefix}{k}")), ir.Parameters);
        var map = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (isFrontier[i]) map[i] = main.Input(ir.Inputs.Count + frontier.IndexOf(i));
            else if (recomputed[i]) map[i] = main.Copy(ir.Instructions[i], map);
            else if (Hoistable(i)) map[i] = -1;
            else if (i == fold?.Product) map[i] = map[fold.Form];
            else map[i] = main.Copy(ir.Instructions[i], map);
        }
        foreach (var o in ir.Outputs) main.AddOutput(o.Name, map[o.Value]);
        // The input was optimised already; the data kernel keeps every parameter-free value and needs pruning.
        return new Result(DeadCodeElimination.Run(data.Build()), main.Build());
    }
}

/// <summary>
/// Moves what depends on parameters only (normalisations of a lineshape, products of couplings, erf of a mean
/// over a width) out of the event loop: those values become extra parameter slots, computed once per parameter
/// change by a scalar prelude, instead of once per event.
/// </summary>
internal static class UniformHoisting
{
    /// <summary>Name prefix of the parameter slots the prelude fills.</summary>
    public const string Prefix = "#uniform";

    /// <param name="Prelude">Reads the original parameters; outputs the uniform values (null when nothing moves).</param>
    /// <param name="Main">The kernel with the original parameters followed by the uniform slots.</param>
    public sealed record Result(KernelIR? Prelude, KernelIR Main);

    public static Result Run(KernelIR ir)
    {
        int n = ir.Instructions.Count;
        var onParams = IrRebuild.DependsOn(ir, ins => ins.Op == IrOp.Param);
        var onData = IrRebuild.DependsOn(ir, ins => ins.Op == IrOp.Input);
        bool Uniform(int i) => onParams[i] && !onData[i] && ir.Instructions[i].Op != IrOp.Param;
        var (frontier, isFrontier) = Hoisting.Frontier(ir, Uniform);
        if (frontier.Count == 0) return new Result(null, ir);

        var prelude = new IrBuilder([], ir.Parameters);
        var preludeMap = new int[n];
        for (int i = 0; i < n; i++)
        {
            var ins = ir.Instructions[i];
            preludeMap[i] = !onData[i] && ins.Op != IrOp.Input ? prelude.Copy(ins, preludeMap) : -1;
        }

        var slot = new Dictionary<int, int>();
        for (int k = 0; k < frontier.Count; k++) slot[frontier[k]] = ir.Parameters.Count + k;
        // Slots are numbered on from those of an earlier hoisting (a kernel differentiated after one has both).
        int first = ir.Parameters.Count(p => p.StartsWith(Prefix, StringComparison.Ordinal));
        var names = frontier.Select((_, k) => $"{Prefix}{first + k}").ToList();
        for (int k = 0; k < names.Count; k++) prelude.AddOutput(names[k], preludeMap[frontier[k]]);
        var main = new IrBuilder(ir.Inputs, ir.Parameters.Concat(names));
        // Regions (the checkpoints of a reverse-mode kernel) are kept: splitting respects them.
        var map = main.CopyRegions(ir, i => !Uniform(i) || isFrontier[i],
            (i, m) => isFrontier[i] ? main.Param(slot[i]) : main.Copy(ir.Instructions[i], m));
        foreach (var o in ir.Outputs) main.AddOutput(o.Name, map[o.Value]);
        return new Result(DeadCodeElimination.Run(prelude.Build()), DeadCodeElimination.Run(main.Build()));
    }
}
