namespace PartialWave.Benchmarks;

/// <summary>The repository this assembly was built in (the folder with PartialWave.sln), and its perf-results/.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    /// <summary>perf-results/ of the repository.</summary>
    public static string PerfResults => Path.Combine(Root, "perf-results");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PartialWave.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}

/// <summary>Finds ../shared/reference-models beside the repository (or PARTIALWAVE_SHARED).</summary>
internal static class SharedModels
{
    public static string Directory { get; } = Find();

    /// <summary>The reference-models folder, looked up now (PARTIALWAVE_SHARED, else ../shared beside the repository).</summary>
    /// <exception cref="DirectoryNotFoundException">Neither is there.</exception>
    public static string Find()
    {
        var env = Environment.GetEnvironmentVariable("PARTIALWAVE_SHARED");
        if (!string.IsNullOrEmpty(env)) return Path.Combine(env, "reference-models");
        var path = Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared", "reference-models"));
        if (!System.IO.Directory.Exists(path)) throw new DirectoryNotFoundException($"cannot find {path}; set PARTIALWAVE_SHARED");
        return path;
    }

    public static string Read(string model) => File.ReadAllText(Path.Combine(Directory, model + ".srepr"));
}
