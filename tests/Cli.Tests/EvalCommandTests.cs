using System.Globalization;
using System.Numerics;

namespace PartialWave.Cli.Tests;

public class EvalCommandTests
{
    // A symbol whose name contains a comma: backtick-quoted in the model, RFC 4180-quoted in the CSV header.
    private const string Model = "`m,1`^2 * g + s\n";
    private static readonly Complex G = new(1.5, -0.25);
    private static readonly (double M, double S)[] Events =
    [
        (0.1, -0.7),
        (1.0 / 3.0, 1e-3),
        (2.718281828459045, 12345.678),
        (-1.1, 0.0),
    ];

    private static Complex Expected(double m, double s) => new Complex(m * m, 0) * G + s;

    private static string Csv() =>
        "\"m,1\",s\n" + string.Concat(Events.Select(e => $"{CliTest.Num(e.M)},{CliTest.Num(e.S)}\n"));

    private static string Params() => $"{{\"g\": {CliTest.Pair(G)}}}\n";

    /// <summary>Parses re,im output and checks it against the hand-computed values.</summary>
    private static void AssertValues(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal("re,im", lines[0]);
        Assert.Equal(Events.Length, lines.Length - 1);
        for (int i = 0; i < Events.Length; i++)
        {
            var cells = lines[i + 1].Split(',');
            Assert.Equal(2, cells.Length);
            var re = double.Parse(cells[0], NumberStyles.Float, CultureInfo.InvariantCulture);
            var im = double.Parse(cells[1], NumberStyles.Float, CultureInfo.InvariantCulture);
            var expected = Expected(Events[i].M, Events[i].S);
            var dev = CliTest.RelativeDeviation(new Complex(re, im), expected);
            Assert.True(dev <= 1e-15, $"event {i}: got {lines[i + 1]}, expected {expected}, relative deviation {dev}");
            Assert.NotEqual(0.0, im); // g is complex, so every value is
        }
    }

    [Fact]
    public void QuotedCommaColumn_ComplexParameter_ValuesRoundTrip()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("model.expr", Model);
        var data = dir.Write("events.csv", Csv());
        var parameters = dir.Write("params.json", Params());

        var r = CliTest.Run("eval", model, "--data", data, "--params", parameters).AssertExit(0);

        AssertValues(r.Stdout);
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void CrLfLineEndings_AreAccepted()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("model.expr", Model);
        var data = dir.Write("events.csv", Csv().Replace("\n", "\r\n"));
        var parameters = dir.Write("params.json", Params());

        var r = CliTest.Run("eval", model, "--data", data, "--params", parameters).AssertExit(0);

        AssertValues(r.Stdout);
    }

    [Fact]
    public void Out_WritesTheFileInsteadOfStandardOutput()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("model.expr", Model);
        var data = dir.Write("events.csv", Csv());
        var parameters = dir.Write("params.json", Params());
        var output = dir.PathOf("values.csv");

        var toStdout = CliTest.Run("eval", model, "--data", data, "--params", parameters).AssertExit(0);
        var toFile = CliTest.Run("eval", model, "--data", data, "--params", parameters, "--out", output).AssertExit(0);

        Assert.Equal("", toFile.Stdout);
        Assert.True(File.Exists(output), toFile.ToString());
        var written = File.ReadAllText(output);
        AssertValues(written);
        Assert.Equal(toStdout.Stdout.ReplaceLineEndings(), written.ReplaceLineEndings());
        Assert.Contains(output, toFile.Stderr);
    }

    [Fact]
    public void AllSymbolsFromData_NoParamsNeeded()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("model.expr", "x*y - 1");
        var data = dir.Write("events.csv", "y,x\n2,3\n0.5,0.25\n");

        var r = CliTest.Run("eval", model, "--data", data).AssertExit(0);

        Assert.Equal(new[] { "re,im", "5,0", "-0.875,0" }, r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void UnusedColumn_IsANoteNotAnError()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("model.expr", "2*x");
        var data = dir.Write("events.csv", "x,extra\n1.5,9\n");

        var r = CliTest.Run("eval", model, "--data", data).AssertExit(0);

        Assert.Equal(new[] { "re,im", "3,0" }, r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("extra", r.Stderr);
        Assert.Contains("note", r.Stderr);
    }

    [Fact]
    public void SymbolBothInDataAndParams_IsBadInput()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("model.expr", "a*x");
        var data = dir.Write("events.csv", "x,a\n1,2\n");
        var parameters = dir.Write("params.json", "{\"a\": 3}");

        var r = CliTest.Run("eval", model, "--data", data, "--params", parameters).AssertExit(2);

        Assert.Contains(data, r.Stderr);
        Assert.Matches(@"both as data columns and as parameters: a\b", r.Stderr);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void Derivative_writes_the_value_and_its_derivative_by_a_column()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("m.expr", "x**3*exp(-x) + a*x\n");
        var data = dir.Write("d.csv", "x,a\n0.5,2\n1.5,-1\n");

        var r = CliTest.Run("eval", model, "--data", data, "--derivative", "x").AssertExit(0);

        var lines = r.Stdout.Trim().Split('\n');
        Assert.Equal("value,d value/d x", lines[0].Trim());
        foreach (var (line, x, a) in new[] { (lines[1], 0.5, 2.0), (lines[2], 1.5, -1.0) })
        {
            var v = line.Split(',').Select(t => double.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(x * x * x * Math.Exp(-x) + a * x, v[0], 1e-14);
            Assert.Equal((3 * x * x - x * x * x) * Math.Exp(-x) + a, v[1], 1e-14);
        }
        Assert.Contains("not a data column", CliTest.Run("eval", model, "--data", data, "--derivative", "z").AssertExit(2).Stderr);
    }
}
