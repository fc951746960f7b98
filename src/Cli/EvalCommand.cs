using System.CommandLine;
using System.Numerics;
using System.Text.Json;
using PartialWave.Backends.Reference;
using PartialWave.Compilation;
using PartialWave.Data;
using PartialWave.Modeling;
using PartialWave.Parsing;
using PartialWave.Numerics;

namespace PartialWave.Cli;

/// <summary><c>pwa eval MODEL --data EVENTS.csv [--params PARAMS.json] [--out VALUES.csv]</c>.</summary>
internal static class EvalCommand
{
    public static Command Create(CommandIo io)
    {
        var model = new Argument<FileInfo>("MODEL") { Description = "Model file (.srepr, .expr or .amp; an .amp model's parameter defaults and constants apply where --params gives no value)." };
        var data = new Option<FileInfo>("--data") { Description = "Events: CSV with a header of symbol names (RFC 4180 quoting), one event a row.", Required = true };
        var parameters = new Option<FileInfo?>("--params") { Description = "JSON object mapping parameter names to numbers or [re, im]." };
        var output = new Option<FileInfo?>("--out") { Description = "Write the values here (CSV with columns re,im) instead of standard output." };
        var backend = new BackendChoice("cpu (compiled SIMD kernels, default), gpu (ILGPU kernels, see --device) or reference (the exact scalar evaluator).");
        var derivative = new Option<string[]>("--derivative") { Description = "Also write the derivative by this data column (repeatable), computed in one kernel with the value: columns value,d value/d X (real-valued models)." };
        var split = new Option<int>("--split") { Description = "Operations per generated method (cpu backend).", DefaultValueFactory = _ => LambdifyOptions.DefaultSplitSize };
        var cmd = new Command("eval",
            "Evaluate a model on every event of a CSV file. Symbols take their values from the data columns or from --params; " +
            "every free symbol needs one. Output: CSV with columns re,im, 17 significant digits.\n\n" +
            "Example:\n  pwa eval model.srepr --data events.csv --params params.json --out values.csv\n" +
            "  pwa eval hydrogen.srepr --data x.csv --derivative x --out values.csv")
        { model, data, parameters, output, split, derivative };
        foreach (var option in backend.All) cmd.Options.Add(option);
        cmd.SetAction(r =>
        {
            if (r.GetValue(split) < 1) return io.Fail("pwa eval", "--split must be at least 1");
            return Run(io, r.GetValue(model)!.FullName, r.GetValue(data)!.FullName, r.GetValue(parameters)?.FullName, r.GetValue(output)?.FullName,
                backend.Get(r), r.GetValue(split), r.GetValue(derivative) ?? []);
        });
        return cmd;
    }

    internal static bool TryReadParameters(CommandIo io, string path, out Dictionary<string, Complex> values, out string text, out int exit) =>
        TryReadParameters(io, path, out values, out _, out text, out _, out exit);

    /// <summary>
    /// Parameter values, read the same way by every command: a JSON object name → number or [re, im], or a
    /// reference-model JSON whose <c>parameter_defaults</c> hold them (<paramref name="reference"/>: it describes the whole
    /// model it was exported from, so a command drops the entries its model does not use instead of calling them typos).
    /// Names given as [re, im] go to <paramref name="complex"/>.
    /// </summary>
    internal static bool TryReadParameters(CommandIo io, string path, out Dictionary<string, Complex> values, out HashSet<string> complex,
        out string text, out bool reference, out int exit)
    {
        reference = false;
        values = [];
        complex = [];
        exit = 0;
        text = "";
        try
        {
            text = File.ReadAllText(path);
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                exit = io.Fail(path, 1, 1, DiagnosticCodes.InvalidJson, "expected a JSON object mapping names to numbers or [re, im]");
                return false;
            }
            reference = root.TryGetProperty("parameter_defaults", out var pd) && pd.ValueKind == JsonValueKind.Object;
            var entries = reference ? pd : root;
            foreach (var p in entries.EnumerateObject())
            {
                try { values[p.Name] = ReferencePoints.ReadComplex(p.Value); }
                catch (FormatException ex)
                {
                    var (line, col) = CommandIo.FindJsonKey(text, p.Name);
                    exit = io.Fail(path, line, col, DiagnosticCodes.InvalidJson, $"parameter '{p.Name}': {ex.Message}");
                    return false;
                }
                if (p.Value.ValueKind == JsonValueKind.Array) complex.Add(p.Name);
            }
            return true;
        }
        catch (JsonException ex) { exit = io.Fail(path, ex); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { exit = io.Fail(path, $"cannot read the file: {ex.Message}"); }
        return false;
    }

    /// <summary>
    /// An .amp model's parameter defaults and constants, for every symbol of the model that --params leaves without a value:
    /// an .amp file carries its own defaults, so it needs no --params file.
    /// </summary>
    internal static void WithAmpDefaults(string modelPath, Dictionary<string, Complex> parameters, IReadOnlySet<string> modelSymbols)
    {
        if (!ModelFile.IsAmp(modelPath) || ModelFile.LoadModel(modelPath).Value is not { } model) return;
        foreach (var (name, value) in model.SymbolValues())
            if (modelSymbols.Contains(name)) parameters.TryAdd(name, value);
    }

