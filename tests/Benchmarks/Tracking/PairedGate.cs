using System.Globalization;
using System.Text;

namespace PartialWave.Benchmarks.Tracking;

/// <summary>What the paired gate concluded for one workload.</summary>
public enum PairedVerdict
{
    /// <summary>Within the noise band.</summary>
    Unchanged,
    /// <summary>Faster than the band.</summary>
    Faster,
    /// <summary>Looked slower in the first measurement, not in the recheck: noise.</summary>
    Cleared,
    /// <summary>Slower beyond the band in the first measurement and again, with the sides separated, in the recheck.</summary>
    Slower,
    /// <summary>The candidate's benchmark failed (threw, or its process crashed) where the reference's ran.</summary>
    Failed,
    /// <summary>Measured for the candidate only (a new benchmark).</summary>
    New,
    /// <summary>Measured for the reference only, and not failed in the candidate (a removed or renamed benchmark).</summary>
    Removed,
}

/// <summary>
/// One workload's row: the median over each side's measurements (a measurement is one process's median for a
/// BenchmarkDotNet workload, one launch's wall time for a cold-process one), their ratio, the noise band and the
/// verdict. <see cref="PairsSlower"/> is the share of (reference, candidate) measurement pairs in which the candidate
/// was slower (Mann–Whitney's U over its maximum); NaN before a recheck.
/// </summary>
public sealed record PairedRow(string Name, double ReferenceNs, double CandidateNs, int ReferenceCount, int CandidateCount,
    double Ratio, double Band, double PairsSlower, PairedVerdict Verdict, double FirstRatio = double.NaN)
{
    public bool Fails => Verdict is PairedVerdict.Slower or PairedVerdict.Failed;
}

/// <summary>The paired gate's answer: every workload's row, and whether the candidate passes.</summary>
public sealed record PairedReport(IReadOnlyList<PairedRow> Rows)
{
    public IEnumerable<PairedRow> Failures => Rows.Where(r => r.Fails);
    public bool Passed => !Failures.Any();

    /// <summary>Rows whose first measurement exceeded the band: what a recheck measures again.</summary>
    public IEnumerable<PairedRow> Suspects => Rows.Where(r => r.Verdict == PairedVerdict.Slower);

    /// <summary>A Markdown table of every workload (failures first), and one closing line of verdict.</summary>
    public string ToMarkdown(bool failuresOnly = false)
    {
        var s = new StringBuilder();
        s.AppendLine("| workload | reference | candidate | ratio | noise band | n ref/cand | candidate slower in pairs | verdict |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        static string T(double ns) => double.IsNaN(ns) ? "—" : PerfRun.FormatTime(ns);
        static string R(double x) => double.IsNaN(x) ? "—" : x.ToString("0.000", CultureInfo.InvariantCulture);
        static string B(double x) => double.IsNaN(x) ? "—" : "±" + x.ToString("0.0%", CultureInfo.InvariantCulture);
        static string P(double x) => double.IsNaN(x) ? "—" : x.ToString("0%", CultureInfo.InvariantCulture);
        foreach (var r in Rows.OrderBy(r => r.Fails ? 0 : r.Verdict == PairedVerdict.Cleared ? 1 : 2).ThenBy(r => r.Name, StringComparer.Ordinal))
        {
            if (failuresOnly && !r.Fails) continue;
            var verdict = r.Verdict.ToString().ToLowerInvariant();
            if (r.Verdict is PairedVerdict.Cleared or PairedVerdict.Slower && !double.IsNaN(r.FirstRatio))
                verdict += string.Create(CultureInfo.InvariantCulture, $" (first {r.FirstRatio:0.000})");
            s.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name} | {T(r.ReferenceNs)} | {T(r.CandidateNs)} | {R(r.Ratio)} | {B(r.Band)} | {r.ReferenceCount}/{r.CandidateCount} | {P(r.PairsSlower)} | {verdict} |");
        }
        s.AppendLine();
        int compared = Rows.Count(r => r.Verdict is not (PairedVerdict.New or PairedVerdict.Removed));
        s.AppendLine(Passed
            ? string.Create(CultureInfo.InvariantCulture,
                $"perf gate: passed ({compared} workloads compared: {Rows.Count(r => r.Verdict == PairedVerdict.Faster)} faster, {Rows.Count(r => r.Verdict == PairedVerdict.Cleared)} cleared by the recheck; largest ratio {LargestRatio():0.000})")
            : $"perf gate: FAILED ({Rows.Count(r => r.Verdict == PairedVerdict.Slower)} slower, {Rows.Count(r => r.Verdict == PairedVerdict.Failed)} failed)");
        return s.ToString();
    }

