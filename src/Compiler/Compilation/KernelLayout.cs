namespace PartialWave.Compilation;

/// <summary>
/// How a real-only kernel is laid out for the CPU and GPU backends alike: its parameter-only prelude, the per-event kernel, its segments
/// and the column table (one pointer per slot, offset per chunk): inputs, then outputs, then scratch columns for
/// values crossing segments. Emitters render <see cref="Program"/> of each segment; nothing here generates code.
/// </summary>
internal sealed class KernelLayout
{
    private readonly Func<int, int> _cross;
    private readonly List<(int Value, int Slot)>[] _outputs;

    /// <summary>Most bytes of scratch columns per chunk: three quarters of the core's second-level cache.</summary>
    private static readonly long ScratchLimit = HostCache.SecondLevelBytes * 3 / 4;

    private const int MinChunkSize = 32;

    /// <summary>Most events per chunk.</summary>
    public const int MaxChunkSize = 256;

    /// <summary>Name of the weight column of a reducing kernel.</summary>
    public const string WeightColumn = "#weight";
    private KernelLayout(KernelIR? prelude, KernelIR ir, int originalParameterCount, int splitSize, bool reduce, KernelIR? epilogue = null)
    {
        if (!ir.IsRealOnly) throw new ArgumentException("the CPU backend compiles real-only IR", nameof(ir));
        if (epilogue is not null && !reduce) throw new ArgumentException("only a summing kernel has an epilogue", nameof(epilogue));
        Prelude = prelude;
        Epilogue = epilogue;
        IR = ir;
        OriginalParameterCount = originalParameterCount;
        SplitSize = splitSize;
        Reduces = reduce;
        Segments = Splitting.Plan(ir, splitSize);
        var cross = Segments.SelectMany(s => s.Exports).Distinct().OrderBy(v => v).ToList();
        var crossIndex = cross.Select((v, k) => (v, k)).ToDictionary(t => t.v, t => t.k);
        InputCount = ir.Inputs.Count;
        OutputCount = ir.Outputs.Count;
        ScratchCount = cross.Count;
        int chunk = MaxChunkSize;
        // Scratch columns should stay in the core's second-level cache (ScratchLimit), but a chunk keeps at least eight vector
        // iterations: each generated method loads a pointer for every column it touches once per chunk, and at
        // 16 events those loads were a tenth of a large gradient kernel (32 events were measurably faster, 64 no
        // faster again).
        while (chunk > MinChunkSize && (long)ScratchCount * chunk * sizeof(double) > ScratchLimit) chunk /= 2;
        ChunkSize = chunk;
        _cross = v => InputCount + OutputCount + crossIndex[v];
        var segmentOf = new int[ir.Instructions.Count];
        for (int s = 0; s < Segments.Count; s++)
            for (int i = Segments[s].First; i < Segments[s].End; i++) segmentOf[i] = s;
        WeightSlot = reduce ? ir.Inputs.ToList().IndexOf(WeightColumn) : -1;
        if (reduce && WeightSlot < 0) throw new ArgumentException($"a reducing kernel needs the input {WeightColumn}", nameof(ir));
        // Each output is stored by the segment that computes it; outputs that are sources by the last one.
        _outputs = Segments.Select((_, s) => ir.Outputs.Select((o, k) => (o.Value, Slot: InputCount + k))
            .Where(o => ir.Instructions[o.Value].IsSource ? s == Segments.Count - 1 : segmentOf[o.Value] == s)
            .ToList()).ToArray();
    }

    /// <summary>Lays out <paramref name="ir"/>, moving its parameter-only values to a prelude first.</summary>
    /// <param name="ir">The kernel.</param>
    /// <param name="splitSize">Most operations per generated method.</param>
    /// <param name="reduce">
    /// Sum the outputs over each chunk, weighted by the input <see cref="WeightColumn"/>, instead of
    /// storing them per event: each output column then holds its lane sums (four or eight, by the vector width of the backend) per chunk.
    /// </param>
    public static KernelLayout Create(KernelIR ir, int splitSize, bool reduce)
    {
        // The constructor checks that the kernel is real-only (the prelude split keeps a complex kernel complex).
        var (prelude, main) = UniformHoisting.Run(ir);
        return new KernelLayout(prelude, main, ir.Parameters.Count, splitSize, reduce);
    }

