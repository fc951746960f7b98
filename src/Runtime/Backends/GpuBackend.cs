using PartialWave.Compilation;

namespace PartialWave.Backends;

/// <summary>A compiled function that reports the size of its kernels (both code-generating backends do).</summary>
internal interface ICompiledFunction : IParametrizedFunction
{
    /// <summary>Operations per event of the parameter-dependent kernel.</summary>
    int OperationsPerEvent { get; }
    /// <summary>Operations per event run once per sample.</summary>
    int HoistedOperations { get; }
    /// <summary>Generated methods of the parameter-dependent kernel.</summary>
    int SegmentCount { get; }
}

/// <summary>
/// The GPU backend as the runtime sees it. The PartialWave.Gpu package implements it (with ILGPU and Roslyn); the
/// runtime finds that implementation by name when a GPU function is first asked for, so an application that runs
/// on the CPU only needs neither package.
/// </summary>
internal interface IGpuBackend
{
    /// <summary>A function whose GPU kernels are generated from <paramref name="variants"/>, each when first needed.</summary>
    ICompiledFunction Create(KernelVariants variants, IReadOnlyList<string> inputs, IReadOnlyList<ParameterSpec> parameters, LambdifyOptions options);

    /// <summary>
    /// A function over precompiled layouts: each role's GPU methods from the generated class named with it, or
    /// generated now where there is none.
    /// </summary>
    ICompiledFunction CreatePrecompiled(IReadOnlyDictionary<KernelRole, (KernelLayout Layout, Type? Code)> kernels, IReadOnlyList<string> inputs,
        IReadOnlyList<ParameterSpec> parameters, LambdifyOptions options);
}

/// <summary>Finds the GPU backend of the PartialWave.Gpu package.</summary>
internal static class GpuBackend
{
    private const string Implementation = "PartialWave.Backends.Gpu.GpuBackendProvider, PartialWave.Gpu";

    private static readonly Lazy<IGpuBackend?> s_backend = new(() => Plugins.Find<IGpuBackend>(Implementation));

    /// <summary>The backend.</summary>
    /// <exception cref="GpuUnavailableException">The application does not ship the PartialWave.Gpu package.</exception>
    public static IGpuBackend Instance => s_backend.Value ?? throw Missing();

    /// <summary>The error where the package is not shipped.</summary>
    public static GpuUnavailableException Missing() => new(
        "the GPU backend is in the PartialWave.Gpu package, which this application does not reference (PartialWave.Engine brings it): add it, or choose the CPU backend");
}
