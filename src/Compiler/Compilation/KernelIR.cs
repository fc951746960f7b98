namespace PartialWave.Compilation;

/// <summary>
/// A kernel in SSA form: instructions in dependency order (operands always come first), named inputs (event
/// columns), real parameter slots, and outputs. Backend-neutral: nothing here knows about SIMD or threads.
/// </summary>
internal sealed class KernelIR
{
    internal KernelIR(IReadOnlyList<Instruction> instructions, IReadOnlyList<string> inputs, IReadOnlyList<string> parameters,
        IReadOnlyList<KernelOutput> outputs, IReadOnlyList<int>? regions = null)
    {
        Instructions = instructions;
        Inputs = inputs;
        Parameters = parameters;
        Outputs = outputs;
        Regions = regions ?? [];
    }

    /// <summary>
    /// Instruction indices where a region starts: values are not shared across a region start by value numbering
    /// (a region may recompute what an earlier one computed), and splitting cuts there.
    /// </summary>
    public IReadOnlyList<int> Regions { get; }

    /// <summary>The instructions, operands before users.</summary>
    public IReadOnlyList<Instruction> Instructions { get; }
    /// <summary>Names of the event columns read by <see cref="IrOp.Input"/> (slot = index).</summary>
    public IReadOnlyList<string> Inputs { get; }
    /// <summary>Names of the real parameter slots read by <see cref="IrOp.Param"/>.</summary>
    public IReadOnlyList<string> Parameters { get; }
    /// <summary>The outputs.</summary>
    public IReadOnlyList<KernelOutput> Outputs { get; }

    /// <summary>Number of instructions that compute something (sources excluded).</summary>
    public int OperationCount => Instructions.Count(i => !i.IsSource);

    /// <summary>True when no complex instruction is left.</summary>
    public bool IsRealOnly => Instructions.All(i => i.Type == IrType.Real);

    /// <summary>Number of uses of each instruction (outputs count as uses).</summary>
    public int[] UseCounts()
    {
        var uses = new int[Instructions.Count];
        foreach (var ins in Instructions)
            for (int k = 0; k < ins.Arity; k++) uses[ins.Operand(k)]++;
        foreach (var o in Outputs) uses[o.Value]++;
        return uses;
    }
}

/// <summary>A named kernel output.</summary>
/// <param name="Name">Output name (e.g. "value", "value.re", "d value/d m").</param>
/// <param name="Value">Instruction index.</param>
internal readonly record struct KernelOutput(string Name, int Value);
