using System.Text;
using PartialWave.Compilation;

namespace PartialWave.Backends.CSharp;

/// <summary>C# source of a kernel's GPU segments: one ILGPU method per segment, one event per thread.</summary>
internal static class GpuKernelSource
{
    public static string SegmentName(int s) => $"S{s}";

    /// <summary>
    /// C# source of a static class <c>className&lt;TFma&gt;</c> holding one GPU method per segment of
    /// <paramref name="layout"/>.
    /// </summary>
    public static string Source(KernelLayout layout, string className, string indent = "")
    {
        var w = new StringBuilder();
        w.AppendLine($"public static class {className}<TFma> where TFma : struct, global::PartialWave.Numerics.IFusedMultiplyAdd");
        w.AppendLine("{");
        var dialect = new GpuDialect(layout.InputCount);
        for (int s = 0; s < layout.Segments.Count; s++)
            CSharpKernelEmitter.Render(w, layout.Program(s), SegmentName(s), $"segment {s + 1} of {layout.Segments.Count}", dialect);
        w.AppendLine("}");
        return indent.Length == 0 ? w.ToString()
            : string.Join("\n", w.ToString().Split('\n').Select(l => l.Length == 0 ? l : indent + l));
    }
}
