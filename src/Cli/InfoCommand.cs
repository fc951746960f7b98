using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using PartialWave.Parsing;
using PartialWave.Symbolic;
using Spectre.Console;
using PartialWave.Modeling;
using PartialWave.Compilation;

namespace PartialWave.Cli;

/// <summary><c>pwa info MODEL [--json]</c>: sizes, operation count, free symbols and parse time of a model.</summary>
internal static class InfoCommand
{
    public static Command Create(CommandIo io)
    {
        var model = new Argument<FileInfo>("MODEL") { Description = "Model file: .srepr (SymPy srepr export), .expr (infix expression) or .amp (model language)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (tree_nodes, distinct_nodes, count_ops, free_symbols, parse_seconds, kernel_operations)." };
        var derivative = new Option<string[]>("--derivative") { Description = "Also compile the derivative by this variable (repeatable), in one kernel with the value: kernel_operations counts that kernel's operations per event." };
        var cmd = new Command("info",
            "Show a model's size as a tree and as a shared DAG, its operation count, free symbols and parse time.\n\n" +
            "Example:\n  pwa info lc2pkpi_default_full.srepr --json\n  pwa info hydrogen.srepr --derivative x --json")
        { model, json, derivative };
        cmd.SetAction(r => Run(io, r.GetValue(model)!, r.GetValue(json), r.GetValue(derivative) ?? []));
        return cmd;
    }

    private static int Run(CommandIo io, FileInfo file, bool json, string[] derivatives)
    {
        var sw = Stopwatch.StartNew();
        var parsed = ModelFile.Load(file.FullName);
        double parseSeconds = sw.Elapsed.TotalSeconds;
        if (!parsed.Success) return io.Fail(parsed.Diagnostics);
        var e = parsed.Value!;
        long tree = e.TreeSize();
        int dag = e.DagSize();
        long ops = e.CountOps();
        var symbols = e.FreeSymbolNames();
        // The kernel's operations per event (every symbol an event column, nothing hoisted): asked for with --json or
        // --derivative, as it costs a compilation.
        long? kernelOperations = null;
        if (json || derivatives.Length > 0)
        {
            var unknown = derivatives.Where(d => !symbols.Contains(d)).ToList();
            if (unknown.Count > 0) return io.Fail(file.FullName, $"--derivative: the model has no symbol(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))}");
            try
            {
                var options = new LambdifyOptions { Hoisting = false };
                CompileStatistics stats;
                if (derivatives.Length > 0) Lambdify.CompileOutputs(Lambdify.WithDerivatives(e, derivatives), symbols, [], null, options, out stats).Dispose();
                else Lambdify.Compile(e, symbols, [], null, options, out stats).Dispose();
                kernelOperations = stats.OperationsPerEvent;
            }
            catch (UnsupportedExpressionException) { kernelOperations = null; }
        }
        if (json)
        {
            var obj = new Dictionary<string, object>
            {
                ["model"] = file.Name,
                ["tree_nodes"] = tree,
                ["distinct_nodes"] = dag,
                ["count_ops"] = ops,
                ["depth"] = e.Depth(),
                ["free_symbols"] = symbols,
                ["parse_seconds"] = parseSeconds,
            };
            if (kernelOperations is { } k) obj["kernel_operations"] = k;
            if (derivatives.Length > 0) obj["derivatives"] = derivatives;
            io.Out.WriteLine(JsonSerializer.Serialize(obj));
            return 0;
        }
        var table = new Table().AddColumn("property").AddColumn("value").Title(Markup.Escape(file.Name));
        table.AddRow("tree nodes", tree.ToString("N0"));
        table.AddRow("distinct nodes (DAG)", dag.ToString("N0"));
        table.AddRow("sharing (tree / DAG)", $"{(double)tree / dag:F1}x");
        table.AddRow("operation count (count_ops)", ops.ToString("N0"));
        table.AddRow("depth", e.Depth().ToString());
        if (kernelOperations is { } kops)
            table.AddRow(derivatives.Length > 0 ? $"kernel operations per event (value and d/d {string.Join(", ", derivatives)})" : "kernel operations per event", kops.ToString("N0"));
        table.AddRow("free symbols", symbols.Count.ToString());
        table.AddRow("parse seconds", $"{parseSeconds:F4}");
        io.Console.Write(table);
        io.Out.WriteLine("free symbols:");
        foreach (var s in symbols) io.Out.WriteLine("  " + s);
        return 0;
    }
}
