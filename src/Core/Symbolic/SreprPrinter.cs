using System.Globalization;
using System.Text;

namespace PartialWave.Symbolic;

/// <summary>SymPy's <c>srepr</c> form: Python that SymPy can <c>eval</c> back to the same expression.</summary>
public static class SreprPrinter
{
    /// <summary>Prints an expression as srepr.</summary>
    public static string Print(Expr e)
    {
        var sb = new StringBuilder();
        Write(sb, e);
        return sb.ToString();
    }

    /// <summary>A Python single-quoted string literal.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('\'');
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\'': sb.Append(@"\'"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case '\t': sb.Append(@"\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f) sb.Append(@"\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('\'').ToString();
    }

    // SymPy prints its nan and infinities bare; a non-default precision has to be spelled out to survive.
    private static string FloatLiteral(double v, int precision) =>
        !double.IsFinite(v) && precision == 53 ? (double.IsNaN(v) ? "nan" : v > 0 ? "oo" : "-oo")
        : $"Float({Quote(double.IsNaN(v) ? "nan" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf" : v.ToString("R", CultureInfo.InvariantCulture))}, precision={precision})";

    private static void Write(StringBuilder sb, Expr e)
    {
        switch (e)
        {
            case RationalNumber r:
                if (r.IsInteger) sb.Append("Integer(").Append(r.Numerator.ToString(CultureInfo.InvariantCulture)).Append(')');
                else sb.Append("Rational(").Append(r.Numerator.ToString(CultureInfo.InvariantCulture)).Append(", ")
                        .Append(r.Denominator.ToString(CultureInfo.InvariantCulture)).Append(')');
                return;
            case FloatNumber f:
                sb.Append(FloatLiteral(f.Value, f.Precision));
                return;
            case ComplexNumber c:
                sb.Append("Add(").Append(FloatLiteral(c.Value.Real, 53)).Append(", Mul(")
                  .Append(FloatLiteral(c.Value.Imaginary, 53)).Append(", I))");
                return;
            case Symbol { Indexed: { } ix }:
                sb.Append("Indexed(IndexedBase(").Append(ix.BaseSrepr).Append(')');
                foreach (var i in ix.IndexSrepr) sb.Append(", ").Append(i);
                sb.Append(')');
                return;
            case Symbol s:
                sb.Append("Symbol(").Append(Quote(s.Name));
                foreach (var k in AssumptionSet.ToKeywordArguments(s.Assumptions)) sb.Append(", ").Append(k);
                sb.Append(')');
                return;
        }
        string head = e.Kind switch
        {
            ExprKind.ImaginaryUnit => "I",
            ExprKind.Pi => "pi",
            ExprKind.E => "E",
            ExprKind.True => "true",
            ExprKind.False => "false",
            ExprKind.Add => "Add",
            ExprKind.Mul => "Mul",
            ExprKind.Pow => "Pow",
            ExprKind.Piecewise => "Piecewise",
            ExprKind.ExprCondPair => "ExprCondPair",
            _ when Functions.Of(e.Kind) is { } info => info.Name,
            _ => Functions.BooleanName(e.Kind),
        };
        sb.Append(head);
        if (e.ArgArray.Length == 0) return;
        sb.Append('(');
        for (int i = 0; i < e.ArgArray.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            Write(sb, e.ArgArray[i]);
        }
        sb.Append(')');
    }
}
