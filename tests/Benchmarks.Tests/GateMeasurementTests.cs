using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Loggers;
using PartialWave.Benchmarks.Tracking;

namespace PartialWave.Benchmarks.Tests;

/// <summary>
/// A workload for the gate's own test, slowed down on purpose by the test (never in the product): <see cref="Repeats"/>
/// sweeps of the same arithmetic on all cores, so twice the repeats is twice the work.
/// </summary>
[Throughput(1, "probes")]
public class GateProbeBenchmarks
{
    /// <summary>Set by the test before a measurement (BenchmarkDotNet runs in this process under both profiles).</summary>
    public static int Repeats = 1;
    private readonly double[][] _blocks = Enumerable.Range(0, Environment.ProcessorCount)
        .Select(t => Enumerable.Range(0, 4096).Select(i => 1.0 + (i + t) % 97 / 97.0).ToArray()).ToArray();

    [Benchmark]
    public double Probe() => Sweep(Repeats);

    internal double Sweep(int repeats)
    {
        var sums = new double[_blocks.Length];
        Parallel.For(0, _blocks.Length, t =>
        {
            double s = 0;
            for (int r = 0; r < 400 * repeats; r++)
                foreach (var x in _blocks[t]) s += Math.Sqrt(x * (x + r)) / (1 + x);
            sums[t] = s;
        });
        return sums.Sum();
    }
}

/// <summary>
/// The test's yardstick: the probe's arithmetic at one sweep, so that load from other processes (test projects run
/// side by side) slows yardstick and probe alike; the product's calibration adds memory traffic, which such load
/// hits differently, and the question here is the gate's logic, not the product calibration's quality.
/// </summary>
public class GateProbeCalibration
{
    private readonly GateProbeBenchmarks _probe = new();

    [Benchmark]
    public double Yardstick() => _probe.Sweep(1);
}

/// <summary>
/// The gate end to end on real measurements (BenchmarkDotNet, the short profile, the calibration workload, the
/// recheck): an unchanged workload passes run after run, one made slower on purpose is caught. The floor is raised to
/// 35 % and the slowdown is threefold: on this shared 2-core machine an unchanged probe was measured 15.1 % slower
/// twice in a row (with the product's 15 % floor the test failed 2 of 5 clean runs), and what is under test here is
/// the mechanism (ratios to the calibration, the recheck, the verdict), not the production floor.
/// </summary>
[Collection(nameof(GateMeasurementTests))]
[CollectionDefinition(nameof(GateMeasurementTests), DisableParallelization = true)]
public class GateMeasurementTests
{
    private static readonly string Artifacts = Path.Combine(Path.GetTempPath(), "partialwave-gate-test-bdn");

    private static PerfRun Measure(IReadOnlyCollection<string> names) =>
        PerfRunner.Run([typeof(GateProbeBenchmarks)], PerfProfile.Short, PerfRunner.Filter(names), Artifacts, NullLogger.Instance,
            typeof(GateProbeCalibration));

    [Fact]
    public void An_unchanged_workload_passes_repeatedly_and_a_slowed_one_is_caught()
    {
        // The baseline is made as the product's is: several runs combined (median per workload, with its run-to-run
        // range). A single run as baseline read the probe at 0.52 and 0.65 of its yardstick (the same arithmetic) in
        // 2 of 12 runs here, and then every later, normal run looked 45-80 % slower; a baseline run that read it slow
        // made a threefold slowdown measure only twofold. The first measurement in the process is thrown away too.
        try
        {
            GateProbeBenchmarks.Repeats = 1;
            Measure([]);
            var baseline = PerfRun.Combine([Measure([]), Measure([]), Measure([])]);
            Assert.NotNull(baseline["GateProbeBenchmarks.Probe"]);
            Assert.Equal("GateProbeCalibration.Yardstick", baseline.Calibration);
            Assert.NotNull(baseline[baseline.Calibration]);
            var gate = new Gate { MinimumThreshold = 0.35 };
            for (int i = 0; i < 3; i++)
            {
                var report = gate.Check(baseline, Measure);
                Assert.True(report.Passed, $"unchanged run {i + 1} failed the gate:\n{report.ToMarkdown()}");
            }
            GateProbeBenchmarks.Repeats = 3;
            var slowed = gate.Check(baseline, Measure);
            Assert.False(slowed.Passed, "three times the work passed the gate:\n" + slowed.ToMarkdown());
            var row = Assert.Single(slowed.Failures);
            Assert.Equal("GateProbeBenchmarks.Probe", row.Name);
            Assert.InRange(row.Change, 1.2, 2.8);
        }
        finally
        {
            GateProbeBenchmarks.Repeats = 1;
        }
    }
}
