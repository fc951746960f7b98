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
    /// <summary>Measured pairs of iterations per workload (fewer for workloads whose single call is long, see <see cref="WorkloadSeconds"/>).</summary>
    public int Pairs { get; init; } = 12;
    /// <summary>The fewest pairs any workload gets.</summary>
    public int MinPairs { get; init; } = 5;
    /// <summary>Roughly how long one iteration runs (its invocation count is chosen to fill it).</summary>
    public TimeSpan IterationTime { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>Warm-up pairs before the measured ones (tiered JIT, caches).</summary>
    public int WarmupPairs { get; init; } = 3;
    /// <summary>The measuring time one workload may take on both sides together, when its single call is long.</summary>
    public double WorkloadSeconds { get; init; } = 8;
    /// <summary>Pairs of launches of each cold-process workload.</summary>
    public int ColdPairs { get; init; } = 6;
    /// <summary>
    /// Fresh setups per side in the second measurement of a suspect, each in a fresh pair of workers: a setup places
    /// the workload's memory anew and a process brings its own state (some kernels run at two speeds depending on where
    /// their columns land), so one setup per side can differ by 30 % with the same code. The setups are the samples.
    /// </summary>
    public int RecheckSetups { get; init; } = 4;
    /// <summary>Measured pairs per setup in the second measurement.</summary>
    public int RecheckPairs { get; init; } = 6;
    /// <summary>Shell patterns over workload names; empty: every workload of the gate.</summary>
    public IReadOnlyList<string> Filters { get; init; } = [];
    public bool Cold { get; init; } = true;
    /// <summary>The shared folder (reference models and fits).</summary>
    public required string Shared { get; init; }
    /// <summary>Longest one command to a worker (a setup, an iteration) may take before the worker is killed.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>Why the gate could not measure (no reference, a build that failed, a reference process that crashed).</summary>
public sealed class GateSetupException(string message) : Exception(message);

/// <summary>
/// The paired perf gate end to end: clone and build the reference commit, then measure reference and candidate side by
/// side (a <see cref="WorkerProcess"/> per side, iterations alternating, and the cold-process workloads through each
/// side's pwa), decide with <see cref="Gate"/>, and measure the suspects again in fresh workers.
/// </summary>
public sealed class PairedSession(PairedOptions options, TextWriter log)
{
    /// <summary>The file a checkout must have for its benchmark program to speak this session's protocol.</summary>
    public const string ProtocolFile = "tests/Benchmarks/gate-protocol";
    public const string Protocol = "1";

    private readonly string _work = Directory.CreateTempSubdirectory("partialwave-gate-").FullName;

    /// <summary>What the session was asked to do.</summary>
    public PairedOptions Options => options;
    /// <summary>The decision rule (its floor and the standard errors a slowdown must exceed).</summary>
    public PairedGate Gate { get; } = new();
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
            return Gate.Check(names =>
            {
                bool again = names.Count > 0;
                if (again) log.WriteLine($"perf gate: {names.Count} workload(s) beyond the band, measuring them again in fresh processes: {string.Join(", ", names)}");
                var select = again ? (Func<string, bool>)names.Contains : filter;
                var samples = MeasureWorkloads(select, again);
                var coldNow = cold.Where(c => select(c.Name)).ToList();
                if (coldNow.Count > 0) samples.AddRange(MeasureCold(coldNow));
                return samples;
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

    /// <summary>
    /// Every selected workload, one after another, by <see cref="PairedMeasurement.Measure"/> in fresh workers (one
    /// per side): one setup of <see cref="PairedOptions.Pairs"/> pairs the first time; the second time
    /// <see cref="PairedOptions.RecheckSetups"/> setups of <see cref="PairedOptions.RecheckPairs"/> pairs, each round of
    /// setups in a new pair of workers.
    /// </summary>
    private List<PairedSample> MeasureWorkloads(Func<string, bool> select, bool again)
    {
        string what = again ? "second" : "first";
        var sw = Stopwatch.StartNew();
        // The first measurement: one pair of workers, one setup per workload. The second: each of its setups in a
        // fresh pair of workers, because some of what makes a side slow belongs to the process (an A/A run read the
        // accept-reject 1.26 in four setups of one pair of workers), not to a setup.
        int rounds = again ? options.RecheckSetups : 1;
        var pairs = new Dictionary<string, List<(double, double)>>(StringComparer.Ordinal);
        var sizes = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var done = new Dictionary<string, PairedSample>(StringComparer.Ordinal);
        var names = new List<string>();
        for (int round = 0; round < rounds; round++)
        {
            using var a = new WorkerProcess(Reference, options.CommandTimeout);
            using var b = new WorkerProcess(Candidate, options.CommandTimeout);
            var inA = a.List();
            var inB = b.List();
            if (round == 0) names = inA.Union(inB).Where(select).Order(StringComparer.Ordinal).ToList();
            foreach (var name in names)
            {
                if (done.ContainsKey(name)) continue;
                if (!inB.Contains(name)) { done[name] = new PairedSample(name, []) { OnlyReference = true }; continue; }
                if (!inA.Contains(name)) { done[name] = new PairedSample(name, []) { OnlyCandidate = true }; continue; }
                var one = PairedMeasurement.Measure(name, a, b, options, again ? options.RecheckPairs : options.Pairs);
                if (one.ReferenceError is not null || one.CandidateError is not null) { done[name] = one; continue; }
                (pairs.TryGetValue(name, out var p) ? p : pairs[name] = []).AddRange(one.Pairs);
                (sizes.TryGetValue(name, out var z) ? z : sizes[name] = []).Add(one.Pairs.Count);
            }
        }
        var samples = new List<PairedSample>();
        int k = 0;
        foreach (var name in names)
        {
            var sample = done.TryGetValue(name, out var d) ? d
                : new PairedSample(name, pairs[name]) { SetupSizes = again ? sizes[name] : null };
            samples.Add(sample);
            var row = Gate.Row(sample);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  [{++k}/{names.Count}] {name}: {(sample.ReferenceError ?? sample.CandidateError) ?? (sample.OnlyCandidate ? "new" : sample.OnlyReference ? "removed" : $"ratio {row.Ratio:0.000} ±{row.Band:0.0%}, {row.Pairs} pairs{(again ? $" in {rounds} fresh pairs of workers" : "")}")}"));
        }
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"perf gate: {what} measurement of {names.Count} workloads took {sw.Elapsed.TotalSeconds:F0} s"));
        return samples;
    }

    /// <summary>
    /// Each cold workload launched <see cref="PairedOptions.ColdPairs"/> times per side, as pairs AB, BA, AB, ...;
    /// a launch's time is from process start to exit.
    /// </summary>
    private IEnumerable<PairedSample> MeasureCold(IReadOnlyList<ColdWorkload> workloads)
    {
        var samples = new List<PairedSample>();
        var sw = Stopwatch.StartNew();
        foreach (var w in workloads)
        {
            var args = w.Arguments(options.Shared);
            var pairs = new List<(double, double)>();
            string? referenceError = null, candidateError = null;
            double Launch(GateSide side)
            {
                var t = Stopwatch.StartNew();
                var (code, output) = RunProcess("dotnet", [side.PwaDll, .. args], _work, TimeSpan.FromMinutes(5));
                double ns = t.Elapsed.TotalMilliseconds * 1e6;
                if (code == 0) return ns;
                var message = $"pwa exited with {code}: {Tail(output, 3).ReplaceLineEndings(" ")}";
                if (side == Reference) referenceError = message; else candidateError = message;
                return double.NaN;
            }
            for (int i = 0; i < options.ColdPairs && referenceError is null && candidateError is null; i++)
            {
                double ta, tb;
                if (i % 2 == 0) { ta = Launch(Reference); tb = Launch(Candidate); }
                else { tb = Launch(Candidate); ta = Launch(Reference); }
                if (!double.IsNaN(ta) && !double.IsNaN(tb)) pairs.Add((ta, tb));
            }
            var sample = new PairedSample(w.Name, pairs) { ReferenceError = referenceError, CandidateError = candidateError };
            samples.Add(sample);
            var row = Gate.Row(sample);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {w.Name}: {(referenceError ?? candidateError) ?? $"ratio {row.Ratio:0.000} ±{row.Band:0.0%}, {row.Pairs} pairs of launches"}"));
        }
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"perf gate: {workloads.Count} cold-process workload(s) took {sw.Elapsed.TotalSeconds:F0} s"));
        return samples;
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

    internal static string Tail(string text, int lines) =>
        string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));
}

