namespace PartialWave.Benchmarks;

/// <summary>Finds ../shared/reference-models beside the repository (or PARTIALWAVE_SHARED).</summary>
internal static class SharedModels
{
    public static string Directory { get; } = Find();

    private static string Find()
    {
        var env = Environment.GetEnvironmentVariable("PARTIALWAVE_SHARED");
        if (!string.IsNullOrEmpty(env)) return Path.Combine(env, "reference-models");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PartialWave.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "reference-models"));
        throw new DirectoryNotFoundException("cannot find ../shared/reference-models; set PARTIALWAVE_SHARED");
    }

    public static string Read(string model) => File.ReadAllText(Path.Combine(Directory, model + ".srepr"));
}
