using PartialWave.Benchmarks.Tracking;

namespace PartialWave.Benchmarks.Tests;

/// <summary>The perf commands on a scratch results folder: baseline, gate, plot, bad input.</summary>
public sealed class PerfCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pwa-perf-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private (int Code, string Output, string Error) Execute(string command, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = PerfCommands.Execute(command, [.. args, "--results", _dir], output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static PerfRun At(int day, double fastMs) => GateTests.Run(
        GateTests.W(PerfRunner.CalibrationName, 10), GateTests.W("A.Fast", fastMs), GateTests.W("B.Slow", 200)) with
    { Date = new DateTimeOffset(2026, 11, day, 9, 0, 0, TimeSpan.Zero), Commit = $"c{day}" };

    [Fact]
    public void The_baseline_is_replaced_only_with_a_reason()
    {
        At(1, 5).Save(Path.Combine(_dir, "latest.json"));
        var refused = Execute("baseline");
        Assert.Equal(2, refused.Code);
        Assert.Contains("--reason", refused.Error);
        Assert.False(File.Exists(Path.Combine(_dir, "baseline.json")));

        var done = Execute("baseline", "--reason", "first baseline");
        Assert.Equal(0, done.Code);
        Assert.Equal("c1", PerfRun.Load(Path.Combine(_dir, "baseline.json")).Commit);
        Assert.Contains("perf baseline: first baseline", done.Output);
    }

    [Fact]
    public void The_gate_command_exits_1_with_the_regressions_table()
    {
        At(1, 5).Save(Path.Combine(_dir, "baseline.json"));
        At(2, 5.2).Save(Path.Combine(_dir, "latest.json"));
        var pass = Execute("gate");
        Assert.Equal(0, pass.Code);
        Assert.Contains("perf gate: passed", pass.Output);

        At(3, 7.5).Save(Path.Combine(_dir, "latest.json"));
        var fail = Execute("gate");
        Assert.Equal(1, fail.Code);
        Assert.Contains("| A.Fast |", fail.Output);
        Assert.Contains("+50.0%", fail.Output);
        Assert.Contains("FAILED", fail.Output);
    }

    [Fact]
    public void A_missing_or_broken_summary_is_a_clear_error()
    {
        var missing = Execute("gate");
        Assert.Equal(2, missing.Code);
        Assert.Contains("baseline.json", missing.Error);
        File.WriteAllText(Path.Combine(_dir, "baseline.json"), "not json");
        var broken = Execute("gate");
        Assert.Equal(2, broken.Code);
        Assert.Contains("baseline.json(1,", broken.Error);
        Assert.Equal(2, Execute("run", "--profile", "fast").Code);
        Assert.Equal(2, Execute("gate", "--bogus").Code);
    }

    [Fact]
    public void The_paired_gate_refuses_bad_options_before_measuring()
    {
        var few = Execute("ci", "--pairs", "2");
        Assert.Equal(2, few.Code);
        Assert.Contains("--pairs takes a whole number of at least 5, not '2'", few.Error);
        Assert.Contains("ci [--reference COMMIT]", few.Error);
        var bogus = Execute("ci", "--cold", "yes");
        Assert.Equal(2, bogus.Code);
        Assert.Contains("unknown option '--cold'", bogus.Error);
    }

    [Fact]
    public void Plot_draws_one_png_per_workload_from_the_history()
    {
        var history = Directory.CreateDirectory(Path.Combine(_dir, "history")).FullName;
        At(1, 5).Save(Path.Combine(history, "1.json"));
        At(2, 5.5).Save(Path.Combine(history, "2.json"));
        At(3, 4.8).Save(Path.Combine(history, "3.json"));
        File.WriteAllText(Path.Combine(history, "junk.json"), "[]");
        At(1, 5).Save(Path.Combine(_dir, "baseline.json"));
        var result = Execute("plot");
        Assert.Equal(0, result.Code);
        Assert.Contains("skipped", result.Output);   // the junk file is named, not fatal
        var plots = Path.Combine(_dir, "plots");
        var pngs = Directory.GetFiles(plots, "*.png").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["A.Fast.png", "B.Slow.png"], pngs);
        foreach (var png in pngs)
        {
            var bytes = File.ReadAllBytes(Path.Combine(plots, png!));
            Assert.True(bytes.Length > 1000);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        }
        var index = File.ReadAllText(Path.Combine(plots, "README.md"));
        Assert.Contains("| A.Fast | 3 | 4.80 ms | 208 M events/s | ![A.Fast](A.Fast.png) |", index);
    }
}
