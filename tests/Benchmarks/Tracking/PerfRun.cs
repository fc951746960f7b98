using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PartialWave.Benchmarks.Tracking;

/// <summary>One workload's figures in a perf run: times in nanoseconds per operation.</summary>
public sealed record WorkloadResult
{
    /// <summary>Type.Method(Param=value,...), stable across runs.</summary>
    public required string Name { get; init; }
    public required double MedianNs { get; init; }
    public required double Q1Ns { get; init; }
    public required double Q3Ns { get; init; }
    public required double MinNs { get; init; }
    public required double MaxNs { get; init; }
    /// <summary>Measured iterations.</summary>
    public required int N { get; init; }
    /// <summary>Units of work per operation (see <see cref="ThroughputAttribute"/>); null when the benchmark names none.</summary>
    public double? PerOperation { get; init; }
    public string? Unit { get; init; }
    /// <summary>
    /// In a baseline made of several runs: the range of this workload's time over calibration across them, relative
    /// to their median (how much it moves from run to run on this machine); null for a single run.
    /// </summary>
    public double? RunToRunSpread { get; init; }

    /// <summary>Relative spread: half the interquartile range over the median.</summary>
    [JsonIgnore] public double Spread => MedianNs > 0 ? (Q3Ns - Q1Ns) / (2 * MedianNs) : 0;
    /// <summary>Units per second at the median; null without a unit.</summary>
    [JsonIgnore] public double? RatePerSecond => PerOperation is { } k && MedianNs > 0 ? k / (MedianNs * 1e-9) : null;
}

/// <summary>The machine a run was measured on.</summary>
public sealed record MachineInfo(string Cpu, int Cores, string Os, string Runtime)
{
    public static MachineInfo Current()
    {
        string cpu = "";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "";
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return new MachineInfo(cpu.Length > 0 ? cpu : System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString(),
            Environment.ProcessorCount, System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
    }

    public override string ToString() => $"{Cpu}, {Cores} logical cores, {Os}, {Runtime}";
}

/// <summary>
/// A perf run's summary, as written to perf-results/latest.json, perf-results/history/ and (deliberately)
/// perf-results/baseline.json: per workload the median and spread, with the commit, date, machine and profile.
/// </summary>
public sealed record PerfRun
{
    public const int CurrentSchema = 1;
    public int Schema { get; init; } = CurrentSchema;
    public required string Profile { get; init; }
    public required string Commit { get; init; }
    public required DateTimeOffset Date { get; init; }
    public required MachineInfo Machine { get; init; }
    /// <summary>The workload every other one is divided by (<see cref="CalibrationBenchmarks"/>).</summary>
    public required string Calibration { get; init; }
    public required IReadOnlyList<WorkloadResult> Workloads { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public WorkloadResult? this[string name] => Workloads.FirstOrDefault(w => w.Name == name);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, ToJson() + "\n");
        File.Move(temp, path, overwrite: true);
    }

    /// <exception cref="InvalidDataException">The file is not a perf summary (the message names it and says why).</exception>
    public static PerfRun Load(string path)
    {
        PerfRun? run;
        try { run = JsonSerializer.Deserialize<PerfRun>(File.ReadAllText(path), Json); }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}({e.LineNumber + 1},{e.BytePositionInLine + 1}): not a perf summary: {e.Message}", e);
        }
        if (run is null) throw new InvalidDataException($"{path}: empty perf summary");
        if (run.Schema != CurrentSchema) throw new InvalidDataException($"{path}: perf summary schema {run.Schema}, expected {CurrentSchema}");
        return run;
    }

    /// <summary>
    /// One baseline from several runs of the same suite: per workload the run whose time over calibration is the
    /// median of them (its times rescaled to the median calibration, which becomes the baseline's), with
    /// <see cref="WorkloadResult.RunToRunSpread"/> the range of those ratios over their median.
    /// The newest run gives commit, date, machine and profile.
    /// </summary>
    public static PerfRun Combine(IReadOnlyList<PerfRun> runs)
    {
        if (runs.Count == 0) throw new ArgumentException("no runs to combine");
        if (runs.Count == 1) return runs[0];
        var newest = runs.MaxBy(r => r.Date)!;
        var calibrations = runs.Select(r => r[r.Calibration] ?? throw new InvalidDataException($"the run of {r.Date:u} has no calibration workload")).ToList();
        var names = runs.SelectMany(r => r.Workloads.Select(w => w.Name)).Where(n => n != newest.Calibration).Distinct().ToList();
        var workloads = new List<WorkloadResult> { calibrations.OrderBy(c => c.MedianNs).ElementAt(calibrations.Count / 2) };
        foreach (var name in names)
        {
            var measured = runs.Select((r, k) => (W: r[name], Cal: calibrations[k])).Where(m => m.W is not null)
                .Select(m => (W: m.W!, Ratio: Gate.Ratio(m.W!, m.Cal))).OrderBy(m => m.Ratio).ToList();
            var median = measured[measured.Count / 2];
            // Rescaled to the baseline's calibration, so that its time over that calibration is the median ratio.
            double scale = median.Ratio * workloads[0].MedianNs / median.W.MedianNs;
            workloads.Add(median.W with
            {
                MedianNs = median.W.MedianNs * scale, Q1Ns = median.W.Q1Ns * scale, Q3Ns = median.W.Q3Ns * scale,
                MinNs = median.W.MinNs * scale, MaxNs = median.W.MaxNs * scale,
                RunToRunSpread = measured.Count > 1 ? (measured[^1].Ratio - measured[0].Ratio) / median.Ratio : null,
            });
        }
        return newest with { Workloads = workloads };
    }

    /// <summary>The workloads as a Markdown table (median, interquartile spread, rate).</summary>
    public string ToMarkdown()
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"# Perf run — {Date:yyyy-MM-dd HH:mm} UTC, commit {Commit}, profile {Profile}");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine}. Times per operation; spread is half the interquartile range over the median.");
        s.AppendLine();
        s.AppendLine("| workload | median | spread | rate | n |");
        s.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var w in Workloads)
            s.AppendLine(CultureInfo.InvariantCulture, $"| {w.Name} | {FormatTime(w.MedianNs)} | ±{w.Spread:P1} | {FormatRate(w)} | {w.N} |");
        return s.ToString();
    }

    public static string FormatTime(double ns) => ns switch
    {
        >= 1e9 => (ns / 1e9).ToString("0.000", CultureInfo.InvariantCulture) + " s",
        >= 1e6 => (ns / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " ms",
        >= 1e3 => (ns / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + " µs",
        _ => ns.ToString("0", CultureInfo.InvariantCulture) + " ns",
    };

    public static string FormatRate(WorkloadResult w) => w.RatePerSecond is { } r ? FormatRate(r, w.Unit ?? "") : "—";

    /// <summary>A rate with a metric prefix and three significant digits: "129 M events/s".</summary>
    public static string FormatRate(double r, string unit)
    {
        var (value, prefix) = r switch { >= 1e9 => (r / 1e9, "G"), >= 1e6 => (r / 1e6, "M"), >= 1e3 => (r / 1e3, "k"), _ => (r, "") };
        string digits = value >= 100 ? "0" : value >= 10 ? "0.0" : "0.00";
        return string.Create(CultureInfo.InvariantCulture, $"{value.ToString(digits, CultureInfo.InvariantCulture)} {(prefix.Length > 0 ? prefix + " " : "")}{unit}/s");
    }
}
