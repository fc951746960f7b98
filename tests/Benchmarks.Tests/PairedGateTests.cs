using PartialWave.Benchmarks.Tracking;

namespace PartialWave.Benchmarks.Tests;

/// <summary>The paired gate's decision on hand-made pairs: ratios, noise bands, verdicts, the second measurement.</summary>
public class PairedGateTests
{
    /// <summary>Pairs whose candidate/reference ratios are <paramref name="ratios"/>, the reference at 10 ms.</summary>
    internal static PairedSample Sample(string name, params double[] ratios) =>
        new(name, ratios.Select(r => (10e6, 10e6 * r)).ToList());

    private static PairedSample Steady(string name, double ratio, int pairs = 12) =>
        Sample(name, Enumerable.Range(0, pairs).Select(i => ratio * (1 + 0.002 * (i % 3 - 1))).ToArray());

    [Fact]
    public void Identical_sides_are_unchanged_with_the_floor_as_band()
    {
        var row = new PairedGate().Row(Steady("A.Same", 1.0));
        Assert.Equal(PairedVerdict.Unchanged, row.Verdict);
        Assert.Equal(1.0, row.Ratio, 12);
        Assert.Equal(0.10, row.Band, 12);
        Assert.Equal(12, row.Pairs);
        Assert.Equal(10e6, row.ReferenceNs);
    }

    [Theory]
    [InlineData(1.25, PairedVerdict.Slower)]
    [InlineData(2.0, PairedVerdict.Slower)]
    [InlineData(1.08, PairedVerdict.Unchanged)]
    [InlineData(0.95, PairedVerdict.Unchanged)]
    [InlineData(0.70, PairedVerdict.Faster)]
    public void A_steady_ratio_is_judged_against_the_floor(double ratio, PairedVerdict verdict)
    {
        var row = new PairedGate().Row(Steady("A.Work", ratio));
        Assert.Equal(verdict, row.Verdict);
        Assert.Equal(ratio, row.Ratio, 2);
    }

    [Fact]
    public void The_band_is_three_standard_errors_of_the_median_from_the_pairs_spread()
    {
        // Log ratios ±0.2 around 0.25 (alternating): MAD 0.2, σ = 1.4826·0.2, SE = 1.253·σ/√12, band = e^(3·SE) − 1.
        var ratios = Enumerable.Range(0, 12).Select(i => Math.Exp(0.25 + (i % 2 == 0 ? 0.2 : -0.2))).ToArray();
        var row = new PairedGate().Row(Sample("N.Noisy", ratios));
        double se = 1.253 * 1.4826 * 0.2 / Math.Sqrt(12);
        Assert.Equal(Math.Exp(3 * se) - 1, row.Band, 9);
        Assert.Equal(Math.Exp(0.25), row.Ratio, 9);
        // 28 % slower, but the band (about 38 %) says that is within this workload's noise.
        Assert.Equal(PairedVerdict.Unchanged, row.Verdict);
        // The same centre with a quarter of the spread is a slowdown.
        var tight = Enumerable.Range(0, 12).Select(i => Math.Exp(0.25 + (i % 2 == 0 ? 0.05 : -0.05))).ToArray();
        Assert.Equal(PairedVerdict.Slower, new PairedGate().Row(Sample("N.Tight", tight)).Verdict);
    }

    [Fact]
    public void One_wild_pair_does_not_move_the_median_ratio()
    {
        var ratios = Enumerable.Repeat(1.0, 11).Append(5.0).ToArray();
        var row = new PairedGate().Row(Sample("A.Spike", ratios));
        Assert.Equal(1.0, row.Ratio, 12);
        Assert.Equal(PairedVerdict.Unchanged, row.Verdict);
    }

    [Fact]
    public void A_failed_candidate_fails_the_gate_and_the_other_sides_only_inform()
    {
        var report = new PairedGate().Compare(
        [
            Steady("A.Same", 1.0),
            new PairedSample("B.Throws", []) { CandidateError = "InvalidOperationException: boom" },
            new PairedSample("C.RefThrows", []) { ReferenceError = "setup: missing file" },
            new PairedSample("D.New", [(double.NaN, 5e6)]) { OnlyCandidate = true },
            new PairedSample("E.Gone", [(5e6, double.NaN)]) { OnlyReference = true },
        ]);
        Assert.False(report.Passed);
        var failed = Assert.Single(report.Failures);
        Assert.Equal(("B.Throws", PairedVerdict.Failed), (failed.Name, failed.Verdict));
        Assert.Equal(PairedVerdict.ReferenceFailed, report.Rows.Single(r => r.Name == "C.RefThrows").Verdict);
        Assert.Equal(PairedVerdict.New, report.Rows.Single(r => r.Name == "D.New").Verdict);
        Assert.Equal(PairedVerdict.Removed, report.Rows.Single(r => r.Name == "E.Gone").Verdict);
        var table = report.ToMarkdown();
        Assert.Contains("| B.Throws | — | — | — | — | 0 | failed: InvalidOperationException: boom |", table);
        Assert.Contains("reference failed: setup: missing file", table);
        Assert.Contains("perf gate: FAILED (0 slower, 1 failed)", table);
        Assert.StartsWith("| B.Throws", table.Split('\n')[2]);   // failures first
    }

