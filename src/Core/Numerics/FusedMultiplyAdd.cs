namespace PartialWave.Numerics;

/// <summary>
/// a·b + c rounded once, as a struct type parameter of code that also runs in GPU kernels: ILGPU 1.5 has no mapping
/// for <see cref="Math.FusedMultiplyAdd"/> (it becomes a call to an undefined external function in PTX) and
/// compiles both sides of any run-time branch, so the choice is made by instantiation (<see cref="ManagedFma"/> here
/// and on ILGPU's CPU accelerator, the PTX instruction for CUDA).
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public interface IFusedMultiplyAdd
{
    /// <summary>a·b + c with one rounding.</summary>
    double Fma(double a, double b, double c);
}

/// <summary><see cref="Math.FusedMultiplyAdd"/>.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public readonly struct ManagedFma : IFusedMultiplyAdd
{
    /// <inheritdoc/>
    public double Fma(double a, double b, double c) => Math.FusedMultiplyAdd(a, b, c);
}
