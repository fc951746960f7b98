using System.ComponentModel;
using System.IO.Compression;
using System.Numerics;
using PartialWave.Compilation;

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
    private const int FormatVersion = 3;
    private readonly Dictionary<KernelRole, (KernelLayout Layout, SegmentKernel[] Code, Type? Gpu)> _kernels = [];

    /// <param name="data">The kernel data the C# emitter wrote (base64 of the compressed layouts).</param>
    /// <param name="code">Per kernel in the data's order, its segment methods in order.</param>
    /// <param name="gpu">Per kernel in the data's order, the class holding its GPU segment methods (null: GPU kernels are compiled at run time).</param>
    /// <exception cref="InvalidDataException">The data is damaged, from another format version, or does not match the code.</exception>
    public PrecompiledKernels(string data, SegmentKernel[][] code, Type[]? gpu = null)
    {
        if (gpu is not null && gpu.Length != code.Length) throw new InvalidDataException($"GPU code for {gpu.Length} kernels but CPU code for {code.Length}");
        using var stream = new BrotliStream(new MemoryStream(Convert.FromBase64String(data)), CompressionMode.Decompress);
        using var r = new BinaryReader(stream);
        if (r.ReadInt32() != FormatVersion) throw new InvalidDataException("precompiled kernels of another format version: rebuild the project");
        Inputs = KernelIRFormat.ReadStrings(r);
        var parameters = new ParameterSpec[r.ReadInt32()];
        for (int k = 0; k < parameters.Length; k++)
        {
            var name = r.ReadString();
            bool complex = r.ReadBoolean();
            parameters[k] = new ParameterSpec(name, new Complex(r.ReadDouble(), r.ReadDouble()), complex);
        }
        Parameters = parameters;
        int count = r.ReadInt32();
        if (count != code.Length) throw new InvalidDataException($"{count} precompiled kernels but code for {code.Length}");
        for (int k = 0; k < count; k++)
        {
            var role = (KernelRole)r.ReadByte();
            var prelude = r.ReadBoolean() ? KernelIRFormat.Read(r) : null;
            var ir = KernelIRFormat.Read(r);
            int original = r.ReadInt32(), split = r.ReadInt32();
            bool reduce = r.ReadBoolean();
            var epilogue = r.ReadBoolean() ? KernelIRFormat.Read(r) : null;
            var layout = KernelLayout.FromParts(prelude, ir, original, split, reduce, epilogue);
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
            Backend.Gpu => new Gpu.GpuFunction((role, device) => _kernels.TryGetValue(role, out var k)
                    ? k.Gpu is { } type ? Gpu.GpuKernel.Load(k.Layout, device, type, $"the precompiled {role} kernel") : Gpu.GpuKernel.Compile(k.Layout, device, $"the {role} kernel")
                    : null,
                Inputs, Parameters, options),
            _ => throw new NotSupportedException($"precompiled kernels run on the CPU or GPU backend, not {options.Backend}"),
        };
    }

    /// <summary>True when the GPU methods were generated at build time too.</summary>
    public bool HasGpuKernels => _kernels.Values.All(k => k.Gpu is not null);

    /// <summary>Writes the data <see cref="PrecompiledKernels(string, SegmentKernel[][], Type[])"/> reads.</summary>
    internal static string Write(IReadOnlyList<string> inputs, IReadOnlyList<ParameterSpec> parameters,
        IReadOnlyList<(KernelRole Role, KernelLayout Layout)> kernels)
    {
        var buffer = new MemoryStream();
        using (var stream = new BrotliStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        using (var w = new BinaryWriter(stream))
        {
            w.Write(FormatVersion);
            KernelIRFormat.WriteStrings(w, inputs);
            w.Write(parameters.Count);
            foreach (var p in parameters)
            {
                w.Write(p.Name);
                w.Write(p.IsComplex);
                w.Write(p.Value.Real);
                w.Write(p.Value.Imaginary);
            }
            w.Write(kernels.Count);
            foreach (var (role, layout) in kernels)
            {
                w.Write((byte)role);
                w.Write(layout.Prelude is not null);
                if (layout.Prelude is not null) KernelIRFormat.Write(w, layout.Prelude);
                KernelIRFormat.Write(w, layout.IR);
                w.Write(layout.OriginalParameterCount);
                w.Write(layout.SplitSize);
                w.Write(layout.Reduces);
                w.Write(layout.Epilogue is not null);
                if (layout.Epilogue is not null) KernelIRFormat.Write(w, layout.Epilogue);
            }
        }
        return Convert.ToBase64String(buffer.ToArray());
    }
}
