using System.Globalization;
using System.Text;

namespace PartialWave.Benchmarks.Tracking;

/// <summary>How one workload compares with the baseline, both as time over the calibration workload's time.</summary>
public sealed record GateRow(string Name, double BaselineRatio, double RunRatio, double Change, double Threshold, GateVerdict Verdict)
{
    public string Describe() => Verdict switch
    {
        GateVerdict.Missing => "missing from this run (the benchmark failed or was removed)",
        GateVerdict.New => "new (not in the baseline)",
        _ => string.Create(CultureInfo.InvariantCulture, $"{Change:+0.0%;-0.0%} (threshold {Threshold:0.0%})"),
    };
}

public enum GateVerdict { Unchanged, Faster, Slower, Missing, New }

/// <summary>The gate's answer: every workload's row, and whether the run passes.</summary>
public sealed record GateReport(IReadOnlyList<GateRow> Rows)
{
    /// <summary>Rows that fail the gate: slower than the threshold allows, or gone from the run.</summary>
    public IEnumerable<GateRow> Failures => Rows.Where(r => r.Verdict is GateVerdict.Slower or GateVerdict.Missing);
    public bool Passed => !Failures.Any();

    /// <summary>A Markdown table of all workloads (the failures first), then one line of verdict.</summary>
    public string ToMarkdown(bool failuresOnly = false)
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"| workload | baseline t/t_cal | this run t/t_cal | change | threshold | verdict |");
        s.AppendLine("|---|---:|---:|---:|---:|---|");
        foreach (var r in Rows.OrderBy(r => r.Verdict is GateVerdict.Slower or GateVerdict.Missing ? 0 : 1).ThenBy(r => r.Name, StringComparer.Ordinal))
        {
            if (failuresOnly && r.Verdict is not (GateVerdict.Slower or GateVerdict.Missing)) continue;
            string F(double x) => double.IsNaN(x) ? "—" : x.ToString("G4", CultureInfo.InvariantCulture);
            string P(double x) => double.IsNaN(x) ? "—" : x.ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture);
            s.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name} | {F(r.BaselineRatio)} | {F(r.RunRatio)} | {P(r.Change)} | {(double.IsNaN(r.Threshold) ? "—" : r.Threshold.ToString("0.0%", CultureInfo.InvariantCulture))} | {r.Verdict.ToString().ToLowerInvariant()} |");
        }
        int slower = Rows.Count(r => r.Verdict == GateVerdict.Slower), missing = Rows.Count(r => r.Verdict == GateVerdict.Missing);
        s.AppendLine();
        s.AppendLine(Passed
            ? $"perf gate: passed ({Rows.Count(r => r.Verdict is GateVerdict.Unchanged or GateVerdict.Faster)} workloads within their thresholds, {Rows.Count(r => r.Verdict == GateVerdict.Faster)} faster)"
            : $"perf gate: FAILED ({slower} slower, {missing} missing)");
        return s.ToString();
    }
}

/// <summary>
/// The regression gate. Machines differ in speed, so each workload is compared as the ratio of its median to the
/// calibration workload's median measured in the same run; a workload fails when its ratio grew by more than its
/// threshold: the largest of <see cref="MinimumThreshold"/>, <see cref="SpreadFactor"/> times the combined relative
/// spread of the workload's iterations in the baseline and in the run, and <see cref="RunToRunFactor"/> times the range the workload showed across
/// the runs the baseline was made of. A workload of the baseline that the run lacks fails too; a new one
/// is reported and passes.
/// </summary>
public sealed class Gate
{
    /// <summary>The smallest slowdown that can fail the gate (0.15 = 15 %).</summary>
    public double MinimumThreshold { get; init; } = 0.15;
    /// <summary>How many combined spreads a slowdown must exceed to count.</summary>
    public double SpreadFactor { get; init; } = 2.5;
    /// <summary>How many times a baseline workload's run-to-run range (<see cref="WorkloadResult.RunToRunSpread"/>) a slowdown must exceed.</summary>
    public double RunToRunFactor { get; init; } = 1.5;

