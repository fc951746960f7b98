using System.Numerics;
using PartialWave.Compilation;
using PartialWave.Data;

namespace PartialWave.Backends.Cpu;

/// <summary>
/// The CPU backend: generated SIMD kernels run over fixed chunks of events on all cores. Chunks have a fixed
/// size whatever the thread count, and sums are taken per chunk in event order and then over chunks in chunk
/// order (compensated), so every value and every sum is bit-identical for any number of threads. Event data
/// and hoisted columns are copied into aligned native buffers once per sample and reused by every call.
/// </summary>
internal sealed unsafe class CpuFunction : ParametrizedFunction, ICompiledFunction
{
    // Sample buffers are padded to a multiple of the largest chunk, so every kernel's chunks tile them exactly.
    private const int Padding = CompiledKernel.MaxChunkSize;

    private readonly Func<KernelRole, CompiledKernel?> _build;
    private readonly CompiledKernel?[] _kernels = new CompiledKernel?[Enum.GetValues<KernelRole>().Length];
    private readonly CompiledKernel? _data;
    private readonly CompiledKernel _main;
    private readonly int[] _paramSlotToVector; // IR parameter slot -> index in RealParameterVector()
    private readonly NativeBuffer _params;
    // Samples bound recently (a likelihood alternates between data and a normalisation sample), newest last.
    private readonly List<SampleBinding> _bindings = [];
    private const int MaxSampleBindings = 4;

    /// <summary>A function whose kernels are generated now, each when first needed.</summary>
    public CpuFunction(KernelIR? data, KernelIR main, IReadOnlyList<string> inputs, IEnumerable<ParameterSpec> parameters, LambdifyOptions options)
        : this(new KernelVariants(data, main, options.SplitSize), inputs, parameters, options)
    {
    }

    public CpuFunction(KernelVariants variants, IReadOnlyList<string> inputs, IEnumerable<ParameterSpec> parameters, LambdifyOptions options)
        : this(role => variants.Layout(role) is { } layout ? new CompiledKernel(layout, simd: options.Simd) : null, inputs, parameters, options)
    {
    }

    /// <summary>A function whose kernels come from <paramref name="build"/> (for example precompiled ones).</summary>
    public CpuFunction(Func<KernelRole, CompiledKernel?> build, IReadOnlyList<string> inputs, IEnumerable<ParameterSpec> parameters, LambdifyOptions options)
        : base(inputs, parameters)
    {
        _build = build;
        Threads = Math.Max(1, options.MaxThreads);
        _data = Kernel(KernelRole.Data);
        _main = Kernel(KernelRole.Main) ?? throw new ArgumentException("no main kernel", nameof(build));
        var main = _main.IR.Parameters.Take(_main.OriginalParameterCount).ToList();
        _paramSlotToVector = GradientIndices(main);
        _params = new NativeBuffer(Math.Max(1, main.Count));
        WriteParameters();
        IsComplexValued = _main.IR.Outputs.Any(o => o.Name == "value.re");
    }

    private CompiledKernel? Kernel(KernelRole role) => _kernels[(int)role] ??= _build(role);

    public int Threads { get; set; }
    public override bool IsComplexValued { get; }
    public override bool IsGradientSupported => !IsComplexValued;

    /// <summary>Operations per event of the parameter-dependent kernel (after CSE, hoisting, complex expansion).</summary>
    public int OperationsPerEvent => _main.IR.OperationCount;
    /// <summary>Operations per event of the data kernel (run once per sample).</summary>
    public int HoistedOperations => _data?.IR.OperationCount ?? 0;
    /// <summary>Events per vector of the parameter kernel: 4 (Vector256) or 8 (Vector512).</summary>
    internal int Lanes => _main.Lanes;
    /// <summary>Number of generated methods of the parameter kernel.</summary>
    public int SegmentCount => _main.Segments.Count;
    /// <summary>Operations per event of the value-and-gradient kernel (compiled on first use).</summary>
    public int GradientOperationsPerEvent => GradientKernel().IR.OperationCount;

    protected override void OnParameterChanged(int index) => WriteParameters();

