namespace PartialWave;

/// <summary>Which accelerator the GPU backend uses.</summary>
public enum GpuDevice
{
    /// <summary>The first CUDA device when there is one, else ILGPU's CPU accelerator.</summary>
    Auto,
    /// <summary>A CUDA device; an error where there is none.</summary>
    Cuda,
    /// <summary>ILGPU's CPU accelerator: the GPU kernels run as .NET code on the cores (tests, machines without a GPU).</summary>
    CpuAccelerator,
}

/// <summary>The GPU backend cannot run here (no device, no driver, out of device memory) or cannot compile a kernel.</summary>
public sealed class GpuUnavailableException : Exception
{
    /// <summary>An error saying what failed and what to do.</summary>
    public GpuUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}
