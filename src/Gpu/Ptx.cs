using System.Numerics;
using PartialWave.Compilation;
using PartialWave.Symbolic;

namespace PartialWave.Backends.Gpu;

/// <summary>Compiling the GPU backend's kernels to CUDA PTX, with no device.</summary>
public static class Ptx
{
    /// <summary>
    /// Compiles every GPU kernel of <paramref name="expression"/> (values, gradients, sums, hoisted columns) to CUDA
    /// PTX without running it: needs no device, and catches what only the CUDA compiler would reject.
    /// </summary>
    /// <exception cref="GpuUnavailableException">A kernel does not compile; the message says which.</exception>
    public static PtxReport Compile(Expr expression, IReadOnlyList<string> inputs, IReadOnlyList<ParameterSpec> parameters,
        IReadOnlyDictionary<string, Complex>? fixedValues = null, LambdifyOptions? options = null)
    {
        options ??= new LambdifyOptions();
        var prepared = Pipeline.Prepare(expression, inputs, parameters, fixedValues, options.Kernels);
        return PtxCompiler.Compile(new KernelVariants(prepared.Data, prepared.Main, options.SplitSize));
    }
}