    /// <summary>
    /// Lays out the summed gradient of <paramref name="ir"/> (a summing kernel before differentiation) so that the
    /// per-event adjoints stop at the values of parameters alone. Their adjoints are summed like the gradient, and
    /// the <see cref="Epilogue"/> carries the sums through the prelude to the parameters once per call: Σₑ ∂fₑ/∂θ =
    /// Σᵤ (Σₑ ∂fₑ/∂u) ∂u/∂θ. On the Λc model that takes a fifth of the per-event gradient work away (the
    /// adjoints through couplings, normalisations and lineshape constants were taken for every event).
    /// </summary>
    /// <param name="ir">The summing kernel.</param>
    /// <param name="differentiate">Reverse mode as the caller chooses it: the gradient kernel and its split size.</param>
    public static KernelLayout CreateSummedGradient(KernelIR ir, Func<KernelIR, (KernelIR Gradient, int SplitSize)> differentiate)
    {
        var (uniform, main) = UniformHoisting.Run(ir);
        if (uniform is null)
        {
            var (plain, size) = differentiate(ir);
            return Create(plain, size, reduce: true);
        }
        var (gradient, split) = differentiate(main);
        // The gradient has parameter-only values of its own (reciprocals of the prelude's values): a second prelude,
        // reading the first's slots, composed with it into one.
        var (more, perEvent) = UniformHoisting.Run(gradient);
        var prelude = more is null ? uniform : Compose(uniform, more);
        var epilogue = Pipeline.SeededGradient(uniform);
        return new KernelLayout(prelude, perEvent, ir.Parameters.Count, split, reduce: true, epilogue);
    }

    // One prelude computing first's outputs and then second's, whose parameters are first's parameters followed by
    // first's outputs.
    private static KernelIR Compose(KernelIR first, KernelIR second)
    {
        var b = new IrBuilder([], first.Parameters);
        var map = b.CopyAll(first);
        foreach (var o in first.Outputs) b.AddOutput(o.Name, map[o.Value]);
        var map2 = new int[second.Instructions.Count];
        for (int i = 0; i < map2.Length; i++)
        {
            var ins = second.Instructions[i];
            map2[i] = ins.Op == IrOp.Param && ins.A >= first.Parameters.Count ? map[first.Outputs[ins.A - first.Parameters.Count].Value]
                : b.Copy(ins, map2);
        }
        foreach (var o in second.Outputs) b.AddOutput(o.Name, map2[o.Value]);
        return b.Build();
    }

    /// <summary>A layout from parts an earlier <see cref="Create"/> made (a precompiled kernel): no pass runs.</summary>
    public static KernelLayout FromParts(KernelIR? prelude, KernelIR ir, int originalParameterCount, int splitSize, bool reduce, KernelIR? epilogue = null) =>
        new(prelude, ir, originalParameterCount, splitSize, reduce, epilogue);

    /// <summary>The per-event kernel: the original parameters, then the slots the prelude fills.</summary>
    public KernelIR IR { get; }
    /// <summary>Parameter-only values computed once per parameter change (null when there are none).</summary>
    public KernelIR? Prelude { get; }
    /// <summary>
    /// For a summed gradient whose adjoints stop at the prelude's values: the chain from their sums to the
    /// parameters (see <see cref="CreateSummedGradient"/>), run once per call; null otherwise.
    /// </summary>
    public KernelIR? Epilogue { get; }
    /// <summary>Parameters of the kernel as it was given (before its parameter-only part moved to the prelude).</summary>
    public int OriginalParameterCount { get; }
    public int SplitSize { get; }
    /// <summary>True when outputs are weighted chunk sums rather than per-event values.</summary>
    public bool Reduces { get; }
    public int WeightSlot { get; }
    public IReadOnlyList<Segment> Segments { get; }
    public int InputCount { get; }
    public int OutputCount { get; }
    public int ScratchCount { get; }
    public int SlotCount => InputCount + OutputCount + ScratchCount;
    /// <summary>Slot of the first scratch column.</summary>
    public int FirstScratchSlot => InputCount + OutputCount;

