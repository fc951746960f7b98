using System.Text.RegularExpressions;

namespace PartialWave.Cli.Tests;

/// <summary>Bad input: exit code 2, a message on stderr that names the file and where in it.</summary>
public class ErrorTests
{
    private static string Diagnostic(string file, int line, int col, string code) =>
        $"{file}:{line}:{col}: error {code}: ";

    /// <summary>Arguments that run COMMAND on MODEL, with other inputs that exist and are valid.</summary>
    private static string[] CommandOn(CliTest.TempDir dir, string command, string model) => command switch
    {
        "info" => ["info", model],
        "check" => ["check", model, dir.Write("ref.json", "{\"points\": [{\"symbols\": {\"x\": 1, \"y\": 2}, \"value\": 1}]}")],
        "eval" => ["eval", model, "--data", dir.Write("events.csv", "x,y\n1,2\n")],
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };

    private static void AssertNoCrash(CliResult r)
    {
        Assert.DoesNotContain("Unhandled exception", r.Stderr);
        Assert.DoesNotContain("Exception:", r.Stderr);
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", r.Stderr); // no stack trace
    }

    [Theory]
    [InlineData("info")]
    [InlineData("check")]
    [InlineData("eval")]
    public void SyntaxError_NamesLineAndColumn(string command)
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("bad.expr", "a +\nx + * y\n");

        var r = CliTest.Run(CommandOn(dir, command, model)).AssertExit(2);

