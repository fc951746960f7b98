using System.Globalization;
using System.Text;
using PartialWave.Symbolic;

namespace PartialWave.Engine.Tests.Core.Parsing;

/// <summary>Seeded random inputs for the readers: raw characters, token soup, and srepr-shaped text.</summary>
internal static class FuzzInputs
{
    public static readonly string[] SreprTokens =
    [
        "Add(", "Mul(", "Pow(", "Integer(", "Rational(", "Float(", "Symbol(", "sqrt(", "exp(", "log(", "Abs(", "atan2(",
        "Max(", "Min(", "Mod(", "Heaviside(", "KroneckerDelta(", "polygamma(", "gamma(", "floor(", "conjugate(", "re(",
        "Piecewise(", "ExprCondPair(", "StrictLessThan(", "LessThan(", "Equality(", "Unequality(", "Lt(", "And(", "Or(", "Not(",
        "Indexed(", "IndexedBase(", "Str(", "BooleanTrue(", "BooleanFalse()", "Foo(",
        ")", ")", ")", ")", ",", ", ", ", ", "(",
        "'x'", "'y'", "'a b'", @"'\\'", @"'\n'", @"'\x41'", @"'\u00e9'", @"'\U0001F600'", @"'\q'", "\"z\"", "''", "'", "\"", "\\",
        "=", "real=True", "positive=True", "nonnegative=True", "integer=False", "commutative=True", "precision=53", "precision=",
        "dps=15", "True", "False", "true", "false", "I", "pi", "E", "oo", "nan", "zoo",
        "0", "1", "-1", "2", "-0", "12345678901234567890123", "-", "+", "1.5", ".5", "-.5", "1e5", "1e400", "-2.5e-3", "1e", "1.2.3",
        "Integer(0)", "Integer(-1)", "Integer(2)", "Rational(1, 2)", "Rational(-3, 4)", "Rational(1, 0)", "Symbol('x')", "Symbol('y', real=True)",
        "Float('0.1', precision=53)", "Float('-0', precision=53)", "Float('inf')", "Float('-inf')", "Float('nan')", "Float('1e308')",
        " ", " ", "\n", "\t", "\r\n", "_",
    ];

    public static readonly string[] InfixTokens =
    [
        "x", "y", "s", "m_1", "`a b`", "`I`", "`", "``", "I", "E", "pi", "oo", "nan", "true", "false",
        "0", "1", "2", "10", "0.5", ".5", "1.", "1e3", "2E", "2e-3", "1e400", "123456789012345678901234567890", "0.0",
        "+", "-", "-", "*", "/", "^", "**", "(", "(", ")", ")", "|", ",", "<", "<=", ">", ">=", "==", "!=", "=", "!",
        " and ", " or ", "not ", "and", "or", "not",
        "exp(", "sqrt(", "log(", "abs(", "Abs(", "conj(", "conjugate(", "arctan2(", "atan2(", "max(", "min(", "Max(",
        "Piecewise(", "Piecewise((", "Eq(", "Ne(", "Lt(", "Ge(", "gamma(", "polygamma(", "Mod(", "floor(", "ceiling(",
        "Heaviside(", "KroneckerDelta(", "re(", "im(", "arg(", "sign(", "sin(", "acos(", "tanh(", "foo(",
        " ", " ", "\n", "\t", "@", "$", "'", "\"", "\\", "_", "é", "[", "]", ";",
    ];

    private static readonly string[] Names =
    [
        "x", "y", "s", "m", "I", "pi", "E", "oo", "nan", "and", "not", "true", "", " ", "a b", "a`b", "``", @"a\b", "tab\t",
        "new\nline", "cr\r", "\0", "\u007f", "\uD800", "\uDC00x", "😀", "é", "Symbol", "1x", "m_{f_{0}(980)}", "x'", "\"q\"",
        @"\mathcal{H}^\mathrm{production}[K(892), 0, -1/2]",
    ];

