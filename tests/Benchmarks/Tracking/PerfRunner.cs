using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace PartialWave.Benchmarks.Tracking;

/// <summary>The two ways of running the suite.</summary>
public enum PerfProfile
{
    /// <summary>For CI: few, short iterations (the whole suite in a few minutes on two cores), still with warm-up and repeats.</summary>
    Short,
    /// <summary>For people: more and longer iterations, memory diagnostics.</summary>
    Full,
}

/// <summary>
/// Runs benchmarks with BenchmarkDotNet under a profile and turns the reports into a <see cref="PerfRun"/>. Both
/// profiles run in process (no generated project to build), so a run starts in seconds and a CI machine needs
/// nothing beyond the built benchmark assembly.
/// </summary>
public static class PerfRunner
{
    /// <summary>The calibration workload's name (always run, first).</summary>
    public static readonly string CalibrationName = $"{nameof(CalibrationBenchmarks)}.{nameof(CalibrationBenchmarks.Arithmetic)}";

    public static Job JobFor(PerfProfile profile) => profile switch
    {
        PerfProfile.Short => Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1)
            .WithWarmupCount(2).WithIterationCount(7).WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(150))
            .WithEvaluateOverhead(false).WithId("short"),
        _ => Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1)
            .WithWarmupCount(3).WithIterationCount(15).WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(500)).WithId("full"),
    };

    /// <summary>BenchmarkDotNet's configuration for a profile: console output, the rate column, JSON and Markdown reports.</summary>
    public static IConfig Config(PerfProfile profile, string artifacts, ILogger? logger = null)
    {
        var config = ManualConfig.CreateEmpty()
            .AddJob(JobFor(profile))
            .AddLogger(logger ?? ConsoleLogger.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(new RateColumn())
            .AddExporter(JsonExporter.Brief, MarkdownExporter.GitHub)
            .AddAnalyser(DefaultConfig.Instance.GetAnalysers().ToArray())
            .AddValidator(DefaultConfig.Instance.GetValidators().ToArray())
            .WithArtifactsPath(artifacts)
            .WithOptions(ConfigOptions.DisableLogFile);
        if (profile == PerfProfile.Full) config = config.AddDiagnoser(MemoryDiagnoser.Default);
        return config;
    }

    /// <summary>Type.Method(Param=value,...): the workload's name in summaries and the baseline.</summary>
    public static string NameOf(BenchmarkCase c)
    {
        var name = $"{c.Descriptor.Type.Name}.{c.Descriptor.WorkloadMethod.Name}";
        var items = c.Parameters.Items;
        return items.Count == 0 ? name : $"{name}({string.Join(",", items.Select(p => $"{p.Name}={p.Value}"))})";
    }

    /// <summary>Every type of <paramref name="assembly"/> with a [Benchmark] method; <see cref="OnDemandAttribute"/> ones only when <paramref name="onDemand"/>.</summary>
    public static IEnumerable<Type> BenchmarkTypes(Assembly assembly, bool onDemand = false) =>
        assembly.GetTypes().Where(t => t is { IsPublic: true, IsAbstract: false } && t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            .Where(t => onDemand || t.GetCustomAttribute<OnDemandAttribute>() is null)
            .OrderBy(t => t.Name, StringComparer.Ordinal);

    /// <summary>A filter from shell-style patterns over workload names (* and ?); no pattern selects everything.</summary>
    public static Func<string, bool> Filter(IReadOnlyCollection<string> patterns)
    {
        if (patterns.Count == 0) return _ => true;
        var regexes = patterns.Select(p => new Regex("^" + Regex.Escape(p).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.CultureInvariant)).ToList();
        return name => regexes.Any(r => r.IsMatch(name));
    }

    /// <summary>
    /// Runs the selected workloads of <paramref name="types"/> under <paramref name="profile"/>, type by type, each
    /// type after a measurement of the calibration workload. The run's calibration is the median of those
    /// measurements, its quartiles theirs, so that it stands for the machine over the whole run (a single measurement
    /// beside each type proved noisier than the workloads themselves). A workload whose benchmark fails is left out
    /// of the result (the gate reports it missing). The calibration is <see cref="CalibrationBenchmarks"/> unless a
    /// test brings its own class (with one benchmark method) as <c>calibrationType</c>.
    /// </summary>
    public static PerfRun Run(IEnumerable<Type> types, PerfProfile profile, Func<string, bool> select, string artifacts, ILogger? logger = null,
        Type? calibrationType = null)
    {
        var config = Config(profile, artifacts, logger);
        calibrationType ??= typeof(CalibrationBenchmarks);
        var calibration = BenchmarkConverter.TypeToBenchmarks(calibrationType, config);
        if (calibration.BenchmarksCases.Length != 1) throw new ArgumentException($"{calibrationType.Name} must have exactly one benchmark");
        string calibrationName = NameOf(calibration.BenchmarksCases[0]);
        var infos = types.Where(t => t != calibrationType)
            .Select(t => BenchmarkConverter.TypeToBenchmarks(t, config))
            .Select(info => new BenchmarkRunInfo(info.BenchmarksCases.Where(c => select(NameOf(c))).ToArray(), info.Type, info.Config))
            .Where(info => info.BenchmarksCases.Length > 0)
            .ToList();
        if (infos.Count == 0) throw new ArgumentException("no benchmark matches the filter");
        var workloads = new List<WorkloadResult>();
        var calibrations = new List<WorkloadResult>();
        foreach (var info in infos)
        {
            var summaries = BenchmarkRunner.Run([calibration, info]);
            var results = Results(summaries);
            var cal = results.FirstOrDefault(w => w.Name == calibrationName);
            if (cal is not null) calibrations.Add(cal);
            workloads.AddRange(results.Where(w => w.Name != calibrationName));
        }
        if (calibrations.Count == 0) throw new InvalidOperationException("the calibration workload failed: nothing can be compared");
        var medians = calibrations.Select(c => c.MedianNs).Order().ToArray();
        double Quantile(double q) => medians[(int)Math.Round(q * (medians.Length - 1))];
        var runCalibration = calibrations[0] with
        {
            MedianNs = Quantile(0.5), Q1Ns = Quantile(0.25), Q3Ns = Quantile(0.75), MinNs = medians[0], MaxNs = medians[^1], N = medians.Length,
        };
        return new PerfRun
        {
            Profile = profile.ToString().ToLowerInvariant(), Commit = Commit(), Date = DateTimeOffset.UtcNow, Machine = MachineInfo.Current(),
            Calibration = calibrationName, Workloads = [runCalibration, .. workloads],
        };
    }

    /// <summary>The workloads of BenchmarkDotNet's reports that succeeded.</summary>
    public static List<WorkloadResult> Results(IEnumerable<Summary> summaries)
    {
        var workloads = new List<WorkloadResult>();
        foreach (var report in summaries.SelectMany(s => s.Reports))
        {
            if (report.ResultStatistics is not { } st || !report.Success) continue;
            var throughput = ThroughputAttribute.Of(report.BenchmarkCase.Descriptor.WorkloadMethod, report.BenchmarkCase.Descriptor.Type);
            workloads.Add(new WorkloadResult
            {
                Name = NameOf(report.BenchmarkCase),
                MedianNs = st.Median, Q1Ns = st.Q1, Q3Ns = st.Q3, MinNs = st.Min, MaxNs = st.Max, N = st.N,
                PerOperation = throughput?.Count, Unit = throughput?.Unit,
            });
        }
        return workloads;
    }

    /// <summary>The checked-out commit (short hash, "+dirty" with uncommitted changes), or "unknown" outside a clone.</summary>
    public static string Commit()
    {
        string? Git(string args)
        {
            try
            {
                var psi = new ProcessStartInfo("git", args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repository.Root };
                using var p = Process.Start(psi)!;
                var output = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                return p.ExitCode == 0 ? output.Trim() : null;
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or DirectoryNotFoundException)
            {
                return null;
            }
        }
        var hash = Git("rev-parse --short=10 HEAD");
        if (hash is null) return "unknown";
        var status = Git("status --porcelain --untracked-files=no");
        return string.IsNullOrEmpty(status) ? hash : hash + "+dirty";
    }
}

/// <summary>The rate column in BenchmarkDotNet's tables: units per second at the median (events/s, fits/s).</summary>
public sealed class RateColumn : IColumn
{
    public string Id => nameof(RateColumn);
    public string ColumnName => "Rate";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Statistics;
    public int PriorityInCategory => 10;
    public bool IsNumeric => false;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Units of work per second at the median (the benchmark's [Throughput])";
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var st = summary[benchmarkCase]?.ResultStatistics;
        var t = ThroughputAttribute.Of(benchmarkCase.Descriptor.WorkloadMethod, benchmarkCase.Descriptor.Type);
        if (st is null || t is null) return "—";
        return st.Median > 0 ? PerfRun.FormatRate(t.Count / (st.Median * 1e-9), t.Unit) : "—";
    }
}
