using System.Reflection;

namespace PartialWave.Tasks.Tests;

/// <summary>MSBuild loads the task and everything beside it into its own process: only parsing and the compiler.</summary>
public class DependencyTests
{
    [Fact]
    public void The_task_needs_the_core_and_the_compiler_only()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<Assembly>([typeof(PrecompileModels).Assembly]);
        while (queue.Count > 0)
            foreach (var reference in queue.Dequeue().GetReferencedAssemblies())
                if (reference.Name!.StartsWith("PartialWave.", StringComparison.Ordinal) && seen.Add(reference.Name))
                    queue.Enqueue(Assembly.Load(reference));
        Assert.Equal(["PartialWave.Compiler", "PartialWave.Core"], seen.Order());

        // Beside the task in its build output (what the SDK package ships): no GPU, Roslyn or Parquet assemblies.
        var folder = Path.GetDirectoryName(typeof(PrecompileModels).Assembly.Location)!;
        var heavy = Directory.GetFiles(folder, "*.dll").Select(Path.GetFileName)
            .Where(f => f!.StartsWith("ILGPU", StringComparison.Ordinal) || f.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)
                || f.StartsWith("Parquet", StringComparison.Ordinal) || f.StartsWith("PartialWave.Runtime", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(heavy);
    }
}
