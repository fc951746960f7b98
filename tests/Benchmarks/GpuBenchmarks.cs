using BenchmarkDotNet.Attributes;
using PartialWave.Benchmarks.Tracking;

namespace PartialWave.Benchmarks;

/// <summary>
/// The GPU backend in steady state on the reference models, every parameter free, as <see cref="ThroughputBenchmarks"/>
/// measures the CPU backend: values, and Σ log f with its gradient. The device is chosen as <c>--device auto</c>
/// does: a CUDA device where there is one (targets for lc2pkpi_default_full on an H100: at least 1e9 events/s for
/// the value, at least 100 times the CPU backend on the 2-core machine), else ILGPU's CPU accelerator, whose figures
/// only say the path works. On demand only: <c>-- run --filter 'GpuThroughputBenchmarks.*'</c>.
/// </summary>
[OnDemand]
[Throughput(Events, "events")]
public class GpuThroughputBenchmarks : SteadyStateBenchmarks
{
    /// <summary>Events per call.</summary>
    public const int Events = 1_000_000;

    /// <summary>The reference model.</summary>
    [Params("jpsi_gamma_pi0pi0", "jpsi_gamma_pi0pi0_f0f2_canonical", "lc2pkpi_default_full")]
    public string Model { get; set; } = "";

    /// <summary>Compiles the model's GPU kernels with every parameter free and binds the sample (uploaded once).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var m = BenchModel.Load(Model);
        var parameters = m.FreeParameters(_ => true);
        Console.Error.WriteLine($"GpuThroughputBenchmarks: {GpuDevices.Describe()}");
        Bind(Lambdify.Compile(m.Expression, m.Inputs, parameters, null, new LambdifyOptions { Backend = Backend.Gpu }), parameters, m.Sample(Events));
    }
}
