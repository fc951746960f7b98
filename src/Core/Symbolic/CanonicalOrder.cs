using System.Numerics;

namespace PartialWave.Symbolic;

/// <summary>
/// The canonical order of Add and Mul arguments: numbers first, then constants, symbols by name, then
/// everything else by structural hash (ties broken structurally). It depends only on structure, so the
/// same model gives the same order, and the same generated code, in every process.
/// </summary>
internal sealed class CanonicalOrder : IComparer<Expr>
{
    public static readonly CanonicalOrder Instance = new();

    private static int Rank(Expr e) => e.Kind switch
    {
        ExprKind.Rational or ExprKind.Float or ExprKind.Complex => 0,
        ExprKind.ImaginaryUnit or ExprKind.Pi or ExprKind.E => 1,
        ExprKind.Symbol => 2,
        ExprKind.Pow => 3,
        ExprKind.Add or ExprKind.Mul => 5,
        _ => 4,
    };

    public int Compare(Expr? x, Expr? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        int c = Rank(x).CompareTo(Rank(y));
        if (c != 0) return c;
        if (x is Symbol sx && y is Symbol sy)
        {
            c = string.CompareOrdinal(sx.Name, sy.Name);
            if (c != 0) return c;
        }
        c = x.StableHash.CompareTo(y.StableHash);
        return c != 0 ? c : Structural(x, y);
    }

    private static int Structural(Expr x, Expr y)
    {
        if (ReferenceEquals(x, y)) return 0;
        int c = x.Kind.CompareTo(y.Kind);
        if (c != 0) return c;
        switch (x)
        {
            case RationalNumber rx:
                var ry = (RationalNumber)y;
                c = (rx.Numerator * ry.Denominator).CompareTo(ry.Numerator * rx.Denominator);
                return c != 0 ? c : 0;
            case FloatNumber fx:
                var fy = (FloatNumber)y;
                c = BitConverter.DoubleToInt64Bits(fx.Value).CompareTo(BitConverter.DoubleToInt64Bits(fy.Value));
                return c != 0 ? c : fx.Precision.CompareTo(fy.Precision);
            case ComplexNumber cx:
                var cy = (ComplexNumber)y;
                c = BitConverter.DoubleToInt64Bits(cx.Value.Real).CompareTo(BitConverter.DoubleToInt64Bits(cy.Value.Real));
                return c != 0 ? c : BitConverter.DoubleToInt64Bits(cx.Value.Imaginary).CompareTo(BitConverter.DoubleToInt64Bits(cy.Value.Imaginary));
            case Symbol sx:
                var sy = (Symbol)y;
                c = string.CompareOrdinal(sx.Name, sy.Name);
                if (c != 0) return c;
                c = sx.Assumptions.CompareTo(sy.Assumptions);
                return c != 0 ? c : string.CompareOrdinal(sx.Indexed?.ToString(), sy.Indexed?.ToString());
        }
        c = x.ArgArray.Length.CompareTo(y.ArgArray.Length);
        if (c != 0) return c;
        for (int i = 0; i < x.ArgArray.Length; i++)
        {
            c = Instance.Compare(x.ArgArray[i], y.ArgArray[i]);
            if (c != 0) return c;
        }
        return 0;
    }
}

internal static class BigIntegerExtensions
{
    public static bool FitsLong(this BigInteger v) => v >= long.MinValue && v <= long.MaxValue;
}
