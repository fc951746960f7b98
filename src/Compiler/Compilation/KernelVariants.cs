using PartialWave.Compilation;

namespace PartialWave.Compilation;

/// <summary>The kernels a CPU function may run; each is derived from the main kernel, and built when first needed.</summary>
internal enum KernelRole
{
    /// <summary>Hoisted columns, once per sample (absent when nothing is hoisted).</summary>
    Data,
    /// <summary>Values per event.</summary>
    Main,
    /// <summary>Values and gradients per event.</summary>
    Gradient,
    /// <summary>Σ w f.</summary>
    Sum,
    /// <summary>Σ w f and its gradient.</summary>
    SumGradient,
    /// <summary>Σ w log f.</summary>
    SumLog,
    /// <summary>Σ w log f and its gradient.</summary>
    SumLogGradient,
}

/// <summary>
/// Derives the layout of every <see cref="KernelRole"/> from a function's data and main kernels: the one place that
/// decides what the runtime backend generates and what the build task precompiles, so both run the same kernels.
/// </summary>
internal sealed class KernelVariants(KernelIR? data, KernelIR main, int splitSize)
{
    /// <summary>The main kernel as lowered (before its parameter-only values move to a prelude).</summary>
    public KernelIR Main { get; } = main;

    /// <summary>True when the main kernel's value is complex (outputs value.re, value.im).</summary>
    public bool IsComplexValued => Main.Outputs.Any(o => o.Name == "value.re");

    /// <summary>The roles this function supports (gradients and sums need a real value).</summary>
    public IEnumerable<KernelRole> Roles => Enum.GetValues<KernelRole>()
        .Where(r => r switch { KernelRole.Data => data is not null, KernelRole.Main => true, _ => !IsComplexValued });

    /// <summary>The layout of <paramref name="role"/>, or null for <see cref="KernelRole.Data"/> when nothing is hoisted.</summary>
    public KernelLayout? Layout(KernelRole role)
    {
        if (role is not (KernelRole.Data or KernelRole.Main) && IsComplexValued)
            throw new NotSupportedException($"{role} needs a real-valued function");
        return role switch
        {
            KernelRole.Data => data is null ? null : KernelLayout.Create(data, splitSize, false),
            KernelRole.Main => KernelLayout.Create(Main, splitSize, false),
            KernelRole.Gradient => GradientOf(Main, false),
            KernelRole.Sum => Reducing(log: false, gradient: false),
            KernelRole.SumGradient => Reducing(log: false, gradient: true),
            KernelRole.SumLog => Reducing(log: true, gradient: false),
            KernelRole.SumLogGradient => Reducing(log: true, gradient: true),
            _ => throw new ArgumentOutOfRangeException(nameof(role)),
        };
    }

    /// <summary>The reducing role for a sum of values or logs, with or without gradient.</summary>
    public static KernelRole ReducingRole(bool log, bool gradient) =>
        log ? gradient ? KernelRole.SumLogGradient : KernelRole.SumLog : gradient ? KernelRole.SumGradient : KernelRole.Sum;

    private KernelLayout GradientOf(KernelIR ir, bool reduce)
    {
        if (reduce) return KernelLayout.CreateSummedGradient(ir, Differentiate);
        var (gradient, size) = Differentiate(ir);
        return KernelLayout.Create(gradient, size, reduce);
    }

    private (KernelIR Gradient, int SplitSize) Differentiate(KernelIR ir) => Pipeline.Differentiate(ir, splitSize);

    // A reducing kernel sums inside the generated loop (weighted by an extra column), so no per-event value or
    // gradient is ever stored: a gradient of a hundred parameters costs no memory traffic per event.
    private KernelLayout Reducing(bool log, bool gradient)
    {
        var b = new IrBuilder(Main.Inputs.Append(KernelLayout.WeightColumn), Main.Parameters);
        var map = b.CopyAll(Main);
        int value = map[Main.Outputs.Single(o => o.Name == "value").Value];
        b.AddOutput("value", log ? b.Emit(IrOp.Log, value) : value);
        var ir = b.Build();
        return gradient ? GradientOf(ir, reduce: true) : KernelLayout.Create(Pipeline.Cleanup(ir), splitSize, reduce: true);
    }
}
