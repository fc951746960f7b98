using ILGPU;
using ILGPU.Runtime;
using PartialWave.Compilation;
using PartialWave.Data;

namespace PartialWave.Backends.Gpu;

/// <summary>
/// The GPU backend: the CPU backend's kernel layouts (same splitting, hoisting, prelude and gradient kernels),
/// rendered as one-event-per-thread ILGPU kernels and run on CUDA or on ILGPU's CPU accelerator. A sample's columns
/// and its hoisted columns are uploaded once and stay on the device between calls; a call uploads only the
/// parameters and downloads values or sums. Sums are taken in fixed blocks of events (<see cref="GpuReduction"/>),
/// so a fit on one device gives the same bits every time. A sample larger than the device memory budget is
/// processed in windows, uploaded (and its hoisted columns computed) on every call.
/// </summary>
internal sealed class GpuFunction : ParametrizedFunction, ICompiledFunction
{
    private const int MaxBindings = 4;
    private readonly GpuAccelerator _device;
    private readonly Func<KernelRole, GpuAccelerator, GpuKernel?> _build;
    private readonly GpuKernel?[] _kernels = new GpuKernel?[Enum.GetValues<KernelRole>().Length];
    private readonly GpuKernel? _data;
    private readonly GpuKernel _main;
    private readonly int[] _paramSlotToVector;
    private readonly double[] _original;
    private readonly long _budget;
    private readonly List<Binding> _bindings = [];
    private MemoryBuffer1D<double, Stride1D.Dense>? _work;
    private MemoryBuffer1D<double, Stride1D.Dense>? _partials;
    private MemoryBuffer1D<long, Stride1D.Dense>? _columns;

    /// <summary>A function whose kernels are generated and compiled now, each when first needed.</summary>
    public GpuFunction(KernelVariants variants, IReadOnlyList<string> inputs, IEnumerable<ParameterSpec> parameters, LambdifyOptions options)
        : this(Generated(variants), inputs, parameters, options)
    {
    }

    private static Func<KernelRole, GpuAccelerator, GpuKernel?> Generated(KernelVariants variants) =>
        (role, device) => variants.Layout(role) is { } layout ? GpuKernel.Compile(layout, device, $"the {role} kernel") : null;

    /// <summary>A function whose kernels come from <paramref name="build"/> (for example precompiled ones), each when first needed.</summary>
    public GpuFunction(Func<KernelRole, GpuAccelerator, GpuKernel?> build, IReadOnlyList<string> inputs, IEnumerable<ParameterSpec> parameters, LambdifyOptions options)
        : base(inputs, parameters)
    {
        _device = GpuAccelerator.Get(options.Device);
        _budget = options.GpuMemoryLimit ?? _device.DefaultBudget;
        _build = build;
        _data = Kernel(KernelRole.Data);
        _main = Kernel(KernelRole.Main)!;
        _paramSlotToVector = GradientIndices(_main.Layout.IR.Parameters.Take(_main.Layout.OriginalParameterCount));
        _original = new double[Math.Max(1, _paramSlotToVector.Length)];
        WriteParameters();
        IsComplexValued = _main.Layout.IR.Outputs.Any(o => o.Name == "value.re");
    }

    /// <summary>The accelerator, in words.</summary>
    public string Device => _device.Description;
    public override bool IsComplexValued { get; }
    public override bool IsGradientSupported => !IsComplexValued;
    public int OperationsPerEvent => _main.Layout.IR.OperationCount;
    public int HoistedOperations => _data?.Layout.IR.OperationCount ?? 0;
    public int SegmentCount => _main.Layout.Segments.Count;

    private GpuKernel? Kernel(KernelRole role)
    {
        if (_kernels[(int)role] is { } k) return k;
        if (role is not (KernelRole.Data or KernelRole.Main) && IsComplexValued)
            throw new NotSupportedException($"{role} needs a real-valued function");
        return _kernels[(int)role] = _build(role, _device);
    }

    protected override void OnParameterChanged(int index) => WriteParameters();

    private void WriteParameters()
    {
        WriteKernelParameters(_paramSlotToVector, _original);
    }

    // ---------------- device memory ----------------

    private MemoryBuffer1D<T, Stride1D.Dense> Allocate<T>(long length, string what) where T : unmanaged
    {
        try
        {
            return _device.Accelerator.Allocate1D<T>(Math.Max(1, length));
        }
        catch (Exception e) when (e is OutOfMemoryException or AcceleratorException or ILGPU.Runtime.Cuda.CudaException)
        {
            throw new GpuUnavailableException($"out of device memory allocating {length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>() / 1e6:F1} MB for {what} "
                + $"on {_device.Description}: give a smaller memory limit (windows are then streamed), or run with --backend cpu", e);
        }
    }

