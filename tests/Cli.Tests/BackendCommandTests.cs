using System.Globalization;
using System.Text.Json;
using PartialWave.Backends.Gpu;

namespace PartialWave.Cli.Tests;

public class BackendCommandTests
{
    private static double[][] ReadValues(string csv) =>
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1)
           .Select(l => l.Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray()).ToArray();

    [Theory]
    [InlineData("cpu")]
    [InlineData("gpu")]
    public void Eval_compiled_and_reference_backends_agree(string backend)
    {
        using var dir = CliTest.NewTempDir();
        // Piecewise, a branch cut (sqrt of a negative real), complex parameters and a transcendental mix.
        var model = dir.Write("m.expr", "Piecewise((sqrt(s - 4*m^2)*exp(I*phi)/(m0^2 - s - I*m0*w), s > 0.1), (c*atan2(s, m) + acos(s), true))");
        var rows = string.Join("\n", Enumerable.Range(0, 600).Select(i => $"{CliTest.Num(-0.5 + i * 0.01)},{CliTest.Num(0.1 + (i % 7) * 0.05)},{CliTest.Num(i * 0.013)}"));
        var data = dir.Write("e.csv", "s,m,phi\n" + rows + "\n");
        var ps = dir.Write("p.json", "{\"m0\": 0.77, \"w\": 0.15, \"c\": [0.5, -1.25]}");
        var cpu = CliTest.Run("eval", model, "--data", data, "--params", ps, "--backend", backend, "--device", "cpu-accelerator", "--split", "5").AssertExit(0);
        if (backend == "gpu") Assert.Contains("pwa eval: gpu backend on ILGPU CPU accelerator", cpu.Stderr);
        var reference = CliTest.Run("eval", model, "--data", data, "--params", ps, "--backend", "reference").AssertExit(0);
        var a = ReadValues(cpu.Stdout);
        var b = ReadValues(reference.Stdout);
        Assert.Equal(600, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            double scale = Math.Max(1e-300, Math.Sqrt(b[i][0] * b[i][0] + b[i][1] * b[i][1]));
            double diff = Math.Sqrt(Math.Pow(a[i][0] - b[i][0], 2) + Math.Pow(a[i][1] - b[i][1], 2));
            Assert.True(diff <= 1e-12 * scale, $"row {i}: {backend} {a[i][0]}+{a[i][1]}i, reference {b[i][0]}+{b[i][1]}i");
        }
    }

    [Fact]
    public void Eval_with_512_bit_vectors_gives_every_event_the_same_value()
    {
        using var dir = CliTest.NewTempDir();
        // A Breit–Wigner intensity: arithmetic, square roots and a log, all with 512-bit forms.
        var model = dir.Write("m.expr", "log(1 + c*sqrt(s)/((m0^2 - s)^2 + (m0*w)^2))");
        var rows = string.Join("\n", Enumerable.Range(0, 777).Select(i => CliTest.Num(0.05 + i * 0.003)));
        var data = dir.Write("e.csv", "s\n" + rows + "\n");
        var ps = dir.Write("p.json", "{\"m0\": 0.77, \"w\": 0.15, \"c\": 0.3}");
        var narrow = CliTest.Run("eval", model, "--data", data, "--params", ps).AssertExit(0);
        var wide = CliTest.Run("eval", model, "--data", data, "--params", ps, "--simd", "512").AssertExit(0);
        Assert.Equal(777, ReadValues(wide.Stdout).Length);
        Assert.Equal(narrow.Stdout, wide.Stdout);
        CliTest.Run("eval", model, "--data", data, "--params", ps, "--simd", "384").AssertExit(2);
    }

    [Fact]
    public void Eval_rejects_an_unknown_backend_and_a_bad_split()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("m.expr", "x^2");
        var data = dir.Write("e.csv", "x\n1\n");
        CliTest.Run("eval", model, "--data", data, "--backend", "gpu-of-dreams").AssertExit(2);
        CliTest.Run("eval", model, "--data", data, "--split", "0").AssertExit(2);
        CliTest.Run("eval", model, "--data", data, "--backend", "gpu", "--device", "tpu").AssertExit(2);
    }

    [Fact]
    public void Asking_for_cuda_where_there_is_none_says_what_to_do()
    {
        if (GpuDevicesHaveCuda()) return; // on a machine with a GPU this is not an error
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("m.expr", "a*x^2");
        var data = dir.Write("e.csv", "x\n1\n2\n");
        var ps = dir.Write("p.json", "{\"a\": 2}");
        var r = CliTest.Run("eval", model, "--data", data, "--params", ps, "--backend", "gpu", "--device", "cuda").AssertExit(2);
        Assert.Contains("no CUDA device found", r.Stderr);
        Assert.Contains("--backend cpu", r.Stderr);
        Assert.Equal("", r.Stdout);
    }

    private static bool GpuDevicesHaveCuda()
    {
        try { return GpuDevices.Describe(GpuDevice.Cuda).StartsWith("CUDA", StringComparison.Ordinal); }
        catch (GpuUnavailableException) { return false; }
    }

    [Fact]
    public void Bench_on_the_gpu_backend_names_the_device_and_measures_gradients()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("m.expr", "|c/(m^2 - s - I*m*w)|^2");
        var reference = dir.Write("r.json",
            "{\"parameter_defaults\": {\"m\": 0.77, \"w\": 0.15, \"c\": [1.0, 0.0]}, \"points\": [" +
            "{\"symbols\": {\"s\": 0.5}, \"value\": [1, 0]}, {\"symbols\": {\"s\": 0.7}, \"value\": [1, 0]}]}");
        var r = CliTest.Run("bench", model, "--reference", reference, "--events", "3000", "--repeats", "2", "--json", "--backend", "gpu", "--device", "cpu-accelerator").AssertExit(0);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal("gpu", doc.RootElement.GetProperty("backend").GetString());
        Assert.StartsWith("ILGPU CPU accelerator", doc.RootElement.GetProperty("device").GetString());
        Assert.True(doc.RootElement.GetProperty("gradient_events_per_second").GetDouble() > 0);
    }

    [Fact]
    public void Bench_reports_every_figure_as_json()
    {
        using var dir = CliTest.NewTempDir();
        var model = dir.Write("m.expr", "|c/(m^2 - s - I*m*w)|^2");
        var reference = dir.Write("r.json",
            "{\"parameter_defaults\": {\"m\": 0.77, \"w\": 0.15, \"c\": [1.0, 0.0]}, \"points\": [" +
            "{\"symbols\": {\"s\": 0.5}, \"value\": [1, 0]}, {\"symbols\": {\"s\": 0.7}, \"value\": [1, 0]}]}");
        var r = CliTest.Run("bench", model, "--reference", reference, "--events", "3000", "--repeats", "2", "--json").AssertExit(0);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        foreach (var key in new[] { "parse_seconds", "compile_seconds", "events_per_second", "gradient_events_per_second", "ops_per_event" })
            Assert.True(root.GetProperty(key).GetDouble() > 0, key);
        Assert.Equal(3, root.GetProperty("free_parameters").GetInt32()); // m, w and the complex c
        // freeing only the coupling folds m and w into the kernel: fewer operations per event
        var fewer = CliTest.Run("bench", model, "--reference", reference, "--events", "3000", "--repeats", "2", "--free", "c", "--json").AssertExit(0);
        using var doc2 = JsonDocument.Parse(fewer.Stdout);
        Assert.True(doc2.RootElement.GetProperty("ops_per_event").GetInt32() < root.GetProperty("ops_per_event").GetInt32());
        CliTest.Run("bench", model, "--reference", reference, "--free", "nope").AssertExit(2);
    }
}
