using System.CommandLine;
using PartialWave.Backends.Gpu;

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
        Simd = new Option<string>("--simd")
        {
            Description = "Vector width of the cpu backend: 256 (default) or 512 (AVX-512 where the machine has it and the kernel's functions allow; every event's value is the same, sums differ by roundings).",
            DefaultValueFactory = _ => "256",
        };
        Simd.AcceptOnlyFromAmong("256", "512");
    }

    public Option<Backend> Backend { get; }
    public Option<string> Device { get; }
    public Option<string> Simd { get; }

    /// <summary>The options to add to a command.</summary>
    public IEnumerable<Option> All => [Backend, Device, Simd];

    /// <summary>What the command line chose, and the <see cref="LambdifyOptions"/> it makes (commands add their own settings with <c>with</c>).</summary>
    public sealed record Selection(Backend Backend, GpuDevice Device, SimdWidth Simd)
    {
        public LambdifyOptions Options => new() { Backend = Backend, Device = Device, Simd = Simd };
    }

    /// <summary>The backend, device and vector width given.</summary>
    public Selection Get(ParseResult r) => new(r.GetValue(Backend), r.GetValue(Device) switch
    {
        "cuda" => GpuDevice.Cuda,
        "cpu-accelerator" => GpuDevice.CpuAccelerator,
        _ => GpuDevice.Auto,
    }, r.GetValue(Simd) == "512" ? SimdWidth.Vector512 : SimdWidth.Vector256);

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