    private void WriteParameters()
    {
        WriteKernelParameters(_paramSlotToVector, new Span<double>(_params.Pointer, _paramSlotToVector.Length));
    }

    // ---------------- binding ----------------

    // Column buffers of evicted bindings, for the next sample of that size (see BufferPool).
    private readonly BufferPool _pool = new();
    private readonly Dictionary<CompiledKernel, ChunkWorker> _singleWorkers = [];

    private void Release(SampleBinding binding)
    {
        foreach (var c in binding.Columns.Distinct()) _pool.Return(c);
        if (binding.Weights is { } w) _pool.Return(w);
    }

    private SampleBinding Bind(EventSample sample)
    {
        int found = _bindings.FindIndex(b => ReferenceEquals(b.Sample, sample));
        if (found >= 0)
        {
            var hit = _bindings[found];
            if (found != _bindings.Count - 1)
            {
                _bindings.RemoveAt(found);
                _bindings.Add(hit);
            }
            return hit;
        }
        if (_bindings.Count == MaxSampleBindings)
        {
            Release(_bindings[0]);
            _bindings.RemoveAt(0);
        }
        var missing = Inputs.Where(n => !sample.Contains(n)).ToList();
        if (missing.Count > 0) throw new ArgumentException($"the sample has no column(s) {string.Join(", ", missing)}");
        int n = sample.Count;
        int padded = Math.Max(Padding, (n + Padding - 1) / Padding * Padding);
        var columns = new NativeBuffer[_main.IR.Inputs.Count];
        var byName = new Dictionary<string, NativeBuffer>(StringComparer.Ordinal);
        int placed = 0; // the columns a kernel streams together start at different offsets in their pages
        NativeBuffer DataColumn(string name)
        {
            if (byName.TryGetValue(name, out var b)) return b;
            b = _pool.Rent(padded, placed++);
            sample[name].CopyTo(b.Span);
            b.Span[n..].Clear(); // a rented buffer's padding holds an older sample's values
            return byName[name] = b;
        }
        for (int k = 0; k < columns.Length; k++)
        {
            var name = _main.IR.Inputs[k];
            if (!name.StartsWith(Hoisting.CachePrefix, StringComparison.Ordinal)) columns[k] = DataColumn(name);
        }
        if (_data is not null)
        {
            var dataInputs = _data.IR.Inputs.Select(DataColumn).ToArray();
            var cache = _data.IR.Outputs.Select(_ => _pool.Rent(padded, placed++)).ToArray();
            Run(_data, padded, dataInputs, cache, null);
            for (int k = 0; k < columns.Length; k++)
            {
                var name = _main.IR.Inputs[k];
                if (name.StartsWith(Hoisting.CachePrefix, StringComparison.Ordinal))
                    columns[k] = cache[_data.IR.Outputs.Select(o => o.Name).ToList().IndexOf(name)];
            }
            foreach (var c in cache) if (!columns.Contains(c)) _pool.Return(c);
        }
        foreach (var b in byName.Values) if (!columns.Contains(b)) _pool.Return(b);
        var binding = new SampleBinding(sample, padded, columns) { Placements = placed };
        _bindings.Add(binding);
        return binding;
    }

    // ---------------- execution ----------------

