using System.Globalization;
using System.Text;
using ScottPlot;

namespace PartialWave.Benchmarks.Tracking;

/// <summary>
/// Trend plots of perf-results/history/: one PNG per workload, its time over the calibration workload's time in each
/// run, relative to the baseline's (1 = as fast as the baseline relative to the machine, above 1 = slower), with the
/// gate's minimum threshold drawn; plus plots/README.md showing them all with the latest figures.
/// </summary>
public static class HistoryPlots
{
    /// <summary>Summaries in a history folder, oldest first; files that are not summaries are reported and skipped.</summary>
    public static List<PerfRun> LoadHistory(string directory, TextWriter log)
    {
        var runs = new List<PerfRun>();
        if (!Directory.Exists(directory)) return runs;
        foreach (var file in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            try { runs.Add(PerfRun.Load(file)); }
            catch (InvalidDataException e) { log.WriteLine($"skipped: {e.Message}"); }
        }
        return runs.OrderBy(r => r.Date).ToList();
    }

    /// <summary>File name of a workload's plot.</summary>
    public static string FileName(string workload)
    {
        var s = new StringBuilder();
        foreach (char c in workload) s.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        return s.ToString().Trim('_') + ".png";
    }

    /// <summary>Writes the plots and their index into <paramref name="outDir"/>; returns the number of plots.</summary>
    public static int Write(IReadOnlyList<PerfRun> history, PerfRun? baseline, string outDir, Gate gate)
    {
        Directory.CreateDirectory(outDir);
        foreach (var old in Directory.GetFiles(outDir, "*.png")) File.Delete(old);
        var names = history.SelectMany(r => r.Workloads.Select(w => w.Name)).Where(n => history.All(r => n != r.Calibration))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var index = new StringBuilder();
        index.AppendLine("# Benchmark trends");
        index.AppendLine();
        index.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Drawn by `dotnet run --project tests/Benchmarks -c Release -- plot` from the {history.Count} {history[0].Profile}-profile summaries in perf-results/history/ " +
            $"({history[0].Date:yyyy-MM-dd} to {history[^1].Date:yyyy-MM-dd}). Each point is one run: the workload's time over the calibration " +
            $"workload's time in that run, relative to the same ratio in baseline.json (1 = baseline, higher = slower); the dashed line is the " +
            $"workload's gate threshold from the baseline (at least +{gate.MinimumThreshold:0%}; a run's own spread can raise it)."));
        index.AppendLine();
        index.AppendLine("| workload | runs | latest median | latest rate | trend |");
        index.AppendLine("|---|---:|---:|---:|---|");
        foreach (var name in names)
        {
            var points = history.Select(r => (Run: r, W: r[name], Cal: r[r.Calibration])).Where(p => p.W is not null && p.Cal is not null).ToList();
            if (points.Count == 0) continue;
            double reference = baseline?[name] is { } b && baseline[baseline.Calibration] is { } bc
                ? Gate.Ratio(b, bc)
                : Gate.Ratio(points[0].W!, points[0].Cal!);
            var xs = points.Select(p => p.Run.Date.UtcDateTime.ToOADate()).ToArray();
            var ys = points.Select(p => Gate.Ratio(p.W!, p.Cal!) / reference).ToArray();
            var plot = new Plot();
            var line = plot.Add.Scatter(xs, ys);
            line.MarkerSize = 7;
            line.LineWidth = 1.5f;
            var one = plot.Add.HorizontalLine(1);
            one.LineColor = Colors.Gray;
            double threshold = baseline?[name] is { } inBaseline ? gate.BaselineThreshold(inBaseline) : gate.MinimumThreshold;
            var limit = plot.Add.HorizontalLine(1 + threshold);
            limit.LinePattern = LinePattern.Dashed;
            limit.LineColor = Colors.Red;
            plot.Axes.DateTimeTicksBottom();
            plot.Axes.SetLimitsY(Math.Min(0.5, ys.Min() * 0.9), Math.Max(1 + threshold * 1.3, ys.Max() * 1.1));
            if (xs.Length == 1) plot.Axes.SetLimitsX(xs[0] - 1, xs[0] + 1);
            var latest = points[^1].W!;
            plot.Title($"{name}\nlatest {PerfRun.FormatTime(latest.MedianNs)}{(latest.RatePerSecond is null ? "" : ", " + PerfRun.FormatRate(latest))}", size: 11);
            plot.YLabel("t / t_cal (baseline = 1)", size: 11);
            var file = FileName(name);
            plot.SavePng(Path.Combine(outDir, file), 520, 240);
            index.AppendLine($"| {name} | {points.Count} | {PerfRun.FormatTime(latest.MedianNs)} | {PerfRun.FormatRate(latest)} | ![{name}]({file}) |");
        }
        File.WriteAllText(Path.Combine(outDir, "README.md"), index.ToString());
        return names.Count;
    }
}
