using System.Numerics;

namespace PartialWave.Cli.Tests;

public class CheckCommandTests
{
    private const string Model = "a*x^2 + c*exp(I*x)\n";
    private static readonly Complex A = 2.0;
    private static readonly Complex C = new(1.0, 0.5);
    private static readonly double[] Xs = [0.5, -1.25];

    /// <summary>a x^2 + c e^{ix}, computed by hand.</summary>
    private static Complex Expected(double x) => A * x * x + C * Complex.Exp(new Complex(0, x));

    private static string Reference(params Complex[] values) =>
        "{\"parameter_defaults\": {\"a\": 2.0, \"c\": [1.0, 0.5]},\n \"points\": [\n" +
        string.Join(",\n", Xs.Select((x, i) => $"  {{\"symbols\": {{\"x\": {CliTest.Num(x)}}}, \"value\": {CliTest.Pair(values[i])}}}")) +
        "\n]}\n";

    private static (string Model, string Reference) Write(CliTest.TempDir dir, params Complex[] values) =>
        (dir.Write("model.expr", Model), dir.Write("model.json", Reference(values)));

    // The compiled backends checked at the same points: parameters free at their defaults, x an event column.
    [Theory]
    [InlineData("cpu")]
    [InlineData("gpu")]
    public void Compiled_backends_are_checked_at_the_reference_points(string backend)
    {
        using var dir = CliTest.NewTempDir();
        var (model, reference) = Write(dir, Expected(Xs[0]), Expected(Xs[1]));
        var r = CliTest.Run("check", model, reference, "--backend", backend, "--device", "cpu-accelerator").AssertExit(0);
        Assert.Contains($"({backend} backend)", r.Stdout);
        Assert.Contains(": OK", r.Stdout);
        var (model2, wrong) = Write(dir, Expected(Xs[0]), Expected(Xs[1]) * 1.001);
        var bad = CliTest.Run("check", model2, wrong, "--backend", backend, "--device", "cpu-accelerator").AssertExit(1);
        Assert.Contains("1 FAILED", bad.Stdout);
        CliTest.Run("check", "--jsonl", reference, "--backend", backend).AssertExit(2);
    }

    [Fact]
    public void MatchingReference_ExitsZeroAndSaysOk()
    {
        using var dir = CliTest.NewTempDir();
        var (model, reference) = Write(dir, Expected(Xs[0]), Expected(Xs[1]));

        var r = CliTest.Run("check", model, reference).AssertExit(0);

        Assert.DoesNotContain("FAIL", r.Stdout);
        Assert.Contains("2 points", r.Stdout);
        Assert.Contains(": OK", r.Stdout);
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void ReferencePerturbedByOnePartInAMillion_ExitsOneAndShowsFail()
    {
        using var dir = CliTest.NewTempDir();
        var (model, reference) = Write(dir, Expected(Xs[0]), Expected(Xs[1]) * (1 + 1e-6));

        var r = CliTest.Run("check", model, reference).AssertExit(1);

        Assert.Contains("FAIL", r.Stdout);
        Assert.Contains("1 FAILED", r.Stdout);
        // Exactly one row of the table is marked.
        Assert.Single(r.Stdout.Split('\n'), l => l.Contains("FAIL") && !l.Contains("FAILED"));
        Assert.Contains("1.00E-006", r.Stdout);
    }

    [Theory]
    [InlineData("1e-5", 0)]
    [InlineData("2e-6", 0)]
    [InlineData("5e-7", 1)]
    [InlineData("1e-12", 1)]
    public void Tolerance_DecidesTheVerdict(string tolerance, int expectedExit)
    {
        using var dir = CliTest.NewTempDir();
        var (model, reference) = Write(dir, Expected(Xs[0]) * (1 - 1e-6), Expected(Xs[1]));

        var r = CliTest.Run("check", model, reference, "--tolerance", tolerance).AssertExit(expectedExit);

        Assert.Equal(expectedExit == 1, r.Stdout.Contains("FAIL"));
    }

    [Fact]
    public void NegativeTolerance_IsBadInput()
    {
        using var dir = CliTest.NewTempDir();
        var (model, reference) = Write(dir, Expected(Xs[0]), Expected(Xs[1]));

        var r = CliTest.Run("check", model, reference, "--tolerance", "-1").AssertExit(2);

        Assert.Contains("--tolerance", r.Stderr);
    }

    [Fact]
    public void ReferencePointWithoutAModelSymbol_IsBadInputNamingIt()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("model.expr", Model);
        var reference = dir.Write("model.json", "{\"parameter_defaults\": {\"a\": 2.0}, \"points\": [{\"symbols\": {\"x\": 0.5}, \"value\": [1, 0]}]}");

        var r = CliTest.Run("check", model, reference).AssertExit(2);

        Assert.Contains(reference, r.Stderr);
        Assert.Contains("c", r.StderrLines.Single().Split("symbol(s)").Last());
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void ModelAndJsonlTogether_OrNeither_IsBadInput()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("model.expr", Model);
        var lines = dir.Write("e.jsonl", "{\"name\":\"one\",\"srepr\":\"Integer(1)\",\"symbols\":{},\"value\":[1,0]}\n");

        // Alone, the JSON-lines file is fine; with a model too it is ambiguous.
        CliTest.Run("check", "--jsonl", lines).AssertExit(0);
        Assert.Contains("not both", CliTest.Run("check", model, "--jsonl", lines).AssertExit(2).Stderr);
        // Neither, or a model without its reference.
        CliTest.Run("check").AssertExit(2);
        CliTest.Run("check", model).AssertExit(2);
    }

