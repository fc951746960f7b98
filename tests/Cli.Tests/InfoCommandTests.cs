using System.Text.Json;

namespace PartialWave.Cli.Tests;

public class InfoCommandTests
{
    // x*y + x*y*z: tree = Add + Mul(x,y) [3 nodes] + Mul(x,y,z) [4 nodes] = 8; the DAG shares x and y:
    // Add, two Muls, x, y, z = 6. SymPy's count_ops: 1 ADD + (1 + 2) MUL = 4.
    private const string Infix = "x*y + x*y*z\n";
    private const string Srepr = "Add(Mul(Symbol('x'), Symbol('y')), Mul(Symbol('x'), Symbol('y'), Symbol('z')))\n";

    [Theory]
    [InlineData("model.expr", Infix)]
    [InlineData("model.srepr", Srepr)]
    public void Json_ReportsSizesOpsSymbolsAndParseTime(string fileName, string text)
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write(fileName, text);

        var r = CliTest.Run("info", model, "--json").AssertExit(0);

        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        foreach (var key in new[] { "tree_nodes", "distinct_nodes", "count_ops", "free_symbols", "parse_seconds" })
            Assert.True(root.TryGetProperty(key, out _), $"missing key '{key}' in {r.Stdout}");

        long tree = root.GetProperty("tree_nodes").GetInt64();
        long dag = root.GetProperty("distinct_nodes").GetInt64();
        Assert.Equal(8, tree);
        Assert.Equal(6, dag);
        Assert.True(dag <= tree, $"distinct_nodes {dag} > tree_nodes {tree}");
        Assert.Equal(4, root.GetProperty("count_ops").GetInt64());
        Assert.Equal(new[] { "x", "y", "z" }, root.GetProperty("free_symbols").EnumerateArray().Select(e => e.GetString()!).ToArray());
        double seconds = root.GetProperty("parse_seconds").GetDouble();
        Assert.InRange(seconds, 0.0, 60.0);
        Assert.Equal(fileName, root.GetProperty("model").GetString());
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void Json_KernelOperations_OfTheValueAndOfTheValueWithItsDerivative()
    {
        using var dir = CliTest.NewTempDir();
        // The hydrogen radial function R_62 with Z = 6: x^2 (56 - 56 x + 16 x^2 - 4/3 x^3) e^(-x) sqrt(70)/210.
        var model = dir.Write("hydrogen.expr", "sqrt(70)*x**2*(-4*x**3/3 + 16*x**2 - 56*x + 56)*exp(-x)/210\n");

        var value = JsonDocument.Parse(CliTest.Run("info", model, "--json").AssertExit(0).Stdout).RootElement;
        var both = JsonDocument.Parse(CliTest.Run("info", model, "--derivative", "x", "--json").AssertExit(0).Stdout).RootElement;

        // Horner form, exp(-x) shared: value 8 (negate, exp, x^2, three multiply-adds, two products); with the
        // derivative 14, against SymPy's 27 and Theano's 24 for the pair.
        Assert.Equal(8, value.GetProperty("kernel_operations").GetInt64());
        Assert.InRange(both.GetProperty("kernel_operations").GetInt64(), 9, 15);
        Assert.Equal(["x"], both.GetProperty("derivatives").EnumerateArray().Select(e => e.GetString()!));
        var bad = CliTest.Run("info", model, "--derivative", "y").AssertExit(2);
        Assert.Contains("no symbol(s) 'y'", bad.Stderr);
    }

    [Fact]
    public void Json_FreeSymbolsAreSortedAndDistinct_QuotedNamesIncluded()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("m.expr", "b*`m,1` + a*b + exp(I*pi*a)");

        var r = CliTest.Run("info", model, "--json").AssertExit(0);

        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(new[] { "a", "b", "m,1" }, doc.RootElement.GetProperty("free_symbols").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    [Fact]
    public void Table_MentionsDistinctNodesAndListsFreeSymbols()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("model.expr", Infix);

        var r = CliTest.Run("info", model).AssertExit(0);

        Assert.Contains("distinct nodes", r.Stdout);
        Assert.Contains("tree nodes", r.Stdout);
        Assert.Contains("model.expr", r.Stdout);
        var lines = r.Stdout.Split('\n').Select(l => l.Trim()).ToList();
        int header = lines.IndexOf("free symbols:");
        Assert.True(header >= 0, r.ToString());
        Assert.Equal(new[] { "x", "y", "z" }, lines.Skip(header + 1).Where(l => l.Length > 0).ToArray());
        // Not JSON: the table is for people.
        Assert.False(r.Stdout.TrimStart().StartsWith('{'), r.Stdout);
    }
}
