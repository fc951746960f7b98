using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PartialWave.Data;

/// <summary>Checks on decoded columns shared by the binary readers.</summary>
internal static class DataChecks
{
    /// <summary>Index of the first value in <paramref name="values"/> that is not finite (NaN or ±infinity), or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 code on a first (often only) call
    public static int IndexOfNonFinite(ReadOnlySpan<double> values)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var v = MemoryMarshal.Cast<double, Vector256<double>>(values);
            for (int k = 0; k < v.Length; k++)
            {
                // x - x is 0 for finite x, NaN for NaN and ±infinity.
                if (!Vector256.EqualsAll(v[k] - v[k], Vector256<double>.Zero)) { i = k * Vector256<double>.Count; goto scalar; }
            }
            i = v.Length * Vector256<double>.Count;
        }
    scalar:
        for (; i < values.Length; i++) if (!double.IsFinite(values[i])) return i;
        return -1;
    }

    /// <summary>What a reader says of a value that is not finite, by what it is.</summary>
    public static string NonFiniteMessage(double value, string column) =>
        $"{(double.IsNaN(value) ? "NaN" : value > 0 ? "+infinity (or a number beyond ±1.8e308)" : "-infinity (or a number beyond ±1.8e308)")} in column '{column}' " +
        "(values that are not finite are rejected; set EventReadOptions.AllowNaN to accept them)";
}
