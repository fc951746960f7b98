using System.Globalization;
using System.Text.Json;
using PartialWave.Data;
using Xunit;

namespace PartialWave.Cli.Tests;

public class SimulateCommandTests
{
    private const string Decay = "3.0969 -> 0 0.1349768 0.1349768";

    private static string[] Columns(string csv) => File.ReadLines(csv).First().Split(',');

    [Fact]
    public void Phsp_writes_momenta_and_pair_masses_and_the_same_bytes_for_the_same_seed()
    {
        using var dir = CliTest.NewTempDir();
        string a = dir.PathOf("a.csv"), b = dir.PathOf("b.csv"), c = dir.PathOf("c.csv");
        CliTest.Run("phsp", "--decay", Decay, "--events", "2000", "--seed", "5", "--out", a).AssertExit(0);
        CliTest.Run("phsp", "--decay", Decay, "--events", "2000", "--seed", "5", "--out", b).AssertExit(0);
        CliTest.Run("phsp", "--decay", Decay, "--events", "2000", "--seed", "6", "--out", c).AssertExit(0);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        Assert.NotEqual(File.ReadAllBytes(a), File.ReadAllBytes(c));
        Assert.Equal(["p0_E", "p0_px", "p0_py", "p0_pz", "p1_E", "p1_px", "p1_py", "p1_pz", "p2_E", "p2_px", "p2_py", "p2_pz", "m2_01", "m2_02", "m2_12"], Columns(a));
        var sample = EventFiles.Read(a).GetValueOrThrow();
        Assert.Equal(2000, sample.Count);
        // Every event conserves the parent's four-momentum at rest.
        for (int i = 0; i < sample.Count; i++)
        {
            Assert.Equal(3.0969, sample["p0_E"][i] + sample["p1_E"][i] + sample["p2_E"][i], 1e-12);
            Assert.Equal(0, sample["p0_px"][i] + sample["p1_px"][i] + sample["p2_px"][i], 1e-12);
        }
    }

    [Fact]
    public void Phsp_adds_kinematic_variables_by_their_AmpForm_names()
    {
        using var dir = CliTest.NewTempDir();
        var path = dir.PathOf("p.parquet");
        CliTest.Run("phsp", "--decay", Decay, "--events", "500", "--variables", "m_12,theta_0,phi_0", "--out", path).AssertExit(0);
        var s = EventFiles.Read(path).GetValueOrThrow();
        Assert.Contains("theta_0", s.ColumnNames);
        for (int i = 0; i < s.Count; i++) Assert.Equal(s["m2_12"][i], s["m_12"][i] * s["m_12"][i], 1e-12);
        var bad = CliTest.Run("phsp", "--decay", Decay, "--events", "10", "--variables", "m_12,nope", "--out", dir.PathOf("x.csv")).AssertExit(2);
        Assert.Contains("'nope'", bad.Stderr);
    }

    [Theory]
    [InlineData("3.0969 0 0.13", "expected \"M -> m0 m1 ...\"")]
    [InlineData("1.0 -> 0.6 0.6", "no phase space")]
    [InlineData("x -> 0 0", "parent mass")]
    [InlineData("3 -> 0.1", "at least two")]
    public void Bad_decays_are_refused(string decay, string message)
    {
        using var dir = CliTest.NewTempDir();
        var r = CliTest.Run("phsp", "--decay", decay, "--events", "10", "--out", dir.PathOf("x.csv")).AssertExit(2);
        Assert.Contains(message, r.Stderr);
    }

