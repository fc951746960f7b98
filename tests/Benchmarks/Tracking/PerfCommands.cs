using System.Diagnostics;
using System.Globalization;

namespace PartialWave.Benchmarks.Tracking;

/// <summary>The perf-tracking commands of the benchmark program (see <see cref="Program"/>).</summary>
public static class PerfCommands
{
    public static readonly HashSet<string> Names = ["run", "serve", "gate", "ci", "baseline", "plot"];

    private sealed class Usage(string message) : Exception(message);

    public static int Execute(string command, string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            var options = Options.Parse(args);
            return command switch
            {
                "run" => RunCommand(options, output),
                "serve" => ServeCommand(),
                "gate" => GateCommand(options, output),
                "ci" => CiCommand(options, output),
                "baseline" => BaselineCommand(options, output),
                "plot" => PlotCommand(options, output),
                _ => throw new Usage($"unknown command '{command}'"),
            };
        }
        catch (Usage e)
        {
            error.WriteLine($"error: {e.Message}");
            error.WriteLine("usage: run [--profile short|full] [--filter PATTERN]... [--no-history] | " +
                "ci [--reference COMMIT] [--reference-dir DIR] [--pairs N] [--cold-pairs N] [--no-cold] [--filter PATTERN]... | gate [--baseline FILE] [--run FILE] | " +
                "baseline --reason TEXT [--from FILE]... [--runs N] | plot");
            return 2;
        }
        catch (GateSetupException e)
        {
            error.WriteLine($"perf gate: cannot measure: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or DirectoryNotFoundException or ArgumentException)
        {
            error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    private sealed record Options(string Profile, List<string> Filters, bool NoHistory, string? Baseline, string? Run, string? Reason, List<string> From, int Runs, string Results)
    {
        public string? Reference { get; init; }
        public string? ReferenceDir { get; init; }
        public int Pairs { get; init; } = 12;
        public int ColdPairs { get; init; } = 6;
        public bool NoCold { get; init; }

        public static Options Parse(string[] args)
        {
            var o = new Options("short", [], false, null, null, null, [], 3, Repository.PerfResults);
            for (int i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new Usage($"{args[i]} needs a value");
                int Count(int min) => int.TryParse(Value(), out var n) && n >= min ? n : throw new Usage($"{args[i - 1]} takes a whole number of at least {min}, not '{args[i]}'");
                o = args[i] switch
                {
                    "--profile" => o with { Profile = Value() is "short" or "full" ? args[i] : throw new Usage($"--profile is short or full, not '{args[i]}'") },
                    "--filter" => o with { Filters = [.. o.Filters, Value()] },
                    "--no-history" => o with { NoHistory = true },
                    "--baseline" => o with { Baseline = Value() },
                    "--run" => o with { Run = Value() },
                    "--reason" => o with { Reason = Value() },
                    "--from" => o with { From = [.. o.From, Value()] },
                    "--runs" => o with { Runs = int.TryParse(Value(), out var n) && n >= 1 ? n : throw new Usage($"--runs takes a whole number of runs, not '{args[i]}'") },
                    "--results" => o with { Results = Path.GetFullPath(Value()) },
                    "--reference" => o with { Reference = Value() },
                    "--reference-dir" => o with { ReferenceDir = Path.GetFullPath(Value()) },
                    "--pairs" => o with { Pairs = Count(5) },
                    "--cold-pairs" => o with { ColdPairs = Count(3) },
                    "--no-cold" => o with { NoCold = true },
                    _ => throw new Usage($"unknown option '{args[i]}'"),
                };
            }
            return o;
        }

        public string LatestJson => Path.Combine(Results, "latest.json");
        public string BaselineJson => Baseline ?? Path.Combine(Results, "baseline.json");
        public string History => Path.Combine(Results, "history");
    }

    /// <summary>Measures, writes latest.json/latest.md (and history/), prints the table.</summary>
    private static PerfRun Measure(Options o, PerfProfile profile, IReadOnlyCollection<string> filters, bool history, TextWriter output)
    {
        var sw = Stopwatch.StartNew();
        var run = PerfRunner.Run(PerfRunner.BenchmarkTypes(typeof(Program).Assembly, onDemand: filters.Count > 0), profile, PerfRunner.Filter(filters),
            Path.Combine(Path.GetTempPath(), "partialwave-bdn"));
        var table = run.ToMarkdown();
        output.WriteLine();
        output.WriteLine(table);
        output.WriteLine($"measured {run.Workloads.Count} workloads in {sw.Elapsed.TotalSeconds:F0} s");
        if (history)
        {
            run.Save(o.LatestJson);
            File.WriteAllText(Path.Combine(o.Results, "latest.md"), table);
            if (run.Commit.EndsWith("+dirty", StringComparison.Ordinal))
            {
                // history/ is the record of committed code: a run of uncommitted changes names no commit to compare.
                output.WriteLine($"wrote {o.LatestJson} and latest.md; not kept in history/: the tree has uncommitted changes ({run.Commit})");
                return run;
            }
            var file = Path.Combine(o.History, $"{run.Date:yyyyMMdd'T'HHmmss'Z'}-{run.Commit}-{run.Profile}.json");
            run.Save(file);
            output.WriteLine($"wrote {o.LatestJson}, latest.md and {Path.GetRelativePath(o.Results, file)}");
        }
        return run;
    }

    private static int RunCommand(Options o, TextWriter output)
    {
        Measure(o, o.Profile == "full" ? PerfProfile.Full : PerfProfile.Short, o.Filters, !o.NoHistory, output);
        return 0;
    }

    private static int GateCommand(Options o, TextWriter output)
    {
        var baseline = PerfRun.Load(o.BaselineJson);
        var run = PerfRun.Load(o.Run ?? o.LatestJson);
        var report = new Gate().Compare(baseline, run);
        output.WriteLine(Heading(baseline, run));
        output.WriteLine(report.ToMarkdown());
        return report.Passed ? 0 : 1;
    }

    /// <summary>
    /// One side of the paired gate (<see cref="GateWorker"/>): commands on standard input, answers on standard output.
    /// Anything the benchmarks themselves print goes to standard error, so that it cannot be taken for an answer.
    /// </summary>
    private static int ServeCommand()
    {
        using var answers = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
        Console.SetOut(Console.Error);
        new GateWorker(typeof(Program).Assembly).Serve(Console.In, answers);
        return 0;
    }

    /// <summary>
    /// CI's gate: the candidate (this checkout) against a reference commit built beside it, measured in alternating
    /// processes (<see cref="PairedSession"/>, <see cref="PairedGate"/>). Writes perf-results/gate.md and gate.json.
    /// </summary>
    private static int CiCommand(Options o, TextWriter output)
    {
        var sw = Stopwatch.StartNew();
        var models = Path.GetFullPath(SharedModels.Find());
        if (!Directory.Exists(models))
            throw new DirectoryNotFoundException($"{models} not found: the benchmarks need it (set PARTIALWAVE_SHARED)");
        var shared = Path.GetDirectoryName(models)!;
        var session = new PairedSession(new PairedOptions
        {
            Reference = o.Reference, ReferenceDir = o.ReferenceDir, Pairs = o.Pairs, ColdPairs = o.ColdPairs,
            Filters = o.Filters, Cold = !o.NoCold, Shared = shared,
        }, output);
        var report = session.Run();
        var (gate, options) = (session.Gate, session.Options);
        var heading = string.Create(CultureInfo.InvariantCulture,
            $"Perf gate, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC: candidate {session.Candidate.Commit} against reference {session.Reference.Commit}, measured side by side on {MachineInfo.Current()}.\n" +
            $"Each workload runs in a reference worker and a candidate worker, iterations alternating (pairs AB, BA, ...); ratio = median over the pairs of candidate time / reference time; " +
            $"noise band = the larger of {gate.Floor:0%} and {gate.Z:0.#} standard errors of that median (from the pairs' spread). A workload beyond its band is measured again in " +
            $"{options.RecheckSetups} setups of {options.RecheckPairs} pairs, each in a fresh pair of workers (the setups as the samples), and fails only if it is beyond that band too.\n");
        var text = heading + "\n" + report.ToMarkdown();
        Directory.CreateDirectory(o.Results);
        File.WriteAllText(Path.Combine(o.Results, "gate.md"), text);
        SaveReport(Path.Combine(o.Results, "gate.json"), session, report);
        output.WriteLine();
        output.WriteLine(text);
        if (!report.Passed) output.WriteLine("REGRESSIONS:\n" + report.ToMarkdown(failuresOnly: true));
        output.WriteLine($"perf gate took {sw.Elapsed.TotalSeconds:F0} s");
        return report.Passed ? 0 : 1;
    }

    private static void SaveReport(string path, PairedSession session, PairedReport report)
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new
        {
            Date = DateTimeOffset.UtcNow, Candidate = session.Candidate.Commit, Reference = session.Reference.Commit, report.Passed,
            Rows = report.Rows,
        }, new System.Text.Json.JsonSerializerOptions
        {
            WriteIndented = true, PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
            Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower) },
        });
        File.WriteAllText(path, json + "\n");
    }

    private static string Heading(PerfRun baseline, PerfRun run)
    {
        var s = new System.Text.StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture,
            $"Perf gate: this run ({run.Commit}, {run.Date:yyyy-MM-dd HH:mm}, {run.Profile}) against baseline.json ({baseline.Commit}, {baseline.Date:yyyy-MM-dd HH:mm}, {baseline.Profile}); times divided by {baseline.Calibration} of the same run.");
        if (baseline.Profile != run.Profile)
            s.AppendLine($"warning: the baseline was measured with the {baseline.Profile} profile, this run with {run.Profile}.");
        if (baseline.Machine.Cores != run.Machine.Cores)
            s.AppendLine(CultureInfo.InvariantCulture, $"warning: {baseline.Machine.Cores} cores in the baseline, {run.Machine.Cores} here; ratios of multi-threaded workloads may differ.");
        return s.ToString();
    }

    /// <summary>
    /// The baseline from the given runs, else from the newest <c>--runs</c> (3) summaries in history/ of the latest
    /// run's commit and profile: several runs, so that the baseline knows how much each workload moves from run to run.
    /// </summary>
    private static int BaselineCommand(Options o, TextWriter output)
    {
        if (string.IsNullOrWhiteSpace(o.Reason))
            throw new Usage("baseline needs --reason TEXT: replacing the baseline is a deliberate act, and the reason goes into the commit");
        List<PerfRun> runs;
        if (o.From.Count > 0) runs = o.From.Select(PerfRun.Load).ToList();
        else
        {
            var latest = PerfRun.Load(o.LatestJson);
            runs = HistoryPlots.LoadHistory(o.History, output).Where(r => r.Commit == latest.Commit && r.Profile == latest.Profile)
                .OrderByDescending(r => r.Date).Take(o.Runs).ToList();
            if (runs.Count == 0) runs = [latest];
        }
        foreach (var r in runs.Where(r => r.Commit.EndsWith("+dirty", StringComparison.Ordinal)))
            output.WriteLine($"warning: the run of {r.Date:yyyy-MM-dd HH:mm} was measured on a tree with uncommitted changes ({r.Commit})");
        if (runs.Count < 2)
            output.WriteLine("warning: a baseline of one run knows nothing of run-to-run noise; 'run' twice more and redo this for steadier trend plots (CI's gate measures its own reference and does not use these figures)");
        var baseline = PerfRun.Combine(runs);
        baseline.Save(o.BaselineJson);
        output.WriteLine($"baseline.json is now {runs.Count} {baseline.Profile} run(s) of {string.Join(", ", runs.Select(r => r.Commit).Distinct())} ({baseline.Workloads.Count} workloads).");
        output.WriteLine($"commit it with the reason: git commit perf-results/baseline.json -m \"perf baseline: {o.Reason}\"");
        return 0;
    }

    private static int PlotCommand(Options o, TextWriter output)
    {
        var history = HistoryPlots.LoadHistory(o.History, output);
        if (history.Count == 0) throw new DirectoryNotFoundException($"no perf summaries in {o.History}: run 'run' first");
        var baseline = File.Exists(o.BaselineJson) ? PerfRun.Load(o.BaselineJson) : null;
        // Ratios of different profiles are not comparable: the plots follow the baseline's profile (the gate's).
        if (baseline is not null && history.Any(r => r.Profile == baseline.Profile))
            history = history.Where(r => r.Profile == baseline.Profile).ToList();
        var dir = Path.Combine(o.Results, "plots");
        int n = HistoryPlots.Write(history, baseline, dir, new Gate());
        output.WriteLine($"drew {n} trend plots from {history.Count} runs into {dir} (index: plots/README.md)");
        return 0;
    }
}
