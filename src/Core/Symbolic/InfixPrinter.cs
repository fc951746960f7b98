using System.Globalization;
using System.Text;

namespace PartialWave.Symbolic;

/// <summary>
/// Readable infix form: <c>c*exp(I*phi)/(m^2 - s - I*m*w)</c>. The output reads back with
/// <c>InfixReader</c> to the same expression; names that are not plain identifiers are quoted in backticks.
/// </summary>
public static class InfixPrinter
{
    private const int POr = 1, PAnd = 2, PNot = 3, PRel = 4, PAdd = 5, PMul = 6, PNeg = 7, PPow = 8, PAtom = 9;

    /// <summary>Words the infix reader treats specially; symbols with these names are quoted.</summary>
    internal static readonly HashSet<string> Reserved = new(StringComparer.Ordinal) { "I", "E", "pi", "true", "false", "and", "or", "not", "oo", "nan" };

    /// <summary>Prints an expression.</summary>
    public static string Print(Expr e)
    {
        var sb = new StringBuilder();
        new Writer(null, Name).Write(sb, e, 0);
        return sb.ToString();
    }

    /// <summary>
    /// Prints with some nodes replaced by names (<paramref name="alias"/> returns null for the others) and symbol names
    /// spelt by <paramref name="formatName"/>: how a model writer prints shared subexpressions as definitions.
    /// </summary>
    internal static string Print(Expr e, Func<Expr, string?>? alias, Func<string, string> formatName)
    {
        var sb = new StringBuilder();
        new Writer(alias, formatName).Write(sb, e, 0);
        return sb.ToString();
    }

    /// <summary>A symbol name as the reader accepts it (quoted when it is not a plain identifier).</summary>
    public static string Name(string name)
    {
        if (IsPlainName(name) && !Reserved.Contains(name)) return name;
        return "`" + name.Replace("`", "``") + "`";
    }

    internal static bool IsPlainName(string name) => Parsing.Identifiers.IsIdentifier(name);

