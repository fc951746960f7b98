namespace PartialWave.Engine.Tests;

/// <summary>Finds ../shared beside the repository (present in CI); tests that need it skip without it.</summary>
internal static class SharedData
{
    public static string? Root { get; } = Find();

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("PARTIALWAVE_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PartialWave.sln")))
            {
                var shared = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
                return Directory.Exists(shared) ? shared : null;
            }
        }
        return null;
    }

    /// <summary>The path of a file under shared/reference-fits, or a skip naming the folder.</summary>
    public static string ReferenceFit(string relative)
    {
        Skip.If(Root is null, "../shared/reference-fits is absent (it sits beside the repository in CI); skipping.");
        var path = Path.Combine(Root!, "reference-fits", relative);
        Skip.IfNot(File.Exists(path) || Directory.Exists(path), $"{path} is absent; skipping.");
        return path;
    }

    /// <summary>The path of a file under shared/reference-models, or a skip naming the folder.</summary>
    public static string ReferenceModel(string file)
    {
        Skip.If(Root is null, "../shared/reference-models is absent (it sits beside the repository in CI); skipping.");
        var path = Path.Combine(Root!, "reference-models", file);
        Skip.IfNot(File.Exists(path), $"{path} is absent; skipping.");
        return path;
    }
}
