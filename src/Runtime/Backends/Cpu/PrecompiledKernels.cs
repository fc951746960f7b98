using System.ComponentModel;
using PartialWave.Compilation;
using PartialWave.Backends;

namespace PartialWave.Backends.Cpu;

/// <summary>
/// The kernels of a model compiled at build time: the layout of each <see cref="KernelRole"/> as data (the IR after
/// every pass, compressed) and one generated method per segment. Creating a function from them runs no parser, no
/// pass and no code generation; the methods are JIT-compiled on first use like any other code.
/// </summary>
/// <remarks>Generated model classes construct this; analysis code uses the model class's <c>CreateFunction</c>.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class PrecompiledKernels
{
    private readonly Dictionary<KernelRole, (KernelLayout Layout, SegmentKernel[] Code, Type? Gpu)> _kernels = [];

    /// <param name="data">The kernel data the C# emitter wrote (base64 of the compressed layouts).</param>
    /// <param name="code">Per kernel in the data's order, its segment methods in order.</param>
    /// <param name="gpu">Per kernel in the data's order, the class holding its GPU segment methods (null: GPU kernels are compiled at run time).</param>
    /// <exception cref="InvalidDataException">The data is damaged, from another format version, or does not match the code.</exception>
    public PrecompiledKernels(string data, SegmentKernel[][] code, Type[]? gpu = null)
    {
        if (gpu is not null && gpu.Length != code.Length) throw new InvalidDataException($"GPU code for {gpu.Length} kernels but CPU code for {code.Length}");
        var (inputs, parameters, kernels) = PrecompiledFormat.Read(data);
        Inputs = inputs;
        Parameters = parameters;
        if (kernels.Count != code.Length) throw new InvalidDataException($"{kernels.Count} precompiled kernels but code for {code.Length}");
        foreach (var (k, (role, layout)) in kernels.Index())
        {
            if (layout.Segments.Count != code[k].Length)
                throw new InvalidDataException($"kernel {role} has {layout.Segments.Count} segments but {code[k].Length} methods");
            _kernels[role] = (layout, code[k], gpu?[k]);
        }
        if (!_kernels.ContainsKey(KernelRole.Main)) throw new InvalidDataException("precompiled kernels without a main kernel");
    }

    /// <summary>Event columns the kernels read.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>Free parameters with their default values (sorted by name, as the kernels number them).</summary>
    public IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <summary>
    /// A function running these kernels on the CPU backend, or on the GPU backend (<see cref="LambdifyOptions.Backend"/>
    /// = <see cref="Backend.Gpu"/>: the GPU methods generated at build time, loaded for the chosen device). The split
    /// size and hoisting were fixed at build time; the threads, device and memory limit apply.
    /// </summary>
    /// <exception cref="GpuUnavailableException">The GPU backend was asked for and cannot run here.</exception>
    public IParametrizedFunction CreateFunction(LambdifyOptions? options = null)
    {
        options ??= new LambdifyOptions();
        return options.Backend switch
        {
            Backend.Cpu => new CpuFunction(role => _kernels.TryGetValue(role, out var k) ? new CompiledKernel(k.Layout, k.Code) : null,
                Inputs, Parameters, options),
            Backend.Gpu => GpuBackend.Instance.CreatePrecompiled(_kernels.ToDictionary(k => k.Key, k => (k.Value.Layout, k.Value.Gpu)), Inputs, Parameters, options),
            _ => throw new NotSupportedException($"precompiled kernels run on the CPU or GPU backend, not {options.Backend}"),
        };
    }

    /// <summary>True when the GPU methods were generated at build time too.</summary>
    public bool HasGpuKernels => _kernels.Values.All(k => k.Gpu is not null);
}