    [Fact]
    public void A_suspect_fails_only_if_the_second_measurement_finds_it_slower_too()
    {
        var calls = new List<IReadOnlyCollection<string>>();
        var report = new PairedGate().Check(names =>
        {
            calls.Add(names);
            return calls.Count == 1
                ? [Steady("A.Noise", 1.4), Steady("B.Real", 1.5), Steady("C.Fine", 1.0)]
                : [Steady("A.Noise", 1.02), Steady("B.Real", 1.45)];
        });
        Assert.Equal(2, calls.Count);
        Assert.Empty(calls[0]);
        Assert.Equal(["A.Noise", "B.Real"], calls[1].Order());
        var a = report.Rows.Single(r => r.Name == "A.Noise");
        Assert.Equal(PairedVerdict.Cleared, a.Verdict);
        Assert.Equal(1.4, a.FirstRatio, 2);
        Assert.Equal(1.02, a.Ratio, 2);
        var b = Assert.Single(report.Failures);
        Assert.Equal(("B.Real", PairedVerdict.Slower), (b.Name, b.Verdict));
        Assert.Equal(1.5, b.FirstRatio, 2);
        Assert.Equal(PairedVerdict.Unchanged, report.Rows.Single(r => r.Name == "C.Fine").Verdict);
        var table = report.ToMarkdown();
        Assert.Contains("slower (first 1.500)", table);
        Assert.Contains("cleared (first 1.400)", table);
        Assert.Contains("FAILED (1 slower, 0 failed)", table);
    }

    [Fact]
    public void In_several_setups_the_setups_are_the_samples()
    {
        static PairedSample Setups(params double[] ratios)
        {
            var pairs = ratios.SelectMany(r => Steady("S.Placed", r, 6).Pairs).ToList();
            return new PairedSample("S.Placed", pairs) { SetupSizes = ratios.Select(_ => 6).ToList() };
        }
        static (double Ratio, double Band) Expected(double[] ratios)
        {
            var logs = ratios.Select(r => Math.Log(r)).ToArray();
            double mean = logs.Average(), sd = Math.Sqrt(logs.Sum(l => (l - mean) * (l - mean)) / (logs.Length - 1));
            return (Math.Exp(mean), Math.Max(0.10, Math.Exp(3.182 * sd / Math.Sqrt(logs.Length)) - 1));
        }
        var gate = new PairedGate();
        // One setup landed the candidate's columns badly (1.6), the others did not: placement, not code.
        double[] placed = [1.0, 1.6, 0.97, 1.02];
        var placement = gate.Row(Setups(placed));
        Assert.Equal(PairedVerdict.Unchanged, placement.Verdict);
        Assert.Equal(24, placement.Pairs);
        Assert.Equal(Expected(placed).Ratio, placement.Ratio, 9);
        Assert.Equal(Expected(placed).Band, placement.Band, 9);
        Assert.InRange(placement.Band, 0.4, 0.5);
        // A quarter slower in every setup, give or take: code.
        double[] slowed = [1.22, 1.31, 1.18, 1.27];
        var code = gate.Row(Setups(slowed));
        Assert.Equal(PairedVerdict.Slower, code.Verdict);
        Assert.Equal(Expected(slowed).Ratio, code.Ratio, 9);
        Assert.Equal(0.10, code.Band, 9);
        Assert.Equal(PairedVerdict.Faster, gate.Row(Setups(0.5, 0.6, 0.7, 0.5)).Verdict);
        Assert.Equal(12.706, PairedGate.StudentT975(1));
        Assert.Equal(3.182, PairedGate.StudentT975(3));
    }

    [Fact]
    public void Nothing_is_measured_twice_when_nothing_looks_slower()
    {
        int calls = 0;
        var report = new PairedGate().Check(_ => { calls++; return [Steady("A.Same", 1.03), Steady("B.Faster", 0.5)]; });
        Assert.Equal(1, calls);
        Assert.True(report.Passed);
        Assert.Contains("perf gate: passed (2 workloads compared, 1 faster, 0 cleared by the second measurement; largest ratio 1.030)", report.ToMarkdown());
    }
}
