namespace PartialWave.Cli.Tests;

/// <summary>
/// No command destroys an input: an output that is (or links to) an input, has the wrong extension or cannot be
/// written is refused before any work, with every input left byte for byte; outputs are written whole or not at
/// all, and temporaries of killed runs are cleaned up by the next write.
/// </summary>
public class OutputSafetyTests
{
    private sealed class Inputs : IDisposable
    {
        public CliTest.TempDir Dir { get; } = CliTest.NewTempDir();
        public string Model { get; }
        public string Data { get; }
        public string Params { get; }
        public string Fit { get; }
        private readonly Dictionary<string, byte[]> _bytes = [];

        public Inputs()
        {
            Model = Dir.Write("model.expr", "a*x + b\n");
            Data = Dir.Write("data.csv", "x\n0.25\n0.5\n0.75\n");
            Params = Dir.Write("params.json", "{\"a\": 2, \"b\": 1}\n");
            Fit = Dir.Write("fit.json", """
                {"kinematic_variables": ["x"], "free_parameters": [{"name": "a", "start": 1.0, "initial_step": 0.1}], "fixed_parameters": {"b": 1}}
                """);
            foreach (var f in new[] { Model, Data, Params, Fit }) _bytes[f] = File.ReadAllBytes(f);
        }

        public void AssertUntouched()
        {
            foreach (var (file, bytes) in _bytes) Assert.Equal(bytes, File.ReadAllBytes(file));
            Assert.Empty(Directory.GetFiles(Dir.Root, "*.tmp"));
        }

        public CliResult Eval(string output) => CliTest.Run("eval", Model, "--data", Data, "--params", Params, "--out", output);

        public void Dispose() => Dir.Dispose();
    }

    [Fact]
    public void Eval_refuses_to_write_over_any_of_its_inputs()
    {
        using var i = new Inputs();
        foreach (var input in new[] { i.Data, i.Params, i.Model })
        {
            var r = i.Eval(input).AssertExit(2);
            Assert.StartsWith($"{input}: error: cannot write the output file: the output is the input", r.StderrLines[0]);
        }
        i.AssertUntouched();
    }

    [Fact]
    public void An_output_that_links_to_an_input_or_names_it_differently_is_refused()
    {
        using var i = new Inputs();
        var link = i.Dir.PathOf("values.csv");
        File.CreateSymbolicLink(link, i.Data);
        i.Eval(link).AssertExit(2);
        var roundabout = Path.Combine(i.Dir.Root, "sub", "..", "data.csv");
        Directory.CreateDirectory(i.Dir.PathOf("sub"));
        i.Eval(roundabout).AssertExit(2);
        i.AssertUntouched();
    }

    [Theory]
    [InlineData("values.parquet", "must end in .csv")]
    [InlineData("values", "must end in .csv")]
    [InlineData("missing/values.csv", "does not exist")]
    public void A_wrong_extension_or_a_missing_folder_is_refused_before_any_work(string output, string why)
    {
        using var i = new Inputs();
        var path = i.Dir.PathOf(output);
        var r = i.Eval(path).AssertExit(2);
        Assert.Contains(why, r.Stderr);
        Assert.False(File.Exists(path));
        i.AssertUntouched();
    }

    [Fact]
    public void An_output_is_replaced_whole_and_stale_temporaries_of_dead_runs_are_removed()
    {
        using var i = new Inputs();
        var output = i.Dir.Write("values.csv", "old\n");
        // What a run killed with SIGKILL leaves: a temporary named after a process that no longer runs, and one of
        // the older naming without a process id. A live process's temporary (this one's) is left alone.
        var dead = i.Dir.Write($".values.csv.{int.MaxValue - 1}.{Guid.NewGuid():N}.tmp", "partial");
        var older = i.Dir.Write($".values.csv.{Guid.NewGuid():N}.tmp", "partial");
        var live = i.Dir.Write($".values.csv.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp", "in progress");

        i.Eval(output).AssertExit(0);

        Assert.Equal("re,im\n1.5,0\n2,0\n2.5,0\n", File.ReadAllText(output));
        Assert.False(File.Exists(dead));
        Assert.False(File.Exists(older));
        Assert.True(File.Exists(live));
        File.Delete(live);
        i.AssertUntouched();
    }

    [Fact]
    public void Fit_refuses_a_result_file_that_is_an_input_before_fitting()
    {
        using var i = new Inputs();
        foreach (var input in new[] { i.Fit, i.Data, i.Model })
        {
            var r = CliTest.Run("fit", i.Model, "--data", i.Data, "--phsp", i.Data, "--fit", i.Fit, "--json", input).AssertExit(2);
            Assert.Contains("the output is the input", r.Stderr);
            Assert.DoesNotContain("MIGRAD", r.Stdout);
        }
        var wrong = CliTest.Run("fit", i.Model, "--data", i.Data, "--phsp", i.Data, "--fit", i.Fit, "--json", i.Dir.PathOf("result.csv")).AssertExit(2);
        Assert.Contains("must end in .json", wrong.Stderr);
        i.AssertUntouched();
    }

    [Fact]
    public void Convert_and_simulate_refuse_their_inputs_as_outputs()
    {
        using var i = new Inputs();
        var amp = i.Dir.Write("model.amp", "variable x\nparameter a = 2\nintensity = |a*x|^2\n");
        var before = File.ReadAllBytes(amp);
        CliTest.Run("convert", amp, "-o", amp).AssertExit(2);
        Assert.Equal(before, File.ReadAllBytes(amp));
        // A parameter file named like an event file (params.csv is not one, but a careless name is the point).
        var csvParams = i.Dir.Write("params.csv", "{\"a\": 2}\n");
        var sim = CliTest.Run("simulate", amp, "--decay", "3.0969 -> 0 0.1349768 0.1349768", "--events", "10", "--params", csvParams, "--out", csvParams);
        sim.AssertExit(2);
        Assert.Contains("the output is the input", sim.Stderr);
        Assert.Equal("{\"a\": 2}\n", File.ReadAllText(csvParams));
        var phsp = CliTest.Run("phsp", "--decay", "3.0969 -> 0 0.1349768 0.1349768", "--events", "10", "--out", i.Dir.PathOf("events.txt")).AssertExit(2);
        Assert.Contains(".csv", phsp.Stderr);
        i.AssertUntouched();
    }
}