    [Fact]
    public void Simulate_draws_from_the_model()
    {
        using var dir = CliTest.NewTempDir();
        // 1 + cos²θ: a quarter of the events have |cos θ| < 0.3 under flat phase space would be 30 %; here 1.09/1.333·0.3 ≈ 24.5 %.
        var model = dir.Write("m.expr", "1 + cos(theta_0)**2");
        var path = dir.PathOf("sim.npz");
        var r = CliTest.Run("simulate", model, "--decay", Decay, "--events", "20000", "--seed", "2", "--out", path).AssertExit(0);
        Assert.Contains("20000 events", r.Stdout);
        var s = EventFiles.Read(path).GetValueOrThrow();
        Assert.Equal(["theta_0"], s.ColumnNames);
        double central = Enumerable.Range(0, s.Count).Count(i => Math.Abs(Math.Cos(s["theta_0"][i])) < 0.3) / (double)s.Count;
        // ∫_{-0.3}^{0.3} (1 + c²) dc / ∫_{-1}^{1} (1 + c²) dc = (0.6 + 0.018) / (8/3) = 0.23175; σ ≈ 0.003.
        Assert.InRange(central, 0.2227, 0.2408);
        var again = dir.PathOf("again.npz");
        CliTest.Run("simulate", model, "--decay", Decay, "--events", "20000", "--seed", "2", "--out", again).AssertExit(0);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(again));
        // the GPU backend (one function, large batches) keeps the same events: same candidates, same acceptance numbers
        var gpu = dir.PathOf("gpu.npz");
        var g = CliTest.Run("simulate", model, "--decay", Decay, "--events", "20000", "--seed", "2", "--out", gpu, "--backend", "gpu", "--device", "cpu-accelerator").AssertExit(0);
        Assert.Contains("gpu backend on", g.Stderr);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(gpu));
    }

    [Fact]
    public void Simulate_names_missing_parameters_and_refuses_negative_models()
    {
        using var dir = CliTest.NewTempDir();
        var needsA = dir.Write("a.expr", "a + cos(theta_0)");
        var r = CliTest.Run("simulate", needsA, "--decay", Decay, "--events", "10", "--out", dir.PathOf("x.csv")).AssertExit(2);
        Assert.Contains("'a'", r.Stderr);
        var negative = dir.Write("n.expr", "cos(theta_0)");
        r = CliTest.Run("simulate", negative, "--decay", Decay, "--events", "1000", "--out", dir.PathOf("y.csv")).AssertExit(2);
        Assert.Contains("not negative", r.Stderr);
    }

    [SkippableFact]
    public void Simulated_jpsi_data_fits_back_to_its_generating_couplings()
    {
        var folder = FitCommandTests.JpsiFolder();
        using var dir = CliTest.NewTempDir();
        using var fitDoc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "fit.json")));
        var fit = fitDoc.RootElement;
        // Parameters: the fixed ones and the generating values of the free ones.
        var values = new Dictionary<string, object>();
        foreach (var p in fit.GetProperty("fixed_parameters").EnumerateObject()) values[p.Name] = p.Value.Clone();
        foreach (var p in fit.GetProperty("generating_parameters").EnumerateObject()) values[p.Name] = p.Value.Clone();
        var parameters = dir.Write("params.json", JsonSerializer.Serialize(values));
        var model = Path.Combine(folder, "jpsi_gamma_pi0pi0.srepr");
        string data = dir.PathOf("data.csv"), phsp = dir.PathOf("phsp.csv");
        CliTest.Run("simulate", model, "--decay", Decay, "--events", "5000", "--params", parameters, "--seed", "11", "--out", data).AssertExit(0);
        CliTest.Run("phsp", "--decay", Decay, "--events", "50000", "--seed", "12", "--variables", "m_12,theta_0,phi_0", "--out", phsp).AssertExit(0);
        var json = dir.PathOf("result.json");
        var r = CliTest.Run("fit", model, "--fit", Path.Combine(folder, "fit.json"), "--data", data, "--phsp", phsp, "--json", json);
        Assert.True(r.ExitCode == 0, r.ToString());
        using var result = JsonDocument.Parse(File.ReadAllText(json));
        foreach (var p in fit.GetProperty("free_parameters").EnumerateArray())
        {
            string name = p.GetProperty("name").GetString()!;
            double truth = p.GetProperty("true").GetDouble();
            double value = result.RootElement.GetProperty("values").GetProperty(name).GetDouble();
            double error = result.RootElement.GetProperty("errors").GetProperty(name).GetDouble();
            Assert.True(Math.Abs(value - truth) < 5 * error, $"{p.GetProperty("label").GetString()}: {value} ± {error}, generated with {truth}");
        }
    }

    [Fact]
    public void A_sample_too_large_for_memory_or_the_int_range_is_refused_before_any_work()
    {
        using var dir = CliTest.NewTempDir();
        var output = dir.PathOf("big.csv");
        var huge = CliTest.Run("phsp", "--decay", "3.0969 -> 0 0.1349768 0.1349768", "--events", "2147483647", "--out", output).AssertExit(2);
        Assert.Matches(@"^pwa phsp: error: 2,147,483,647 events need about \d+\.\d GiB in memory \(27 columns of 8 bytes\) and this process may use", huge.StderrLines[0]);
        Assert.Contains("different --seed", huge.Stderr);
        var beyond = CliTest.Run("phsp", "--decay", "3.0969 -> 0 0.1349768 0.1349768", "--events", "1000000000000", "--out", output).AssertExit(2);
        Assert.Equal("pwa phsp: error: --events must be between 1 and 2,147,483,647, got 1,000,000,000,000; for more, write several files with different --seed", beyond.StderrLines[0]);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Memory_running_out_anyway_is_a_clear_error_not_a_crash()
    {
        var err = new StringWriter();
        Assert.Equal(2, Pwa.Guarded(() => throw new OutOfMemoryException(), err));
        Assert.StartsWith("pwa: error: out of memory: ask for fewer events", err.ToString());
    }

    [Fact]
    public void Parameters_come_from_a_flat_object_or_a_reference_model_json_as_in_convert()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("model.expr", "a*(1 + cos(theta_0)^2)\n");
        var reference = dir.Write("ref.json", "{\"description\": \"x\", \"parameter_defaults\": {\"a\": 2, \"d_unused\": 1.5}, \"points\": []}\n");
        var output = dir.PathOf("events.csv");
        CliTest.Run("simulate", model, "--decay", "3.0969 -> 0 0.1349768 0.1349768", "--events", "50", "--params", reference, "--out", output).AssertExit(0);
        Assert.Equal(51, File.ReadAllLines(output).Length);
        // In a flat file of the user's own, a name the model lacks is still a typo to report.
        var flat = dir.Write("params.json", "{\"a\": 2, \"d_unused\": 1.5}\n");
        var r = CliTest.Run("simulate", model, "--decay", "3.0969 -> 0 0.1349768 0.1349768", "--events", "50", "--params", flat, "--out", output).AssertExit(2);
        Assert.Contains("'d_unused'", r.Stderr);
    }
}