    /// <summary>
    /// Distance in doubles between a worker's consecutive scratch columns (and chunk output columns): one line more
    /// than a chunk. At exactly a chunk (2^k events) every column starts at the same offset in its page, and a segment
    /// reading a hundred of them found their lines in a few first-level cache sets (the Λc sum of logarithms ran a
    /// third faster once the stride was off the page size; kernels without scratch columns were unchanged).
    /// Generated segments address scratch columns as the first one plus a multiple of this.
    /// </summary>
    public long ColumnStride => ChunkSize + 8;

    /// <summary>
    /// Events per chunk for this kernel: 256, halved while the scratch columns of one chunk would not fit in a
    /// core's L2 cache (a gradient kernel keeps thousands of values alive across segments). It depends on the
    /// kernel alone, never on the thread count, so results stay bit-identical for any number of threads.
    /// </summary>
    public int ChunkSize { get; }

    /// <summary>
    /// The kernel's parameter block: the original parameter values followed by the prelude's values for them.
    /// </summary>
    public void FillParameters(ReadOnlySpan<double> original, Span<double> block)
    {
        original[..OriginalParameterCount].CopyTo(block);
        if (Prelude is null) return;
        var values = IrInterpreter.Run(Prelude, [], original[..OriginalParameterCount]);
        for (int k = 0; k < values.Length; k++) block[OriginalParameterCount + k] = values[k].Real;
    }

    /// <summary>
    /// The gradient of a summing kernel from the sums of its outputs: for each parameter in <paramref name="names"/>
    /// (real degrees of freedom), the sum of d value/d p, plus the chain through the prelude when there is an
    /// <see cref="Epilogue"/>.
    /// </summary>
    /// <param name="names">The parameters, in the order wanted.</param>
    /// <param name="original">The original parameter values (kernel slot order).</param>
    /// <param name="total">The sum over events of output <c>j</c>.</param>
    public double[] SummedGradient(IReadOnlyList<string> names, ReadOnlySpan<double> original, Func<int, double> total)
    {
        _outputColumns ??= Columns(IR);
        int Column(Dictionary<string, int> columns, string parameter) =>
            columns.TryGetValue(ReverseMode.GradientName("value", parameter), out var j) ? j
                : throw new InvalidOperationException($"the gradient kernel has no output for {parameter}");
        var outputs = _outputColumns;
        var gradient = names.Select(p => total(Column(outputs, p))).ToArray();
        if (Epilogue is null) return gradient;
        // The first prelude's outputs are the first slots after the original parameters: their seeds are the sums
        // of the adjoints the kernel stopped at.
        int seeds = Epilogue.Parameters.Count - OriginalParameterCount;
        var arguments = new double[Epilogue.Parameters.Count];
        original[..OriginalParameterCount].CopyTo(arguments);
        for (int k = 0; k < seeds; k++) arguments[OriginalParameterCount + k] = total(Column(outputs, IR.Parameters[OriginalParameterCount + k]));
        var chained = IrInterpreter.Run(Epilogue, [], arguments);
        var epilogueOutputs = _epilogueColumns ??= Columns(Epilogue);
        for (int i = 0; i < names.Count; i++) gradient[i] += chained[Column(epilogueOutputs, names[i])].Real;
        return gradient;
    }

    private Dictionary<string, int>? _outputColumns, _epilogueColumns;

    private static Dictionary<string, int> Columns(KernelIR ir) =>
        ir.Outputs.Select((o, j) => (o.Name, j)).ToDictionary(t => t.Name, t => t.j, StringComparer.Ordinal);

    /// <summary>What segment <paramref name="s"/> computes and stores.</summary>
    public SegmentProgram Program(int s) => SegmentProgram.Plan(IR, Segments[s], input => input, _cross, _outputs[s], WeightSlot);
}
