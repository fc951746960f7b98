using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace PartialWave.Backends.Gpu;

/// <summary>
/// The ILGPU accelerator a GPU function runs on: one per process and kind, created on first use. CUDA where a
/// device is present (or required), ILGPU's CPU accelerator otherwise: the same kernels, run as .NET code on the
/// cores, which is how the GPU paths are tested on machines without a GPU.
/// </summary>
internal sealed class GpuAccelerator
{
    private static readonly object Gate = new();
    private static Context? s_context;
    private static readonly Dictionary<GpuDevice, GpuAccelerator> s_cache = [];

    private GpuAccelerator(Accelerator accelerator, bool isCuda)
    {
        Accelerator = accelerator;
        IsCuda = isCuda;
        Description = isCuda
            ? $"CUDA: {accelerator.Name} ({accelerator.MemorySize / (1024.0 * 1024 * 1024):F1} GiB, {accelerator.NumMultiprocessors} multiprocessors)"
            : $"ILGPU CPU accelerator ({accelerator.MaxNumThreads} threads; no CUDA device used)";
    }

    public Accelerator Accelerator { get; }
    public bool IsCuda { get; }

    /// <summary>The fused multiply-add kernels are instantiated with: the PTX instruction on CUDA, Math's on the CPU accelerator.</summary>
    public Type FusedMultiplyAdd => IsCuda ? typeof(PtxFma) : typeof(Numerics.ManagedFma);
    public string Description { get; }

    /// <summary>
    /// Device memory a function may use by default: most of a GPU's, and a fixed 2 GiB on the CPU accelerator (whose
    /// "device memory" is the process's own).
    /// </summary>
    public long DefaultBudget => IsCuda ? (long)(Accelerator.MemorySize * 0.7) : 2L << 30;

    /// <summary>The process's ILGPU context (CUDA devices where present, the CPU device, ILGPU.Algorithms).</summary>
    public static Context Context
    {
        get
        {
            lock (Gate) return s_context ??= CreateContext();
        }
    }

    /// <summary>The accelerator for <paramref name="device"/>.</summary>
    /// <exception cref="GpuUnavailableException">CUDA was required and no device or driver is there.</exception>
    public static GpuAccelerator Get(GpuDevice device)
    {
        lock (Gate)
        {
            if (s_cache.TryGetValue(device, out var hit)) return hit;
            var context = Context;
            GpuAccelerator made;
            if (device == GpuDevice.CpuAccelerator) made = CpuAccelerator(context);
            else
            {
                var cuda = CudaDevices(context);
                if (cuda.Count == 0)
                {
                    if (device == GpuDevice.Cuda)
                        throw new GpuUnavailableException("no CUDA device found (no NVIDIA GPU, or its driver is not loaded): "
                            + "run with --backend cpu, or with --device cpu-accelerator to run the GPU kernels on the CPU");
                    made = CpuAccelerator(context);
                }
                else
                {
                    try
                    {
                        made = new GpuAccelerator(cuda[0].CreateAccelerator(context), true);
                    }
                    catch (Exception e) when (e is CudaException or AcceleratorException or DllNotFoundException or InvalidOperationException or NotSupportedException)
                    {
                        throw new GpuUnavailableException($"the CUDA device {cuda[0].Name} could not be opened ({e.Message}): run with --backend cpu", e);
                    }
                }
            }
            return s_cache[device] = made;
        }
    }

    /// <summary>
    /// Stops handing out <paramref name="broken"/> and its context after a kernel failed to compile on it: an ILGPU
    /// compile that throws can leave the context's IR in a state where later compiles fail. Functions that hold it
    /// keep their loaded kernels; new ones get a fresh context.
    /// </summary>
    public static void Forget(GpuAccelerator broken)
    {
        lock (Gate)
        {
            foreach (var key in s_cache.Where(kv => ReferenceEquals(kv.Value, broken)).Select(kv => kv.Key).ToList()) s_cache.Remove(key);
            if (ReferenceEquals(s_context, broken.Accelerator.Context))
            {
                s_context = null;
                s_cache.Clear();
            }
        }
    }

    private static List<Device> CudaDevices(Context context)
    {
        try
        {
            return context.Devices.Where(d => d.AcceleratorType == AcceleratorType.Cuda).ToList();
        }
        catch (Exception e) when (e is DllNotFoundException or CudaException)
        {
            return [];
        }
    }

    private static GpuAccelerator CpuAccelerator(Context context) =>
        new(context.Devices.OfType<CPUDevice>().First().CreateCPUAccelerator(context), false);

    // CUDA devices where a driver is present, and one CPU device with one OS thread per core: the CPU accelerator runs
    // a thread per simulated GPU thread (warp size × warps × multiprocessors), and more than there are cores made the
    // J/ψ reference fit 4x slower (13.0 s of MIGRAD with 4 × 4 × 2 threads, 3.3 s with 2 × 1 × 1, on 2 cores).
    // ILGPU.Algorithms supplies device code for the few Math functions kernels still call (sqrt, floor, ceiling, abs;
    // the elementary functions are GpuMath's). A CUDA driver that cannot be initialised (too new or too old for ILGPU, a broken installation) must not take
    // the CPU accelerator down with it: the context is then made without CUDA.
    private static Context CreateContext()
    {
        var cpu = new CPUDevice(2, 1, Math.Max(1, Environment.ProcessorCount / 2));
        try
        {
            return Context.Create(b => b.Cuda().CPU(cpu).EnableAlgorithms());
        }
        catch (Exception e) when (e is CudaException or DllNotFoundException or TypeInitializationException or NotSupportedException or InvalidOperationException)
        {
            return Context.Create(b => b.CPU(cpu).EnableAlgorithms());
        }
    }
}