        Assert.StartsWith(Diagnostic(model, 2, 5, "PWA0001"), r.StderrLines[0]);
        Assert.Contains("'*'", r.StderrLines[0]);
        Assert.Equal("", r.Stdout);
    }

    [Theory]
    [InlineData("x * (y + 1", 1, 11, "at 1:5")]
    [InlineData("x + y)", 1, 6, "unbalanced ')'")]
    [InlineData("sin(x", 1, 6, "'sin(' opened at 1:1")]
    [InlineData("(a +\n  b", 2, 4, "at 1:1")]
    [InlineData("|x + 1", 1, 7, "'|' at 1:1")]
    public void UnbalancedParenthesis_NamesLineAndColumn(string text, int line, int col, string mention)
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("bad.expr", text);

        var r = CliTest.Run("info", model, "--json").AssertExit(2);

        Assert.StartsWith(Diagnostic(model, line, col, "PWA0002"), r.StderrLines.Single());
        Assert.Contains(mention, r.StderrLines.Single());
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void SreprSyntaxError_NamesLineAndColumn()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("bad.srepr", "Add(Symbol('x'),\n    Symbol('y'), Frob(Symbol('z')))");

        var r = CliTest.Run("info", model).AssertExit(2);

        Assert.Matches($"^{Regex.Escape(model)}:2:\\d+: error PWA\\d{{4}}: ", r.StderrLines.Single());
        Assert.Contains("Frob", r.StderrLines.Single());
    }

    [Fact]
    public void SymbolMissingFromDataAndParams_IsNamed()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("model.expr", "a*x + b");
        var data = dir.Write("events.csv", "x\n1\n2\n");
        var parameters = dir.Write("params.json", "{\"a\": 2}");

        var r = CliTest.Run("eval", model, "--data", data, "--params", parameters).AssertExit(2);

        var line = r.StderrLines.Single();
        Assert.StartsWith(data, line);
        Assert.Contains("no column 'b' in the file (it has 'x')", line);
        Assert.DoesNotContain("'a'", line);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void UnknownParameterName_IsNamed()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("model.expr", "a*x + b");
        var data = dir.Write("events.csv", "x\n1\n");
        var parameters = dir.Write("params.json", "{\"a\": 2, \"b\": [0, 1], \"zz\": 3}");

        var r = CliTest.Run("eval", model, "--data", data, "--params", parameters).AssertExit(2);

        var line = r.StderrLines.Single();
        Assert.StartsWith(parameters, line);
        Assert.Contains("'zz'", line);
        Assert.DoesNotContain("'a'", line);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void NonNumericCsvCell_NamesLineColumnAndValue()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("model.expr", "`m,1` + s");
        var data = dir.Write("events.csv", "\"m,1\",s\n0.5,1.5\n0.25,abc\n1,2\n");

        var r = CliTest.Run("eval", model, "--data", data).AssertExit(2);

        var line = r.StderrLines.Single();
        Assert.StartsWith($"{data}:3:", line);
        Assert.Contains("PWA0008", line);
        Assert.Contains("'abc'", line);
        Assert.Contains("'s'", line);
        Assert.Equal("", r.Stdout);
    }

    /// <summary>
    /// <see cref="PartialWave.Parsing.Diagnostic.Column"/> is documented as a column in UTF-16 characters, the
    /// <c>file:line:col</c> convention editors jump to. "0.25,abc": 'abc' starts at character 6 of line 3.
    /// </summary>
    [Fact]
    public void NonNumericCsvCell_ColumnIsTheCharacterColumn()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("model.expr", "`m,1` + s");
        var data = dir.Write("events.csv", "\"m,1\",s\n0.5,1.5\n0.25,abc\n");

        var r = CliTest.Run("eval", model, "--data", data).AssertExit(2);

        var expected = Diagnostic(data, 3, 6, "PWA0008");
        Assert.True(r.StderrLines.Single().StartsWith(expected, StringComparison.Ordinal), $"expected {expected}..., got: {r.Stderr}");
    }

    [Fact]
    public void CsvRowWithWrongFieldCount_NamesItsLine()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("model.expr", "x + y");
        var data = dir.Write("events.csv", "x,y\n1,2\n3,4,5\n");

        var r = CliTest.Run("eval", model, "--data", data).AssertExit(2);

        Assert.StartsWith($"{data}:3:", r.StderrLines.Single());
    }

    /// <summary>
    /// README: "errors go to stderr as file:line:col: error CODE: message". These errors are in an input file at
    /// a place the tool knows or can know (the JSON reader reports it; the JSON-lines line number is counted).
    /// </summary>
    [Theory]
    [InlineData("params-invalid-json")]
    [InlineData("reference-invalid-json")]
    [InlineData("jsonl-missing-symbol")]
    [InlineData("params-unknown-name")]
    public void ErrorInAJsonInput_UsesTheDocumentedFileLineColForm(string scenario)
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("model.expr", "a*x");
        var data = dir.Write("events.csv", "x\n1\n");
        (string file, int line, string[] args) = scenario switch
        {
            "params-invalid-json" => Case(dir.Write("params.json", "{\"a\": [1.5,\n  -0.25],\n  \"b\" 3}"), 3,
                p => ["eval", model, "--data", data, "--params", p]),
            "reference-invalid-json" => Case(dir.Write("ref.json", "{\"points\": [\n  {\"symbols\": {\"x\": 1 \"a\": 2}, \"value\": 2}]}"), 2,
                p => ["check", model, p]),
            "jsonl-missing-symbol" => Case(dir.Write("e.jsonl",
                "{\"name\": \"one\", \"srepr\": \"Integer(1)\", \"symbols\": {}, \"value\": 1}\n" +
                "{\"name\": \"xy\", \"srepr\": \"Mul(Symbol('x'), Symbol('y'))\", \"symbols\": {\"x\": 1}, \"value\": 1}\n"), 2,
                p => ["check", "--jsonl", p]),
            "params-unknown-name" => Case(dir.Write("params.json", "{\"a\": 2,\n \"zz\": 3}"), 2,
                p => ["eval", model, "--data", data, "--params", p]),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };

        var r = CliTest.Run(args).AssertExit(2);

        var expected = $"^{Regex.Escape(file)}:{line}:\\d+: error PWA\\d{{4}}: ";
        Assert.True(Regex.IsMatch(r.StderrLines.Single(), expected),
            $"expected the form {file}:{line}:COL: error PWAnnnn: ..., got: {r.Stderr}");

        static (string, int, string[]) Case(string file, int line, Func<string, string[]> args) => (file, line, args(file));
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("frobnicate")]
    [InlineData("info", "MODEL", "--bogus")]
    [InlineData("info", "MODEL", "--json=maybe")]
    [InlineData("check", "MODEL", "REF", "--tolerance", "abc")]
    [InlineData("check", "MODEL", "REF", "--tolrance", "1e-3")]
    [InlineData("eval", "MODEL")]
    [InlineData("eval", "MODEL", "--data", "DATA", "--frobnicate")]
    public void BadCommandLine_ExitsTwo(params string[] template)
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("model.expr", "x");
        var reference = dir.Write("ref.json", "{\"points\": [{\"symbols\": {\"x\": 1}, \"value\": 1}]}");
        var data = dir.Write("events.csv", "x\n1\n");
        var args = template.Select(a => a switch { "MODEL" => model, "REF" => reference, "DATA" => data, _ => a }).ToArray();

        var r = CliTest.Run(args).AssertExit(2);

        Assert.StartsWith("pwa: ", r.StderrLines[0]);
        Assert.Contains("--help", r.Stderr);
        Assert.Equal("", r.Stdout);
        AssertNoCrash(r);
    }

    [Theory]
    [InlineData("info")]
    [InlineData("check")]
    [InlineData("eval")]
    public void NonexistentModelFile_ExitsTwoWithoutException(string command)
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.PathOf("missing.expr");

        var r = CliTest.Run(CommandOn(dir, command, model)).AssertExit(2);

        Assert.StartsWith(Diagnostic(model, 1, 1, "PWA0011"), r.StderrLines.Single());
        Assert.Equal("", r.Stdout);
        AssertNoCrash(r);
    }

    [Theory]
    [InlineData("data")]
    [InlineData("params")]
    [InlineData("reference")]
    [InlineData("jsonl")]
    public void NonexistentInputFile_ExitsTwoNamingIt(string which)
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("model.expr", "x");
        var data = dir.Write("events.csv", "x\n1\n");
        var missing = dir.PathOf("missing-" + which);
        string[] args = which switch
        {
            "data" => ["eval", model, "--data", missing],
            "params" => ["eval", model, "--data", data, "--params", missing],
            "reference" => ["check", model, missing],
            "jsonl" => ["check", "--jsonl", missing],
            _ => throw new ArgumentOutOfRangeException(nameof(which)),
        };

        var r = CliTest.Run(args).AssertExit(2);

        Assert.StartsWith(missing, r.StderrLines.Single());
        Assert.Equal("", r.Stdout);
        AssertNoCrash(r);
    }

    [Fact]
    public void UnknownModelExtension_ExitsTwo()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("model.txt", "x");

        var r = CliTest.Run("info", model).AssertExit(2);

        Assert.StartsWith(Diagnostic(model, 1, 1, "PWA0011"), r.StderrLines.Single());
        Assert.Contains(".expr", r.Stderr);
        Assert.Contains(".srepr", r.Stderr);
    }

    /// <summary>An output path that cannot be created is bad input (exit 2, a one-line message), not a crash.</summary>
    [Fact]
    public void EvalOutIntoMissingDirectory_ExitsTwoWithoutException()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("model.expr", "x");
        var data = dir.Write("events.csv", "x\n1\n");
        var output = Path.Combine(dir.Root, "no-such-dir", "values.csv");

        var r = CliTest.Run("eval", model, "--data", data, "--out", output);

        Assert.True(r.ExitCode == 2 && !r.Stderr.Contains("Unhandled exception"),
            $"expected exit code 2 and a one-line message, got {r}");
        AssertNoCrash(r);
        Assert.Contains(output, r.Stderr);
    }
}

