using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using PartialWave.Backends.Reference;
using PartialWave.Compilation;
using PartialWave.Modeling;
using PartialWave.Parsing;
using PartialWave.Symbolic;
using Spectre.Console;
using PartialWave.Numerics;
using PartialWave.Data;

namespace PartialWave.Cli;

/// <summary>
/// <c>pwa check MODEL REFERENCE.json [--tolerance T]</c> and <c>pwa check --jsonl FILE</c>: evaluate at every
/// reference point and compare with the exact values.
/// </summary>
internal static class CheckCommand
{
    public static Command Create(CommandIo io)
    {
        var model = new Argument<FileInfo?>("MODEL") { Description = "Model file (.srepr, .expr or .amp).", Arity = ArgumentArity.ZeroOrOne };
        var reference = new Argument<FileInfo?>("REFERENCE") { Description = "Reference values: JSON with parameter_defaults and points (symbols, value).", Arity = ArgumentArity.ZeroOrOne };
        var jsonl = new Option<FileInfo?>("--jsonl") { Description = "Check every line of a JSON-lines file of expressions (name, srepr, symbols, value) instead." };
        var tolerance = new Option<double>("--tolerance") { Description = "Largest relative deviation accepted.", DefaultValueFactory = _ => 1e-10 };
        var backend = new BackendChoice(
            "reference (the exact evaluator, default), cpu or gpu: check a compiled backend at the reference points instead (parameters free at their defaults, as pwa bench sets them up)",
            Backend.Reference);
        var cmd = new Command("check",
            "Evaluate a model at every point of a reference file and compare with the exact values; exit 1 if any relative deviation exceeds the tolerance.\n\n" +
            "Examples:\n  pwa check jpsi_gamma_pi0pi0.srepr jpsi_gamma_pi0pi0.json\n  pwa check lc2pkpi_default_full.srepr lc2pkpi_default_full.json --backend gpu --device cuda\n" +
            "  pwa check --jsonl sympy_small.srepr.jsonl --tolerance 1e-12")
        { model, reference, jsonl, tolerance };
        foreach (var option in backend.All) cmd.Options.Add(option);
        cmd.SetAction(r =>
        {
            var t = r.GetValue(tolerance);
            if (!(t >= 0)) return io.Fail("pwa check", $"--tolerance must be a non-negative number, got {t}");
            var lines = r.GetValue(jsonl);
            var m = r.GetValue(model);
            var refFile = r.GetValue(reference);
            var choice = backend.Get(r);
            if (lines is not null)
            {
                if (m is not null) return io.Fail("pwa check", "give either MODEL REFERENCE.json or --jsonl FILE, not both");
                if (!BackendChoice.TryOpen(io, "pwa check", choice.Backend, choice.Device, out var opened)) return opened;
                return RunJsonLines(io, lines.FullName, t, choice);
            }
            if (m is null || refFile is null)
                return io.Fail("pwa check", "expected MODEL and REFERENCE.json (or --jsonl FILE); see 'pwa check --help'");
            return RunModel(io, m.FullName, refFile.FullName, t, choice);
        });
        return cmd;
    }

    private sealed record Row(string Label, Complex Value, Complex Expected, double Deviation);