/// <summary>One side's benchmark runner as the gate drives it: a <see cref="GateWorker"/> in this process or in another (<see cref="WorkerProcess"/>).</summary>
public interface IGateWorker
{
    /// <summary>The workload names it has.</summary>
    HashSet<string> List();
    /// <summary>Sets a workload up; true when it has an [IterationSetup] (one invocation per iteration).</summary>
    bool Setup(string name);
    /// <summary>One iteration of <paramref name="invocations"/> calls: nanoseconds per call.</summary>
    double Run(long invocations);
    /// <summary>[GlobalCleanup], where possible; never throws.</summary>
    void TryCleanup();
}

/// <summary>How one workload is measured on both sides.</summary>
public static class PairedMeasurement
{
    /// <summary>
    /// One setup of one workload on both sides: both set it up (reference first); the invocation count is chosen from
    /// the reference's timed call to fill <see cref="PairedOptions.IterationTime"/> (one when it has an
    /// [IterationSetup]); then warm-up pairs and <paramref name="pairs"/> measured pairs (default
    /// <see cref="PairedOptions.Pairs"/>) alternate AB, BA, AB, ... so that each pair's two iterations run next to each
    /// other in time. Long calls get fewer pairs (<see cref="PairedOptions.WorkloadSeconds"/>, at least
    /// <see cref="PairedOptions.MinPairs"/>).
    /// </summary>
    public static PairedSample Measure(string name, IGateWorker a, IGateWorker b, PairedOptions options, int? pairs = null)
    {
        int pairsWanted = pairs ?? options.Pairs;
        var sample = new PairedSample(name, []);
        bool iterationSetup = false;
        bool referenceSide = true;
        var measuredPairs = new List<(double, double)>();
        try
        {
            // Set up, then the first call of each side (JIT, first touches); the reference's second call sizes the iterations.
            iterationSetup = a.Setup(name);
            referenceSide = false;
            b.Setup(name);
            referenceSide = true;
            a.Run(1);
            referenceSide = false;
            b.Run(1);
            referenceSide = true;
            double once = a.Run(1);
            long invocations = iterationSetup ? 1 : Math.Max(1, (long)(options.IterationTime.TotalMilliseconds * 1e6 / Math.Max(once, 1)));
            double pairSeconds = 2 * invocations * once * 1e-9;
            int measured = Math.Clamp((int)(options.WorkloadSeconds / Math.Max(pairSeconds, 1e-3)), Math.Min(options.MinPairs, pairsWanted), pairsWanted);
            int warmup = pairSeconds > 1 ? 1 : options.WarmupPairs;
            for (int i = 0; i < warmup + measured; i++)
            {
                double ta, tb;
                if (i % 2 == 0)
                {
                    referenceSide = true; ta = a.Run(invocations);
                    referenceSide = false; tb = b.Run(invocations);
                }
                else
                {
                    referenceSide = false; tb = b.Run(invocations);
                    referenceSide = true; ta = a.Run(invocations);
                }
                if (i >= warmup) measuredPairs.Add((ta, tb));
            }
        }
        catch (Exception e)
        {
            // Whatever a benchmark throws (or a worker process's death) is that side's failure, not the gate's.
            var message = Message(e);
            return referenceSide ? sample with { ReferenceError = message } : sample with { CandidateError = message };
        }
        finally
        {
            a.TryCleanup();
            b.TryCleanup();
        }
        return sample with { Pairs = measuredPairs };
    }

