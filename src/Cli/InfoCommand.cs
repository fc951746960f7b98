using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using PartialWave.Parsing;
using PartialWave.Symbolic;
using Spectre.Console;
using PartialWave.Modeling;

namespace PartialWave.Cli;

/// <summary><c>pwa info MODEL [--json]</c>: sizes, operation count, free symbols and parse time of a model.</summary>
internal static class InfoCommand
{
    public static Command Create(CommandIo io)
    {
        var model = new Argument<FileInfo>("MODEL") { Description = "Model file: .srepr (SymPy srepr export), .expr (infix expression) or .amp (model language)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (tree_nodes, distinct_nodes, count_ops, free_symbols, parse_seconds)." };
        var cmd = new Command("info",
            "Show a model's size as a tree and as a shared DAG, its operation count, free symbols and parse time.\n\n" +
            "Example:\n  pwa info lc2pkpi_default_full.srepr --json")
        { model, json };
        cmd.SetAction(r => Run(io, r.GetValue(model)!, r.GetValue(json)));
        return cmd;
    }

    private static int Run(CommandIo io, FileInfo file, bool json)
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
            io.Out.WriteLine(JsonSerializer.Serialize(obj));
            return 0;
        }
        var table = new Table().AddColumn("property").AddColumn("value").Title(Markup.Escape(file.Name));
        table.AddRow("tree nodes", tree.ToString("N0"));
        table.AddRow("distinct nodes (DAG)", dag.ToString("N0"));
        table.AddRow("sharing (tree / DAG)", $"{(double)tree / dag:F1}x");
        table.AddRow("operation count (count_ops)", ops.ToString("N0"));
        table.AddRow("depth", e.Depth().ToString());
        table.AddRow("free symbols", symbols.Count.ToString());
        table.AddRow("parse seconds", $"{parseSeconds:F4}");
        io.Console.Write(table);
        io.Out.WriteLine("free symbols:");
        foreach (var s in symbols) io.Out.WriteLine("  " + s);
        return 0;
    }
}
