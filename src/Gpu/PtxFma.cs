using ILGPU.Runtime.Cuda;
using PartialWave.Symbolic;
using PartialWave.Numerics;

namespace PartialWave.Backends.Gpu;

/// <summary>The PTX instruction <c>fma.rn.f64</c>, for kernels compiled for CUDA (see <see cref="IFusedMultiplyAdd"/>).</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public readonly struct PtxFma : IFusedMultiplyAdd
{
    /// <inheritdoc/>
    public double Fma(double a, double b, double c)
    {
        CudaAsm.Emit("fma.rn.f64 %0, %1, %2, %3;", out double r, a, b, c);
        return r;
    }
}
