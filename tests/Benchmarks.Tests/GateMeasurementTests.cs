using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using PartialWave.Benchmarks.Tracking;

namespace PartialWave.Benchmarks.Tests;

/// <summary>
/// A workload for the gate's own tests, slowed down on purpose by the test (never in the product): <see cref="Work"/>
/// times a fixed sweep of arithmetic on all cores, so that a side with Work = 2 does twice the work.
/// </summary>
public class GateProbeBenchmarks
{
    /// <summary>Set per benchmark object by the test (each side of a pair has its own object).</summary>
    public double Work { get; set; } = 1;
    private readonly double[][] _blocks = Enumerable.Range(0, Environment.ProcessorCount)
        .Select(t => Enumerable.Range(0, 4096).Select(i => 1.0 + (i + t) % 97 / 97.0).ToArray()).ToArray();

    [Benchmark]
    public double Probe()
    {
        int rounds = (int)Math.Round(40 * Work);
        var sums = new double[_blocks.Length];
        Parallel.For(0, _blocks.Length, t =>
        {
            double s = 0;
            for (int r = 0; r < rounds; r++)
                foreach (var x in _blocks[t]) s += Math.Sqrt(x * (x + r)) / (1 + x);
            sums[t] = s;
        });
        return sums.Sum();
    }

    /// <summary>A workload that throws, for the failure path.</summary>
    [Benchmark]
    public double Broken() => Work > 1 ? throw new InvalidOperationException("the candidate broke it") : 1;
}

/// <summary>
/// The paired measurement end to end on real timings: two in-process workers (reference and candidate) over the probe,
/// iterations alternating as in the gate. The same code passes; twice the work and a quarter more work are caught; a
/// benchmark that throws on one side is that side's failure. Not run beside other test classes (timings).
/// </summary>
[Collection(nameof(GateMeasurementTests))]
[CollectionDefinition(nameof(GateMeasurementTests), DisableParallelization = true)]
public class GateMeasurementTests
{
    private static readonly PairedOptions Options = new() { Shared = "", IterationTime = TimeSpan.FromMilliseconds(40), Pairs = 12 };
    private const string Probe = "GateProbeBenchmarks.Probe";

    private static PairedRow Measure(double candidateWork, string name = Probe, int pairs = 12)
    {
        var reference = new GateWorker([typeof(GateProbeBenchmarks)]);
        var candidate = new GateWorker([typeof(GateProbeBenchmarks)], o => ((GateProbeBenchmarks)o).Work = candidateWork);
        return new PairedGate().Row(PairedMeasurement.Measure(name, reference, candidate, Options with { Pairs = pairs }));
    }

    [Fact]
    public void The_same_code_passes_and_slower_code_is_caught()
    {
        // The gate's own rule: a suspect counts only when a second measurement agrees.
        static PairedVerdict Judged(double work, int pairs = 12)
        {
            var first = Measure(work, pairs: pairs);
            return first.Verdict != PairedVerdict.Slower ? first.Verdict : Measure(work, pairs: pairs).Verdict;
        }
        for (int i = 0; i < 3; i++)
        {
            var same = Measure(1);
            Assert.True(Judged(1) != PairedVerdict.Slower, $"A/A run {i + 1} judged slower: ratio {same.Ratio:F3} ±{same.Band:P1}");
        }
        var twice = Measure(2);
        Assert.Equal(PairedVerdict.Slower, twice.Verdict);
        Assert.InRange(twice.Ratio, 1.6, 2.5);
        Assert.Equal(12, twice.Pairs);
        // A quarter more work is near the band on a busy machine (a full test run once judged it unchanged with 12
        // pairs, and once with 24): twice the pairs halve the variance, as the gate's second measurement pools four
        // setups; where 24 pairs miss it, 48 must find it.
        var quarter = Judged(1.25, pairs: 24);
        if (quarter != PairedVerdict.Slower) quarter = Judged(1.25, pairs: 48);
        Assert.Equal(PairedVerdict.Slower, quarter);
    }

    [Fact]
    public void A_benchmark_that_throws_is_the_failing_sides_failure()
    {
        var candidateBroke = Measure(2, "GateProbeBenchmarks.Broken");
        Assert.Equal(PairedVerdict.Failed, candidateBroke.Verdict);
        Assert.Contains("the candidate broke it", candidateBroke.Error);
        var unknown = new PairedGate().Row(PairedMeasurement.Measure("GateProbeBenchmarks.Nope",
            new GateWorker([typeof(GateProbeBenchmarks)]), new GateWorker([typeof(GateProbeBenchmarks)]), Options));
        Assert.Equal(PairedVerdict.ReferenceFailed, unknown.Verdict);
        Assert.Contains("no workload 'GateProbeBenchmarks.Nope'", unknown.Error);
    }
}

/// <summary>
/// The worker as the gate starts it: this build's benchmark program in its own process, driven over standard input
/// and output, and stopped by process id.
/// </summary>
public class WorkerProcessTests
{
    private static GateSide Side()
    {
        var dll = typeof(Program).Assembly.Location;
        return new GateSide("candidate", Path.GetDirectoryName(dll)!, "test", dll, "");
    }

    private static void AssertGone(int pid)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                if (p.HasExited) return;
            }
            catch (ArgumentException) { return; }
            Thread.Sleep(100);
        }
        Assert.Fail($"worker process {pid} still runs 15 s after it was stopped");
    }

    [Fact]
    public void A_worker_lists_sets_up_and_runs_workloads_and_quits()
    {
        int pid;
        using (var worker = new WorkerProcess(Side(), TimeSpan.FromMinutes(2)))
        {
            var names = worker.List();
            Assert.Contains("PhaseSpaceBenchmarks.IntoColumns", names);
            Assert.Contains("ThroughputBenchmarks.SumLog(Model=jpsi_gamma_pi0pi0)", names);
            Assert.DoesNotContain(PerfRunner.CalibrationName, names);
            Assert.DoesNotContain(names, n => n.StartsWith("GpuThroughputBenchmarks.", StringComparison.Ordinal));   // on demand only
            Assert.False(worker.Setup("PhaseSpaceBenchmarks.IntoColumns"));
            double ns = worker.Run(2);
            Assert.InRange(ns, 1e3, 60e9);
            worker.TryCleanup();
            var e = Assert.Throws<WorkerException>(() => worker.Setup("NoSuch.Workload"));
            Assert.Contains("no workload 'NoSuch.Workload'", e.Message);
            pid = worker.ProcessId!.Value;
        }
        AssertGone(pid);
    }

    [Fact]
    public void A_worker_that_does_not_answer_in_time_is_killed()
    {
        using var worker = new WorkerProcess(Side(), TimeSpan.FromSeconds(30));
        Assert.False(worker.Setup("PhaseSpaceBenchmarks.Genbod"));
        int pid = worker.ProcessId!.Value;
        var impatient = new WorkerProcess(Side(), TimeSpan.FromMilliseconds(1));
        // A fresh worker cannot even say it is ready within a millisecond: killed, with a message that says so.
        var e = Assert.Throws<WorkerException>(() => impatient.List());
        Assert.Contains("did not answer within", e.Message);
        Assert.Null(impatient.ProcessId);
        AssertGone(Assert.Single(impatient.Started));
        worker.Dispose();
        AssertGone(pid);
    }
}
