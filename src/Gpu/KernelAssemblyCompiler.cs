using System.Reflection;
using System.Reflection.Metadata;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace PartialWave.Backends.Gpu;

/// <summary>
/// Compiles generated kernel source into an in-memory assembly with Roslyn. ILGPU reads a kernel's IL through
/// reflection, which a DynamicMethod does not offer; a real assembly does.
/// </summary>
internal static class KernelAssemblyCompiler
{
    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(LoadReferences);
    private static int s_counter;

    /// <summary>Compiles <paramref name="source"/> (one file) into a loaded assembly.</summary>
    /// <exception cref="GpuUnavailableException">The source does not compile (a generator bug: the message lists the first errors).</exception>
    public static Assembly Compile(string source, string what)
    {
        var name = $"PartialWave.GpuKernels.{Interlocked.Increment(ref s_counter)}";
        Compilation.CompilerActivity.Emitted();
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest));
        var compilation = CSharpCompilation.Create(name, [tree], References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release,
                allowUnsafe: true, concurrentBuild: true));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        if (!result.Success)
        {
            var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5).Select(d => d.ToString());
            throw new GpuUnavailableException($"the GPU kernel source of {what} does not compile (a PartialWave bug; use --backend cpu):\n  "
                + string.Join("\n  ", errors));
        }
        return Assembly.Load(image.ToArray());
    }

    // References from the metadata of the loaded assemblies themselves (no files needed, so this also works in a
    // single-file publish, where assemblies have no location).
    private static unsafe IReadOnlyList<MetadataReference> LoadReferences()
    {
        _ = typeof(ILGPU.Index1D);
        Assembly.Load("System.Runtime");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<MetadataReference>();
        foreach (var a in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (a.IsDynamic || a.GetName().Name is not { } n || !seen.Add(n)) continue;
            if (!a.TryGetRawMetadata(out byte* blob, out int length)) continue;
            var module = ModuleMetadata.CreateFromMetadata((IntPtr)blob, length);
            list.Add(AssemblyMetadata.Create(module).GetReference());
        }
        return list;
    }
}
