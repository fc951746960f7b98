using System.IO.Compression;
using System.Numerics;

namespace PartialWave.Compilation;

/// <summary>
/// The kernels of a model as data for a generated class: each role's layout (the IR after every pass), the inputs
/// and the parameters, Brotli-compressed and base64-encoded. The C# emitter writes it at build time; the runtime
/// reads it back so that no pass runs again.
/// </summary>
internal static class PrecompiledFormat
{
    private const int FormatVersion = 3;

    /// <summary>Reads what <see cref="Write"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The data is damaged or from another format version.</exception>
    public static (IReadOnlyList<string> Inputs, IReadOnlyList<ParameterSpec> Parameters, IReadOnlyList<(KernelRole Role, KernelLayout Layout)> Kernels) Read(string data)
    {
        using var stream = new BrotliStream(new MemoryStream(Convert.FromBase64String(data)), CompressionMode.Decompress);
        using var r = new BinaryReader(stream);
        if (r.ReadInt32() != FormatVersion) throw new InvalidDataException("precompiled kernels of another format version: rebuild the project");
        var inputs = KernelIRFormat.ReadStrings(r);
        var parameters = new ParameterSpec[r.ReadInt32()];
        for (int k = 0; k < parameters.Length; k++)
        {
            var name = r.ReadString();
            bool complex = r.ReadBoolean();
            parameters[k] = new ParameterSpec(name, new Complex(r.ReadDouble(), r.ReadDouble()), complex);
        }
        int count = r.ReadInt32();
        var kernels = new List<(KernelRole, KernelLayout)>(count);
        for (int k = 0; k < count; k++)
        {
            var role = (KernelRole)r.ReadByte();
            var prelude = r.ReadBoolean() ? KernelIRFormat.Read(r) : null;
            var ir = KernelIRFormat.Read(r);
            int original = r.ReadInt32(), split = r.ReadInt32();
            bool reduce = r.ReadBoolean();
            var epilogue = r.ReadBoolean() ? KernelIRFormat.Read(r) : null;
            kernels.Add((role, KernelLayout.FromParts(prelude, ir, original, split, reduce, epilogue)));
        }
        return (inputs, parameters, kernels);
    }

    /// <summary>Writes the data <see cref="Read"/> reads (the generated code hands it to the runtime's precompiled kernels).</summary>
    public static string Write(IReadOnlyList<string> inputs, IReadOnlyList<ParameterSpec> parameters,
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
