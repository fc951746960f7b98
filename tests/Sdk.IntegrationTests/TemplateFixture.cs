namespace PartialWave.Sdk.IntegrationTests;

/// <summary>
/// Packs every package of the repository into a temporary feed with a unique version, installs the template into an
/// isolated template store, and creates one analysis with <c>dotnet new pwa-analysis</c>, as a user does.
/// </summary>
public sealed class TemplateFixture : IDisposable
{
    public string Root { get; }
    public string Feed { get; }
    public string Version { get; }
    public string Configuration { get; }
    public string RepoRoot { get; }
    public const string Name = "KsPiPiStudy";

    public TemplateFixture()
    {
        RepoRoot = FindRepo();
        Configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        Version = $"0.1.0-it.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        Root = Directory.CreateTempSubdirectory("pwa-it-").FullName;
        Feed = Path.Combine(Root, "feed");
        // The solution's build made every output; packing only stamps this run's version on them.
        foreach (var project in new[] { "src/Core/PartialWave.Core.csproj", "src/Compiler/PartialWave.Compiler.csproj", "src/Runtime/PartialWave.Runtime.csproj", "src/Gpu/PartialWave.Gpu.csproj", "src/Parquet/PartialWave.Parquet.csproj", "src/Optimization/PartialWave.Optimization.csproj", "src/Fitting/PartialWave.Fitting.csproj", "src/Engine/PartialWave.Engine.csproj", "src/Testing/PartialWave.Testing.csproj", "sdk/PartialWave.Sdk.csproj", "templates/PartialWave.Templates.csproj" })
            Dotnet.Run(RepoRoot, "pack", project, "-c", Configuration, "--no-build", "--no-restore", "-o", Feed, $"-p:PackageVersion={Version}").Ok($"pack {project}");
        File.WriteAllText(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        var hive = Path.Combine(Root, "template-store");
        Dotnet.Run(Root, "new", "install", Path.Combine(Feed, $"PartialWave.Templates.{Version}.nupkg"), "--debug:custom-hive", hive).Ok("dotnet new install");
        Dotnet.Run(Root, "new", "pwa-analysis", "-n", Name, "--debug:custom-hive", hive).Ok("dotnet new pwa-analysis");
        Analysis = Path.Combine(Root, Name);
    }

    /// <summary>The created analysis (solution folder).</summary>
    public string Analysis { get; }

    /// <summary>A fresh copy of the created analysis (sources only), for a test that edits it.</summary>
    public string CopyOfAnalysis(string name)
    {
        var target = Path.Combine(Root, name);
        foreach (var file in Directory.EnumerateFiles(Analysis, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Analysis, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj" or "results")) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
        }
        return target;
    }

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PartialWave.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("the repository root (PartialWave.sln) is not above the test assembly");
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
        // This run's packages in the NuGet cache: a unique version nobody else will ask for.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "partialwave.engine", "partialwave.sdk", "partialwave.testing", "partialwave.templates" })
        {
            var folder = Path.Combine(cache, id, Version.ToLowerInvariant());
            try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }
}
