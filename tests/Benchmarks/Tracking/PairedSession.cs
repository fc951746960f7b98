using System.Diagnostics;
using System.Globalization;

namespace PartialWave.Benchmarks.Tracking;

/// <summary>One side of a paired comparison: a built checkout with its benchmark program and its pwa.</summary>
public sealed record GateSide(string Label, string Root, string Commit, string BenchmarkDll, string PwaDll);

/// <summary>
/// A workload timed as a whole process: one launch of a side's <c>pwa</c> with these arguments, from start to exit
/// (what a user waits for). <paramref name="Arguments"/> gets the shared folder (../shared beside the repository).
/// </summary>
public sealed record ColdWorkload(string Name, Func<string, string[]> Arguments)
{
    /// <summary>
    /// The cold-process workloads of the time-to-first-result issue: parse the largest model, check a model at its
    /// reference points (parse, compile, evaluate), and the J/ψ reference fit (read 110k CSV rows, compile, MIGRAD,
    /// HESSE), each in a fresh process.
    /// </summary>
    public static IReadOnlyList<ColdWorkload> Standard { get; } =
    [
        new("ColdProcess.PwaInfo(Model=lc2pkpi_default_full)",
            shared => ["info", Path.Combine(shared, "reference-models", "lc2pkpi_default_full.srepr")]),
        new("ColdProcess.PwaCheck(Model=jpsi_gamma_pi0pi0_f0f2_canonical)",
            shared => ["check", Path.Combine(shared, "reference-models", "jpsi_gamma_pi0pi0_f0f2_canonical.srepr"),
                Path.Combine(shared, "reference-models", "jpsi_gamma_pi0pi0_f0f2_canonical.json"), "--backend", "cpu"]),
        new("ColdProcess.PwaFit(Fit=jpsi_gamma_pi0pi0)",
            shared => ["fit", Path.Combine(shared, "reference-fits", "jpsi_gamma_pi0pi0", "jpsi_gamma_pi0pi0.srepr"),
                "--fit", Path.Combine(shared, "reference-fits", "jpsi_gamma_pi0pi0", "fit.json"), "--quiet"]),
    ];
}

/// <summary>What the paired gate is asked to do (the <c>ci</c> command's options).</summary>
public sealed record PairedOptions
{
    /// <summary>The reference commit; null: baseline.json's commit, else the parent of HEAD.</summary>
    public string? Reference { get; init; }
    /// <summary>Where the reference is cloned and built; null: a temporary folder, removed afterwards. A folder that already holds a build of the same commit is reused.</summary>
    public string? ReferenceDir { get; init; }
    /// <summary>Rounds of the first measurement: each round one process per side, in the order AB, BA, AB, ...</summary>
    public int Rounds { get; init; } = 2;
    /// <summary>Rounds of the recheck of suspects, pooled with the first.</summary>
    public int RecheckRounds { get; init; } = 3;
    /// <summary>Launches per side of each cold-process workload, per measurement.</summary>
    public int ColdLaunches { get; init; } = 6;
    /// <summary>Shell patterns over workload names; empty: every workload of the gate.</summary>
    public IReadOnlyList<string> Filters { get; init; } = [];
    public bool Cold { get; init; } = true;
    /// <summary>The shared folder (reference models and fits).</summary>
    public required string Shared { get; init; }
    /// <summary>Longest a measuring process may run before it is killed.</summary>
    public TimeSpan ProcessTimeout { get; init; } = TimeSpan.FromMinutes(20);
}

/// <summary>Why the gate could not measure (no reference, a build that failed, a reference process that crashed).</summary>
public sealed class GateSetupException(string message) : Exception(message);

/// <summary>
/// The paired perf gate end to end: clone and build the reference commit, then measure reference and candidate in
/// alternating processes (the benchmark program's <c>measure</c> command, and the cold-process workloads through
/// each side's pwa), compare with <see cref="PairedGate"/>, and recheck the suspects the same way.
/// </summary>
public sealed class PairedSession(PairedOptions options, TextWriter log)
{
    /// <summary>The file a checkout must have for its benchmark program to speak this session's protocol.</summary>
    public const string ProtocolFile = "tests/Benchmarks/gate-protocol";
    public const string Protocol = "1";