    private static string Message(Exception e) =>
        e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? $"{inner.GetType().Name}: {inner.Message}" : e.Message;

}

/// <summary>A worker that answered with an error, or died, or did not answer in time.</summary>
public sealed class WorkerException(string message) : Exception(message);

/// <summary>
/// A side's <see cref="GateWorker"/> in its own process (<c>dotnet PartialWave.Benchmarks.dll serve</c> in the side's
/// checkout), driven line by line. A worker that dies is started again at the next setup; one that does not answer
/// within the timeout is killed, with its whole process tree.
/// </summary>
public sealed class WorkerProcess(GateSide side, TimeSpan timeout) : IGateWorker, IDisposable
{
    private Process? _process;
    private readonly System.Text.StringBuilder _stderr = new();
    private readonly List<int> _started = [];

    /// <summary>The running worker's process id; null when none runs.</summary>
    public int? ProcessId => _process?.Id;
    /// <summary>Every process this worker started (one, unless a worker died and was started again).</summary>
    public IReadOnlyList<int> Started => _started;

    /// <summary>The workload names the side's program has.</summary>
    public HashSet<string> List()
    {
        Send("list");
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (Receive() is var line && line != "end") names.Add(line);
        return names;
    }

    /// <summary>Sets a workload up (starting the worker again if it died); true when it has an [IterationSetup].</summary>
    public bool Setup(string name)
    {
        if (_process is { HasExited: true }) Stop();
        return Answer($"setup {name}", "ok ") == "1";
    }

