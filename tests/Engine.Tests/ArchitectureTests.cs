using System.Reflection;

namespace PartialWave.Engine.Tests;

/// <summary>
/// The package map of docs/architecture.md, checked on the built assemblies: each package references only the
/// packages below it and its own third-party dependencies. Project references already make an upward arrow a
/// compile error; this catches a reference added in the wrong project file, and an optional dependency creeping
/// into a package that must not carry it.
/// </summary>
public class ArchitectureTests
{
    // Package → what it may reference (PartialWave packages, then third-party assembly name prefixes).
    public static TheoryData<string, string[], string[]> Packages => new()
    {
        { "PartialWave.Core", [], [] },
        { "PartialWave.Compiler", ["PartialWave.Core"], [] },
        { "PartialWave.Runtime", ["PartialWave.Core", "PartialWave.Compiler"], ["Sylvan."] },
        { "PartialWave.Gpu", ["PartialWave.Core", "PartialWave.Compiler", "PartialWave.Runtime"], ["ILGPU", "Microsoft.CodeAnalysis"] },
        { "PartialWave.Parquet", ["PartialWave.Core", "PartialWave.Runtime"], ["Parquet"] },
        { "PartialWave.Optimization", ["PartialWave.Core"], [] },
        { "PartialWave.Fitting", ["PartialWave.Core", "PartialWave.Compiler", "PartialWave.Runtime", "PartialWave.Optimization"], [] },
    };

    private static bool IsPlatform(string name) =>
        name is "mscorlib" or "netstandard" || name.StartsWith("System", StringComparison.Ordinal) || name.StartsWith("Microsoft.Win32", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Packages))]
    public void A_package_references_only_the_layers_below_it(string package, string[] packages, string[] thirdParty)
    {
        var assembly = Assembly.Load(package);
        var references = assembly.GetReferencedAssemblies().Select(r => r.Name!).Where(n => !IsPlatform(n)).ToList();
        var wrong = references.Where(r => !packages.Contains(r) && !thirdParty.Any(t => r.StartsWith(t, StringComparison.Ordinal))).ToList();
        Assert.True(wrong.Count == 0, $"{package} references {string.Join(", ", wrong)}");
    }

    [Fact]
    public void The_runtime_finds_the_gpu_backend_and_parquet_support_it_does_not_reference()
    {
        // The Engine package ships both; the runtime finds them by name (a CPU-only application needs neither).
        Assert.IsType<PartialWave.Backends.Gpu.GpuBackendProvider>(PartialWave.Backends.GpuBackend.Instance);
        Assert.IsType<PartialWave.Data.ParquetFormat>(PartialWave.Data.ParquetFiles.Find());
    }

    [Fact]
    public void A_plugin_that_is_not_shipped_is_null_and_its_errors_name_the_package()
    {
        Assert.Null(PartialWave.Plugins.Find<PartialWave.Backends.IGpuBackend>("PartialWave.Backends.Gpu.GpuBackendProvider, PartialWave.NotShipped"));
        Assert.Null(PartialWave.Plugins.Find<PartialWave.Data.IParquetFiles>("PartialWave.Data.Missing, PartialWave.Parquet"));
        Assert.Throws<InvalidCastException>(() => PartialWave.Plugins.Find<PartialWave.Data.IParquetFiles>("PartialWave.Backends.Gpu.GpuBackendProvider, PartialWave.Gpu"));
        Assert.Contains("PartialWave.Gpu package", PartialWave.Backends.GpuBackend.Missing().Message);
        var d = PartialWave.Data.ParquetFiles.Missing("events.parquet");
        Assert.Equal(("events.parquet", PartialWave.Parsing.DiagnosticCodes.UnsupportedData), (d.File, d.Code));
        Assert.Contains("PartialWave.Parquet package", d.Message);
    }

    [Fact]
    public void The_engine_package_brings_every_stage()
    {
        var engine = Assembly.Load("PartialWave.Engine");
        Assert.Empty(engine.GetExportedTypes());
        var packages = Packages.Select(row => (string)row[0]).ToList();
        foreach (var p in packages) Assert.NotNull(Assembly.Load(p));
    }
}
