using System.Runtime.CompilerServices;

namespace PartialWave.Randomness;

/// <summary>Conversions of random 32-bit words to doubles, shared by every generator path so all agree bit for bit.</summary>
public static class RandomBits
{
    private const double TwoToMinus53 = 1.0 / (1UL << 53);

    /// <summary>
    /// A uniform double in [0, 1) with 53 random bits: the top 53 bits of the 64-bit word
    /// <c>(<paramref name="high"/> &lt;&lt; 32) | <paramref name="low"/></c>, times 2^-53.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Uniform(uint low, uint high) => ((((ulong)high << 32) | low) >> 11) * TwoToMinus53;

    /// <summary>A uniform double in (0, 1] from the same 53 bits (plus one ulp of 2^-53): safe to take the logarithm of.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double UniformOpenClosed(uint low, uint high) => (((((ulong)high << 32) | low) >> 11) + 1) * TwoToMinus53;

    /// <summary>
    /// Two standard normal values by the Box–Muller transform from one 128-bit block:
    /// r = sqrt(-2 ln u1) with u1 = <see cref="UniformOpenClosed"/>(w0, w1), angle 2π u2 with u2 = <see cref="Uniform"/>(w2, w3);
    /// returns (r cos, r sin).
    /// </summary>
    public static (double First, double Second) Normals(PhiloxBlock block)
    {
        double r = Math.Sqrt(-2.0 * Math.Log(UniformOpenClosed(block.X0, block.X1)));
        var (sin, cos) = Math.SinCos(2.0 * Math.PI * Uniform(block.X2, block.X3));
        return (r * cos, r * sin);
    }

    /// <summary>A standard exponential value, -ln u with u = <see cref="UniformOpenClosed"/>(<paramref name="low"/>, <paramref name="high"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Exponential(uint low, uint high) => -Math.Log(UniformOpenClosed(low, high));
}
