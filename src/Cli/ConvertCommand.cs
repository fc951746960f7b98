using System.CommandLine;
using System.Numerics;
using System.Text.Json;
using PartialWave.Modeling;
using PartialWave.Parsing;
using PartialWave.Symbolic;

namespace PartialWave.Cli;

/// <summary>
/// <c>pwa convert MODEL.srepr --params P.json [--variables a,b] [--constants C.json] -o MODEL.amp</c> and
/// <c>pwa convert MODEL.amp -o MODEL.srepr</c>: between SymPy exports (or infix expressions) and the .amp model language.
/// </summary>
internal static class ConvertCommand
{
    private const string Name = "pwa convert";

    public static Command Create(CommandIo io)
    {
        var model = new Argument<FileInfo>("MODEL") { Description = "The model: .srepr or .expr (converted to .amp), or .amp (converted to .srepr or .expr)." };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Where to write; the extension (.amp, .srepr, .expr) says the format.", Required = true };
        var variables = new Option<string?>("--variables") { Description = "Comma-separated event columns (default: every symbol that is neither a parameter nor a constant)." };
        var parameters = new Option<FileInfo?>("--params") { Description = "Parameter defaults: a JSON object name -> number or [re, im] ([re, im] makes a complex parameter), or a reference-model JSON (its parameter_defaults)." };
        var constants = new Option<FileInfo?>("--constants") { Description = "Constants folded into the kernels: a JSON object name -> number or [re, im]." };
        var name = new Option<string?>("--name") { Description = "The model's name (default: the file name)." };
        var cmd = new Command("convert",
            "Convert a model between a SymPy srepr export (or an infix expression) and the .amp model language, which also " +
            "declares variables, parameters with defaults and limits, constants and amplitudes. Shared subexpressions become let definitions.\n\n" +
            "Example:\n  pwa convert lc2pkpi.srepr --params lc2pkpi.json -o lc2pkpi.amp\n  pwa convert model.srepr --variables m_12,theta_0 --params defaults.json -o model.amp\n  pwa convert model.amp -o model.srepr")
        { model, output, variables, parameters, constants, name };
        cmd.SetAction(r => Run(io, r.GetValue(model)!.FullName, r.GetValue(output)!.FullName, r.GetValue(variables),
            r.GetValue(parameters)?.FullName, r.GetValue(constants)?.FullName, r.GetValue(name)));
        return cmd;
    }

    private static int Run(CommandIo io, string modelPath, string outPath, string? variablesText, string? paramsPath, string? constantsPath, string? modelName)
    {
        var outExt = Path.GetExtension(outPath).ToLowerInvariant();
        if (!File.Exists(modelPath)) return io.Fail(modelPath, "cannot read the file: it does not exist");
        if (!io.CheckOutput(outPath, [modelPath, paramsPath, constantsPath], [], out var refused)) return refused;
        string text;
        if (ModelFile.IsAmp(modelPath))
        {
            if (outExt is not (".srepr" or ".expr")) return io.Fail(outPath, $"expected an output file ending in .srepr or .expr for an .amp model, got '{outExt}'");
            if (variablesText is not null || paramsPath is not null || constantsPath is not null)
                return io.Fail(Name, "--variables, --params and --constants describe a srepr model; an .amp model declares them itself");
            var read = AmpReader.ParseFile(modelPath);
            if (!read.Success) return io.Fail(read.Diagnostics);
            // The constants' values go into the expression: a srepr file has nowhere else to keep them.
            var m = read.Value!;
            var e = m.Constants.Count == 0 ? m.Intensity : m.Intensity.SubstituteByName(m.Constants.ToDictionary(c => c.Key, c => Expr.Complex(c.Value)));
            text = outExt == ".srepr" ? SreprPrinter.Print(e) : InfixPrinter.Print(e);
            if (!io.TryWrite(outPath, w => w.Write(text + "\n"), out var exit)) return exit;
            io.Out.WriteLine($"{Path.GetFileName(modelPath)} -> {outPath}: intensity with {m.Variables.Count} variable(s) and {m.Parameters.Count} parameter(s) " +
                $"(parameter defaults are not part of a {outExt} file{(m.Constants.Count > 0 ? "; constants substituted" : "")})");
            return 0;
        }
        if (outExt != ".amp") return io.Fail(outPath, $"expected an output file ending in .amp for a {Path.GetExtension(modelPath)} model, got '{outExt}'");
        if (paramsPath is null) return io.Fail(Name, "--params is required: the parameters' defaults (a JSON object, or a reference-model JSON)");
        var parsed = ModelFile.Load(modelPath);
        if (!parsed.Success) return io.Fail(parsed.Diagnostics);
        var expression = parsed.Value!;
        if (!EvalCommand.TryReadParameters(io, paramsPath, out var defaults, out var complexParameters, out _, out _, out var exitCode)) return exitCode;
        var constants = new Dictionary<string, Complex>();
        if (constantsPath is not null && !EvalCommand.TryReadParameters(io, constantsPath, out constants, out _, out exitCode)) return exitCode;

        var symbols = expression.FreeSymbolNames();
        List<string> variables;
        if (variablesText is not null)
        {
            variables = variablesText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
            var unknown = variables.Where(v => !symbols.Contains(v)).ToList();
            if (unknown.Count > 0) return io.Fail(Name, $"--variables names symbol(s) the model does not have: {string.Join(", ", unknown.Select(u => $"'{u}'"))}");
            var undeclared = symbols.Where(s => !variables.Contains(s) && !defaults.ContainsKey(s) && !constants.ContainsKey(s)).ToList();
            if (undeclared.Count > 0)
                return io.Fail(modelPath, $"symbol(s) declared neither as variable (--variables), parameter (--params) nor constant (--constants): {string.Join(", ", undeclared.Select(u => $"'{u}'"))}");
        }
        else variables = symbols.Where(s => !defaults.ContainsKey(s) && !constants.ContainsKey(s)).ToList();

        AmplitudeModel model;
        try
        {
            model = AmplitudeModel.FromSrepr(expression, modelName ?? Path.GetFileNameWithoutExtension(modelPath), variables, defaults, constants, complexParameters);
        }
        catch (ArgumentException ex)
        {
            return io.Fail(modelPath, ex.Message);
        }
        text = AmpWriter.Write(model);
        if (!io.TryWrite(outPath, w => w.Write(text), out var code)) return code;
        io.Out.WriteLine($"{Path.GetFileName(modelPath)} -> {outPath}: {model.Variables.Count} variable(s) ({string.Join(", ", model.Variables)}), " +
            $"{model.Parameters.Count} parameter(s), {model.Constants.Count} constant(s); {text.Length:N0} characters");
        return 0;
    }
}
