using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime.Cuda;
using PartialWave.Compilation;
using PartialWave.Backends.CSharp;

namespace PartialWave.Backends.Gpu;

/// <summary>What <see cref="PtxCompiler"/> produced.</summary>
/// <param name="Kernels">Kernels compiled (roles).</param>
/// <param name="Segments">Device functions (one per segment).</param>
/// <param name="PtxCharacters">Size of the PTX assembly, all segments.</param>
/// <param name="Architecture">The target, e.g. SM_80.</param>
public sealed record PtxReport(int Kernels, int Segments, long PtxCharacters, string Architecture);

/// <summary>
/// Compiles GPU kernels to PTX without a device (ILGPU's PTX backend needs none), so that code only a CUDA device
/// would reject (an unsupported intrinsic, a managed construct) is caught on machines without a GPU.
/// </summary>
internal static class PtxCompiler
{
    /// <summary>Compiles every kernel role of <paramref name="variants"/> for <paramref name="architecture"/> (default SM_80, ISA 7.0).</summary>
    /// <exception cref="GpuUnavailableException">A kernel does not compile (the message names role, segment and ILGPU's error).</exception>
    public static PtxReport Compile(KernelVariants variants, CudaArchitecture? architecture = null)
    {
        var arch = architecture ?? CudaArchitecture.SM_80;
        var backend = new PTXBackend(GpuAccelerator.Context, new CudaCapabilityContext(arch), arch, CudaInstructionSet.ISA_70, null);
        int kernels = 0, segments = 0;
        long size = 0;
        foreach (var role in variants.Roles)
        {
            var layout = variants.Layout(role)!;
            var type = KernelAssemblyCompiler.Compile(GpuKernelSource.Source(layout, "Kernels"), $"the {role} kernel").GetType("Kernels`1")!
                .MakeGenericType(typeof(PtxFma));
            for (int s = 0; s < layout.Segments.Count; s++)
            {
                try
                {
                    var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromImplicitlyGroupedKernel(type.GetMethod(GpuKernelSource.SegmentName(s))!), default);
                    CheckLinkable(compiled.PTXAssembly);
                    size += compiled.PTXAssembly.Length;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    throw new GpuUnavailableException($"the {role} kernel, segment {s + 1} of {layout.Segments.Count}, does not compile to PTX ({e.GetType().Name}: {e.Message})", e);
                }
                segments++;
            }
            kernels++;
        }
        // The reduction kernel is part of every function.
        var reduce = typeof(GpuReduction).GetMethod(nameof(GpuReduction.PartialSums))!;
        var reduction = ((PTXCompiledKernel)backend.Compile(EntryPointDescription.FromImplicitlyGroupedKernel(reduce), default)).PTXAssembly;
        CheckLinkable(reduction);
        size += reduction.Length;
        return new PtxReport(kernels + 1, segments + 1, size, arch.ToString());
    }

    // A call ILGPU could not map to an instruction or to code it generates stays an external declaration, which the
    // CUDA driver cannot resolve when it loads the module (Math.FusedMultiplyAdd did this).
    private static void CheckLinkable(string ptx)
    {
        var externs = ptx.Split('\n').Where(l => l.Contains(".extern .func", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        if (externs.Count > 0)
            throw new InvalidOperationException($"the PTX calls {externs.Count} external function(s) the driver cannot link: {string.Join("; ", externs.Take(3))}");
    }
}
