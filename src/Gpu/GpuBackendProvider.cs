using PartialWave.Compilation;

namespace PartialWave.Backends.Gpu;

/// <summary>What the runtime's <see cref="GpuBackend"/> finds: GPU functions from generated or precompiled kernels.</summary>
internal sealed class GpuBackendProvider : IGpuBackend
{
    public ICompiledFunction Create(KernelVariants variants, IReadOnlyList<string> inputs, IReadOnlyList<ParameterSpec> parameters, LambdifyOptions options) =>
        new GpuFunction(variants, inputs, parameters, options);

    public ICompiledFunction CreatePrecompiled(IReadOnlyDictionary<KernelRole, (KernelLayout Layout, Type? Code)> kernels, IReadOnlyList<string> inputs,
        IReadOnlyList<ParameterSpec> parameters, LambdifyOptions options) =>
        new GpuFunction((role, device) => kernels.TryGetValue(role, out var k)
                ? k.Code is { } type ? GpuKernel.Load(k.Layout, device, type, $"the precompiled {role} kernel") : GpuKernel.Compile(k.Layout, device, $"the {role} kernel")
                : null,
            inputs, parameters, options);
}
