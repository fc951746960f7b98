namespace PartialWave.Backends.Gpu;

/// <summary>What the GPU backend finds on this machine.</summary>
public static class GpuDevices
{
    /// <summary>Opens (once per process) the accelerator for <paramref name="device"/> and describes it, for logs.</summary>
    /// <exception cref="GpuUnavailableException">CUDA was required and cannot be used.</exception>
    public static string Describe(GpuDevice device = GpuDevice.Auto) => GpuAccelerator.Get(device).Description;
}
