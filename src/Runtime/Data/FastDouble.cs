using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace PartialWave.Data;

/// <summary>
/// Decimal text to double, correctly rounded, for the plain form CSV files hold ([+-]digits[.digits][e[+-]digits]).
/// Round-trip output ("R", Python's repr) has 16-17 significant digits, beyond double.Parse's fast path, and there
/// it was the CSV reader's bottleneck (about 170 ns a number). This is Clinger's fast path plus the Eisel-Lemire
/// algorithm (Lemire, "Number parsing at a gigabyte per second", 2021, as in the fast_float library), exact for
/// up to 19 significant digits (Mushtak and Lemire, "Fast number parsing without fallback", 2023). Anything else
/// (more digits, NaN, Infinity, surrounding spaces) is left to double.TryParse.
/// </summary>
internal static class FastDouble
{
    private const int MinPow10 = -342, MaxPow10 = 308;

    private static readonly double[] ExactPowers =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];

    // 5^q for q in [-342, 308] as 128-bit fractions, two ulongs (high, low) each; built as fast_float's table is.
    internal static readonly ulong[] Powers = BuildPowers();

    private static ulong[] BuildPowers()
    {
        var table = new ulong[2 * (MaxPow10 - MinPow10 + 1)];
        var two128 = BigInteger.One << 128;
        var mask = (BigInteger.One << 64) - 1;
        for (int q = MinPow10; q <= MaxPow10; q++)
        {
            BigInteger c;
            if (q < 0)
            {
                var power5 = BigInteger.Pow(5, -q);
                int z = (int)(power5 - 1).GetBitLength(); // smallest z with 2^z >= 5^-q
                c = q >= -27
                    ? (BigInteger.One << (z + 127)) / power5 + 1
                    : (BigInteger.One << (2 * z + 128)) / power5 + 1;
                while (c >= two128) c >>= 1;
            }
            else
            {
                c = BigInteger.Pow(5, q);
                int bits = (int)c.GetBitLength();
                c = bits <= 128 ? c << (128 - bits) : c >> (bits - 128);
            }
            int i = 2 * (q - MinPow10);
            table[i] = (ulong)(c >> 64);
            table[i + 1] = (ulong)(c & mask);
        }
        return table;
    }

    /// <summary>
    /// Parses a plain decimal number at the start of <paramref name="s"/>; returns how many bytes it took, or 0 when
    /// <paramref name="s"/> does not start with one this parser decides exactly (the caller falls back).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ParsePrefix(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        int i = 0, n = s.Length;
        bool negative = false;
        if (i < n && (s[i] == (byte)'-' || s[i] == (byte)'+')) { negative = s[i] == (byte)'-'; i++; }
        ulong w = 0;
        int significant = 0, exponent = 0, digitsSeen = 0;
        while (i < n)
        {
            uint d = (uint)(s[i] - (byte)'0');
            if (d > 9) break;
            if (significant < 19)
            {
                if (w != 0 || d != 0) { w = w * 10 + d; significant++; }
            }
            else if (d != 0) return 0;
            else exponent++;
            digitsSeen++;
            i++;
        }
        if (i < n && s[i] == (byte)'.')
        {
            i++;
            while (i < n)
            {
                uint d = (uint)(s[i] - (byte)'0');
                if (d > 9) break;
                if (significant < 19)
                {
                    if (w != 0 || d != 0) { w = w * 10 + d; significant++; }
                    exponent--;
                }
                else if (d != 0) return 0;
                digitsSeen++;
                i++;
            }
        }
        if (digitsSeen == 0) return 0;
        if (i < n && (s[i] | 0x20) == (byte)'e')
        {
            int j = i + 1;
            bool negativeExponent = false;
            if (j < n && (s[j] == (byte)'-' || s[j] == (byte)'+')) { negativeExponent = s[j] == (byte)'-'; j++; }
            int e = 0, start = j;
            while (j < n)
            {
                uint d = (uint)(s[j] - (byte)'0');
                if (d > 9) break;
                if (e < 100000) e = e * 10 + (int)d;
                j++;
            }
            if (j == start) return 0; // "1e" or "1e+": not a number; let double.TryParse say so
            exponent += negativeExponent ? -e : e;
            i = j;
        }
        value = Compose(w, exponent, negative);
        return i;
    }

    /// <summary>The double nearest to ±w·10^q (w exact, at most 19 digits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Compose(ulong w, int q, bool negative)
    {
        if (w == 0) return negative ? -0.0 : 0.0;
        if (w <= 1UL << 53 && q >= -22 && q <= 22)
        {
            // Clinger: both operands exact, so one correctly rounded operation is the correctly rounded result.
            double d = q >= 0 ? w * ExactPowers[q] : w / ExactPowers[-q];
            return negative ? -d : d;
        }
        return EiselLemire(w, q, negative);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double EiselLemire(ulong w, int q, bool negative)
    {
        ulong sign = negative ? 1UL << 63 : 0;
        if (q < MinPow10) return BitConverter.UInt64BitsToDouble(sign);
        if (q > MaxPow10) return BitConverter.UInt64BitsToDouble(sign | 0x7FF0000000000000UL);
        int lz = BitOperations.LeadingZeroCount(w);
        w <<= lz;
        int index = 2 * (q - MinPow10);
        ulong high = Math.BigMul(w, Powers[index], out ulong low);
        const ulong precisionMask = ulong.MaxValue >> 55; // 52 mantissa bits + 3
        if ((high & precisionMask) == precisionMask)
        {
            ulong secondHigh = Math.BigMul(w, Powers[index + 1], out _);
            low += secondHigh;
            if (secondHigh > low) high++;
        }
        int upperBit = (int)(high >> 63);
        int shift = upperBit + 64 - 52 - 3;
        ulong mantissa = high >> shift;
        int power2 = (((152170 + 65536) * q) >> 16) + 63 + upperBit - lz + 1023;
        if (power2 <= 0)
        {
            // Subnormal (or zero after rounding).
            if (-power2 + 1 >= 64) return BitConverter.UInt64BitsToDouble(sign);
            mantissa >>= -power2 + 1;
            mantissa += mantissa & 1;
            mantissa >>= 1;
            power2 = mantissa < 1UL << 52 ? 0 : 1;
            return BitConverter.UInt64BitsToDouble(sign | mantissa | ((ulong)power2 << 52));
        }
        // Exactly halfway between two doubles: round to even (possible only for small |q|).
        if (low <= 1 && q >= -4 && q <= 23 && (mantissa & 3) == 1 && mantissa << shift == high)
            mantissa &= ~1UL;
        mantissa += mantissa & 1;
        mantissa >>= 1;
        if (mantissa >= 2UL << 52)
        {
            mantissa = 1UL << 52;
            power2++;
        }
        mantissa &= ~(1UL << 52);
        if (power2 >= 0x7FF) return BitConverter.UInt64BitsToDouble(sign | 0x7FF0000000000000UL);
        return BitConverter.UInt64BitsToDouble(sign | mantissa | ((ulong)power2 << 52));
    }

    /// <summary>
    /// A whole field as a number: the fast parser when it takes the field entirely, otherwise double.TryParse
    /// (invariant, surrounding white space allowed) plus the spellings of infinity Python and NumPy write.
    /// </summary>
    public static bool TryParseField(ReadOnlySpan<byte> field, out double value)
    {
        int used = ParsePrefix(field, out value);
        if (used == field.Length && used > 0) return true;
        if (double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
        var t = field.Trim(" \t"u8);
        bool negative = t.Length > 0 && t[0] == (byte)'-';
        if (t.Length > 0 && (t[0] == (byte)'-' || t[0] == (byte)'+')) t = t[1..];
        if (t.Length == 3 && (t[0] | 0x20) == 'i' && (t[1] | 0x20) == 'n' && (t[2] | 0x20) == 'f')
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        value = 0;
        return false;
    }
}
