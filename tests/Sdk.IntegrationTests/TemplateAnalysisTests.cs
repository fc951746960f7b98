using System.Text.Json;
using Xunit.Abstractions;

namespace PartialWave.Sdk.IntegrationTests;

/// <summary>
/// The whole path a physicist takes: pack, install the template, <c>dotnet new pwa-analysis</c>, build (the model is
/// precompiled), run (simulate, fit, table, plots, report), build again (nothing regenerated), break the model (the
/// build fails at the right place), and run the generated test project.
/// </summary>
public sealed class TemplateAnalysisTests(TemplateFixture fixture, ITestOutputHelper output) : IClassFixture<TemplateFixture>
{
    private string Project(string root) => Path.Combine(root, TemplateFixture.Name, TemplateFixture.Name + ".csproj");

    private string Generated(string root) =>
        Path.Combine(root, TemplateFixture.Name, "obj", fixture.Configuration, "net10.0", "pwa", "Model.amp.g.cs");

    [Fact]
    public void The_analysis_builds_runs_and_rebuilds_without_regenerating()
    {
        var root = fixture.Analysis;
        var build = Dotnet.Run(root, "build", "-c", fixture.Configuration).Ok("first build");
        output.WriteLine($"first build: {build.Seconds:F1} s");
        Assert.Contains("Model.amp -> Model.amp.g.cs", build.Output);
        var generated = Generated(root);
        Assert.True(File.Exists(generated), $"{generated} was not generated");
        Assert.Contains("public static unsafe partial class D0ToKsPiPi", File.ReadAllText(generated));
        // The SDK's default: methods compiled fully optimised at first call (kernels call the runtime's vector maths).
        var runtimeConfig = Path.Combine(root, TemplateFixture.Name, "bin", fixture.Configuration, "net10.0", TemplateFixture.Name + ".runtimeconfig.json");
        using (var config = JsonDocument.Parse(File.ReadAllText(runtimeConfig)))
            Assert.False(config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties")
                .GetProperty("System.Runtime.TieredCompilation.QuickJit").GetBoolean());

        var run = Dotnet.Run(root, "run", "--project", Project(root), "-c", fixture.Configuration, "--no-build").Ok("dotnet run");
        output.WriteLine(run.Output);
        output.WriteLine($"run: {run.Seconds:F1} s");
        Assert.Contains("valid minimum", run.Output);
        Assert.Contains("| parameter | true | fitted | error | pull |", run.Output);
        Assert.Contains("Hesse Err", run.Output);
        // `dotnet run` runs the program in the caller's folder, where it writes results/.
        var results = Path.Combine(root, "results");
        foreach (var file in new[] { "dalitz.png", "projection_m2_01.png", "projection_m2_02.png", "projection_m2_12.png", "pulls.png", "report.md", "fit.json" })
        {
            var path = Path.Combine(results, file);
            Assert.True(File.Exists(path) && new FileInfo(path).Length > 0, $"{path} is missing or empty");
        }
        using (var fit = JsonDocument.Parse(File.ReadAllText(Path.Combine(results, "fit.json"))))
            Assert.True(fit.RootElement.GetProperty("valid").GetBoolean(), "fit.json says the fit is invalid");
        // The fit fractions: printed, and in the report with each coupling's row and their sum.
        Assert.Contains("Fit fractions over the normalisation sample", run.Output);
        var report = File.ReadAllText(Path.Combine(results, "report.md"));
        Assert.Contains("| fit fraction | value | error |", report);
        foreach (var coupling in new[] { "c_rho", "c_Kst", "c_f0", "c_f2", "sum", "c_Kst|c_rho" })
            Assert.Contains($"| {coupling} |", report);
        var png = File.ReadAllBytes(Path.Combine(results, "dalitz.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);

        var stamp = File.GetLastWriteTimeUtc(generated);
        var rebuild = Dotnet.Run(root, "build", "-c", fixture.Configuration).Ok("no-op rebuild");
        output.WriteLine($"no-op rebuild: {rebuild.Seconds:F1} s");
        Assert.DoesNotContain("Model.amp -> Model.amp.g.cs", rebuild.Output);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(generated));
    }

    [Fact]
    public void A_broken_model_fails_the_build_with_its_file_line_column_and_code()
    {
        var root = fixture.CopyOfAnalysis("broken");
        var model = Path.Combine(root, TemplateFixture.Name, "Model.amp");
        var lines = File.ReadAllLines(model);
        int index = Array.FindIndex(lines, l => l.StartsWith("amplitude f0", StringComparison.Ordinal));
        Assert.True(index >= 0, "the template's model has no f0 amplitude line");
        int column = lines[index].IndexOf("flatte(", StringComparison.Ordinal) + 1;
        lines[index] = lines[index].Replace("flatte(", "flate(");
        File.WriteAllLines(model, lines);

        var build = Dotnet.Run(root, "build", "-c", fixture.Configuration);
        output.WriteLine(Dotnet.Tail(build.Output, 20));
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains($"Model.amp({index + 1},{column}): error PWA0103: unknown function 'flate'", build.Output);
        Assert.False(File.Exists(Generated(root)), "a generated class was left behind for a model that does not build");
    }

    [Fact]
    public void The_generated_test_project_passes()
    {
        var root = fixture.CopyOfAnalysis("tested");
        var test = Dotnet.Run(root, "test", "-c", fixture.Configuration).Ok("dotnet test of the analysis");
        output.WriteLine(Dotnet.Tail(test.Output, 10));
        Assert.Matches(@"Passed!\s+-\s+Failed:\s+0, Passed:\s+[1-9]", test.Output);
    }
}
