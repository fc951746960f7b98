using System.Numerics;
using System.Text.Json;
using PartialWave.Backends.Reference;
using PartialWave.Modeling;
using PartialWave.Parsing;
using PartialWave.Symbolic;
using Xunit.Abstractions;
using PartialWave.Numerics;

namespace PartialWave.Engine.Tests.Core.Numerics;

public class ReferenceModelTests(ITestOutputHelper output)
{
    public static TheoryData<string> BigModels => new() { "jpsi_gamma_pi0pi0", "jpsi_gamma_pi0pi0_f0f2_canonical", "lc2pkpi_default_full" };

    [SkippableTheory]
    [MemberData(nameof(BigModels))]
    public void Big_model_matches_every_reference_point(string model)
    {
        var srepr = SharedData.ReferenceModel(model + ".srepr");
        var parsed = SreprReader.ParseFile(srepr);
        Assert.True(parsed.Success, string.Join("\n", parsed.Diagnostics));
        var reference = ReferencePoints.Load(SharedData.ReferenceModel(model + ".json"));
        var evaluator = new ReferenceEvaluator(parsed.Value!);
        double worst = 0;
        foreach (var p in reference.Points)
        {
            var v = evaluator.Evaluate(p.Symbols);
            double dev = ReferencePoints.RelativeDeviation(v, p.Expected);
            worst = Math.Max(worst, dev);
            Assert.True(dev <= 1e-10, $"point {p.Index}: {v} vs {p.Expected} (relative deviation {dev:E2})");
        }
        output.WriteLine($"{model}: {reference.Points.Count} points, largest relative deviation {worst:E2}");
    }

    [SkippableTheory]
    [MemberData(nameof(BigModels))]
    public void Big_model_free_symbols_match_the_export(string model)
    {
        var expr = SreprReader.ParseFile(SharedData.ReferenceModel(model + ".srepr")).GetValueOrThrow();
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.ReferenceModel(model + ".json")));
        var root = doc.RootElement;
        // SymPy's free_symbols also lists IndexedBase labels; the export's input_symbols leaves them out.
        var key = root.TryGetProperty("input_symbols", out _) ? "input_symbols" : "free_symbols";
        var expected = root.GetProperty(key).EnumerateArray().Select(e => e.GetString()!).OrderBy(s => s, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, expr.FreeSymbolNames());
    }

    public static IEnumerable<object[]> SmallLines()
    {
        if (SharedData.Root is null) { yield return ["(shared data absent)"]; yield break; }
        var path = Path.Combine(SharedData.Root, "reference-models", "sympy_small.srepr.jsonl");
        if (!File.Exists(path)) { yield return ["(shared data absent)"]; yield break; }
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            yield return [doc.RootElement.GetProperty("name").GetString()!];
        }
    }

    internal static JsonElement SmallLine(string name)
    {
        var path = SharedData.ReferenceModel("sympy_small.srepr.jsonl");
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var e = JsonDocument.Parse(line).RootElement;
            if (e.GetProperty("name").GetString() == name) return e;
        }
        throw new KeyNotFoundException(name);
    }

    [SkippableTheory]
    [MemberData(nameof(SmallLines))]
    public void Small_expression_matches_sympy(string name)
    {
        Skip.If(name.StartsWith('('), "../shared/reference-models is absent (it sits beside the repository in CI); skipping.");
        var line = SmallLine(name);
        var expr = SreprReader.Parse(line.GetProperty("srepr").GetString()!, name).GetValueOrThrow();
        var values = ReferencePoints.ReadValues(line.GetProperty("symbols"));
        var expected = ReferencePoints.ReadComplex(line.GetProperty("value"));
        var v = ReferenceEvaluator.Evaluate(expr, values);
        double dev = ReferencePoints.RelativeDeviation(v, expected);
        output.WriteLine($"{name}: {v} vs {expected}, relative deviation {dev:E2}; count_ops {expr.CountOps()} (SymPy {line.GetProperty("count_ops")})");
        Assert.True(dev <= 1e-12, $"{name}: {v} vs {expected} (relative deviation {dev:E2})");
    }
}
