using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using PartialWave.Backends.Reference;
using PartialWave.Modeling;
using PartialWave.Parsing;
using Spectre.Console;

namespace PartialWave.Cli;

/// <summary>
/// <c>pwa check MODEL REFERENCE.json [--tolerance T]</c> and <c>pwa check --jsonl FILE</c>: evaluate at every
/// reference point and compare with the exact values.
/// </summary>
internal static class CheckCommand
{
    public static Command Create(CommandIo io)
    {
        var model = new Argument<FileInfo?>("MODEL") { Description = "Model file (.srepr or .expr).", Arity = ArgumentArity.ZeroOrOne };
        var reference = new Argument<FileInfo?>("REFERENCE") { Description = "Reference values: JSON with parameter_defaults and points (symbols, value).", Arity = ArgumentArity.ZeroOrOne };
        var jsonl = new Option<FileInfo?>("--jsonl") { Description = "Check every line of a JSON-lines file of expressions (name, srepr, symbols, value) instead." };
        var tolerance = new Option<double>("--tolerance") { Description = "Largest relative deviation accepted.", DefaultValueFactory = _ => 1e-10 };
        var cmd = new Command("check",
            "Evaluate a model at every point of a reference file and compare with the exact values; exit 1 if any relative deviation exceeds the tolerance.\n\n" +
            "Examples:\n  pwa check jpsi_gamma_pi0pi0.srepr jpsi_gamma_pi0pi0.json\n  pwa check --jsonl sympy_small.srepr.jsonl --tolerance 1e-12")
        { model, reference, jsonl, tolerance };
        cmd.SetAction(r =>
        {
            var t = r.GetValue(tolerance);
            if (!(t >= 0)) return io.Fail("pwa check", $"--tolerance must be a non-negative number, got {t}");
            var lines = r.GetValue(jsonl);
            var m = r.GetValue(model);
            var refFile = r.GetValue(reference);
            if (lines is not null)
            {
                if (m is not null) return io.Fail("pwa check", "give either MODEL REFERENCE.json or --jsonl FILE, not both");
                return RunJsonLines(io, lines.FullName, t);
            }
            if (m is null || refFile is null)
                return io.Fail("pwa check", "expected MODEL and REFERENCE.json (or --jsonl FILE); see 'pwa check --help'");
            return RunModel(io, m.FullName, refFile.FullName, t);
        });
        return cmd;
    }

    private sealed record Row(string Label, Complex Value, Complex Expected, double Deviation);

    private static int RunModel(CommandIo io, string modelPath, string referencePath, double tolerance)
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

    private static int RunJsonLines(CommandIo io, string path, double tolerance)
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
            var v = evaluator.Evaluate(symbols);
            rows.Add(new Row(name, v, expected, ReferencePoints.RelativeDeviation(v, expected)));
        }
        return Report(io, Path.GetFileName(path), "expression", rows, tolerance);
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
