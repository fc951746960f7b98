using PartialWave.Benchmarks;
using PartialWave.Benchmarks.Tracking;

namespace PartialWave.Benchmarks.Tests;

/// <summary>The gate's arithmetic on hand-made summaries: ratios to the calibration, thresholds, verdicts.</summary>
public class GateTests
{
    internal static WorkloadResult W(string name, double medianMs, double spread = 0.01) => new()
    {
        Name = name, MedianNs = medianMs * 1e6, Q1Ns = medianMs * 1e6 * (1 - spread), Q3Ns = medianMs * 1e6 * (1 + spread),
        MinNs = medianMs * 1e6 * (1 - 2 * spread), MaxNs = medianMs * 1e6 * (1 + 2 * spread), N = 7, PerOperation = 1e6, Unit = "events",
    };

    internal static PerfRun Run(params WorkloadResult[] workloads) => new()
    {
        Profile = "short", Commit = "abc", Date = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero),
        Machine = new MachineInfo("test cpu", 2, "test os", ".NET"), Calibration = PerfRunner.CalibrationName, Workloads = workloads,
    };

    private static PerfRun Baseline() => Run(W(PerfRunner.CalibrationName, 10), W("A.Fast", 5), W("B.Slow", 200));

    [Fact]
    public void An_identical_run_passes_with_every_workload_unchanged()
    {
        var report = new Gate().Compare(Baseline(), Baseline());
        Assert.True(report.Passed);
        Assert.All(report.Rows, r => Assert.Equal(GateVerdict.Unchanged, r.Verdict));
        Assert.Equal(2, report.Rows.Count);   // the calibration is the yardstick, not a row
    }

    [Fact]
    public void A_machine_twice_as_slow_passes_because_times_are_divided_by_the_calibration()
    {
        var slowMachine = Run(W(PerfRunner.CalibrationName, 20), W("A.Fast", 10), W("B.Slow", 400));
        var report = new Gate().Compare(Baseline(), slowMachine);
        Assert.True(report.Passed);
        Assert.All(report.Rows, r => Assert.Equal(0, r.Change, 12));
    }

    [Fact]
    public void A_workload_slower_than_the_threshold_fails_and_one_within_it_passes()
    {
        var run = Run(W(PerfRunner.CalibrationName, 10), W("A.Fast", 5 * 1.30), W("B.Slow", 200 * 1.10));
        var report = new Gate().Compare(Baseline(), run);
        Assert.False(report.Passed);
        var a = Assert.Single(report.Failures);
        Assert.Equal("A.Fast", a.Name);
        Assert.Equal(0.30, a.Change, 9);
        Assert.Equal(0.15, a.Threshold, 12);   // small spreads: the minimum threshold applies
        Assert.Equal(GateVerdict.Unchanged, report.Rows.Single(r => r.Name == "B.Slow").Verdict);
        var table = report.ToMarkdown(failuresOnly: true);
        Assert.Contains("| A.Fast |", table);
        Assert.DoesNotContain("B.Slow", table);
        Assert.Contains("FAILED (1 slower, 0 missing)", table);
    }

    [Fact]
    public void A_noisy_workload_gets_a_threshold_from_its_spread()
    {
        // 10 % half-IQR in both runs: the threshold is 2.5·√(0.1² + 0.1²) ≈ 35 %.
        var baseline = Run(W(PerfRunner.CalibrationName, 10), W("N.Noisy", 5, spread: 0.10));
        var slower = Run(W(PerfRunner.CalibrationName, 10), W("N.Noisy", 5 * 1.3, spread: 0.10));
        var row = new Gate().Compare(baseline, slower).Rows.Single();
        Assert.Equal(2.5 * Math.Sqrt(2 * 0.01), row.Threshold, 9);
        Assert.Equal(GateVerdict.Unchanged, row.Verdict);
        var muchSlower = Run(W(PerfRunner.CalibrationName, 10), W("N.Noisy", 5 * 1.45, spread: 0.10));
        Assert.Equal(GateVerdict.Slower, new Gate().Compare(baseline, muchSlower).Rows.Single().Verdict);
    }

    [Fact]
    public void A_faster_workload_passes_and_says_so()
    {
        var run = Run(W(PerfRunner.CalibrationName, 10), W("A.Fast", 2.5), W("B.Slow", 200));
        var report = new Gate().Compare(Baseline(), run);
        Assert.True(report.Passed);
        Assert.Equal(GateVerdict.Faster, report.Rows.Single(r => r.Name == "A.Fast").Verdict);
    }

    [Fact]
    public void A_workload_missing_from_the_run_fails_and_a_new_one_passes()
    {
        var run = Run(W(PerfRunner.CalibrationName, 10), W("A.Fast", 5), W("C.New", 1));
        var report = new Gate().Compare(Baseline(), run);
        Assert.False(report.Passed);
        Assert.Equal(GateVerdict.Missing, Assert.Single(report.Failures).Verdict);
        Assert.Equal(GateVerdict.New, report.Rows.Single(r => r.Name == "C.New").Verdict);
        Assert.Contains("missing", report.Rows.Single(r => r.Name == "B.Slow").Describe());
    }

    [Fact]
    public void A_run_without_the_calibration_is_an_error()
    {
        var e = Assert.Throws<InvalidDataException>(() => new Gate().Compare(Baseline(), Run(W("A.Fast", 5))));
        Assert.Contains("calibration", e.Message);
    }

    [Fact]
    public void The_recheck_clears_a_workload_only_if_it_is_no_longer_slower()
    {
        var gate = new Gate();
        var calls = new List<IReadOnlyCollection<string>>();
        // First measurement: both slow. Recheck: A back to normal, B still slow.
        var report = gate.Check(Baseline(), names =>
        {
            calls.Add(names);
            return calls.Count == 1
                ? Run(W(PerfRunner.CalibrationName, 10), W("A.Fast", 10), W("B.Slow", 400))
                : Run(W(PerfRunner.CalibrationName, 10), W("A.Fast", 5.1), W("B.Slow", 380));
        });
        Assert.Equal(2, calls.Count);
        Assert.Empty(calls[0]);
        Assert.Equal(["A.Fast", "B.Slow"], calls[1].Order());
        Assert.Equal(GateVerdict.Unchanged, report.Rows.Single(r => r.Name == "A.Fast").Verdict);
        var b = Assert.Single(report.Failures);
        Assert.Equal("B.Slow", b.Name);
        Assert.Equal(0.9, b.Change, 9);   // the smaller of the two slowdowns
    }

    [Fact]
    public void No_recheck_when_nothing_looks_slower()
    {
        int calls = 0;
        Assert.True(new Gate().Check(Baseline(), _ => { calls++; return Baseline(); }).Passed);
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Summaries_round_trip_through_json_and_a_broken_file_names_its_place()
    {
        var dir = Directory.CreateTempSubdirectory("pwa-gate-").FullName;
        try
        {
            var path = Path.Combine(dir, "run.json");
            Baseline().Save(path);
            var back = PerfRun.Load(path);
            Assert.Equal(Baseline().Workloads, back.Workloads);
            Assert.Equal("test cpu", back.Machine.Cpu);
            Assert.Contains("\"median_ns\"", File.ReadAllText(path));
            File.WriteAllText(path, "{\n  \"profile\": \"short\",\n  \"workloads\": [ oops ]\n}");
            var e = Assert.Throws<InvalidDataException>(() => PerfRun.Load(path));
            Assert.StartsWith(path + "(3,", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Rates_are_in_the_benchmark_unit()
    {
        var w = W("X", 10);   // 1e6 events in 10 ms
        Assert.Equal(1e8, w.RatePerSecond!.Value, 3);
        Assert.Equal("100 M events/s", PerfRun.FormatRate(w));
        Assert.Equal("10.00 ms", PerfRun.FormatTime(w.MedianNs));
    }

    [Fact]
    public void A_baseline_of_several_runs_keeps_the_median_run_and_the_run_to_run_range()
    {
        PerfRun R(int day, double cal, double a) => Run(W(PerfRunner.CalibrationName, cal), W("A.Fast", a)) with
        { Date = new DateTimeOffset(2026, 11, day, 0, 0, 0, TimeSpan.Zero), Commit = $"c{day}" };
        // Ratios 0.5, 0.6, 0.4 (the third run on a machine twice as fast).
        var baseline = PerfRun.Combine([R(1, 10, 5), R(2, 10, 6), R(3, 5, 2)]);
        Assert.Equal("c3", baseline.Commit);
        var a = baseline["A.Fast"]!;
        Assert.Equal(10e6, baseline[PerfRunner.CalibrationName]!.MedianNs, 6);   // the median calibration
        Assert.Equal(5e6, a.MedianNs, 6);   // ratio 0.5 against it
        Assert.Equal((0.6 - 0.4) / 0.5, a.RunToRunSpread!.Value, 12);
        // A run 50 % slower is within 1.5 × 40 % = 60 %; one 70 % slower is not.
        var gate = new Gate();
        Assert.Equal(0.6, gate.Compare(baseline, Run(W(PerfRunner.CalibrationName, 10), W("A.Fast", 7.5))).Rows.Single().Threshold, 12);
        Assert.True(gate.Compare(baseline, Run(W(PerfRunner.CalibrationName, 10), W("A.Fast", 7.5))).Passed);
        Assert.False(gate.Compare(baseline, Run(W(PerfRunner.CalibrationName, 10), W("A.Fast", 8.5))).Passed);
    }

    [Theory]
    [InlineData("ThroughputBenchmarks.Value(Model=lc2pkpi_default_full)", "Throughput*", true)]
    [InlineData("ThroughputBenchmarks.Value(Model=lc2pkpi_default_full)", "*Value(Model=lc2pkpi_default_full)", true)]
    [InlineData("ThroughputBenchmarks.Value(Model=lc2pkpi_default_full)", "*Value(Model=jpsi*", false)]
    [InlineData("ParseBenchmarks.ParseSrepr(Model=x)", "ParseBenchmarks.ParseSrepr(Model=?)", true)]
    public void Filters_are_shell_patterns_over_workload_names(string name, string pattern, bool selected) =>
        Assert.Equal(selected, PerfRunner.Filter([pattern])(name));

    [Fact]
    public void On_demand_benchmarks_stay_out_of_unfiltered_runs_and_the_gate()
    {
        var assembly = typeof(PartialWave.Benchmarks.GpuThroughputBenchmarks).Assembly;
        Assert.DoesNotContain(typeof(PartialWave.Benchmarks.GpuThroughputBenchmarks), PerfRunner.BenchmarkTypes(assembly));
        Assert.Contains(typeof(PartialWave.Benchmarks.GpuThroughputBenchmarks), PerfRunner.BenchmarkTypes(assembly, onDemand: true));
        Assert.Contains(typeof(PartialWave.Benchmarks.ThroughputBenchmarks), PerfRunner.BenchmarkTypes(assembly));
    }
}