    private static readonly string[] Assumption = ["real", "positive", "negative", "nonnegative", "nonpositive", "nonzero", "integer", "commutative", "zero", "finite", "prime", "even", "complex"];

    private static readonly string[] Decimals =
    [
        "0", "-0", "0.0", "-0.0", "1", "-1", "0.1", "2.5", "-3.75", "1e308", "-1e308", "1e-320", "5e-324", "1.7976931348623157e308",
        "inf", "-inf", "nan", "123456789.123456789", "1_000",
    ];

    private static readonly string[] Integers = ["0", "1", "-1", "2", "3", "-7", "10", "4096", "-4097", "1000000007", "123456789012345678901234567890", "-0"];

    /// <summary>Raw characters: bytes read as Latin-1, bytes decoded as UTF-8, arbitrary UTF-16 units, printable ASCII.</summary>
    public static string RandomChars(Random rng)
    {
        int length = rng.Next(0, 48);
        switch (rng.Next(4))
        {
            case 0:
            {
                var bytes = new byte[length];
                rng.NextBytes(bytes);
                return Encoding.Latin1.GetString(bytes);
            }
            case 1:
            {
                var bytes = new byte[length];
                rng.NextBytes(bytes);
                return Encoding.UTF8.GetString(bytes);
            }
            case 2:
            {
                var chars = new char[length];
                for (int i = 0; i < length; i++) chars[i] = (char)rng.Next(0, 0x10000);
                return new string(chars);
            }
            default:
            {
                var chars = new char[length];
                for (int i = 0; i < length; i++) chars[i] = (char)rng.Next(0x20, 0x7f);
                return new string(chars);
            }
        }
    }