    /// <summary>
    /// Runs a kernel over all chunks. Outputs go to <paramref name="fullOutputs"/> (padded columns) or, when null,
    /// to a worker's chunk buffer that <paramref name="afterChunk"/> reads (chunk index, output column pointers).
    /// </summary>
    /// <remarks>Where else inputs come from and outputs go, and how chunks are grouped: see <see cref="ChunkRouting"/>.</remarks>
    private void Run(CompiledKernel k, int padded, NativeBuffer[]? inputs, NativeBuffer[]? fullOutputs,
        Action<int, IntPtr>? afterChunk, ChunkRouting routing = default)
    {
        var (direct, directLimit, inPlace, inPlaceLimit, tails, chunksPerTask) = routing;
        chunksPerTask = Math.Max(1, chunksPerTask);
        int size = k.ChunkSize, chunks = padded / size;
        double* ps = k.PrepareParameters(new ReadOnlySpan<double>(_params.Pointer, k.OriginalParameterCount));
        var options = new ParallelOptions { MaxDegreeOfParallelism = Threads };
        int tasks = (chunks + chunksPerTask - 1) / chunksPerTask;
        if (Threads == 1 || tasks == 1)
        {
            // One thread: a plain loop with a worker kept per kernel (a simulation worker calls this thousands of
            // times on small batches).
            if (!_singleWorkers.TryGetValue(k, out var worker)) _singleWorkers[k] = worker = new ChunkWorker(k);
            for (int c = 0; c < chunks; c++) Chunk(c, worker);
            StreamingStore.Fence();
            return;
        }
        Parallel.For(0, tasks, options, () => new ChunkWorker(k), (t, _, w) =>
        {
            for (int c = t * chunksPerTask, end = Math.Min(chunks, c + chunksPerTask); c < end; c++) Chunk(c, w);
            return w;
        }, w =>
        {
            StreamingStore.Fence(); // a worker's streamed outputs are ordered before the loop reports completion
            w.Dispose();
        });

        ChunkWorker Chunk(int c, ChunkWorker w)
        {
            var table = (double**)w.Table.Pointer;
            long start = (long)c * size;
            bool straight = direct is not null && start + size <= directLimit;
            if (inPlace is null)
                for (int s = 0; s < k.InputCount; s++) table[s] = inputs![s].Pointer + start;
            else
                for (int s = 0; s < k.InputCount; s++)
                    table[s] = start + size <= inPlaceLimit ? (double*)inPlace[s] + start : tails![s].Pointer + (start - inPlaceLimit);
            if (straight || fullOutputs is not null)
                for (int j = 0; j < k.OutputCount; j++)
                    w.PointOutputs(k, j, straight ? (double*)direct![j] + start : fullOutputs![j].Pointer + start);
            else if (!w.OutputsHere) w.PointOutputsHere(k);
            k.Run(table, ps, size);
            afterChunk?.Invoke(c, straight ? IntPtr.Zero : (IntPtr)w.Outputs.Pointer);
            return w;
        }
    }

    public override void Evaluate(EventSample sample, Span<double> re, Span<double> im = default)
    {
        CheckSample(sample, re.Length, "the value span");
        if (IsComplexValued && im.Length < sample.Count)
            throw new ArgumentException("this function is complex-valued: give a span for the imaginary parts");
        int n = sample.Count;
        // A sample seen for the first time by a kernel without hoisted columns (one pass, as in a simulation) is read
        // in place: copying it into aligned buffers would cost more memory traffic than the evaluation itself.
        bool inPlace = _data is null && n >= _main.ChunkSize && !_bindings.Any(x => ReferenceEquals(x.Sample, sample));
        var b = inPlace ? null : Bind(sample);
        int size = _main.ChunkSize;
        int tailStart = n / size * size;
        var arrays = inPlace ? _main.IR.Inputs.Select(sample.Column).ToArray() : [];
        var pins = arrays.Select(a => System.Runtime.InteropServices.GCHandle.Alloc(a, System.Runtime.InteropServices.GCHandleType.Pinned)).ToArray();
        var tails = arrays.Select(a =>
        {
            var t = _pool.Rent(size);
            t.Span.Clear();
            a.AsSpan(tailStart).CopyTo(t.Span);
            return t;
        }).ToArray();
        try
        {
            EvaluateRun(sample, re, im, b, size, pins.Select(p => p.AddrOfPinnedObject()).ToArray(), tailStart, tails);
        }
        finally
        {
            foreach (var p in pins) p.Free();
            foreach (var t in tails) _pool.Return(t);
        }
    }