    /// <exception cref="InvalidDataException">Either run lacks the calibration workload.</exception>
    public GateReport Compare(PerfRun baseline, PerfRun run)
    {
        string cal = baseline.Calibration;
        var calBase = baseline[cal] ?? throw new InvalidDataException($"the baseline has no calibration workload '{cal}'");
        var calRun = run[cal] ?? throw new InvalidDataException($"the run has no calibration workload '{cal}'");
        var rows = new List<GateRow>();
        foreach (var b in baseline.Workloads)
        {
            if (b.Name == cal) continue;
            double baseRatio = Ratio(b, calBase);
            if (run[b.Name] is not { } r)
            {
                rows.Add(new GateRow(b.Name, baseRatio, double.NaN, double.NaN, double.NaN, GateVerdict.Missing));
                continue;
            }
            double runRatio = Ratio(r, calRun);
            double change = runRatio / baseRatio - 1;
            // The calibration's own spread is not added: a run's calibration is the median of many measurements (its
            // quartiles describe the machine's drift, not the median's error), and the baseline's run-to-run range
            // already holds how the ratio moves, calibration included.
            double noise = Math.Sqrt(Sq(b.Spread) + Sq(r.Spread));
            double threshold = Math.Max(BaselineThreshold(b), SpreadFactor * noise);
            var verdict = change > threshold ? GateVerdict.Slower : change < -threshold ? GateVerdict.Faster : GateVerdict.Unchanged;
            rows.Add(new GateRow(b.Name, baseRatio, runRatio, change, threshold, verdict));
        }
        foreach (var r in run.Workloads)
            if (r.Name != cal && baseline[r.Name] is null)
                rows.Add(new GateRow(r.Name, double.NaN, Ratio(r, calRun), double.NaN, double.NaN, GateVerdict.New));
        return new GateReport(rows);
    }

    /// <summary>
    /// The answer after a second measurement of the workloads <paramref name="first"/> found slower: such a workload
    /// fails only if the recheck finds it slower too (the smaller of the two slowdowns is reported). Noise on a shared
    /// machine rarely strikes the same workload twice; a real slowdown does.
    /// </summary>
    public static GateReport Confirm(GateReport first, GateReport recheck)
    {
        var again = recheck.Rows.ToDictionary(r => r.Name, StringComparer.Ordinal);
        var rows = first.Rows.Select(r =>
            r.Verdict != GateVerdict.Slower || !again.TryGetValue(r.Name, out var a) || a.Verdict == GateVerdict.Missing ? r
            : a.Verdict != GateVerdict.Slower || a.Change < r.Change ? a : r).ToList();
        return new GateReport(rows);
    }

    /// <summary>
    /// The gate as CI runs it: <paramref name="measure"/> with no names measures everything; any workload that looks
    /// slower is measured again (<paramref name="measure"/> with those names) and fails only if it is slower again.
    /// </summary>
    public GateReport Check(PerfRun baseline, Func<IReadOnlyCollection<string>, PerfRun> measure)
    {
        var report = Compare(baseline, measure([]));
        var slower = report.Rows.Where(r => r.Verdict == GateVerdict.Slower).Select(r => r.Name).ToList();
        return slower.Count == 0 ? report : Confirm(report, Compare(baseline, measure(slower)));
    }

    /// <summary>The part of a workload's threshold the baseline alone decides: the floor, or its run-to-run range.</summary>
    public double BaselineThreshold(WorkloadResult baseline) => Math.Max(MinimumThreshold, RunToRunFactor * (baseline.RunToRunSpread ?? 0));

    /// <summary>A workload's time over its run's calibration time.</summary>
    public static double Ratio(WorkloadResult w, WorkloadResult runCalibration) => w.MedianNs / runCalibration.MedianNs;

    private static double Sq(double x) => x * x;
}
