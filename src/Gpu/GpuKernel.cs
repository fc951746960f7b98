using System.Text;
using ILGPU;
using ILGPU.Runtime;
using PartialWave.Backends.CSharp;
using PartialWave.Compilation;

namespace PartialWave.Backends.Gpu;

/// <summary>The launcher of one generated segment: one thread per event.</summary>
internal delegate void SegmentLauncher(Index1D events, ArrayView<double> sample, ArrayView<double> work, ArrayView<long> columns, ArrayView<double> parameters);

/// <summary>
/// A laid-out kernel (<see cref="KernelLayout"/>, the CPU's layouts: same segments, same prelude) compiled for an
/// ILGPU accelerator: one device kernel per segment, launched in order over the same events, values crossing
/// segments passing through the work buffer.
/// </summary>
internal sealed class GpuKernel : IDisposable
{
    private readonly GpuAccelerator _device;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _parameters;
    private readonly double[] _block;
    private double[]? _lastOriginal;

    private GpuKernel(KernelLayout layout, GpuAccelerator device, SegmentLauncher[] segments)
    {
        Layout = layout;
        _device = device;
        Segments = segments;
        _block = new double[Math.Max(1, layout.IR.Parameters.Count)];
        _parameters = device.Accelerator.Allocate1D<double>(_block.Length);
    }

    public KernelLayout Layout { get; }
    public SegmentLauncher[] Segments { get; }

    /// <summary>Columns of the work buffer per event: outputs, then values crossing segments.</summary>
    public int WorkColumns => Layout.OutputCount + Layout.ScratchCount;

    /// <summary>Generates, compiles (Roslyn, in memory) and loads the kernel.</summary>
    /// <exception cref="GpuUnavailableException">A kernel does not compile for the device.</exception>
    public static GpuKernel Compile(KernelLayout layout, GpuAccelerator device, string what) =>
        Load(layout, device, KernelAssemblyCompiler.Compile(GpuKernelSource.Source(layout, "Kernels"), what).GetType("Kernels`1")!, what);

    /// <summary>
    /// Loads the kernel from <paramref name="type"/>, the generic class with the segment methods <c>Source</c>
    /// writes (generated now or at build time), instantiated with the device's fused multiply-add.
    /// </summary>
    /// <exception cref="GpuUnavailableException">A kernel does not compile for the device.</exception>
    public static GpuKernel Load(KernelLayout layout, GpuAccelerator device, Type type, string what)
    {
        if (type.IsGenericTypeDefinition) type = type.MakeGenericType(device.FusedMultiplyAdd);
        var launchers = new SegmentLauncher[layout.Segments.Count];
        for (int s = 0; s < launchers.Length; s++)
        {
            var method = type.GetMethod(GpuKernelSource.SegmentName(s))
                ?? throw new GpuUnavailableException($"{what}: {type.FullName} has no method {GpuKernelSource.SegmentName(s)} (precompiled kernels of another version: rebuild the project)");
            Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<long>, ArrayView<double>> action;
            try
            {
                action = method.CreateDelegate<Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<long>, ArrayView<double>>>();
            }
            catch (ArgumentException e)
            {
                throw new GpuUnavailableException($"{what}: {type.FullName}.{method.Name} does not have the GPU kernel signature (precompiled kernels of another version: rebuild the project)", e);
            }
            try
            {
                var launch = device.Accelerator.LoadAutoGroupedStreamKernel(action);
                launchers[s] = (i, d, w, c, p) => launch(i, d, w, c, p);
            }
            catch (Exception e) when (e is InternalCompilerException or NotSupportedException or InvalidOperationException
                                          or ILGPU.Backends.InvalidCodeGenerationException or AcceleratorException)
            {
                GpuAccelerator.Forget(device);
                throw new GpuUnavailableException($"{what}: segment {s + 1} of {launchers.Length} does not compile for {device.Description} "
                    + $"({e.GetType().Name}: {e.Message}); run with --backend cpu", e);
            }
        }
        return new GpuKernel(layout, device, launchers);
    }

    /// <summary>Uploads the parameter block (original values, then the prelude's) when the original values changed.</summary>
    public ArrayView<double> Parameters(ReadOnlySpan<double> original)
    {
        if (_lastOriginal is null || !original[..Layout.OriginalParameterCount].SequenceEqual(_lastOriginal))
        {
            Layout.FillParameters(original, _block);
            _parameters.View.CopyFromCPU(_block);
            _lastOriginal = original[..Layout.OriginalParameterCount].ToArray();
        }
        return _parameters.View;
    }

    public void Dispose() => _parameters.Dispose();
}