    /// <summary>Tokens of the reader's language in random order, with a random character now and then.</summary>
    public static string TokenSoup(Random rng, string[] tokens)
    {
        int n = rng.Next(1, 24);
        var sb = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            if (rng.Next(20) == 0) sb.Append((char)rng.Next(0, 0x80));
            else sb.Append(tokens[rng.Next(tokens.Length)]);
        }
        return sb.ToString();
    }

    private static T Pick<T>(Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    /// <summary>
    /// srepr-shaped text: mostly well-formed constructors with plausible arguments, sometimes the wrong number
    /// of them, keywords, odd names and numbers. Many of these read successfully.
    /// </summary>
    public static string SreprLike(Random rng, int depth = 4)
    {
        var sb = new StringBuilder();
        WriteValue(sb, rng, depth);
        return sb.ToString();
    }

    private static void WriteValue(StringBuilder sb, Random rng, int depth)
    {
        if (depth <= 0 || rng.Next(4) == 0) { WriteLeaf(sb, rng); return; }
        switch (rng.Next(12))
        {
            case 0: case 1: Call(sb, rng, Pick(rng, ["Add", "Mul"]), rng.Next(0, 5), depth); break;
            case 2: Call(sb, rng, "Pow", rng.Next(20) == 0 ? 3 : 2, depth); break;
            case 3:
            {
                var f = Pick(rng, Functions.List);
                int n = rng.Next(15) == 0 ? rng.Next(0, 4) : rng.Next(f.MinArgs, Math.Min(f.MaxArgs, f.MinArgs + 2) + 1);
                Call(sb, rng, f.Name, n, depth);
                break;
            }
            case 4: Call(sb, rng, "sqrt", 1, depth); break;
            case 5:
            {
                sb.Append("Piecewise(");
                int n = rng.Next(1, 4);
                for (int i = 0; i < n; i++)
                {
                    if (i > 0) sb.Append(", ");
                    sb.Append("ExprCondPair(");
                    WriteValue(sb, rng, depth - 1);
                    sb.Append(", ");
                    if (i == n - 1 && rng.Next(3) > 0) sb.Append("true");
                    else WriteCondition(sb, rng, depth - 1);
                    sb.Append(')');
                }
                sb.Append(')');
                break;
            }
            case 6:
                // a complex constant as SreprPrinter writes it
                sb.Append("Add(Float('").Append(Pick(rng, Decimals)).Append("', precision=53), Mul(Float('")
                  .Append(Pick(rng, Decimals)).Append("', precision=53), I))");
                break;
            case 7: Call(sb, rng, "Mul", 2, depth, first: "Integer(-1)"); break;
            default: WriteLeaf(sb, rng); break;
        }
    }

    private static void Call(StringBuilder sb, Random rng, string name, int n, int depth, string? first = null)
    {
        sb.Append(name).Append('(');
        for (int i = 0; i < n; i++)
        {
            if (i > 0) sb.Append(rng.Next(10) == 0 ? ",\n  " : ", ");
            if (i == 0 && first is not null) sb.Append(first);
            else if (rng.Next(40) == 0) WriteCondition(sb, rng, depth - 1);
            else WriteValue(sb, rng, depth - 1);
        }
        if (n > 0 && rng.Next(30) == 0) sb.Append(',');
        sb.Append(')');
    }

    private static void WriteCondition(StringBuilder sb, Random rng, int depth)
    {
        switch (depth <= 0 ? 0 : rng.Next(6))
        {
            case 0: case 1: case 2:
                sb.Append(Pick(rng, ["StrictLessThan", "StrictGreaterThan", "LessThan", "GreaterThan", "Equality", "Unequality", "Lt", "Ge"])).Append('(');
                WriteValue(sb, rng, depth - 1); sb.Append(", "); WriteValue(sb, rng, depth - 1); sb.Append(')');
                break;
            case 3: case 4:
                sb.Append(Pick(rng, ["And", "Or"])).Append('(');
                WriteCondition(sb, rng, depth - 1); sb.Append(", "); WriteCondition(sb, rng, depth - 1); sb.Append(')');
                break;
            default:
                sb.Append("Not("); WriteCondition(sb, rng, depth - 1); sb.Append(')');
                break;
        }
    }

    private static void WriteLeaf(StringBuilder sb, Random rng)
    {
        switch (rng.Next(10))
        {
            case 0: case 1: sb.Append("Integer(").Append(Pick(rng, Integers)).Append(')'); break;
            case 2:
                sb.Append("Rational(").Append(Pick(rng, Integers)).Append(", ").Append(rng.Next(30) == 0 ? "0" : Pick(rng, Integers.Where(i => i is not ("0" or "-0")).ToArray())).Append(')');
                break;
            case 3:
                sb.Append("Float('").Append(Pick(rng, Decimals)).Append("', precision=").Append(Pick(rng, new[] { 53, 53, 103, 10 })).Append(')');
                break;
            case 4: case 5: case 6:
            {
                sb.Append("Symbol(").Append(SreprPrinter.Quote(Pick(rng, Names)));
                int k = rng.Next(3) == 0 ? rng.Next(1, 3) : 0;
                for (int i = 0; i < k; i++) sb.Append(", ").Append(Pick(rng, Assumption)).Append('=').Append(rng.Next(4) == 0 ? "False" : "True");
                sb.Append(')');
                break;
            }
            case 7: sb.Append(Pick(rng, ["I", "pi", "E", "oo", "nan", "Integer(1)"])); break;
            case 8:
                sb.Append("Indexed(IndexedBase(").Append(rng.Next(2) == 0 ? "Symbol('H')" : SreprPrinter.Quote(Pick(rng, Names))).Append("), ")
                  .Append(Pick(rng, ["Str('K(892)')", "Integer(0)", "Rational(-1, 2)", "Symbol('k')", "Str('0')"]));
                if (rng.Next(2) == 0) sb.Append(", Integer(").Append(rng.Next(-2, 3).ToString(CultureInfo.InvariantCulture)).Append(')');
                sb.Append(')');
                break;
            default: sb.Append(rng.Next(2) == 0 ? "Integer(2)" : "Symbol('x')"); break;
        }
    }
}