    /// <summary>The largest candidate/reference ratio among the compared workloads (1 when none).</summary>
    public double LargestRatio() => Rows.Where(r => !double.IsNaN(r.Ratio)).Select(r => r.Ratio).DefaultIfEmpty(1).Max();
}

/// <summary>
/// The regression gate: a candidate measured against a reference in the same session, in alternating processes, so
/// that the machine's drift (a slow day, a busy neighbour, memory placement) hits both sides alike. For each workload
/// the ratio of the candidate's median to the reference's is compared with a noise band measured in the same run:
/// the larger of <see cref="Floor"/>, the relative range of either side's measurements (how far apart two runs of the
/// same code landed, an A/A comparison inside the run), and <see cref="WithinFactor"/> times the spread of the
/// iterations inside a measurement. A workload beyond the band is a suspect; it fails only when a recheck (more
/// alternating measurements of the suspects alone, pooled with the first) finds it beyond the band again and the two
/// sides separated: the candidate slower in at least <see cref="SeparationShare"/> of all (reference, candidate)
/// pairs of measurements.
/// </summary>
public sealed class PairedGate
{
    /// <summary>In <see cref="PerfRun.Failed"/>: the whole measuring process failed, so every workload it was to measure did.</summary>
    public const string AllFailed = "*";

    /// <summary>The smallest slowdown that can fail (0.10 = 10 %).</summary>
    public double Floor { get; init; } = 0.10;
    /// <summary>How many within-measurement spreads (half the interquartile range over the median) a slowdown must exceed.</summary>
    public double WithinFactor { get; init; } = 2.5;
    /// <summary>The share of measurement pairs in which the candidate must be slower for a confirmed slowdown.</summary>
    public double SeparationShare { get; init; } = 0.9;

    /// <summary>
    /// Compares the measurements of the two sides: each run one measurement (a process of the benchmark program, or a
    /// set of cold launches turned into single-measurement runs). <paramref name="confirmed"/> applies the separation
    /// rule (a recheck's pooled data); without it a workload beyond the band is only a suspect (verdict Slower, which
    /// <see cref="Check"/> then confirms or clears).
    /// </summary>
    public PairedReport Compare(IReadOnlyList<PerfRun> reference, IReadOnlyList<PerfRun> candidate, bool confirmed = false)
    {
        var names = reference.Concat(candidate).SelectMany(r => r.Workloads).Select(w => w.Name)
            .Where(n => !IsCalibration(n, reference, candidate)).Distinct(StringComparer.Ordinal).ToList();
        var rows = new List<PairedRow>();
        foreach (var name in names)
        {
            var a = Measurements(reference, name);
            var b = Measurements(candidate, name);
            bool candidateFailed = candidate.Any(r => r.Failed is { } f && (f.Contains(name) || f.Contains(AllFailed)));
            if (a.Count == 0 && b.Count == 0) continue;
            if (a.Count == 0)
            {
                rows.Add(Row(name, a, b, double.NaN, double.NaN, double.NaN, PairedVerdict.New));
                continue;
            }
            if (b.Count == 0 || candidateFailed)
            {
                rows.Add(Row(name, a, b, double.NaN, double.NaN, double.NaN, candidateFailed ? PairedVerdict.Failed : PairedVerdict.Removed));
                continue;
            }
            double ratio = Median(b.Select(m => m.MedianNs)) / Median(a.Select(m => m.MedianNs));
            double band = Band(a, b);
            double pairs = PairsSlower(a, b);
            var verdict = ratio - 1 > band && (!confirmed || pairs >= SeparationShare) ? PairedVerdict.Slower
                : 1 - ratio > band ? PairedVerdict.Faster
                : PairedVerdict.Unchanged;
            rows.Add(Row(name, a, b, ratio, band, confirmed ? pairs : double.NaN, verdict));
        }
        return new PairedReport(rows);
    }