    internal static string FormatDouble(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsPositiveInfinity(v)) return "oo";
        if (double.IsNegativeInfinity(v)) return "-oo";
        var s = v.ToString("R", CultureInfo.InvariantCulture);
        if (!s.Contains('.') && !s.Contains('E')) s += ".0";
        return s.Replace("E", "e");
    }

    private static int Precedence(Expr e) => e switch
    {
        RationalNumber r => r.IsNegative ? PNeg : r.IsInteger ? PAtom : PMul,
        FloatNumber f => f.Value < 0 || double.IsNegativeInfinity(f.Value) ? PNeg : PAtom,
        _ => e.Kind switch
        {
            ExprKind.Add => PAdd,
            ExprKind.Mul => IsNegativeTerm(e) ? PNeg : PMul,
            ExprKind.Pow => e.ArgArray[1] is RationalNumber { Numerator.IsOne: true, Denominator: var d } && d == 2 ? PAtom
                : e.ArgArray[1] is RationalNumber { IsNegative: true } && !e.ArgArray[0].IsNumber ? PMul : PPow,
            ExprKind.Or => POr,
            ExprKind.And => PAnd,
            ExprKind.Not => PNot,
            _ when Functions.IsRelational(e.Kind) => PRel,
            _ => PAtom,
        },
    };

    private static bool IsNegativeTerm(Expr e) =>
        e.Kind == ExprKind.Mul ? IsNegativeTerm(e.ArgArray[0]) :
        e is RationalNumber { IsNegative: true } || e is FloatNumber { Value: < 0 };

    // One printing pass; the alias and the name format are what vary between callers.
    private sealed class Writer(Func<Expr, string?>? alias, Func<string, string> formatName)
    {
        public void Write(StringBuilder sb, Expr e, int context)
        {
            if (alias?.Invoke(e) is { } named) { sb.Append(named); return; }
            bool paren = Precedence(e) < context;
            if (paren) sb.Append('(');
            WriteBare(sb, e);
            if (paren) sb.Append(')');
        }

        private void WriteBare(StringBuilder sb, Expr e)
        {
            switch (e)
            {
                case RationalNumber r:
                    sb.Append(r.Numerator.ToString(CultureInfo.InvariantCulture));
                    if (!r.IsInteger) sb.Append('/').Append(r.Denominator.ToString(CultureInfo.InvariantCulture));
                    return;
                case FloatNumber f:
                    sb.Append(FormatDouble(f.Value));
                    return;
                case ComplexNumber c:
                    sb.Append('(').Append(FormatDouble(c.Value.Real)).Append(c.Value.Imaginary < 0 ? " - " : " + ")
                      .Append(FormatDouble(Math.Abs(c.Value.Imaginary))).Append("*I)");
                    return;
                case Symbol s:
                    sb.Append(formatName(s.Name));
                    return;
            }
            var args = e.ArgArray;
            switch (e.Kind)
            {
                case ExprKind.ImaginaryUnit: sb.Append('I'); return;
                case ExprKind.Pi: sb.Append("pi"); return;
                case ExprKind.E: sb.Append('E'); return;
                case ExprKind.True: sb.Append("true"); return;
                case ExprKind.False: sb.Append("false"); return;
                case ExprKind.Add:
                    for (int i = 0; i < args.Length; i++)
                    {
                        // Numbers go last, as people write them: x + 1, not 1 + x.
                        var t = args[(i + 1) % args.Length is var k && args[0].IsNumber ? k : i];
                        if (i == 0) { Write(sb, t, PAdd); continue; }
                        // A named term stays named: negating it first would print the definition out in full.
                        if (IsNegativeTerm(t) && alias?.Invoke(t) is null) { sb.Append(" - "); Write(sb, Expr.Mul(Expr.MinusOne, t), PAdd + 1); }
                        else { sb.Append(" + "); Write(sb, t, PAdd + 1); }
                    }
                    return;
                case ExprKind.Mul:
                    WriteMul(sb, e);
                    return;
                case ExprKind.Pow:
                {
                    var b = args[0]; var x = args[1];
                    if (x is RationalNumber { Numerator.IsOne: true } h && h.Denominator == 2)
                    {
                        sb.Append("sqrt("); Write(sb, b, 0); sb.Append(')');
                        return;
                    }
                    // 0^-n stays a power: as 1/0^n it would fold to 1/0 and read back as 0^-1.
                    if (x is RationalNumber { IsNegative: true } && !b.IsNumber)
                    {
                        sb.Append("1/"); Write(sb, Expr.Pow(b, Expr.Mul(Expr.MinusOne, x)), PPow);
                        return;
                    }
                    Write(sb, b, PPow + 1);
                    sb.Append('^');
                    Write(sb, x, PPow + 1);
                    return;
                }
                case ExprKind.Piecewise:
                    sb.Append("Piecewise(");
                    for (int i = 0; i < args.Length; i++)
                    {
                        if (i > 0) sb.Append(", ");
                        sb.Append('('); Write(sb, args[i].ArgArray[0], 0); sb.Append(", "); Write(sb, args[i].ArgArray[1], 0); sb.Append(')');
                    }
                    sb.Append(')');
                    return;
                case ExprKind.And or ExprKind.Or:
                    for (int i = 0; i < args.Length; i++)
                    {
                        if (i > 0) sb.Append(e.Kind == ExprKind.And ? " and " : " or ");
                        Write(sb, args[i], Precedence(e) + 1);
                    }
                    return;
                case ExprKind.Not:
                    sb.Append("not "); Write(sb, args[0], PNot);
                    return;
            }
            if (Functions.IsRelational(e.Kind))
            {
                Write(sb, args[0], PRel + 1);
                sb.Append(e.Kind switch
                {
                    ExprKind.StrictLessThan => " < ", ExprKind.StrictGreaterThan => " > ", ExprKind.LessThan => " <= ",
                    ExprKind.GreaterThan => " >= ", ExprKind.Equality => " == ", _ => " != ",
                });
                Write(sb, args[1], PRel + 1);
                return;
            }
            if (e.Kind == ExprKind.Abs)
            {
                sb.Append('|'); Write(sb, args[0], 0); sb.Append('|');
                return;
            }
            var info = Functions.Of(e.Kind)!;
            sb.Append(info.Name).Append('(');
            for (int i = 0; i < args.Length; i++)
            {
                if (i > 0) sb.Append(", ");
                Write(sb, args[i], 0);
            }
            sb.Append(')');
        }

        private void WriteMul(StringBuilder sb, Expr e)
        {
            if (IsNegativeTerm(e))
            {
                sb.Append('-');
                Write(sb, Expr.Mul(Expr.MinusOne, e), PMul);
                return;
            }
            var num = new List<Expr>(); var den = new List<Expr>();
            foreach (var f in e.ArgArray)
            {
                if (alias?.Invoke(f) is not null) num.Add(f);
                else if (f is RationalNumber r && !r.IsInteger)
                {
                    if (!r.Numerator.IsOne) num.Add(Expr.Integer(r.Numerator));
                    den.Add(Expr.Integer(r.Denominator));
                }
                else if (f.Kind == ExprKind.Pow && f.ArgArray[1] is RationalNumber { IsNegative: true } x && !f.ArgArray[0].IsNumber)
                    den.Add(Expr.Pow(f.ArgArray[0], Expr.Mul(Expr.MinusOne, x)));
                else num.Add(f);
            }
            if (num.Count == 0) sb.Append('1');
            for (int i = 0; i < num.Count; i++)
            {
                if (i > 0) sb.Append('*');
                Write(sb, num[i], PMul);
            }
            // One '/' per denominator factor: a/b/c is a*b^-1*c^-1, while a/(b*c) is a*(b*c)^-1 — two
            // different trees, and the printed form must read back to the one it came from.
            foreach (var d in den)
            {
                sb.Append('/');
                Write(sb, d, PPow); // a/(-2*x), not a/-2*x
            }
        }
    }
}