    private readonly string _work = Directory.CreateTempSubdirectory("partialwave-gate-").FullName;
    private int _processes;

    public GateSide Candidate { get; private set; } = null!;
    public GateSide Reference { get; private set; } = null!;

    /// <summary>Prepares both sides (the candidate is the checkout this program was built in) and runs the gate.</summary>
    public PairedReport Run()
    {
        // Both sides' benchmark programs find the reference models here (the reference's clone has no ../shared beside it).
        Environment.SetEnvironmentVariable("PARTIALWAVE_SHARED", options.Shared);
        try
        {
            Candidate = CandidateSide();
            Reference = ReferenceSide();
            log.WriteLine($"perf gate: candidate {Candidate.Commit} ({Candidate.Root}) against reference {Reference.Commit} ({Reference.Root})");
            var filter = PerfRunner.Filter(options.Filters);
            var cold = options.Cold ? ColdWorkload.Standard.Where(c => filter(c.Name)).ToList() : [];
            var gate = new PairedGate();
            return gate.Check(names =>
            {
                bool recheck = names.Count > 0;
                var benchFilters = recheck ? names.Where(n => cold.All(c => c.Name != n)).ToList() : options.Filters.ToList();
                var coldNow = recheck ? cold.Where(c => names.Contains(c.Name)).ToList() : cold;
                int rounds = recheck ? options.RecheckRounds : options.Rounds;
                if (recheck) log.WriteLine($"perf gate: {names.Count} workload(s) beyond the band, measuring them again ({rounds} more rounds): {string.Join(", ", names)}");
                var a = new List<PerfRun>();
                var b = new List<PerfRun>();
                if (!recheck || benchFilters.Count > 0)
                    for (int r = 0; r < rounds; r++)
                    {
                        // AB, BA, AB, ...: a drift that runs through the session weighs on both sides alike.
                        var order = r % 2 == 0 ? new[] { Reference, Candidate } : [Candidate, Reference];
                        foreach (var side in order)
                            (side == Reference ? a : b).Add(Measure(side, benchFilters, $"{(recheck ? "recheck" : "first")} round {r + 1}/{rounds}"));
                    }
                if (coldNow.Count > 0)
                {
                    var (ca, cb) = MeasureCold(coldNow);
                    a.AddRange(ca);
                    b.AddRange(cb);
                }
                return (a, b);
            });
        }
        finally
        {
            try { Directory.Delete(_work, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            if (options.ReferenceDir is null && Reference is not null)
                try { Directory.Delete(Reference.Root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private GateSide CandidateSide()
    {
        string root = Repository.Root;
        string pwa = PwaDll(root);
        if (!File.Exists(pwa)) Build(root, "src/Cli/PartialWave.Cli.csproj", "candidate");
        return new GateSide("candidate", root, PerfRunner.Commit(), typeof(Program).Assembly.Location, pwa);
    }

    private static string PwaDll(string root) => Path.Combine(root, "src", "Cli", "bin", "Release", "net10.0", "pwa.dll");

    /// <summary>The reference commit, cloned from this repository into its own folder and built in Release.</summary>
    private GateSide ReferenceSide()
    {
        string root = Repository.Root;
        string commit = ResolveReference(root);
        string dir = options.ReferenceDir is { } d ? Path.GetFullPath(d) : Path.Combine(Path.GetTempPath(), $"partialwave-gate-reference-{Environment.ProcessId}");
        string marker = Path.Combine(dir, ".gate-built");
        string bench = Path.Combine(dir, "tests", "Benchmarks", "bin", "Release", "net10.0", "PartialWave.Benchmarks.dll");
        if (File.Exists(marker) && File.ReadAllText(marker).Trim() == commit && File.Exists(bench) && File.Exists(PwaDll(dir)))
        {
            log.WriteLine($"perf gate: reusing the reference build of {commit[..10]} in {dir}");
        }
        else
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
            var sw = Stopwatch.StartNew();
            Git(root, "clone", "--quiet", "--shared", "--no-checkout", root, dir);
            Git(dir, "checkout", "--quiet", "--detach", commit);
            var protocol = Path.Combine(dir, ProtocolFile);
            if (!File.Exists(protocol) || File.ReadLines(protocol).FirstOrDefault(l => !l.StartsWith('#'))?.Trim() != Protocol)
                throw new GateSetupException($"the reference {commit[..10]} predates this gate's protocol ({ProtocolFile} {Protocol} is missing there): " +
                    "pass --reference with a newer commit, or record a baseline at one (perf-results/README.md)");
            Build(dir, "tests/Benchmarks/PartialWave.Benchmarks.csproj", "reference");
            Build(dir, "src/Cli/PartialWave.Cli.csproj", "reference");
            File.WriteAllText(marker, commit + "\n");
            log.WriteLine($"perf gate: built the reference {commit[..10]} in {sw.Elapsed.TotalSeconds:F0} s");
        }
        return new GateSide("reference", dir, commit[..10], bench, PwaDll(dir));
    }

    /// <summary>--reference (or PARTIALWAVE_GATE_REFERENCE), else the commit baseline.json was recorded at, else HEAD's parent.</summary>
    private string ResolveReference(string root)
    {
        string? wanted = options.Reference;
        string source = "--reference";
        if (wanted is null && Environment.GetEnvironmentVariable("PARTIALWAVE_GATE_REFERENCE") is { Length: > 0 } env)
            (wanted, source) = (env, "PARTIALWAVE_GATE_REFERENCE");
        if (wanted is null)
        {
            var baseline = Path.Combine(Repository.PerfResults, "baseline.json");
            if (File.Exists(baseline))
            {
                var recorded = PerfRun.Load(baseline).Commit;
                if (recorded.EndsWith("+dirty", StringComparison.Ordinal))
                    log.WriteLine($"warning: baseline.json was recorded on a tree with uncommitted changes ({recorded}); its commit is the reference");
                wanted = recorded.Replace("+dirty", "", StringComparison.Ordinal);
                source = "baseline.json";
            }
        }
        if (wanted is not null && TryGit(root, out var sha, "rev-parse", "--verify", "--quiet", wanted + "^{commit}"))
        {
            log.WriteLine($"perf gate: the reference is {sha[..10]} ({source})");
            return sha;
        }
        if (wanted is not null && source != "baseline.json")
            throw new GateSetupException($"{source} names '{wanted}', which is not a commit of this repository");
        if (TryGit(root, out var parent, "rev-parse", "--verify", "--quiet", "HEAD~1^{commit}"))
        {
            log.WriteLine(wanted is null
                ? $"warning: no baseline.json: the reference is HEAD's parent {parent[..10]}"
                : $"warning: baseline.json's commit {wanted} is not in this clone: the reference is HEAD's parent {parent[..10]}");
            return parent;
        }
        throw new GateSetupException("no reference commit: baseline.json's commit is not in this clone and HEAD has no parent (a shallow clone?)");
    }

    private void Build(string root, string project, string label)
    {
        log.WriteLine($"perf gate: building {label} {project} (Release)");
        var (code, output) = RunProcess("dotnet", ["build", Path.Combine(root, project), "-c", "Release", "--nologo", "-v:q", "--disable-build-servers"], root,
            TimeSpan.FromMinutes(20));
        if (code != 0)
            throw new GateSetupException($"the {label} build of {project} failed (exit {code}):\n{Tail(output, 40)}");
    }

    /// <summary>One process of a side's benchmark program measuring the selected workloads.</summary>
    private PerfRun Measure(GateSide side, IReadOnlyList<string> filters, string what)
    {
        var file = Path.Combine(_work, $"{++_processes:000}-{side.Label}.json");
        var args = new List<string> { side.BenchmarkDll, "measure", "--out", file };
        foreach (var pattern in filters) { args.Add("--filter"); args.Add(pattern); }
        var sw = Stopwatch.StartNew();
        var (code, output) = RunProcess("dotnet", args, side.Root, options.ProcessTimeout);
        File.WriteAllText(Path.ChangeExtension(file, ".log"), output);
        if (code != 0 || !File.Exists(file))
        {
            var message = $"the {side.Label}'s measuring process ({what}) {(code == 124 ? "timed out" : $"exited with {code}")}:\n{Tail(output, 30)}";
            if (side == Reference) throw new GateSetupException(message);
            // The candidate's program failed as a whole: every workload it would have measured fails.
            log.WriteLine(message);
            return new PerfRun
            {
                Profile = "gate", Commit = side.Commit, Date = DateTimeOffset.UtcNow, Machine = MachineInfo.Current(), Calibration = "",
                Workloads = [], Failed = [PairedGate.AllFailed],
            };
        }
        var run = PerfRun.Load(file);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what}: {side.Label} measured {run.Workloads.Count} workloads in {sw.Elapsed.TotalSeconds:F0} s{(run.Failed is { Count: > 0 } f ? $", {f.Count} failed: {string.Join(", ", f)}" : "")}"));
        return run;
    }

    /// <summary>
    /// Each cold workload launched <see cref="PairedOptions.ColdLaunches"/> times per side, alternating ABBA ABBA ...;
    /// every launch becomes a single-measurement run, so that the gate sees launches as it sees processes.
    /// </summary>
    private (List<PerfRun> Reference, List<PerfRun> Candidate) MeasureCold(IReadOnlyList<ColdWorkload> workloads)
    {
        var a = new List<PerfRun>();
        var b = new List<PerfRun>();
        var sw = Stopwatch.StartNew();
        foreach (var w in workloads)
        {
            var args = w.Arguments(options.Shared);
            for (int i = 0; i < 2 * options.ColdLaunches; i++)
            {
                var side = i % 4 is 0 or 3 ? Reference : Candidate;
                var t = Stopwatch.StartNew();
                var (code, output) = RunProcess("dotnet", [side.PwaDll, .. args], _work, TimeSpan.FromMinutes(5));
                double ns = t.Elapsed.TotalMilliseconds * 1e6;
                bool ok = code == 0;
                if (!ok)
                {
                    var message = $"{w.Name}: the {side.Label}'s pwa exited with {code}:\n{Tail(output, 15)}";
                    if (side == Reference) throw new GateSetupException(message);
                    log.WriteLine(message);
                }
                var run = new PerfRun
                {
                    Profile = "cold", Commit = side.Commit, Date = DateTimeOffset.UtcNow, Machine = MachineInfo.Current(), Calibration = "",
                    Workloads = ok ? [new WorkloadResult { Name = w.Name, MedianNs = ns, Q1Ns = ns, Q3Ns = ns, MinNs = ns, MaxNs = ns, N = 1, PerOperation = 1, Unit = "processes" }] : [],
                    Failed = ok ? null : [w.Name],
                };
                (side == Reference ? a : b).Add(run);
            }
        }
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  cold processes: {workloads.Count} workload(s), {options.ColdLaunches} launches per side each, in {sw.Elapsed.TotalSeconds:F0} s"));
        return (a, b);
    }

    private static void Git(string dir, params string[] args)
    {
        var (code, output) = RunProcess("git", args, dir, TimeSpan.FromMinutes(5));
        if (code != 0) throw new GateSetupException($"git {string.Join(' ', args)} failed (exit {code}): {Tail(output, 10)}");
    }

    private static bool TryGit(string dir, out string output, params string[] args)
    {
        (int code, output) = RunProcess("git", args, dir, TimeSpan.FromMinutes(1));
        output = output.Trim();
        return code == 0 && output.Length > 0;
    }

    /// <summary>Runs a process to its end (or kills its whole tree at the timeout: exit 124); stdout and stderr together.</summary>
    private static (int Code, string Output) RunProcess(string file, IEnumerable<string> args, string workingDirectory, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var output = new System.Text.StringBuilder();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(timeout))
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            p.WaitForExit();
            return (124, output.ToString());
        }
        p.WaitForExit();
        lock (output) return (p.ExitCode, output.ToString());
    }

    private static string Tail(string text, int lines) =>
        string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));
}
