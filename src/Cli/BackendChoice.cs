using System.CommandLine;

namespace PartialWave.Cli;

/// <summary>
/// The <c>--backend</c> and <c>--device</c> options every evaluating command shares, and the one place that turns
/// them into <see cref="LambdifyOptions"/>: for the GPU backend it opens the accelerator first and says on stderr
/// which one was chosen, so a missing driver is reported before any work starts.
/// </summary>
internal sealed class BackendChoice
{
    public BackendChoice(string backendDescription, Backend defaultBackend = PartialWave.Backend.Cpu)
    {
        Backend = new Option<Backend>("--backend") { Description = backendDescription, DefaultValueFactory = _ => defaultBackend };
        Device = new Option<string>("--device")
        {
            Description = "Accelerator of the gpu backend: auto (a CUDA device where there is one, else ILGPU's CPU accelerator), cuda, or cpu-accelerator (the GPU kernels run on the cores).",
            DefaultValueFactory = _ => "auto",
        };
        Device.AcceptOnlyFromAmong("auto", "cuda", "cpu-accelerator");
    }

    public Option<Backend> Backend { get; }
    public Option<string> Device { get; }

    /// <summary>The backend and device given.</summary>
    public (Backend Backend, GpuDevice Device) Get(ParseResult r) => (r.GetValue(Backend), r.GetValue(Device) switch
    {
        "cuda" => GpuDevice.Cuda,
        "cpu-accelerator" => GpuDevice.CpuAccelerator,
        _ => GpuDevice.Auto,
    });

    /// <summary>
    /// Opens the accelerator of the gpu backend and logs it as "COMMAND: gpu backend on ..."; false with the exit code
    /// when it cannot be used.
    /// </summary>
    public static bool TryOpen(CommandIo io, string command, Backend backend, GpuDevice device, out int exit)
    {
        exit = 0;
        if (backend != PartialWave.Backend.Gpu) return true;
        try
        {
            io.Err.WriteLine($"{command}: gpu backend on {GpuDevices.Describe(device)}");
            return true;
        }
        catch (GpuUnavailableException ex)
        {
            exit = io.Fail(command, ex.Message);
            return false;
        }
    }
}
