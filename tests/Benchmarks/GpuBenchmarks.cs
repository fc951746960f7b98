using PartialWave.Benchmarks.Tracking;

namespace PartialWave.Benchmarks;

/// <summary>
/// <see cref="ThroughputBenchmarks"/> on the GPU backend: the reference models with every parameter free, 1,000,000
/// events uploaded once, values, Σ log f and Σ log f with its gradient in steady state. The device is chosen as
/// <c>--device auto</c> does: a CUDA device where there is one (targets for lc2pkpi_default_full on an H100: at least
/// 1e9 events/s for the value, at least 100 times the CPU backend on the 2-core machine), else ILGPU's CPU accelerator,
/// whose figures only say the path works. On demand only: <c>-- run --filter 'GpuThroughputBenchmarks.*'</c>.
/// </summary>
[OnDemand]
public class GpuThroughputBenchmarks : ThroughputBenchmarks
{
    /// <inheritdoc/>
    protected override LambdifyOptions Options => new() { Backend = Backend.Gpu };
}
