using System.CommandLine;
using System.Globalization;
using System.Numerics;
using PartialWave.Compilation;
using PartialWave.Data;
using PartialWave.Kinematics;
using PartialWave.Parsing;
using PartialWave.Randomness;
using PartialWave.Simulation;
using PartialWave.Symbolic;
using PartialWave.Modeling;

namespace PartialWave.Cli;

/// <summary>
/// <c>pwa simulate MODEL --decay "M -> m0 m1 m2" --events N [--params P.json] [--seed S] --out FILE</c> and
/// <c>pwa phsp --decay ... --events N [--seed S] --out FILE</c>: events drawn from a model by accept-reject over flat
/// phase space, or flat phase space itself. The same seed gives the same bytes on any number of cores.
/// </summary>
internal static class SimulateCommand
{
    // Streams of one seed: phase-space candidates, acceptance numbers.
    private const uint CandidateStream = 0, AcceptanceStream = 1;

    /// <summary>A decay written "M -> m0 m1 m2" (masses in GeV).</summary>
    internal sealed record Decay(double Parent, double[] Masses);

    internal static bool TryParseDecay(string text, out Decay decay, out string error)
    {
        decay = new Decay(0, []);
        error = "";
        var parts = text.Split("->", StringSplitOptions.TrimEntries);
        if (parts.Length != 2) { error = $"expected \"M -> m0 m1 ...\" (masses in GeV), got \"{text}\""; return false; }
        if (!double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var parent) || !(parent > 0))
        {
            error = $"the parent mass \"{parts[0]}\" is not a positive number";
            return false;
        }
        var masses = new List<double>();
        foreach (var m in parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(m, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !(v >= 0))
            {
                error = $"the final-state mass \"{m}\" is not a number ≥ 0";
                return false;
            }
            masses.Add(v);
        }
        if (masses.Count < 2) { error = "a decay needs at least two final-state particles"; return false; }
        if (masses.Sum() >= parent) { error = $"the final-state masses add up to {masses.Sum():G6} GeV, not below the parent's {parent:G6} GeV: no phase space"; return false; }
        decay = new Decay(parent, masses.ToArray());
        return true;
    }

    private static (Option<string> Decay, Option<long> Events, Option<ulong> Seed, Option<FileInfo> Out, Option<bool> Quiet) Common()
    {
        var decay = new Option<string>("--decay") { Description = "The decay, masses in GeV: \"M -> m0 m1 m2\" (e.g. \"3.0969 -> 0 0.1349768 0.1349768\"). Final-state particles are numbered from 0 in this order.", Required = true };
        var events = new Option<long>("--events") { Description = $"Number of events to write (1 to {int.MaxValue:N0}, and what fits in memory).", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the counter-based generator (default 1): the output depends on it alone.", DefaultValueFactory = _ => 1 };
        var output = new Option<FileInfo>("--out") { Description = "Output file: .csv, .npy (one column), .npz or .parquet.", Required = true };
        var quiet = new Option<bool>("--quiet") { Description = "No live progress line on a terminal." };
        return (decay, events, seed, output, quiet);
    }

    public static Command CreatePhsp(CommandIo io)
    {
        var (decay, events, seed, output, _) = Common();
        var variables = new Option<string?>("--variables") { Description = "Also write these kinematic variables (AmpForm's names, comma-separated, e.g. m_12,theta_0,phi_0): a normalisation sample for `pwa fit`." };
        var cmd = new Command("phsp",
            "Write a flat phase-space sample: four-momenta p{i}_E, p{i}_px, p{i}_py, p{i}_pz of each final-state particle in the " +
            "parent's rest frame and the invariant masses squared m2_{ij} of each pair.\n\n" +
            "Example:\n  pwa phsp --decay \"3.0969 -> 0 0.1349768 0.1349768\" --events 100000 --seed 7 --out phsp.parquet\n" +
            "  pwa phsp --decay \"3.0969 -> 0 0.1349768 0.1349768\" --events 100000 --variables m_12,theta_0,phi_0 --out phsp.csv")
        { decay, events, seed, output, variables };
        cmd.SetAction(r => RunPhsp(io, r.GetValue(decay)!, r.GetValue(events), r.GetValue(seed), r.GetValue(output)!.FullName, r.GetValue(variables)));
        return cmd;
    }

    public static Command CreateSimulate(CommandIo io)
    {
        var (decay, events, seed, output, quiet) = Common();
        var model = new Argument<FileInfo>("MODEL") { Description = "Intensity model (.srepr, .expr or .amp; an .amp model supplies its parameter defaults): real and not negative. Its kinematic symbols use AmpForm's names (m_12, theta_0, phi_0, theta_1^12, ...)." };
        var parameters = new Option<FileInfo?>("--params") { Description = "JSON object: parameter name -> number or [re, im]. Masses m_0, m_1, ... of the final state default to the --decay masses." };
        var backend = new BackendChoice("cpu (SIMD kernels, a worker per core, default) or gpu (ILGPU kernels on large batches, see --device); the events are the same either way up to the last bits of the intensity.");
        var cmd = new Command("simulate",
            "Draw events from a model by accept-reject over flat phase space (one global maximum, checked: an event above it restarts " +
            "the run with a larger one) and write the kinematic variables the model reads.\n\n" +
            "Example:\n  pwa simulate jpsi.srepr --decay \"3.0969 -> 0 0.1349768 0.1349768\" --events 10000 --params params.json --out data.csv")
        { model, decay, events, seed, output, parameters, quiet };
        foreach (var option in backend.All) cmd.Options.Add(option);
        cmd.SetAction(r => RunSimulate(io, r.GetValue(model)!.FullName, r.GetValue(decay)!, r.GetValue(events), r.GetValue(seed),
            r.GetValue(output)!.FullName, r.GetValue(parameters)?.FullName, backend.Get(r), r.GetValue(quiet)));
        return cmd;
    }

    private static bool CheckCommon(CommandIo io, string name, string decayText, long events, string outPath, IEnumerable<string?> inputs, out Decay decay, out int exit)
    {
        exit = 0;
        if (!TryParseDecay(decayText, out decay, out var error)) { exit = io.Fail(name, $"--decay: {error}"); return false; }
        if (events is < 1 or > int.MaxValue)
        {
            exit = io.Fail(name, $"--events must be between 1 and {int.MaxValue:N0}, got {events:N0}; for more, write several files with different --seed");
            return false;
        }
        if (EventFiles.FormatOf(outPath) is null)
        {
            exit = io.Fail(outPath, $"unknown output format: use one of {string.Join(", ", EventFiles.Extensions.Keys)}");
            return false;
        }
        return io.CheckOutput(outPath, inputs, [.. EventFiles.Extensions.Keys], out exit);
    }

    /// <summary>
    /// Refuses a sample that cannot fit in this process's memory (the machine's, or DOTNET_GCHeapHardLimit), saying how
    /// much it needs, instead of running until an allocation fails.
    /// </summary>
    private static bool CheckMemory(CommandIo io, string name, long events, int columns, out int exit)
    {
        exit = 0;
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        double needed = (double)events * columns * sizeof(double);
        if (needed <= 0.8 * available) return true;
        exit = io.Fail(name, $"{events:N0} events need about {needed / (1L << 30):F1} GiB in memory ({columns} columns of 8 bytes) and this process may use " +
            $"{available / (double)(1L << 30):F1} GiB: ask for fewer events, or write several files with different --seed (the readers take them in chunks)");
        return false;
    }

    private static int Write(CommandIo io, EventSample sample, string path)
    {
        try
        {
            EventFiles.Write(sample, path);
            return 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return io.Fail(path, $"cannot write the output file: {ex.Message}");
        }
    }

    private static int RunPhsp(CommandIo io, string decayText, long events, ulong seed, string outPath, string? variables)
    {
        if (!CheckCommon(io, "pwa phsp", decayText, events, outPath, [], out var decay, out var exit)) return exit;
        var names = (variables ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var v in names)
            if (!KinematicVariables.IsKnown(v, decay.Masses.Length, out var reason))
                return io.Fail("pwa phsp", $"--variables: '{v}' is not a kinematic variable of a {decay.Masses.Length}-body decay ({reason})");
        int m = decay.Masses.Length;
        // Momenta, their copy in the sample with the pair masses, and the extra variables.
        if (!CheckMemory(io, "pwa phsp", events, 4 * m + 4 * m + m * (m - 1) / 2 + names.Length, out exit)) return exit;
        var momenta = PhaseSpace.GenerateFlat(decay.Parent, decay.Masses, (int)events, new RandomStream(seed, CandidateStream));
        var sample = momenta.ToEventSample();
        if (names.Length > 0)
        {
            var extra = KinematicVariables.Compute(names, momenta);
            sample = new EventSample(sample.ColumnNames.Select(c => new KeyValuePair<string, double[]>(c, sample[c].ToArray()))
                .Concat(names.Select(v => new KeyValuePair<string, double[]>(v, extra[v].ToArray()))).ToList());
        }
        if ((exit = Write(io, sample, outPath)) != 0) return exit;
        io.Out.WriteLine($"{events} flat phase-space events of {decayText} (seed {seed}) -> {outPath}");
        return 0;
    }

    private static int RunSimulate(CommandIo io, string modelPath, string decayText, long events, ulong seed, string outPath, string? paramsPath,
        BackendChoice.Selection choice, bool quiet)
    {
        const string name = "pwa simulate";
        if (!CheckCommon(io, name, decayText, events, outPath, [modelPath, paramsPath], out var decay, out var exit)) return exit;
        var parsed = ModelFile.Load(modelPath);
        if (!parsed.Success) return io.Fail(parsed.Diagnostics);
        var model = parsed.Value!;
        var parameters = new Dictionary<string, Complex>();
        string paramsText = "";
        bool reference = false;
        if (paramsPath is not null && !EvalCommand.TryReadParameters(io, paramsPath, out parameters, out _, out paramsText, out reference, out exit)) return exit;
        var symbols = model.FreeSymbolNames().ToHashSet(StringComparer.Ordinal);
        if (reference) parameters = parameters.Where(p => symbols.Contains(p.Key)).ToDictionary();
        var unknown = parameters.Keys.Where(k => !symbols.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            var (line, col) = CommandIo.FindJsonKey(paramsText, unknown[0]);
            return io.Fail(paramsPath!, line, col, DiagnosticCodes.UnknownSymbol, $"unknown symbol(s), not in the model: {string.Join(", ", unknown.Select(u => $"'{u}'"))}");
        }
        EvalCommand.WithAmpDefaults(modelPath, parameters, symbols);
        int n = decay.Masses.Length;
        // Final-state masses m_i default to the decay's (AmpForm writes them as symbols of the model).
        for (int i = 0; i < n; i++)
            if (symbols.Contains($"m_{i}") && !parameters.ContainsKey($"m_{i}")) parameters[$"m_{i}"] = decay.Masses[i];
        var kinematic = symbols.Where(s => !parameters.ContainsKey(s) && KinematicVariables.IsKnown(s, n, out _)).OrderBy(s => s, StringComparer.Ordinal).ToList();
        var missing = symbols.Where(s => !parameters.ContainsKey(s) && !kinematic.Contains(s)).ToList();
        if (missing.Count > 0)
            return io.Fail(paramsPath ?? modelPath, $"no value for the model's symbol(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}: " +
                "give them in --params (kinematic symbols must use AmpForm's names, e.g. m_12, theta_0, phi_0)");

        // CPU: one single-threaded copy per core. GPU: one function and large batches, whose candidates are generated on
        // all cores. Each candidate is evaluated once, so nothing is hoisted.
        bool gpu = choice.Backend == Backend.Gpu;
        if (choice.Backend == Backend.Reference) return io.Fail(name, "--backend reference is too slow to simulate with: use cpu or gpu");
        if (!BackendChoice.TryOpen(io, name, choice.Backend, choice.Device, out exit)) return exit;
        var options = choice.Options with { Hoisting = false, MaxThreads = gpu ? Environment.ProcessorCount : 1 };
        // The accepted events' columns, twice while they are gathered, plus the weight column.
        if (kinematic.Count == 0)
            return io.Fail(name, "the model reads no kinematic variable (its intensity does not depend on the event), so there is nothing to draw from it: "
                + "for flat phase space use pwa phsp --variables");
        if (!CheckMemory(io, name, events, 2 * kinematic.Count + 1, out exit)) return exit;
        IParametrizedFunction Compile() => Lambdify.Compile(model, kinematic, [], parameters, options);
        IParametrizedFunction f;
        try { f = Compile(); }
        catch (UnsupportedExpressionException ex) { return io.Fail(modelPath, $"the {choice.Backend.ToString().ToLowerInvariant()} backend cannot compile the model: {ex.Message}"); }
        if (f.IsComplexValued)
        {
            f.Dispose();
            return io.Fail(modelPath, "the model is complex-valued: accept-reject needs a real intensity (an |amplitude|² sum)");
        }
        bool first = true;

        var candidates = new RandomStream(seed, CandidateStream);
        var acceptance = new RandomStream(seed, AcceptanceStream);
        CandidateBatch batch = (firstEvent, count) =>
        {
            var momenta = PhaseSpace.GenerateFlat(decay.Parent, decay.Masses, count, candidates, firstEvent, maxDegreeOfParallelism: gpu ? -1 : 1);
            return KinematicVariables.Compute(kinematic, momenta, maxDegreeOfParallelism: gpu ? -1 : 1);
        };
        // 32-bit acceptance numbers: u · max < I needs no finer resolution, and they cost half as much.
        UniformFill uniforms = (first, destination) => acceptance.FillUniform32(first, destination);
        using var live = new LiveLine(io.Err, enabled: !quiet && ReferenceEquals(io.Err, Console.Error) && !Console.IsErrorRedirected);
        // The copy compiled above (its errors reported) serves the first worker; the others compile their own.
        IParametrizedFunction Next()
        {
            if (!first) return Compile();
            first = false;
            return f;
        }
        using var sim = new AcceptReject(Next, batch, uniforms, workers: gpu ? 1 : 0)
        {
            BatchSize = gpu ? 1 << 20 : 1 << 14,
            Progress = p => live.Show($"simulate  {p.Accepted:N0}/{events:N0} kept of {p.Generated:N0} drawn  {p.EventsPerSecond / 1e6:F1} M/s"),
        };
        SimulationResult result;
        try { result = sim.Run(events); }
        catch (InvalidOperationException ex) { live.Clear(); return io.Fail(modelPath, ex.Message); }
        live.Clear();
        foreach (var restart in result.Restarts) io.Err.WriteLine($"{name}: note: {restart}");
        if ((exit = Write(io, result.Events, outPath)) != 0) return exit;
        io.Out.WriteLine($"{result.Events.Count} events of {Path.GetFileName(modelPath)} over {decayText} (seed {seed}; {result.Generated:N0} drawn, " +
            $"efficiency {result.Efficiency:P2}, maximum {result.Maximum:G6}; {result.Seconds:F2} s) -> {outPath}");
        io.Out.WriteLine($"columns: {string.Join(", ", result.Events.ColumnNames)}");
        return 0;
    }
}