    private static string JsonLine(string name, string srepr, string symbols, Complex value) =>
        $"{{\"name\": \"{name}\", \"srepr\": \"{srepr}\", \"symbols\": {symbols}, \"value\": {CliTest.Pair(value)}}}";

    [Fact]
    public void Jsonl_AllLinesMatch_ExitsZero()
    {
        using var dir = CliTest.NewTempDir();
        var x = new Complex(1, 1);
        var file = dir.Write("small.jsonl", string.Join("\n",
            JsonLine("square", "Pow(Symbol('x'), Integer(2))", "{\"x\": 3}", 9),
            "",
            JsonLine("twice", "Mul(Integer(2), Symbol('x'))", "{\"x\": [1, 1]}", 2 * x),
            JsonLine("const", "Rational(1, 3)", "{}", 1.0 / 3)) + "\n");

        var r = CliTest.Run("check", "--jsonl", file).AssertExit(0);

        Assert.Contains("square", r.Stdout);
        Assert.Contains("twice", r.Stdout);
        Assert.Contains("3 expressions", r.Stdout);
        Assert.DoesNotContain("FAIL", r.Stdout);
    }

    [Fact]
    public void Jsonl_OneWrongValue_ExitsOneAndMarksThatLine()
    {
        using var dir = CliTest.NewTempDir();
        var file = dir.Write("small.jsonl", string.Join("\n",
            JsonLine("square", "Pow(Symbol('x'), Integer(2))", "{\"x\": 3}", 9),
            JsonLine("cube", "Pow(Symbol('x'), Integer(3))", "{\"x\": 3}", 27 * (1 + 1e-6))) + "\n");

        var r = CliTest.Run("check", "--jsonl", file).AssertExit(1);

        var failing = r.Stdout.Split('\n').Where(l => l.Contains("FAIL") && !l.Contains("FAILED")).ToList();
        Assert.Single(failing);
        Assert.Contains("cube", failing[0]);
        Assert.Contains("1 FAILED", r.Stdout);

        // A looser tolerance accepts it.
        CliTest.Run("check", "--jsonl", file, "--tolerance", "1e-5").AssertExit(0);
    }

    [Fact]
    public void Jsonl_MissingSymbolValue_IsBadInputNamingLineAndSymbol()
    {
        using var dir = CliTest.NewTempDir();
        var file = dir.Write("small.jsonl", string.Join("\n",
            JsonLine("square", "Pow(Symbol('x'), Integer(2))", "{\"x\": 3}", 9),
            JsonLine("sum", "Add(Symbol('x'), Symbol('y'))", "{\"x\": 3}", 5)) + "\n");

        var r = CliTest.Run("check", "--jsonl", file).AssertExit(2);

        var line = r.StderrLines.Single();
        Assert.StartsWith(file, line);
        Assert.Contains("2:1", line);
        Assert.Contains("'sum'", line);
        Assert.Contains("y", line.Split("symbol(s)").Last());
    }

    [Fact]
    public void Jsonl_expressions_check_on_the_cpu_backend_too()
    {
        using var dir = CliTest.NewTempDir();
        var good = dir.Write("small.jsonl",
            "{\"name\": \"bw\", \"srepr\": \"Pow(Add(Pow(Symbol('m'), Integer(2)), Mul(Integer(-1), Symbol('s'))), Integer(-1))\", \"symbols\": {\"m\": 0.77, \"s\": 0.5}, \"value\": 10.764262648008613}\n" +
            "{\"name\": \"coupling\", \"srepr\": \"Mul(Symbol('c'), Symbol('x'))\", \"symbols\": {\"c\": [1, 2], \"x\": 3}, \"value\": [3, 6]}\n");
        var r = CliTest.Run("check", "--jsonl", good, "--backend", "cpu", "--tolerance", "1e-12").AssertExit(0);
        Assert.Contains("2 expressions", r.Stdout);
        Assert.Contains(": OK", r.Stdout);
        var wrong = dir.Write("wrong.jsonl", "{\"name\": \"x\", \"srepr\": \"Mul(Integer(2), Symbol('x'))\", \"symbols\": {\"x\": 3}, \"value\": 7}\n");
        Assert.Contains("1 FAILED", CliTest.Run("check", "--jsonl", wrong, "--backend", "cpu").AssertExit(1).Stdout);
    }
}