    /// <summary>One iteration of <paramref name="invocations"/> calls: nanoseconds per call.</summary>
    public double Run(long invocations) =>
        double.Parse(Answer(string.Create(CultureInfo.InvariantCulture, $"run {invocations}"), "time "), CultureInfo.InvariantCulture);

    /// <summary>[GlobalCleanup], if the worker is still there to run it.</summary>
    public void TryCleanup()
    {
        if (_process is null || _process.HasExited) return;
        try { Answer("cleanup", "ok"); } catch (WorkerException) { }
    }

    private string Answer(string command, string prefix)
    {
        Send(command);
        var line = Receive();
        if (line.StartsWith("error ", StringComparison.Ordinal)) throw new WorkerException(line[6..]);
        if (!line.StartsWith(prefix, StringComparison.Ordinal)) throw new WorkerException($"unexpected answer to '{command}': {line}");
        return line[prefix.Length..];
    }

    private void Send(string command)
    {
        Start();
        try
        {
            _process!.StandardInput.WriteLine(command);
            _process.StandardInput.Flush();
        }
        catch (IOException e) { throw Died($"could not send '{command}': {e.Message}"); }
    }

    private string Receive()
    {
        var read = _process!.StandardOutput.ReadLineAsync();
        if (!read.Wait(timeout))
        {
            Stop();
            throw new WorkerException($"the {side.Label}'s worker did not answer within {timeout.TotalSeconds:F0} s (killed)");
        }
        return read.Result ?? throw Died("it exited");
    }

    private WorkerException Died(string what)
    {
        _process!.WaitForExit(5000);
        string code = _process.HasExited ? $" (exit {_process.ExitCode})" : "";
        string stderr;
        lock (_stderr) stderr = PairedSession.Tail(_stderr.ToString(), 3).ReplaceLineEndings(" ");
        Stop();
        return new WorkerException($"the {side.Label}'s worker died{code}: {what}; {stderr}");
    }

    private void Start()
    {
        if (_process is not null) return;
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = side.Root, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add(side.BenchmarkDll);
        psi.ArgumentList.Add("serve");
        // Nothing of a side may run while the other side's iteration is timed: no background recompilation (code is
        // fully optimised when first compiled, so the second call already runs final code) and no background garbage
        // collection. Both sides alike; the cold-process workloads keep the runtime's defaults.
        psi.Environment["DOTNET_TieredCompilation"] = "0";
        psi.Environment["DOTNET_gcConcurrent"] = "0";
        lock (_stderr) _stderr.Clear();
        _process = new Process { StartInfo = psi };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.Start();
        _started.Add(_process.Id);
        _process.BeginErrorReadLine();
        var ready = Receive();
        if (ready != "ready " + PairedSession.Protocol)
        {
            Stop();
            throw new WorkerException($"the {side.Label}'s worker does not speak protocol {PairedSession.Protocol}: '{ready}'");
        }
    }

    private void Stop()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10000);
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        _process = null;
    }

    /// <summary>Asks the worker to quit, and kills it if it has not within ten seconds.</summary>
    public void Dispose()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine("quit");
                _process.StandardInput.Flush();
                _process.WaitForExit(10000);
            }
        }
        catch (IOException) { }
        Stop();
    }
}
