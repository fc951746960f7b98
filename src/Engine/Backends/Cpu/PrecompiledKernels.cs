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
    private const int FormatVersion = 1;
    private readonly Dictionary<KernelRole, (KernelLayout Layout, SegmentKernel[] Code)> _kernels = [];

    /// <param name="data">The kernel data the C# emitter wrote (base64 of the compressed layouts).</param>
    /// <param name="code">Per kernel in the data's order, its segment methods in order.</param>
    /// <exception cref="InvalidDataException">The data is damaged, from another format version, or does not match the code.</exception>
    public PrecompiledKernels(string data, SegmentKernel[][] code)
    {
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
            var layout = KernelLayout.FromParts(prelude, ir, original, split, reduce);
            if (layout.Segments.Count != code[k].Length)
                throw new InvalidDataException($"kernel {role} has {layout.Segments.Count} segments but {code[k].Length} methods");
            _kernels[role] = (layout, code[k]);
        }
        if (!_kernels.ContainsKey(KernelRole.Main)) throw new InvalidDataException("precompiled kernels without a main kernel");
    }

    /// <summary>Event columns the kernels read.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>Free parameters with their default values (sorted by name, as the kernels number them).</summary>
    public IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <summary>
    /// A function on the CPU backend running these kernels. The split size and hoisting were fixed at build time;
    /// <see cref="LambdifyOptions.MaxThreads"/> applies.
    /// </summary>
    public IParametrizedFunction CreateFunction(LambdifyOptions? options = null)
    {
        options ??= new LambdifyOptions();
        if (options.Backend != Backend.Cpu) throw new NotSupportedException($"precompiled kernels run on the CPU backend, not {options.Backend}");
        return new CpuFunction(role => _kernels.TryGetValue(role, out var k) ? new CompiledKernel(k.Layout, k.Code) : null,
            Inputs, Parameters, options);
    }

    /// <summary>Writes the data <see cref="PrecompiledKernels(string, SegmentKernel[][])"/> reads.</summary>
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
            }
        }
        return Convert.ToBase64String(buffer.ToArray());
    }
}