    private static int RunModel(CommandIo io, string modelPath, string referencePath, double tolerance, BackendChoice.Selection choice)
    {
        var parsed = ModelFile.Load(modelPath);
        if (!parsed.Success) return io.Fail(parsed.Diagnostics);
        ReferencePoints reference;
        try { reference = ReferencePoints.Load(referencePath); }
        catch (JsonException ex) { return io.Fail(referencePath, ex); }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException or KeyNotFoundException or InvalidOperationException)
        {
            return io.Fail(referencePath, ex.Message);
        }
        if (choice.Backend != Backend.Reference) return RunCompiled(io, parsed.Value!, modelPath, reference, referencePath, tolerance, choice);
        var evaluator = new ReferenceEvaluator(parsed.Value!);
        var rows = new List<Row>();
        foreach (var p in reference.Points)
        {
            var missing = evaluator.SymbolNames.Where(s => !p.Symbols.ContainsKey(s)).ToList();
            if (missing.Count > 0)
                return io.Fail(referencePath, $"point {p.Index} gives no value for the model's symbol(s): {string.Join(", ", missing)}");
            var v = evaluator.Evaluate(p.Symbols);
            rows.Add(new Row(p.Index.ToString(CultureInfo.InvariantCulture), v, p.Expected, ReferencePoints.RelativeDeviation(v, p.Expected)));
        }
        return Report(io, Path.GetFileName(modelPath), "point", rows, tolerance);
    }

    // The compiled backend at every point at once: the points are the events, the parameters free at their defaults.
    private static int RunCompiled(CommandIo io, Symbolic.Expr expr, string modelPath, ReferencePoints reference, string referencePath, double tolerance,
        BackendChoice.Selection choice)
    {
        const string Name = "pwa check";
        if (!ReferenceSetup.TryCreate(io, expr, reference, referencePath, _ => true, out var setup, out var exit)) return exit;
        if (!BackendChoice.TryOpen(io, Name, choice.Backend, choice.Device, out exit)) return exit;
        IParametrizedFunction f;
        try
        {
            f = Lambdify.Compile(expr, setup.Inputs, setup.Parameters, setup.FixedValues, choice.Options);
        }
        catch (UnsupportedExpressionException ex) { return io.Fail(modelPath, $"the {choice.Backend.ToString().ToLowerInvariant()} backend cannot compile the model: {ex.Message}"); }
        using var disposesF = f;
        var sample = setup.Sample(reference, Enumerable.Range(0, reference.Points.Count).ToArray());
        var re = new double[sample.Count];
        var im = new double[sample.Count];
        f.Evaluate(sample, re, im);
        var rows = reference.Points.Select((p, i) =>
        {
            var v = new Complex(re[i], im[i]);
            return new Row(p.Index.ToString(CultureInfo.InvariantCulture), v, p.Expected, ReferencePoints.RelativeDeviation(v, p.Expected));
        }).ToList();
        return Report(io, $"{Path.GetFileName(modelPath)} ({choice.Backend.ToString().ToLowerInvariant()} backend)", "point", rows, tolerance);
    }

    private static int RunJsonLines(CommandIo io, string path, double tolerance, BackendChoice.Selection choice)
    {
        IEnumerable<string> lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return io.Fail(path, $"cannot read the file: {ex.Message}"); }
        var rows = new List<Row>();
        int lineNo = 0;
        foreach (var line in lines)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            string name, srepr;
            Dictionary<string, Complex> symbols;
            Complex expected;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var e = doc.RootElement;
                name = e.TryGetProperty("name", out var n) ? n.GetString() ?? $"line {lineNo}" : $"line {lineNo}";
                srepr = e.GetProperty("srepr").GetString() ?? throw new FormatException("'srepr' is not a string");
                symbols = e.TryGetProperty("symbols", out var s) ? ReferencePoints.ReadValues(s) : [];
                expected = ReferencePoints.ReadComplex(e.GetProperty("value"));
            }
            catch (JsonException ex) { return io.Fail(path, ex, lineNo - 1); }
            catch (Exception ex) when (ex is KeyNotFoundException or FormatException or InvalidOperationException)
            {
                return io.Fail(path, lineNo, 1, DiagnosticCodes.InvalidJson, $"expected an object with name, srepr, symbols and value: {ex.Message}");
            }
            var parsed = SreprReader.Parse(srepr, $"{path}:{lineNo} (srepr)");
            if (!parsed.Success) return io.Fail(parsed.Diagnostics);
            var evaluator = new ReferenceEvaluator(parsed.Value!);
            var missing = evaluator.SymbolNames.Where(x => !symbols.ContainsKey(x)).ToList();
            if (missing.Count > 0)
                return io.Fail(path, lineNo, 1, DiagnosticCodes.MissingSymbol, $"'{name}' gives no value for the symbol(s): {string.Join(", ", missing)}");
            if (choice.Backend == Backend.Reference)
            {
                var v = evaluator.Evaluate(symbols);
                rows.Add(new Row(name, v, expected, ReferencePoints.RelativeDeviation(v, expected)));
            }
            else rows.Add(Compiled(name, parsed.Value!, symbols, expected, choice));
        }
        return Report(io, Path.GetFileName(path), "expression", rows, tolerance);
    }

    // One expression on a compiled backend: real-valued symbols are event columns (one event), complex ones
    // parameters, as a model's variables and couplings would be; a construct the backend cannot compile is a failed row.
    private static Row Compiled(string name, Expr expression, Dictionary<string, Complex> symbols, Complex expected, BackendChoice.Selection choice)
    {
        const string Event = "#event";
        var free = expression.FreeSymbolNames().ToHashSet(StringComparer.Ordinal);
        var used = symbols.Where(p => free.Contains(p.Key)).ToList();
        var inputs = used.Where(p => p.Value.Imaginary == 0).Select(p => p.Key).Append(Event).ToList();
        var parameters = used.Where(p => p.Value.Imaginary != 0).Select(p => ParameterSpec.ComplexValued(p.Key, p.Value)).ToList();
        try
        {
            using var f = Lambdify.Compile(expression, inputs, parameters, null, choice.Options);
            var sample = new EventSample(inputs.Select(n => new KeyValuePair<string, double[]>(n, [n == Event ? 0 : symbols[n].Real])));
            var (re, im) = (new double[1], new double[1]);
            f.Evaluate(sample, re, im);
            var v = new Complex(re[0], f.IsComplexValued ? im[0] : 0);
            return new Row(name, v, expected, ReferencePoints.RelativeDeviation(v, expected));
        }
        catch (UnsupportedExpressionException ex)
        {
            return new Row($"{name} (not compiled: {ex.Message})", new Complex(double.NaN, double.NaN), expected, double.NaN);
        }
    }

    private static int Report(CommandIo io, string title, string labelHeader, List<Row> rows, double tolerance)
    {
        var table = new Table().Title(Markup.Escape(title))
            .AddColumn(labelHeader).AddColumn("value").AddColumn("reference").AddColumn(new TableColumn("relative deviation").RightAligned());
        foreach (var r in rows)
        {
            bool bad = !(r.Deviation <= tolerance);
            var dev = r.Deviation.ToString("E2", CultureInfo.InvariantCulture);
            table.AddRow(Markup.Escape(r.Label), CommandIo.Format(r.Value), CommandIo.Format(r.Expected), bad ? $"[red]{dev} FAIL[/]" : dev);
        }
        io.Console.Write(table);
        int failed = rows.Count(r => !(r.Deviation <= tolerance));
        double worst = rows.Count == 0 ? 0 : rows.Max(r => double.IsNaN(r.Deviation) ? double.PositiveInfinity : r.Deviation);
        io.Out.WriteLine($"{rows.Count} {labelHeader}{(rows.Count == 1 ? "" : "s")}, largest relative deviation {worst.ToString("E2", CultureInfo.InvariantCulture)}, tolerance {tolerance.ToString("G3", CultureInfo.InvariantCulture)}: " +
                         (failed == 0 ? "OK" : $"{failed} FAILED"));
        return failed == 0 ? (int)ExitCode.Success : (int)ExitCode.CheckFailed;
    }
}