    private static int Run(CommandIo io, string modelPath, string dataPath, string? paramsPath, string? outPath, BackendChoice.Selection choice, int split, string[] derivatives)
    {
        if (!io.CheckOutput(outPath, [modelPath, dataPath, paramsPath], [".csv"], out var refused)) return refused;
        var backend = choice.Backend;
        var parsed = ModelFile.Load(modelPath);
        if (!parsed.Success) return io.Fail(parsed.Diagnostics);
        var evaluator = new ReferenceEvaluator(parsed.Value!);

        var parameters = new Dictionary<string, Complex>();
        var paramsText = "";
        bool reference = false;
        if (paramsPath is not null && !TryReadParameters(io, paramsPath, out parameters, out _, out paramsText, out reference, out var exit)) return exit;
        var modelSymbols = new HashSet<string>(evaluator.SymbolNames, StringComparer.Ordinal);
        if (reference) parameters = parameters.Where(p => modelSymbols.Contains(p.Key)).ToDictionary();
        var unknown = parameters.Keys.Where(k => !modelSymbols.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            var (line, col) = CommandIo.FindJsonKey(paramsText, unknown[0]);
            return io.Fail(paramsPath!, line, col, DiagnosticCodes.UnknownSymbol,
                $"unknown symbol(s), not in the model: {string.Join(", ", unknown.Select(u => $"'{u}'"))}");
        }

        WithAmpDefaults(modelPath, parameters, modelSymbols);

        // Only the symbols without a value in --params (or the model's defaults) are read from the data, so other
        // columns (an event label) are neither parsed nor rejected.
        var needed = evaluator.SymbolNames.Where(s => !parameters.ContainsKey(s)).ToList();
        IReadOnlyList<string> fileColumns = [];
        var read = EventFiles.Read(dataPath, new EventReadOptions { Columns = needed.Count > 0 ? needed : null, FileColumns = names => fileColumns = names });
        var both = fileColumns.Where(parameters.ContainsKey).ToList();
        if (both.Count > 0) return io.Fail(dataPath, $"symbol(s) given both as data columns and as parameters: {string.Join(", ", both)}");
        if (!read.Success)
            return io.Fail(CommandIo.ExplainMissingColumns(read.Diagnostics,
                "a symbol of the model without a value in --params (or a default in the model file) is read from the data"));
        io.Warn(read.Warnings);
        var sample = read.Value!;
        var unused = fileColumns.Where(c => !modelSymbols.Contains(c)).ToList();
        if (unused.Count > 0) io.Err.WriteLine($"{dataPath}: note: column(s) not used by the model (not read): {string.Join(", ", unused)}");
        var inputs = evaluator.SymbolNames.Where(sample.Contains).ToList();
        if (!BackendChoice.TryOpen(io, "pwa eval", backend, choice.Device, out exit)) return exit;
        var notColumns = derivatives.Where(d => !inputs.Contains(d)).ToList();
        if (notColumns.Count > 0)
            return io.Fail("pwa eval", $"--derivative: {string.Join(", ", notColumns.Select(d => $"'{d}'"))} is not a data column the model reads (it reads {string.Join(", ", inputs)})");
        if (derivatives.Length > 0 && backend != Backend.Cpu) return io.Fail("pwa eval", "--derivative needs the cpu backend (several outputs in one kernel)");
        IParametrizedFunction function;
        try
        {
            var fixedValues = parameters.Where(p => modelSymbols.Contains(p.Key)).ToDictionary();
            function = derivatives.Length > 0
                ? Lambdify.CompileOutputs(Lambdify.WithDerivatives(parsed.Value!, derivatives), inputs, [], fixedValues, choice.Options with { SplitSize = split })
                : Lambdify.Compile(parsed.Value!, inputs, [], fixedValues, choice.Options with { SplitSize = split });
        }
        catch (UnsupportedExpressionException ex)
        {
            return io.Fail(modelPath, $"{ex.Message}; evaluate it with --backend reference");
        }
        using var disposesFunction = function;
        if (derivatives.Length > 0)
        {
            if (function.IsComplexValued) return io.Fail(modelPath, "--derivative needs a real-valued model (this one is complex-valued)");
            var columns = function.OutputNames.Select(_ => new double[sample.Count]).ToArray();
            function.EvaluateOutputs(sample, columns);
            void WriteColumns(TextWriter writer)
            {
                writer.WriteLine(string.Join(",", function.OutputNames));
                for (int i = 0; i < sample.Count; i++) writer.WriteLine(string.Join(",", columns.Select(c => CommandIo.Format(c[i]))));
            }
            if (outPath is null) WriteColumns(io.Out);
            else if (!io.TryWrite(outPath, WriteColumns, out var failedColumns)) return failedColumns;
            if (outPath is not null) io.Err.WriteLine($"wrote {sample.Count} rows of {string.Join(", ", function.OutputNames)} to {outPath}");
            return 0;
        }
        var re = new double[sample.Count];
        var im = new double[sample.Count];
        function.Evaluate(sample, re, im);
        void WriteValues(TextWriter writer)
        {
            writer.WriteLine("re,im");
            for (int i = 0; i < sample.Count; i++)
            {
                writer.Write(CommandIo.Format(re[i]));
                writer.Write(',');
                writer.WriteLine(CommandIo.Format(im[i]));
            }
        }
        if (outPath is null) WriteValues(io.Out);
        else if (!io.TryWrite(outPath, WriteValues, out var failed)) return failed;
        if (outPath is not null) io.Err.WriteLine($"wrote {sample.Count} values to {outPath}");
        return 0;
    }
}