    private void EvaluateRun(EventSample sample, Span<double> re, Span<double> im, SampleBinding? b, int size, IntPtr[] inPlace, int tailStart, NativeBuffer[] tails)
    {
        int n = sample.Count;
        int padded = b?.Padded ?? (n + size - 1) / size * size;
        fixed (double* pre = re, pim = im)
        {
            IntPtr reP = (IntPtr)pre, imP = (IntPtr)pim;
            bool writeIm = im.Length >= n;
            // Large outputs are computed into the worker's chunk buffer (in the first-level cache) and streamed to
            // the caller's arrays; small ones are written in place, where the caller finds them in the cache.
            bool stream = n >= StreamingStore.MinimumEvents;
            // A kernel with further outputs (a multi-output function) writes them all: through the chunk buffer.
            IntPtr[]? direct = stream || _main.OutputCount != (IsComplexValued ? 2 : 1) ? null : IsComplexValued ? [reP, imP] : [reP];
            Run(_main, padded, b?.Columns, null, (c, outs) =>
            {
                int start = c * size, count = Math.Min(size, n - start);
                if (count <= 0) return;
                if (outs != IntPtr.Zero)
                {
                    var o = (double*)outs;
                    if (stream)
                    {
                        StreamingStore.Copy(o, (double*)reP + start, count);
                        if (IsComplexValued) StreamingStore.Copy(o + _main.ColumnStride, (double*)imP + start, count);
                    }
                    else
                    {
                        new Span<double>(o, count).CopyTo(new Span<double>((double*)reP + start, count));
                        if (IsComplexValued) new Span<double>(o + _main.ColumnStride, count).CopyTo(new Span<double>((double*)imP + start, count));
                    }
                }
                if (writeIm && !IsComplexValued)
                {
                    if (stream) StreamingStore.Zero((double*)imP + start, count);
                    else new Span<double>((double*)imP + start, count).Clear();
                }
            }, new ChunkRouting(direct, n, b is null ? inPlace : null, tailStart, tails));
        }
    }

    public IReadOnlyList<string> OutputNames => _main.IR.Outputs.Select(o => o.Name).ToList();

    public void EvaluateOutputs(EventSample sample, double[][] outputs)
    {
        var names = OutputNames;
        if (IsComplexValued) throw new NotSupportedException("several outputs are evaluated for real-valued functions only");
        if (outputs.Length != names.Count) throw new ArgumentException($"{names.Count} outputs ({string.Join(", ", names)}) but {outputs.Length} arrays");
        foreach (var o in outputs) CheckSample(sample, o.Length, "an output array");
        int n = sample.Count, size = _main.ChunkSize;
        var b = Bind(sample);
        Run(_main, b.Padded, b.Columns, null, (c, outs) =>
        {
            int start = c * size, count = Math.Min(size, n - start);
            if (count <= 0) return;
            var o = (double*)outs;
            for (int j = 0; j < outputs.Length; j++)
                new Span<double>(o + j * _main.ColumnStride, count).CopyTo(outputs[j].AsSpan(start, count));
        });
    }

    private CompiledKernel GradientKernel()
    {
        if (!IsGradientSupported) throw new NotSupportedException("gradients need a real-valued function");
        return Kernel(KernelRole.Gradient)!;
    }

    private CompiledKernel ReducingKernel(bool log, bool gradient) => Kernel(KernelVariants.ReducingRole(log, gradient))!;

    // The weight column of the bound sample: the weights (or ones) for real events, zeros for the padding.
    private NativeBuffer Weights(SampleBinding b, ReadOnlySpan<double> weights)
    {
        var w = b.Weights ??= _pool.Rent(b.Padded, b.Placements++);
        int n = b.Sample.Count;
        if (weights.Length > 0)
        {
            weights.CopyTo(w.Span);
            b.WeightsAreOnes = false;
        }
        else if (!b.WeightsAreOnes)
        {
            w.Span[..n].Fill(1.0);
            b.WeightsAreOnes = true;
        }
        w.Span[n..].Clear();
        return w;
    }