    private ArrayView<T> Ensure<T>(ref MemoryBuffer1D<T, Stride1D.Dense>? buffer, long length, string what) where T : unmanaged
    {
        if (buffer is null || buffer.Length < length)
        {
            if (buffer is not null)
            {
                _device.Accelerator.Synchronize(); // queued work may still use it
                buffer.Dispose();
            }
            buffer = Allocate<T>(length, what);
        }
        return buffer.View;
    }

    private ArrayView<double> Work => _work!.View.AsContiguous();

    // ---------------- binding ----------------

    private sealed class Binding(EventSample sample, string[] columns, int windowEvents, bool resident) : IDisposable
    {
        public EventSample Sample { get; } = sample;
        public string[] Columns { get; } = columns;
        public Dictionary<string, int> Index { get; } = columns.Select((c, k) => (c, k)).ToDictionary(t => t.c, t => t.k, StringComparer.Ordinal);
        public int WindowEvents { get; } = windowEvents;
        public bool Resident { get; } = resident;
        public MemoryBuffer1D<double, Stride1D.Dense>?[] Windows { get; } = new MemoryBuffer1D<double, Stride1D.Dense>?[(sample.Count + windowEvents - 1) / windowEvents];
        public int[] WindowWeights { get; } = new int[(sample.Count + windowEvents - 1) / windowEvents]; // version of the weights a window holds
        public double[]? Weights { get; set; } // null: all ones
        public int WeightsVersion { get; set; }
        /// <summary>Device bytes held between calls (zero for a streamed sample).</summary>
        public long ResidentBytes => Resident ? (long)Columns.Length * Sample.Count * sizeof(double) : 0;

        public (int Start, int Count) Window(int i) => (i * WindowEvents, Math.Min(WindowEvents, Sample.Count - i * WindowEvents));

        public void Dispose()
        {
            foreach (var w in Windows) w?.Dispose();
            Array.Clear(Windows);
        }
    }

    private Binding Bind(EventSample sample)
    {
        int found = _bindings.FindIndex(b => ReferenceEquals(b.Sample, sample));
        if (found >= 0)
        {
            var hit = _bindings[found];
            _bindings.RemoveAt(found);
            _bindings.Add(hit);
            return hit;
        }
        if (_bindings.Count == MaxBindings)
        {
            _bindings[0].Dispose();
            _bindings.RemoveAt(0);
        }
        var missing = Inputs.Where(n => !sample.Contains(n)).ToList();
        if (missing.Count > 0) throw new ArgumentException($"the sample has no column(s) {string.Join(", ", missing)}");
        // Columns of a window: the data columns any kernel reads, the hoisted columns, the weights.
        var columns = _main.Layout.IR.Inputs.Where(n => !n.StartsWith(Hoisting.CachePrefix, StringComparison.Ordinal))
            .Concat(_data?.Layout.IR.Inputs ?? []).Concat(_data?.Layout.IR.Outputs.Select(o => o.Name) ?? [])
            .Append(KernelLayout.WeightColumn).Distinct().ToArray();
        long perEvent = columns.Length * (long)sizeof(double);
        long fit = _budget / 2 / perEvent;
        int n = Math.Max(1, sample.Count);
        bool resident = fit >= n;
        int window = resident ? n : (int)Math.Max(GpuReduction.BlockSize, fit / GpuReduction.BlockSize * GpuReduction.BlockSize);
        var binding = new Binding(sample, columns, window, resident);
        if (resident)
        {
            // Samples kept on the device together stay within half the budget: the oldest make room.
            while (_bindings.Count > 0 && _bindings.Sum(x => x.ResidentBytes) + binding.ResidentBytes > _budget / 2)
            {
                _bindings[0].Dispose();
                _bindings.RemoveAt(0);
            }
            try
            {
                for (int i = 0; i < binding.Windows.Length; i++) Materialize(binding, i);
            }
            catch
            {
                binding.Dispose();
                throw;
            }
        }
        _bindings.Add(binding);
        return binding;
    }