/// <summary>What escapes a command: exit codes that tell a bug apart from bad input and from a failed check or fit.</summary>
public class CrashTests
{
    [Fact]
    public void An_internal_error_exits_3_with_the_stack_trace_and_a_plea_to_report_it()
    {
        var err = new StringWriter();
        int code = Pwa.Guarded(() => throw new InvalidOperationException("index out of step"), err);
        Assert.Equal(3, code);
        Assert.NotEqual((int)ExitCode.CheckFailed, code);
        Assert.NotEqual((int)ExitCode.FitFailed, code);
        Assert.NotEqual((int)ExitCode.BadInput, code);
        Assert.Contains("internal error (a bug in pwa", err.ToString());
        Assert.Contains("index out of step", err.ToString());
        Assert.Matches(@"(?m)^\s+at \S+", err.ToString());
    }

    [Fact]
    public void A_gpu_that_cannot_run_is_bad_input_and_a_command_keeps_its_own_code()
    {
        var err = new StringWriter();
        Assert.Equal(2, Pwa.Guarded(() => throw new GpuUnavailableException("no CUDA device"), err));
        Assert.Equal("pwa: error: no CUDA device", err.ToString().Trim());
        Assert.Equal(1, Pwa.Guarded(() => (int)ExitCode.FitFailed, TextWriter.Null));
        Assert.Equal(0, Pwa.Guarded(() => 0, TextWriter.Null));
    }
}

/// <summary>Command-line mistakes name the argument or option and what was expected.</summary>
public class CommandLineMessageTests
{
    [Fact]
    public void A_missing_model_is_named()
    {
        var r = CliTest.Run("info").AssertExit(2);
        Assert.StartsWith("pwa: info: missing MODEL (Model file: .srepr", r.StderrLines[0]);
        Assert.Contains(".amp", r.StderrLines[0]);
    }

    [Fact]
    public void A_value_outside_the_choices_or_not_a_number_names_the_option()
    {
        var simd = CliTest.Run("bench", "m.srepr", "--reference", "r.json", "--simd", "384").AssertExit(2);
        Assert.Equal("pwa: --simd: Argument '384' not recognized. Must be one of: '256' '512'", simd.StderrLines[0]);
        var events = CliTest.Run("phsp", "--decay", "3 -> 0 0 0", "--events", "abc", "--out", "x.csv").AssertExit(2);
        Assert.Equal("pwa: --events: 'abc' is not a whole number", events.StderrLines[0]);
    }

    [Fact]
    public void Help_names_every_model_format_and_how_to_turn_hoisting_off()
    {
        foreach (var command in new[] { "bench", "check", "fit", "info" })
            Assert.Contains(".amp", CliTest.Run(command, "--help").Stdout);
        Assert.Contains("--hoisting <true|false>", CliTest.Run("bench", "--help").Stdout);
    }
}
