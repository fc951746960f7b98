using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace PartialWave.Tasks.Tests;

/// <summary>The build task run as MSBuild runs it, against a fake build engine: outputs, keys, and errors.</summary>
public sealed class PrecompileModelsTests : IDisposable
{
    private const string Model = """
        model Rho
        variable m_12, theta
        constant m_pi = 0.13957
        parameter m_rho = 0.7753 in [0.6, 0.9]
        parameter w_rho = 0.1491 >= 0
        parameter c_rho : complex = 1 fixed
        amplitude rho = c_rho * relativistic_bw_ff(m_12^2, m_rho, w_rho, m_pi, m_pi, 1, 1.5) * wigner_d(1, 0, 0, theta)
        intensity = |rho|^2
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pwa-task-");
    private string Output => Path.Combine(_dir.FullName, "generated");

    public void Dispose() => _dir.Delete(recursive: true);

    private string WriteModel(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private (PrecompileModels Task, FakeBuildEngine Engine, bool Result) Run(int splitSize = 512, params ITaskItem[] models)
    {
        var engine = new FakeBuildEngine();
        var task = new PrecompileModels { BuildEngine = engine, Models = models, OutputDirectory = Output, RootNamespace = "MyAnalysis", SplitSize = splitSize };
        bool result = task.Execute();
        return (task, engine, result);
    }

    [Fact]
    public void A_model_becomes_a_class_named_after_it_in_the_root_namespace()
    {
        var model = WriteModel("Rho.amp", Model);
        var (task, engine, ok) = Run(models: new TaskItem(model));

        Assert.True(ok, string.Join("\n", engine.Errors.Select(e => e.Message)));
        Assert.Empty(engine.Errors);
        var generated = Assert.Single(task.Generated);
        Assert.Equal(PrecompileModels.OutputPath(Output, model), generated.ItemSpec);
        var source = File.ReadAllText(generated.ItemSpec);
        Assert.Contains("namespace MyAnalysis;", source);
        Assert.Contains("class Rho", source);
        Assert.Contains("CreateFunction(", source);
        Assert.Contains("\"m_rho\"", source);
        Assert.DoesNotContain(Directory.GetFiles(Output), f => f.EndsWith(".tmp", StringComparison.Ordinal));
        Assert.Contains(engine.Messages, m => m.Importance == MessageImportance.High && m.Message!.StartsWith("Rho.amp -> Rho.amp.g.cs: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Item_metadata_chooses_the_class_and_namespace()
    {
        var model = WriteModel("Rho.amp", Model);
        var item = new TaskItem(model);
        item.SetMetadata("ClassName", "Resonance");
        item.SetMetadata("Namespace", "Physics.Models");
        var (task, _, ok) = Run(models: item);
        Assert.True(ok);
        var source = File.ReadAllText(Assert.Single(task.Generated).ItemSpec);
        Assert.Contains("namespace Physics.Models;", source);
        Assert.Contains("class Resonance", source);
    }

    [Fact]
    public void An_unchanged_model_is_not_rewritten_and_a_changed_option_rewrites_it()
    {
        var model = WriteModel("Rho.amp", Model);
        var (first, _, _) = Run(models: new TaskItem(model));
        var output = Assert.Single(first.Generated).ItemSpec;
        var written = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(output, written);

        var (second, engine, ok) = Run(models: new TaskItem(model));
        Assert.True(ok);
        Assert.Equal(output, Assert.Single(second.Generated).ItemSpec);
        Assert.Equal(written, File.GetLastWriteTimeUtc(output));
        Assert.Contains(engine.Messages, m => m.Message!.Contains("up to date", StringComparison.Ordinal));

        var (_, _, again) = Run(splitSize: 64, models: new TaskItem(model));
        Assert.True(again);
        Assert.NotEqual(written, File.GetLastWriteTimeUtc(output));
    }

    [Fact]
    public void A_model_error_is_logged_at_its_file_line_and_column_and_the_stale_class_is_deleted()
    {
        var model = WriteModel("Rho.amp", Model);
        var (first, _, _) = Run(models: new TaskItem(model));
        var output = Assert.Single(first.Generated).ItemSpec;

        File.WriteAllText(model, Model.Replace("wigner_d(1, 0, 0, theta)", "wigner_d(1, 0, 0, theta_typo)"));
        var (task, engine, ok) = Run(models: new TaskItem(model));

        Assert.False(ok);
        Assert.Empty(task.Generated);
        Assert.False(File.Exists(output));
        var error = Assert.Single(engine.Errors);
        Assert.Equal(model, error.File);
        Assert.Equal(7, error.LineNumber);
        Assert.Equal(Model.Split('\n')[6].IndexOf("theta)", StringComparison.Ordinal) + 1, error.ColumnNumber);
        Assert.StartsWith("PWA01", error.Code);
        Assert.Contains("theta_typo", error.Message);
    }

    [Fact]
    public void Every_model_is_tried_and_a_missing_file_is_an_error_naming_it()
    {
        var good = WriteModel("Rho.amp", Model);
        var missing = Path.Combine(_dir.FullName, "Missing.amp");
        var (task, engine, ok) = Run(models: [new TaskItem(missing), new TaskItem(good)]);

        Assert.False(ok);
        var error = Assert.Single(engine.Errors);
        Assert.Equal("PWA0100", error.Code);
        Assert.Equal(missing, error.File);
        Assert.Contains("cannot read the model", error.Message);
        Assert.Equal(PrecompileModels.OutputPath(Output, good), Assert.Single(task.Generated).ItemSpec);
    }
}
