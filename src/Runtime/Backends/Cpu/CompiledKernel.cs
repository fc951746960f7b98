using PartialWave.Compilation;

namespace PartialWave.Backends.Cpu;

/// <summary>A laid-out kernel with code for each segment (generated now, or precompiled), ready to run on chunks.</summary>
internal sealed unsafe class CompiledKernel
{
    /// <summary>Name of the weight column of a reducing kernel (see <see cref="KernelLayout.WeightColumn"/>).</summary>
    public const string WeightColumn = KernelLayout.WeightColumn;

    /// <summary>Lays out <paramref name="ir"/> and generates its segments (see <see cref="KernelLayout.Create"/>).</summary>
    public CompiledKernel(KernelIR ir, int splitSize, bool reduce = false) : this(KernelLayout.Create(ir, splitSize, reduce)) { }

    /// <summary>A kernel with the code of <paramref name="precompiled"/> (one method per segment), or generated now when null.</summary>
    /// <param name="layout">The kernel.</param>
    /// <param name="precompiled">Precompiled segments (Vector256), or null to generate them.</param>
    /// <param name="simd">The width of generated segments (Vector512 only where the machine and every segment allow it).</param>
    public CompiledKernel(KernelLayout layout, SegmentKernel[]? precompiled = null, SimdWidth simd = SimdWidth.Vector256)
    {
        Layout = layout;
        var programs = precompiled is null ? Enumerable.Range(0, layout.Segments.Count).Select(layout.Program).ToArray() : [];
        Lanes = precompiled is null && simd == SimdWidth.Vector512 && VOps512.IsAvailable && programs.All(IlEmitter.FitsVector512) ? 8 : 4;
        if (precompiled is not null && precompiled.Length != layout.Segments.Count)
            throw new ArgumentException($"{precompiled.Length} precompiled segments for a kernel of {layout.Segments.Count}", nameof(precompiled));
        _parameters = new NativeBuffer(Math.Max(1, IR.Parameters.Count));
        Kernels = precompiled ?? programs.Select((p, s) => IlEmitter.Emit(p, $"pwa_segment_{s}", Lanes, (layout.FirstScratchSlot, layout.ColumnStride))).ToArray();
        JitAll();
    }

    public KernelLayout Layout { get; }

    /// <summary>Events per vector: 4 or 8. A summing kernel leaves this many lane sums at each output column's start.</summary>
    public int Lanes { get; }

    // A method is JIT-compiled on its first call (a precompiled one too: it is marked for full optimisation, so it
    // skips tiering as a DynamicMethod does). Calling every segment once with no events, on all cores at once,
    // moves that cost here and spreads it over the cores instead of paying it serially later.
    private void JitAll()
    {
        using var dummy = new NativeBuffer(64);
        using var table = new NativeBuffer(Math.Max(1, SlotCount));
        using var parameters = new NativeBuffer(Math.Max(1, IR.Parameters.Count));
        var t = (double**)table.Pointer;
        for (int s = 0; s < SlotCount; s++) t[s] = dummy.Pointer;
        IntPtr tp = (IntPtr)t, pp = (IntPtr)parameters.Pointer;
        Parallel.ForEach(Kernels, k => k((double**)tp, (double*)pp, 0));
    }

    /// <summary>The largest chunk size; sample buffers are padded to a multiple of it.</summary>
    public const int MaxChunkSize = KernelLayout.MaxChunkSize;

    public int ChunkSize => Layout.ChunkSize;
    /// <summary>Distance between a worker's scratch and chunk output columns (see <see cref="KernelLayout.ColumnStride"/>).</summary>
    public long ColumnStride => Layout.ColumnStride;
    public KernelIR IR => Layout.IR;
    public KernelIR? Prelude => Layout.Prelude;
    public int OriginalParameterCount => Layout.OriginalParameterCount;

    private readonly NativeBuffer _parameters;
    private double[]? _lastOriginal;

    /// <summary>
    /// The parameter block for <see cref="Run"/>: the original parameter values followed by the prelude's values,
    /// recomputed only when the original values changed since the last call.
    /// </summary>
    public double* PrepareParameters(ReadOnlySpan<double> original)
    {
        if (_lastOriginal is not null && original.SequenceEqual(_lastOriginal)) return _parameters.Pointer;
        Layout.FillParameters(original, new Span<double>(_parameters.Pointer, Math.Max(1, IR.Parameters.Count)));
        _lastOriginal = original.ToArray();
        return _parameters.Pointer;
    }

    public bool Reduces => Layout.Reduces;
    public IReadOnlyList<Segment> Segments => Layout.Segments;
    public SegmentKernel[] Kernels { get; }
    public int InputCount => Layout.InputCount;
    public int OutputCount => Layout.OutputCount;
    public int ScratchCount => Layout.ScratchCount;
    public int SlotCount => Layout.SlotCount;

    /// <summary>Runs every segment on one chunk whose column pointers are in <paramref name="table"/>.</summary>
    public void Run(double** table, double* parameters, int length)
    {
        foreach (var k in Kernels) k(table, parameters, length);
    }
}
