using System.Globalization;
using System.Text;

namespace PartialWave.Benchmarks.Tracking;

/// <summary>
/// One workload measured on both sides: pairs of iterations (reference, candidate) run one right after the other, in
/// nanoseconds per operation, or the reason it could not be measured. <see cref="ReferenceError"/> or
/// <see cref="CandidateError"/> set: that side's benchmark failed (threw, or its worker died); a side that lacks the
/// workload altogether is <see cref="OnlyReference"/> or <see cref="OnlyCandidate"/>.
/// </summary>
public sealed record PairedSample(string Name, IReadOnlyList<(double Reference, double Candidate)> Pairs)
{
    /// <summary>When the pairs come from several fresh setups of the workload: how many pairs each, in order; null for one.</summary>
    public IReadOnlyList<int>? SetupSizes { get; init; }
    public string? ReferenceError { get; init; }
    public string? CandidateError { get; init; }
    public bool OnlyReference { get; init; }
    public bool OnlyCandidate { get; init; }
}

/// <summary>What the paired gate concluded for one workload.</summary>
public enum PairedVerdict
{
    /// <summary>Within the noise band.</summary>
    Unchanged,
    /// <summary>Faster than the band.</summary>
    Faster,
    /// <summary>Beyond the band in the first measurement, within it in the second: noise.</summary>
    Cleared,
    /// <summary>Slower beyond the band in the first measurement and again in the second.</summary>
    Slower,
    /// <summary>The candidate's benchmark failed (threw, or its worker died) where the reference's ran.</summary>
    Failed,
    /// <summary>The reference's benchmark failed; the candidate's was not compared.</summary>
    ReferenceFailed,
    /// <summary>Only the candidate has it (a new benchmark).</summary>
    New,
    /// <summary>Only the reference has it (a removed or renamed benchmark).</summary>
    Removed,
}

/// <summary>
/// One workload's row: median reference and candidate times, the ratio (the median over the pairs of candidate time
/// over reference time), the noise band around it, how many pairs, and the verdict. After a recheck,
/// <see cref="FirstRatio"/> is the first measurement's ratio and the rest is the second's.
/// </summary>
public sealed record PairedRow(string Name, double ReferenceNs, double CandidateNs, int Pairs, double Ratio, double Band, PairedVerdict Verdict,
    string? Error = null, double FirstRatio = double.NaN)
{
    public bool Fails => Verdict is PairedVerdict.Slower or PairedVerdict.Failed;
}

/// <summary>The paired gate's answer: every workload's row, and whether the candidate passes.</summary>
public sealed record PairedReport(IReadOnlyList<PairedRow> Rows)
{
    public IEnumerable<PairedRow> Failures => Rows.Where(r => r.Fails);
    public bool Passed => !Failures.Any();

    /// <summary>Rows that the first measurement found slower than their band: what the second measurement looks at again.</summary>
    public IEnumerable<PairedRow> Suspects => Rows.Where(r => r.Verdict == PairedVerdict.Slower);