    /// <summary>
    /// The gate as CI runs it: <paramref name="measure"/> with no names measures every workload on both sides;
    /// suspects are measured again (with their names) and their rows come from the first and second measurements
    /// pooled, under the separation rule. A suspect that the recheck does not confirm is reported as cleared.
    /// </summary>
    public PairedReport Check(Func<IReadOnlyCollection<string>, (IReadOnlyList<PerfRun> Reference, IReadOnlyList<PerfRun> Candidate)> measure)
    {
        var (a, b) = measure([]);
        var first = Compare(a, b);
        var suspects = first.Suspects.Select(r => r.Name).ToList();
        if (suspects.Count == 0) return first;
        var (a2, b2) = measure(suspects);
        var pooled = Compare([.. a, .. a2], [.. b, .. b2], confirmed: true).Rows.ToDictionary(r => r.Name, StringComparer.Ordinal);
        var rows = first.Rows.Select(r =>
        {
            if (r.Verdict != PairedVerdict.Slower) return r;
            if (!pooled.TryGetValue(r.Name, out var p)) return r;
            var verdict = p.Verdict is PairedVerdict.Slower or PairedVerdict.Failed ? p.Verdict : PairedVerdict.Cleared;
            return p with { Verdict = verdict, FirstRatio = r.Ratio };
        }).ToList();
        return new PairedReport(rows);
    }

    /// <summary>The band a slowdown must exceed: the floor, either side's relative range, or the within-measurement spread.</summary>
    public double Band(IReadOnlyList<WorkloadResult> a, IReadOnlyList<WorkloadResult> b)
    {
        static double Range(IReadOnlyList<WorkloadResult> m) => m.Count < 2 ? 0
            : (m.Max(x => x.MedianNs) - m.Min(x => x.MedianNs)) / Median(m.Select(x => x.MedianNs));
        double within = a.Concat(b).Select(m => m.Spread).DefaultIfEmpty(0).Max();
        return Math.Max(Floor, Math.Max(Math.Max(Range(a), Range(b)), WithinFactor * within));
    }

    /// <summary>The share of (reference, candidate) pairs in which the candidate's measurement is slower (ties count half).</summary>
    public static double PairsSlower(IReadOnlyList<WorkloadResult> a, IReadOnlyList<WorkloadResult> b)
    {
        double u = 0;
        foreach (var x in a)
            foreach (var y in b)
                u += y.MedianNs > x.MedianNs ? 1 : y.MedianNs == x.MedianNs ? 0.5 : 0;
        return u / (a.Count * b.Count);
    }

    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        if (v.Length == 0) return double.NaN;
        return v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
    }

    private static List<WorkloadResult> Measurements(IEnumerable<PerfRun> runs, string name) =>
        runs.Select(r => r[name]).Where(w => w is not null).Select(w => w!).ToList();

    private static bool IsCalibration(string name, IEnumerable<PerfRun> a, IEnumerable<PerfRun> b) =>
        a.Concat(b).Any(r => r.Calibration == name);

    private static PairedRow Row(string name, List<WorkloadResult> a, List<WorkloadResult> b, double ratio, double band, double pairs, PairedVerdict verdict) =>
        new(name, Median(a.Select(m => m.MedianNs)), Median(b.Select(m => m.MedianNs)), a.Count, b.Count, ratio, band, pairs, verdict);
}