    // Uploads a window's data columns and computes its hoisted columns; the window counts as ready only when both
    // succeeded (a failure halfway leaves no window with stale hoisted columns behind).
    private ArrayView<double> Materialize(Binding b, int i)
    {
        if (b.Windows[i] is { } ready) return ready.View.AsContiguous();
        var (start, count) = b.Window(i);
        var buffer = Allocate<double>((long)b.Columns.Length * count, $"a window of {count} events");
        try
        {
            var view = buffer.View.AsContiguous();
            foreach (var (name, k) in b.Index)
                if (b.Sample.Contains(name))
                    view.SubView((long)k * count, count).CopyFromCPU(b.Sample[name].Slice(start, count));
            if (_data is not null)
            {
                var outputs = _data.Layout.IR.Outputs.Select(o => b.Index[o.Name]).ToArray();
                foreach (var (sub, subCount) in Launch(_data, b, i, view))
                    for (int j = 0; j < outputs.Length; j++)
                        Work.SubView((long)j * subCount, subCount).CopyTo(view.SubView((long)outputs[j] * count + sub - start, subCount));
            }
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
        b.Windows[i] = buffer;
        b.WindowWeights[i] = -1;
        return buffer.View.AsContiguous();
    }

    private void Release(Binding b, int i)
    {
        if (b.Resident) return;
        b.Windows[i]?.Dispose();
        b.Windows[i] = null;
    }

    private void SetWeights(Binding b, ReadOnlySpan<double> weights)
    {
        bool ones = weights.Length == 0;
        bool same = ones ? b.Weights is null : b.Weights is not null && weights.SequenceEqual(b.Weights);
        if (same && b.WeightsVersion > 0) return;
        b.Weights = ones ? null : weights.ToArray();
        b.WeightsVersion++;
    }

    private void UploadWeights(Binding b, int i)
    {
        if (b.WindowWeights[i] == b.WeightsVersion) return;
        var (start, count) = b.Window(i);
        var column = b.Windows[i]!.View.AsContiguous().SubView((long)b.Index[KernelLayout.WeightColumn] * count, count);
        column.CopyFromCPU(b.Weights is null ? Ones(count) : b.Weights.AsSpan(start, count));
        b.WindowWeights[i] = b.WeightsVersion;
    }

    private double[]? _ones;
    private ReadOnlySpan<double> Ones(int count)
    {
        if (_ones is null || _ones.Length < count) _ones = Enumerable.Repeat(1.0, count).ToArray();
        return _ones.AsSpan(0, count);
    }

    // ---------------- execution ----------------

    /// <summary>
    /// Runs <paramref name="k"/> over window <paramref name="i"/> (its columns in <paramref name="sample"/>) in launches of whole blocks that fit the work
    /// buffer; after each, yields (first event, events) while the outputs are in the work buffer's first columns.
    /// </summary>
    private IEnumerable<(int Start, int Count)> Launch(GpuKernel k, Binding b, int i, ArrayView<double> sample)
    {
        var (start, count) = b.Window(i);
        long capacity = Math.Max(GpuReduction.BlockSize, _budget / 4 / sizeof(double) / Math.Max(1, k.WorkColumns));
        int step = (int)Math.Min(count, capacity / GpuReduction.BlockSize * GpuReduction.BlockSize);
        var work = Ensure(ref _work, (long)step * Math.Max(1, k.WorkColumns), "the work buffer");
        var columns = Ensure(ref _columns, k.Layout.SlotCount, "column offsets");
        var offsets = new long[Math.Max(1, k.Layout.SlotCount)];
        var parameters = k.Parameters(_original);
        for (int sub = 0; sub < count; sub += step)
        {
            int n = Math.Min(step, count - sub);
            for (int s = 0; s < k.Layout.SlotCount; s++)
                offsets[s] = s < k.Layout.InputCount ? (long)b.Index[k.Layout.IR.Inputs[s]] * count + sub : (long)(s - k.Layout.InputCount) * n;
            columns.SubView(0, offsets.Length).CopyFromCPU(offsets);
            foreach (var segment in k.Segments) segment(n, sample, work, columns, parameters);
            yield return (start + sub, n);
        }
    }

    public override void Evaluate(EventSample sample, Span<double> re, Span<double> im = default)
    {
        CheckSample(sample, re.Length, "the value span");
        if (IsComplexValued && im.Length < sample.Count)
            throw new ArgumentException("this function is complex-valued: give a span for the imaginary parts");
        try
        {
            var b = Bind(sample);
            for (int i = 0; i < b.Windows.Length; i++)
            {
                try
                {
                    foreach (var (start, n) in Launch(_main, b, i, Materialize(b, i)))
                    {
                        Work.SubView(0, n).CopyToCPU(re.Slice(start, n));
                        if (IsComplexValued) Work.SubView(n, n).CopyToCPU(im.Slice(start, n));
                        else if (im.Length >= sample.Count) im.Slice(start, n).Clear();
                    }
                }
                finally { Release(b, i); }
            }
        }
        catch (Exception e) when (IsDeviceFailure(e)) { throw DeviceFailure(e, "evaluating"); }
    }

    public IReadOnlyList<string> OutputNames => _main.Layout.IR.Outputs.Select(o => o.Name).ToList();

    public void EvaluateOutputs(EventSample sample, double[][] outputs)
    {
        var names = OutputNames;
        if (IsComplexValued) throw new NotSupportedException("several outputs are evaluated for real-valued functions only");
        if (outputs.Length != names.Count) throw new ArgumentException($"{names.Count} outputs ({string.Join(", ", names)}) but {outputs.Length} arrays");
        foreach (var o in outputs) CheckSample(sample, o.Length, "an output array");
        try
        {
            var b = Bind(sample);
            for (int i = 0; i < b.Windows.Length; i++)
            {
                try
                {
                    foreach (var (start, n) in Launch(_main, b, i, Materialize(b, i)))
                        for (int j = 0; j < outputs.Length; j++) Work.SubView((long)j * n, n).CopyToCPU(outputs[j].AsSpan(start, n));
                }
                finally { Release(b, i); }
            }
        }
        catch (Exception e) when (IsDeviceFailure(e)) { throw DeviceFailure(e, "evaluating"); }
    }

    public override void EvaluateWithGradient(EventSample sample, Span<double> value, double[][] gradient)
    {
        CheckSample(sample, value.Length, "the value span");
        if (!IsGradientSupported) throw new NotSupportedException("gradients need a real-valued function");
        if (gradient.Length != GradientParameters.Count || gradient.Any(g => g.Length < sample.Count))
            throw new ArgumentException($"expected {GradientParameters.Count} gradient arrays of at least {sample.Count} values");
        var k = Kernel(KernelRole.Gradient)!;
        var names = k.Layout.IR.Outputs.Select(o => o.Name).ToList();
        int valueColumn = names.IndexOf("value");
        var columns = GradientParameters.Select(p => names.IndexOf(ReverseMode.GradientName("value", p))).ToArray();
        try
        {
            var b = Bind(sample);
            for (int i = 0; i < b.Windows.Length; i++)
            {
                try
                {
                    foreach (var (start, n) in Launch(k, b, i, Materialize(b, i)))
                    {
                        Work.SubView((long)valueColumn * n, n).CopyToCPU(value.Slice(start, n));
                        for (int g = 0; g < columns.Length; g++)
                            Work.SubView((long)columns[g] * n, n).CopyToCPU(gradient[g].AsSpan(start, n));
                    }
                }
                finally { Release(b, i); }
            }
        }
        catch (Exception e) when (IsDeviceFailure(e)) { throw DeviceFailure(e, "evaluating gradients"); }
    }

    protected override SampleSum Reduce(EventSample sample, ReadOnlySpan<double> weights, bool withGradient, bool log)
    {
        var k = Kernel(KernelVariants.ReducingRole(log, withGradient))!;
        var names = k.Layout.IR.Outputs.Select(o => o.Name).ToList();
        int outputs = names.Count;
        var blocksOf = Enumerable.Range(0, outputs).Select(_ => new List<double>()).ToArray();
        double[] host = [];
        try
        {
            var b = Bind(sample);
            SetWeights(b, weights);
            var reduce = GpuReduction.For(_device.Accelerator);
            for (int i = 0; i < b.Windows.Length; i++)
            {
                try
                {
                    var view = Materialize(b, i);
                    UploadWeights(b, i);
                    foreach (var (_, n) in Launch(k, b, i, view))
                    {
                        int blocks = (n + GpuReduction.BlockSize - 1) / GpuReduction.BlockSize;
                        var partial = Ensure(ref _partials, (long)outputs * blocks, "partial sums");
                        reduce(outputs * blocks, Work, partial, n, blocks);
                        if (host.Length < outputs * blocks) host = new double[outputs * blocks];
                        partial.SubView(0, outputs * blocks).CopyToCPU(host.AsSpan(0, outputs * blocks));
                        for (int j = 0; j < outputs; j++) blocksOf[j].AddRange(host.AsSpan(j * blocks, blocks));
                    }
                }
                finally { Release(b, i); }
            }
        }
        catch (Exception e) when (IsDeviceFailure(e)) { throw DeviceFailure(e, log ? "summing logarithms" : "summing"); }
        double Total(int j) => CompensatedSum(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(blocksOf[j]));
        double value = Total(names.IndexOf("value"));
        double[]? gradient = withGradient ? k.Layout.SummedGradient(GradientParameters, _original, Total) : null;
        return new SampleSum(value, gradient);
    }

    // Errors the device or driver raises while running (an illegal address, a launch time-out on a display GPU, a
    // lost device): reported as GPU failures with what to do, not as a driver's exception.
    private static bool IsDeviceFailure(Exception e) =>
        e is AcceleratorException or ILGPU.Runtime.Cuda.CudaException or InternalCompilerException;

    private GpuUnavailableException DeviceFailure(Exception e, string what) =>
        new($"the GPU failed while {what} on {_device.Description} ({e.GetType().Name}: {e.Message}); run with --backend cpu", e);

    public override void Dispose()
    {
        foreach (var b in _bindings) b.Dispose();
        _bindings.Clear();
        foreach (var k in _kernels) k?.Dispose();
        _work?.Dispose();
        _partials?.Dispose();
        _columns?.Dispose();
    }
}