    /// <summary>A Markdown table of every workload (failures first, then cleared ones), and one closing line of verdict.</summary>
    public string ToMarkdown(bool failuresOnly = false)
    {
        var s = new StringBuilder();
        s.AppendLine("| workload | reference | candidate | ratio | noise band | pairs | verdict |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        static string T(double ns) => double.IsNaN(ns) ? "—" : PerfRun.FormatTime(ns);
        static string R(double x) => double.IsNaN(x) ? "—" : x.ToString("0.000", CultureInfo.InvariantCulture);
        static string B(double x) => double.IsNaN(x) ? "—" : "±" + x.ToString("0.0%", CultureInfo.InvariantCulture);
        foreach (var r in Rows.OrderBy(r => r.Fails ? 0 : r.Verdict == PairedVerdict.Cleared ? 1 : 2).ThenBy(r => r.Name, StringComparer.Ordinal))
        {
            if (failuresOnly && !r.Fails) continue;
            var verdict = r.Verdict switch
            {
                PairedVerdict.ReferenceFailed => "reference failed",
                _ => r.Verdict.ToString().ToLowerInvariant(),
            };
            if (!double.IsNaN(r.FirstRatio)) verdict += string.Create(CultureInfo.InvariantCulture, $" (first {r.FirstRatio:0.000})");
            if (r.Error is not null) verdict += ": " + r.Error.Replace("|", "\\|", StringComparison.Ordinal);
            s.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {T(r.ReferenceNs)} | {T(r.CandidateNs)} | {R(r.Ratio)} | {B(r.Band)} | {r.Pairs} | {verdict} |");
        }
        s.AppendLine();
        s.AppendLine(Passed
            ? string.Create(CultureInfo.InvariantCulture,
                $"perf gate: passed ({Rows.Count(r => !double.IsNaN(r.Ratio))} workloads compared, {Rows.Count(r => r.Verdict == PairedVerdict.Faster)} faster, {Rows.Count(r => r.Verdict == PairedVerdict.Cleared)} cleared by the second measurement; largest ratio {LargestRatio():0.000})")
            : $"perf gate: FAILED ({Rows.Count(r => r.Verdict == PairedVerdict.Slower)} slower, {Rows.Count(r => r.Verdict == PairedVerdict.Failed)} failed)");
        return s.ToString();
    }

    /// <summary>The largest candidate/reference ratio among the compared workloads (1 when none).</summary>
    public double LargestRatio() => Rows.Where(r => !double.IsNaN(r.Ratio)).Select(r => r.Ratio).DefaultIfEmpty(1).Max();
}

/// <summary>
/// The regression gate's decision. Reference and candidate run side by side in the same session, their iterations
/// alternating a fraction of a second apart, so that the machine's drift (a slow day, a busy neighbour, a slow
/// minute) hits both sides of a pair alike and cancels in the pair's ratio. A workload's ratio is the median of its
/// pairs' ratios; its noise band is the larger of <see cref="Floor"/> and <see cref="Z"/> standard errors of that
/// median, estimated from the spread of the same pairs (a robust one: 1.4826 median absolute deviations of the log
/// ratios, times 1.253 / √pairs for the median). A workload beyond the band is a suspect and is measured a second
/// time in fresh processes, in several fresh setups (memory placed anew each time), and fails only if that second
/// measurement, with the setups as its independent samples, finds it beyond its band too.
/// </summary>
public sealed class PairedGate
{
    /// <summary>The smallest slowdown that can fail (0.10 = 10 %).</summary>
    public double Floor { get; init; } = 0.10;
    /// <summary>How many standard errors of the ratio a slowdown must exceed.</summary>
    public double Z { get; init; } = 3.0;

    /// <summary>Rows for the samples of one measurement.</summary>
    public PairedReport Compare(IEnumerable<PairedSample> samples) => new(samples.Select(Row).ToList());

    public PairedRow Row(PairedSample s)
    {
        if (s.OnlyCandidate) return new PairedRow(s.Name, double.NaN, Median(s.Pairs.Select(p => p.Candidate)), 0, double.NaN, double.NaN, PairedVerdict.New);
        if (s.OnlyReference) return new PairedRow(s.Name, Median(s.Pairs.Select(p => p.Reference)), double.NaN, 0, double.NaN, double.NaN, PairedVerdict.Removed);
        if (s.CandidateError is not null) return new PairedRow(s.Name, double.NaN, double.NaN, 0, double.NaN, double.NaN, PairedVerdict.Failed, s.CandidateError);
        if (s.ReferenceError is not null) return new PairedRow(s.Name, double.NaN, double.NaN, 0, double.NaN, double.NaN, PairedVerdict.ReferenceFailed, s.ReferenceError);
        if (s.Pairs.Count == 0) return new PairedRow(s.Name, double.NaN, double.NaN, 0, double.NaN, double.NaN, PairedVerdict.Failed, "no measurement");
        if (s.SetupSizes is { Count: > 1 } sizes) return SetupsRow(s, sizes);
        var logs = s.Pairs.Select(p => Math.Log(p.Candidate / p.Reference)).ToList();
        double center = Median(logs);
        double sigma = 1.4826 * Median(logs.Select(l => Math.Abs(l - center)));
        double standardError = 1.253 * sigma / Math.Sqrt(logs.Count);
        double band = Math.Max(Floor, Math.Exp(Z * standardError) - 1);
        double ratio = Math.Exp(center);
        var verdict = ratio - 1 > band ? PairedVerdict.Slower : 1 - ratio > band ? PairedVerdict.Faster : PairedVerdict.Unchanged;
        return new PairedRow(s.Name, Median(s.Pairs.Select(p => p.Reference)), Median(s.Pairs.Select(p => p.Candidate)), s.Pairs.Count, ratio, band, verdict);
    }

