using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PartialWave.Data;

/// <summary>Checks on decoded columns shared by the binary readers.</summary>
internal static class DataChecks
{
    /// <summary>Index of the first NaN in <paramref name="values"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 code on a first (often only) call
    public static int IndexOfNaN(ReadOnlySpan<double> values)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var v = MemoryMarshal.Cast<double, Vector256<double>>(values);
            for (int k = 0; k < v.Length; k++)
            {
                // NaN is the one value not equal to itself.
                if (!Vector256.EqualsAll(v[k], v[k])) { i = k * Vector256<double>.Count; goto scalar; }
            }
            i = v.Length * Vector256<double>.Count;
        }
    scalar:
        for (; i < values.Length; i++) if (double.IsNaN(values[i])) return i;
        return -1;
    }
}
