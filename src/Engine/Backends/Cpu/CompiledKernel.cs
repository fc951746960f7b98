using PartialWave.Compilation;

namespace PartialWave.Backends.Cpu;

/// <summary>
/// A real-only kernel compiled to segments. Column table layout (one pointer per slot, offset per chunk):
/// inputs, then outputs, then scratch columns for values crossing segments.
/// </summary>
internal sealed unsafe class CompiledKernel
{
    /// <summary>Name of the weight column of a reducing kernel (see <see cref="Reduces"/>).</summary>
    public const string WeightColumn = "#weight";

    /// <param name="ir">The kernel.</param>
    /// <param name="splitSize">Most operations per generated method.</param>
    /// <param name="reduce">
    /// Sum the outputs over each chunk, weighted by the input <see cref="WeightColumn"/>, instead of storing them
    /// per event: each output column then holds four lane sums per chunk.
    /// </param>
    public CompiledKernel(KernelIR ir, int splitSize, bool reduce = false)
    {
        Reduces = reduce;
        if (!ir.IsRealOnly) throw new ArgumentException("the CPU backend compiles real-only IR", nameof(ir));
        OriginalParameterCount = ir.Parameters.Count;
        (Prelude, ir) = UniformHoisting.Run(ir);
        IR = ir;
        _parameters = new NativeBuffer(Math.Max(1, ir.Parameters.Count));
        Segments = Splitting.Plan(ir, splitSize);
        var cross = Segments.SelectMany(s => s.Exports).Distinct().OrderBy(v => v).ToList();
        var crossIndex = cross.Select((v, k) => (v, k)).ToDictionary(t => t.v, t => t.k);
        InputCount = ir.Inputs.Count;
        OutputCount = ir.Outputs.Count;
        ScratchCount = cross.Count;
        int chunk = MaxChunkSize;
        while (chunk > 16 && (long)ScratchCount * chunk * sizeof(double) > 192 * 1024) chunk /= 2;
        ChunkSize = chunk;
        int Cross(int v) => InputCount + OutputCount + crossIndex[v];
        var segmentOf = new int[ir.Instructions.Count];
        for (int s = 0; s < Segments.Count; s++)
            for (int i = Segments[s].First; i < Segments[s].End; i++) segmentOf[i] = s;
        int weightSlot = reduce ? ir.Inputs.ToList().IndexOf(WeightColumn) : -1;
        if (reduce && weightSlot < 0) throw new ArgumentException($"a reducing kernel needs the input {WeightColumn}", nameof(ir));
        Kernels = new SegmentKernel[Segments.Count];
        for (int s = 0; s < Segments.Count; s++)
        {
            // Each output is stored by the segment that computes it; outputs that are sources by the last one.
            var outs = ir.Outputs.Select((o, k) => (o.Value, Slot: InputCount + k))
                .Where(o => ir.Instructions[o.Value].IsSource ? s == Segments.Count - 1 : segmentOf[o.Value] == s)
                .ToList();
            Kernels[s] = IlEmitter.Emit(ir, Segments[s], input => input, Cross, outs, $"pwa_segment_{s}", weightSlot);
        }
        JitAll();
    }

    // A DynamicMethod is compiled on its first call. Calling every segment once with no events, on all cores
    // at once, moves that cost here and spreads it over the cores instead of paying it serially later.
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

    /// <summary>
    /// Events per chunk for this kernel: 256, halved while the scratch columns of one chunk would not fit in a
    /// core's L2 cache (a gradient kernel keeps thousands of values alive across segments). It depends on the
    /// kernel alone, never on the thread count, so results stay bit-identical for any number of threads.
    /// </summary>
    public int ChunkSize { get; }

    /// <summary>The largest chunk size; sample buffers are padded to a multiple of it.</summary>
    public const int MaxChunkSize = 256;

    /// <summary>The per-event kernel: the original parameters, then the slots the prelude fills.</summary>
    public KernelIR IR { get; }

    /// <summary>Parameter-only values computed once per parameter change (null when there are none).</summary>
    public KernelIR? Prelude { get; }

    /// <summary>Parameters of the kernel as it was given (before its parameter-only part moved to the prelude).</summary>
    public int OriginalParameterCount { get; }

    private readonly NativeBuffer _parameters;
    private double[]? _lastOriginal;

    /// <summary>
    /// The parameter block for <see cref="Run"/>: the original parameter values followed by the prelude's values,
    /// recomputed only when the original values changed since the last call.
    /// </summary>
    public double* PrepareParameters(ReadOnlySpan<double> original)
    {
        if (_lastOriginal is not null && original.SequenceEqual(_lastOriginal)) return _parameters.Pointer;
        original.CopyTo(new Span<double>(_parameters.Pointer, OriginalParameterCount));
        if (Prelude is not null)
        {
            var values = IrInterpreter.Run(Prelude, [], original);
            for (int k = 0; k < values.Length; k++) _parameters.Pointer[OriginalParameterCount + k] = values[k].Real;
        }
        _lastOriginal = original.ToArray();
        return _parameters.Pointer;
    }

    /// <summary>True when outputs are weighted chunk sums rather than per-event values.</summary>
    public bool Reduces { get; }
    public IReadOnlyList<Segment> Segments { get; }
    public SegmentKernel[] Kernels { get; }
    public int InputCount { get; }
    public int OutputCount { get; }
    public int ScratchCount { get; }
    public int SlotCount => InputCount + OutputCount + ScratchCount;

    /// <summary>Runs every segment on one chunk whose column pointers are in <paramref name="table"/>.</summary>
    public void Run(double** table, double* parameters, int length)
    {
        foreach (var k in Kernels) k(table, parameters, length);
    }
}