    /// <summary>
    /// Several setups: each setup's ratio is the median of its pairs, and the setups, not the pairs, are the
    /// independent measurements (a setup's memory placement moves all its pairs alike). The ratio is the geometric mean
    /// of the setups' ratios; the band the larger of <see cref="Floor"/> and Student's t (97.5 %, setups − 1 degrees of
    /// freedom) standard errors of that mean, from the setups' spread.
    /// </summary>
    private PairedRow SetupsRow(PairedSample s, IReadOnlyList<int> sizes)
    {
        var logs = new List<double>();
        int start = 0;
        foreach (int n in sizes)
        {
            logs.Add(Math.Log(Row(new PairedSample(s.Name, s.Pairs.Skip(start).Take(n).ToList())).Ratio));
            start += n;
        }
        double mean = logs.Average();
        double sd = Math.Sqrt(logs.Sum(l => (l - mean) * (l - mean)) / (logs.Count - 1));
        double band = Math.Max(Floor, Math.Exp(StudentT975(logs.Count - 1) * sd / Math.Sqrt(logs.Count)) - 1);
        double ratio = Math.Exp(mean);
        var verdict = ratio - 1 > band ? PairedVerdict.Slower : 1 - ratio > band ? PairedVerdict.Faster : PairedVerdict.Unchanged;
        return new PairedRow(s.Name, Median(s.Pairs.Select(p => p.Reference)), Median(s.Pairs.Select(p => p.Candidate)), s.Pairs.Count,
            ratio, band, verdict);
    }

    /// <summary>The 97.5 % quantile of Student's t with <paramref name="dof"/> degrees of freedom (1.96 beyond 30).</summary>
    public static double StudentT975(int dof) => dof switch
    {
        < 1 => double.PositiveInfinity,
        <= 10 => new[] { 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228 }[dof - 1],
        <= 20 => 2.086 + (20 - dof) * (2.228 - 2.086) / 10,
        <= 30 => 2.042 + (30 - dof) * (2.086 - 2.042) / 10,
        _ => 1.96,
    };

    /// <summary>
    /// The gate as CI runs it: <paramref name="measure"/> with no names measures every workload; the suspects are
    /// measured again (<paramref name="measure"/> with their names, in fresh processes) and fail only if slower again.
    /// A suspect that the second measurement does not confirm is reported as cleared, with both ratios.
    /// </summary>
    public PairedReport Check(Func<IReadOnlyCollection<string>, IEnumerable<PairedSample>> measure)
    {
        var first = Compare(measure([]));
        var suspects = first.Suspects.Select(r => r.Name).ToList();
        if (suspects.Count == 0) return first;
        var again = Compare(measure(suspects)).Rows.ToDictionary(r => r.Name, StringComparer.Ordinal);
        return new PairedReport(first.Rows.Select(r =>
        {
            if (r.Verdict != PairedVerdict.Slower || !again.TryGetValue(r.Name, out var a)) return r;
            var verdict = a.Verdict switch
            {
                PairedVerdict.Slower or PairedVerdict.Failed => a.Verdict,
                PairedVerdict.ReferenceFailed => PairedVerdict.Slower,   // nothing to clear it with: the first answer stands
                _ => PairedVerdict.Cleared,
            };
            return verdict == PairedVerdict.Slower && a.Verdict != PairedVerdict.Slower ? r : a with { Verdict = verdict, FirstRatio = r.Ratio };
        }).ToList());
    }

    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        if (v.Length == 0) return double.NaN;
        return v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
    }
}
