using System.Numerics;
using PartialWave.Compilation;
using PartialWave.Symbolic;

namespace PartialWave.Engine.Tests.Compiler.Compilation;

/// <summary>Roles and argument vectors for running kernels at reference points.</summary>
internal static class KernelTestSupport
{
    /// <summary>Real-valued symbols become inputs, complex-valued ones complex parameters.</summary>
    public static Dictionary<string, SymbolRole> Roles(Expr e, IReadOnlyDictionary<string, Complex> values, ISet<string>? parameters = null) =>
        e.FreeSymbolNames().ToDictionary(n => n, n =>
            values[n].Imaginary != 0 ? SymbolRole.ComplexParameter
            : parameters is not null && parameters.Contains(n) ? SymbolRole.RealParameter : SymbolRole.Input);

    public static (double[] Inputs, double[] Parameters) Arguments(KernelIR ir, IReadOnlyDictionary<string, Complex> values)
    {
        var inputs = ir.Inputs.Select(n => values[n].Real).ToArray();
        var ps = ir.Parameters.Select(n =>
            n.EndsWith(".re", StringComparison.Ordinal) && !values.ContainsKey(n) ? values[n[..^3]].Real
            : n.EndsWith(".im", StringComparison.Ordinal) && !values.ContainsKey(n) ? values[n[..^3]].Imaginary
            : values[n].Real).ToArray();
        return (inputs, ps);
    }

    /// <summary>The complex value of a kernel's outputs (value, or value.re + i value.im).</summary>
    public static Complex Value(KernelIR ir, Complex[] outputs)
    {
        var names = ir.Outputs.Select(o => o.Name).ToList();
        int re = names.IndexOf("value.re");
        if (re < 0) return outputs[names.IndexOf("value")];
        return new Complex(outputs[re].Real, outputs[names.IndexOf("value.im")].Real);
    }
}
