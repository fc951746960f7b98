using System.CommandLine;
using System.Diagnostics;
using System.Numerics;
using System.Text.Json;
using PartialWave.Data;
using PartialWave.Modeling;
using PartialWave.Parsing;
using PartialWave.Symbolic;
using Spectre.Console;
using PartialWave.Backends.Gpu;

namespace PartialWave.Cli;

/// <summary>
/// <c>pwa bench MODEL --reference REF.json [--events N] [--free NAMES|all] [--backend B] [--json]</c>: the
/// counterpart of ../shared/peers/lambdify_anchor.py: the reference points repeated to N events, parameters at
/// their defaults, the chosen ones free.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(CommandIo io)
    {
        var model = new Argument<FileInfo>("MODEL") { Description = "Model file (.srepr, .expr or .amp)." };
        var reference = new Option<FileInfo>("--reference") { Description = "Reference file: its points are the events, its parameter_defaults the parameters.", Required = true };
        var events = new Option<int>("--events") { Description = "Events per evaluation.", DefaultValueFactory = _ => 1_000_000 };
        var free = new Option<string>("--free") { Description = "Comma-separated parameters left free (not folded into the kernel), or 'all'.", DefaultValueFactory = _ => "all" };
        var backend = new BackendChoice("cpu (default), gpu (see --device) or reference.");
        var hoisting = new Option<bool>("--hoisting") { Description = "Cache parameter-independent terms per sample: true (default) or false.", HelpName = "true|false", DefaultValueFactory = _ => true };
        var split = new Option<int>("--split") { Description = "Operations per generated method.", DefaultValueFactory = _ => LambdifyOptions.DefaultSplitSize };
        var repeats = new Option<int>("--repeats") { Description = "Timed evaluations (the median is reported).", DefaultValueFactory = _ => 7 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (parse_seconds, compile_seconds, events_per_second, gradient_events_per_second, ops_per_event, ...)." };
        var cmd = new Command("bench",
            "Measure parse, compile and evaluation speed of a model on its reference points repeated to N events, parameters changed between calls as in a fit.\n\n" +
            "Example:\n  pwa bench lc2pkpi_default_full.srepr --reference lc2pkpi_default_full.json --events 1000000 --json")
        { model, reference, events, free, split, hoisting, repeats, json };
        foreach (var option in backend.All) cmd.Options.Add(option);
        cmd.SetAction(r => Run(io, r.GetValue(model)!.FullName, r.GetValue(reference)!.FullName, r.GetValue(events), r.GetValue(free)!,
            backend.Get(r), r.GetValue(split), r.GetValue(hoisting), r.GetValue(repeats), r.GetValue(json)));
        return cmd;
    }

    private static double Median(List<double> xs)
    {
        xs.Sort();
        return xs[xs.Count / 2];
    }

    private static int Run(CommandIo io, string modelPath, string referencePath, int n, string freeList, BackendChoice.Selection choice, int split, bool hoisting, int repeats, bool json)
    {
        var backend = choice.Backend;
        if (n < 1) return io.Fail("pwa bench", "--events must be at least 1");
        if (repeats < 1) return io.Fail("pwa bench", "--repeats must be at least 1");
        var sw = Stopwatch.StartNew();
        var parsed = ModelFile.Load(modelPath);
        double parseSeconds = sw.Elapsed.TotalSeconds;
        if (!parsed.Success) return io.Fail(parsed.Diagnostics);
        var expr = parsed.Value!;
        ReferencePoints reference;
        try { reference = ReferencePoints.Load(referencePath); }
        catch (JsonException ex) { return io.Fail(referencePath, ex); }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException) { return io.Fail(referencePath, ex.Message); }

        var symbols = expr.FreeSymbolNames();
        var defaultNames = reference.ParameterDefaults.Keys.Where(symbols.Contains).ToHashSet();
        HashSet<string> freeNames;
        if (freeList == "all") freeNames = defaultNames;
        else
        {
            freeNames = freeList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
            var unknown = freeNames.Where(f => !defaultNames.Contains(f)).ToList();
            if (unknown.Count > 0) return io.Fail("pwa bench", $"--free names parameters the reference does not have: {string.Join(", ", unknown)}");
        }
        if (!ReferenceSetup.TryCreate(io, expr, reference, referencePath, freeNames.Contains, out var setup, out var setupExit)) return setupExit;
        var (inputs, parameters, fixedValues) = setup;

        var rng = new Random(0);
        var index = Enumerable.Range(0, n).Select(_ => rng.Next(reference.Points.Count)).ToArray();
        var sample = setup.Sample(reference, index);
        var warm = setup.Sample(reference, index.Take(Math.Min(n, 256)).ToArray());

        if (!BackendChoice.TryOpen(io, "pwa bench", backend, choice.Device, out var exit)) return exit;
        var options = choice.Options with { SplitSize = split, Hoisting = hoisting };
        sw.Restart();
        using var f = Lambdify.Compile(expr, inputs, parameters, fixedValues, options, out var stats);
        var re = new double[n]; var im = new double[n];
        f.Evaluate(warm, re.AsSpan(0, warm.Count), im.AsSpan(0, warm.Count)); // the generated code's JIT is part of compiling
        double compileSeconds = sw.Elapsed.TotalSeconds;

        sw.Restart();
        f.Evaluate(sample, re, im);
        double firstPass = sw.Elapsed.TotalSeconds;

        // Steady state: every free parameter moves between calls, hoisted columns stay cached.
        var times = new List<double>();
        var step = 0;
        void Perturb()
        {
            step++;
            foreach (var p in parameters)
                f.SetParameter(p.Name, p.Value * (1 + 1e-9 * (step % 2 == 0 ? 1 : -1)));
        }
        for (int k = 0; k < repeats; k++)
        {
            Perturb();
            sw.Restart();
            f.Evaluate(sample, re, im);
            times.Add(sw.Elapsed.TotalSeconds);
        }
        double valueSeconds = Median(times);

        double? gradientSeconds = null, logSeconds = null;
        if (f.IsGradientSupported && backend != Backend.Reference)
        {
            f.SumLog(sample, default, withGradient: true);
            f.SumLog(sample);
            var g = new List<double>(); var l = new List<double>();
            for (int k = 0; k < repeats; k++)
            {
                Perturb();
                sw.Restart();
                f.SumLog(sample, default, withGradient: true);
                g.Add(sw.Elapsed.TotalSeconds);
                Perturb();
                sw.Restart();
                f.SumLog(sample);
                l.Add(sw.Elapsed.TotalSeconds);
            }
            gradientSeconds = Median(g);
            logSeconds = Median(l);
        }

        var result = new Dictionary<string, object?>
        {
            ["model"] = Path.GetFileName(modelPath),
            ["backend"] = backend.ToString().ToLowerInvariant(),
            ["device"] = backend == Backend.Gpu ? GpuDevices.Describe(choice.Device) : null,
            // Events per instruction of the parameter kernel: 8 only where --simd 512 was asked, the machine has AVX-512
            // and the kernel's functions have 512-bit forms.
            ["simd_lanes"] = stats.SimdLanes,
            ["events"] = n,
            ["free_parameters"] = parameters.Count,
            ["parse_seconds"] = parseSeconds,
            ["compile_seconds"] = compileSeconds,
            ["first_pass_seconds"] = firstPass,
            ["events_per_second"] = n / valueSeconds,
            ["first_pass_events_per_second"] = n / firstPass,
            ["sumlog_events_per_second"] = logSeconds is null ? null : n / logSeconds,
            ["gradient_events_per_second"] = gradientSeconds is null ? null : n / gradientSeconds,
            ["gradient_over_value_time"] = gradientSeconds is null ? null : gradientSeconds / logSeconds,
            ["ops_per_event"] = stats.OperationsPerEvent,
            ["hoisted_ops_per_event"] = stats.HoistedOperations,
            ["segments"] = stats.Segments,
            ["ops_per_second"] = stats.OperationsPerEvent * (n / valueSeconds),
            ["threads"] = Environment.ProcessorCount,
        };
        if (json)
        {
            io.Out.WriteLine(JsonSerializer.Serialize(result));
            return 0;
        }
        var table = new Table().AddColumn("measure").AddColumn(new TableColumn("value").RightAligned()).Title(Markup.Escape(Path.GetFileName(modelPath)));
        foreach (var (k, v) in result)
            table.AddRow(k.Replace('_', ' '), v switch
            {
                double d when k.EndsWith("per_second") => d.ToString("N0"),
                double d => d.ToString("G4"),
                null => "—",
                _ => Markup.Escape(v.ToString()!),
            });
        io.Console.Write(table);
        return 0;
    }
}