    public override void EvaluateWithGradient(EventSample sample, Span<double> value, double[][] gradient)
    {
        CheckSample(sample, value.Length, "the value span");
        var k = GradientKernel();
        var names = k.IR.Outputs.Select(o => o.Name).ToList();
        var columns = GradientParameters.Select(p => names.IndexOf(ReverseMode.GradientName("value", p))).ToArray();
        if (gradient.Length != GradientParameters.Count || gradient.Any(g => g.Length < sample.Count))
            throw new ArgumentException($"expected {GradientParameters.Count} gradient arrays of at least {sample.Count} values");
        var b = Bind(sample);
        int n = sample.Count;
        var handles = gradient.Select(g => System.Runtime.InteropServices.GCHandle.Alloc(g, System.Runtime.InteropServices.GCHandleType.Pinned)).ToArray();
        try
        {
            fixed (double* pv = value)
            {
                IntPtr vp = (IntPtr)pv;
                var gp = handles.Select(h => h.AddrOfPinnedObject()).ToArray();
                int size = k.ChunkSize;
                Run(k, b.Padded, b.Columns, null, (c, outs) =>
                {
                    int start = c * size, count = Math.Min(size, n - start);
                    if (count <= 0) return;
                    var o = (double*)outs;
                    new Span<double>(o, count).CopyTo(new Span<double>((double*)vp + start, count));
                    for (int g = 0; g < columns.Length; g++)
                        new Span<double>(o + columns[g] * k.ColumnStride, count).CopyTo(new Span<double>((double*)gp[g] + start, count));
                });
            }
        }
        finally
        {
            foreach (var h in handles) h.Free();
        }
    }

    private double[] _partial = [];
    private const int RunEvents = 2048, MinRuns = 64;

    protected override SampleSum Reduce(EventSample sample, ReadOnlySpan<double> weights, bool withGradient, bool log)
    {
        var k = ReducingKernel(log, withGradient);
        int valueColumn = k.IR.Outputs.Select(o => o.Name).ToList().IndexOf("value");
        var b = Bind(sample);
        int size = k.ChunkSize, chunks = b.Padded / size, outputs = k.OutputCount;
        // The chunks are summed in runs of RunEvents events, each run by one thread in chunk order, then the runs'
        // sums in a fixed order (compensated): the result is the same for any number of threads. One partial sum per
        // chunk instead was 72 MB for the Λc gradient on a million events (280 outputs, chunks of 32), written and
        // read again each call. A small sample keeps at least MinRuns runs (chunks of one run each below that), so
        // that its work still spreads over the cores: a fit's 10k events in runs of 2048 made five tasks for two
        // threads. The run length depends on the sample size only, never on the thread count.
        int perRun = Math.Clamp(chunks / MinRuns, 1, Math.Max(1, RunEvents / size)), runs = (chunks + perRun - 1) / perRun;
        if (_partial.Length < runs * outputs) _partial = new double[runs * outputs];
        var partial = _partial;
        var inputs = b.Columns.Append(Weights(b, weights)).ToArray();
        // Each output column holds the chunk's lane sums (four or eight).
        static double Four(double* l) => (l[0] + l[1]) + (l[2] + l[3]);
        bool eight = k.Lanes == 8;
        long stride = k.ColumnStride;
        Run(k, b.Padded, inputs, null, (c, outs) =>
        {
            var o = (double*)outs;
            var sums = partial.AsSpan(c / perRun * outputs, outputs);
            bool first = c % perRun == 0;
            for (int j = 0; j < outputs; j++)
            {
                double* l = o + j * stride;
                double lanes = eight ? Four(l) + Four(l + 4) : Four(l);
                sums[j] = first ? lanes : sums[j] + lanes;
            }
        }, new ChunkRouting(ChunksPerTask: perRun));
        var totals = CompensatedColumnSums(partial.AsSpan(0, runs * outputs), outputs);
        double Total(int j) => totals[j];
        double value = Total(valueColumn);
        double[]? gradient = withGradient
            ? k.Layout.SummedGradient(GradientParameters, new ReadOnlySpan<double>(_params.Pointer, k.OriginalParameterCount), Total)
            : null;
        return new SampleSum(value, gradient);
    }

    public override void Dispose()
    {
        foreach (var b in _bindings) b.Dispose();
        _pool.Dispose();
        foreach (var w in _singleWorkers.Values) w.Dispose();
        _singleWorkers.Clear();
        _bindings.Clear();
        _params.Dispose();
    }
}
