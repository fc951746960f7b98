using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using PartialWave.Symbolic;

namespace PartialWave.Parsing;

/// <summary>
/// Reads hand-written expressions: <c>c * exp(I*phi) / (m^2 - s - I*m*w)</c>, <c>|A|^2</c>,
/// <c>Piecewise((x^2, x &lt; 0), (sqrt(x), true))</c>. Operators: + - * / ^ (or **), |x| for Abs,
/// comparisons &lt; &lt;= &gt; &gt;= == !=, and/or/not. Constants I, E, pi; symbols are identifiers or
/// backtick-quoted names (<c>`m_{f_{0}(980)}`</c>, a backtick doubled inside). Recursive descent with a
/// nesting limit; errors are diagnostics with line and column.
/// </summary>
public sealed class InfixReader
{
    /// <summary>Deepest nesting accepted. Hand-written expressions rarely nest 20 deep; each level of the
    /// precedence ladder costs about ten stack frames, so 200 keeps the worst case well inside a 1 MiB stack.</summary>
    public const int MaxDepth = 200;

    private readonly string _text;
    private readonly Func<string, Assumptions> _assumptions;
    private int _pos;
    private int _depth;

    private InfixReader(string text, Func<string, Assumptions>? assumptions)
    {
        _text = text;
        _assumptions = assumptions ?? (_ => Assumptions.None);
    }

    /// <summary>Reads an expression (a value, not a condition).</summary>
    /// <param name="text">The expression.</param>
    /// <param name="file">Name used in diagnostics.</param>
    /// <param name="assumptions">Assumptions for each symbol name (none by default).</param>
    public static ParseResult<Expr> Parse(string text, string file = "<input>", Func<string, Assumptions>? assumptions = null)
    {
        var r = new InfixReader(text, assumptions);
        try
        {
            var e = r.ParseOr();
            r.SkipSpace();
            if (r._pos < text.Length)
            {
                if (text[r._pos] == ')')
                    throw new ParseFailure(DiagnosticCodes.Unbalanced, "unbalanced ')': no '(' is open here", r._pos);
                throw new ParseFailure(DiagnosticCodes.UnexpectedToken, $"expected an operator or the end of the expression, found {SourcePosition.Describe(text, r._pos)}", r._pos);
            }
            if (e.IsBoolean) throw new ParseFailure(DiagnosticCodes.WrongArgument, "expected an expression, found a condition", 0);
            return new ParseResult<Expr>(e, []);
        }
        catch (ParseFailure f)
        {
            return new ParseResult<Expr>(null, [SourcePosition.ToDiagnostic(f, text, file)]);
        }
        catch (Exception ex) when (ex is ArgumentException or ArithmeticException or InvalidOperationException)
        {
            // The factory refused a combination the grammar allows.
            var (line, col) = SourcePosition.Locate(text, r._pos);
            return new ParseResult<Expr>(null, [new Diagnostic(DiagnosticCodes.WrongArgument, ex.Message, file, line, col)]);
        }
    }

    // ---------------- lexing ----------------

    private void SkipSpace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
    }

    private bool Peek(string op)
    {
        SkipSpace();
        return string.CompareOrdinal(_text, _pos, op, 0, op.Length) == 0;
    }

    private bool Accept(string op)
    {
        if (!Peek(op)) return false;
        _pos += op.Length;
        return true;
    }

    private bool AcceptWord(string word)
    {
        SkipSpace();
        if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0) return false;
        int end = _pos + word.Length;
        if (end < _text.Length && (char.IsAsciiLetterOrDigit(_text[end]) || _text[end] == '_')) return false;
        _pos = end;
        return true;
    }

    private ParseFailure Expected(string what)
    {
        SkipSpace();
        var code = _pos >= _text.Length ? DiagnosticCodes.UnexpectedEnd : DiagnosticCodes.UnexpectedToken;
        return new ParseFailure(code, $"expected {what}, found {SourcePosition.Describe(_text, _pos)}", _pos);
    }

    private void Enter(int at)
    {
        if (++_depth > MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw new ParseFailure(DiagnosticCodes.TooDeep, $"expression nests deeper than {MaxDepth} levels (or than this thread's stack allows)", at);
    }

    private static Expr Value(Expr e, int at, string where) =>
        e.IsBoolean ? throw new ParseFailure(DiagnosticCodes.WrongArgument, $"expected an expression {where}, found a condition", at) : e;

    private static Expr Condition(Expr e, int at, string where) =>
        !e.IsBoolean ? throw new ParseFailure(DiagnosticCodes.WrongArgument, $"expected a condition {where}, found an expression", at) : e;

    // ---------------- grammar ----------------

    private Expr ParseOr()
    {
        SkipSpace(); int at = _pos;
        var e = ParseAnd();
        if (!Peek("or") || !AcceptWord("or")) return e;
        var list = new List<Expr> { Condition(e, at, "before 'or'") };
        do { SkipSpace(); int p = _pos; list.Add(Condition(ParseAnd(), p, "after 'or'")); } while (AcceptWord("or"));
        return Expr.Logic(ExprKind.Or, list.ToArray());
    }

    private Expr ParseAnd()
    {
        SkipSpace(); int at = _pos;
        var e = ParseNot();
        if (!AcceptWord("and")) return e;
        var list = new List<Expr> { Condition(e, at, "before 'and'") };
        do { SkipSpace(); int p = _pos; list.Add(Condition(ParseNot(), p, "after 'and'")); } while (AcceptWord("and"));
        return Expr.Logic(ExprKind.And, list.ToArray());
    }

    private Expr ParseNot()
    {
        SkipSpace(); int at = _pos;
        if (AcceptWord("not"))
        {
            Enter(at);
            SkipSpace(); int p = _pos;
            var inner = Condition(ParseNot(), p, "after 'not'");
            _depth--;
            return Expr.Not(inner);
        }
        return ParseRelation();
    }

    private Expr ParseRelation()
    {
        SkipSpace(); int at = _pos;
        var left = ParseSum();
        ExprKind? kind =
            Accept("<=") ? ExprKind.LessThan : Accept(">=") ? ExprKind.GreaterThan :
            Accept("==") ? ExprKind.Equality : Accept("!=") ? ExprKind.Unequality :
            Accept("<") ? ExprKind.StrictLessThan : Accept(">") ? ExprKind.StrictGreaterThan : null;
        if (kind is null) return left;
        SkipSpace(); int p = _pos;
        var right = ParseSum();
        return Expr.Relational(kind.Value, Value(left, at, "on the left of a comparison"), Value(right, p, "on the right of a comparison"));
    }

    private Expr ParseSum()
    {
        SkipSpace(); int at = _pos;
        var first = ParseTerm();
        if (!Peek("+") && !Peek("-")) return first;
        var terms = new List<Expr> { Value(first, at, "before '+' or '-'") };
        while (true)
        {
            if (Accept("+")) { SkipSpace(); int p = _pos; terms.Add(Value(ParseTerm(), p, "after '+'")); }
            else if (Accept("-")) { SkipSpace(); int p = _pos; terms.Add(Expr.Mul(Expr.MinusOne, Value(ParseTerm(), p, "after '-'"))); }
            else break;
        }
        return Expr.Add(terms);
    }

    private Expr ParseTerm()
    {
        SkipSpace(); int at = _pos;
        var e = ParseUnary();
        while (true)
        {
            if (Peek("**")) break;
            if (Accept("*")) { SkipSpace(); int p = _pos; e = Expr.Mul(Value(e, at, "before '*'"), Value(ParseUnary(), p, "after '*'")); }
            else if (Accept("/")) { SkipSpace(); int p = _pos; e = Expr.Mul(Value(e, at, "before '/'"), Expr.Pow(Value(ParseUnary(), p, "after '/'"), Expr.MinusOne)); }
            else break;
        }
        return e;
    }

    private Expr ParseUnary()
    {
        SkipSpace(); int at = _pos;
        if (Accept("-"))
        {
            Enter(at);
            SkipSpace(); int p = _pos;
            var e = Expr.Mul(Expr.MinusOne, Value(ParseUnary(), p, "after '-'"));
            _depth--;
            return e;
        }
        if (Accept("+"))
        {
            Enter(at);
            SkipSpace(); int p = _pos;
            var e = Value(ParseUnary(), p, "after '+'");
            _depth--;
            return e;
        }
        return ParsePower();
    }

    private Expr ParsePower()
    {
        SkipSpace(); int at = _pos;
        var b = ParsePrimary();
        if (Accept("^") || Accept("**"))
        {
            Enter(at);
            SkipSpace(); int p = _pos;
            var x = ParseUnary();
            _depth--;
            return Expr.Pow(Value(b, at, "as a base"), Value(x, p, "as an exponent"));
        }
        return b;
    }

    private Expr ParsePrimary()
    {
        SkipSpace();
        int at = _pos;
        if (_pos >= _text.Length) throw Expected("an expression");
        char c = _text[_pos];
        if (c == '(')
        {
            Enter(at);
            _pos++;
            var e = ParseOr();
            if (!Accept(")"))
            {
                SkipSpace();
                if (_pos >= _text.Length) throw ParseFailure.Unclosed(_text, at, "')' to close the '('", _pos);
                throw Expected("')'");
            }
            _depth--;
            return e;
        }
        if (c == '|')
        {
            Enter(at);
            _pos++;
            SkipSpace(); int p = _pos;
            var inner = Value(ParseSum(), p, "inside |...|");
            if (!Accept("|"))
            {
                var (l, col) = SourcePosition.Locate(_text, at);
                throw new ParseFailure(_pos >= _text.Length ? DiagnosticCodes.Unbalanced : DiagnosticCodes.UnexpectedToken,
                    $"expected '|' to close the '|' at {l}:{col}, found {SourcePosition.Describe(_text, _pos)}", _pos);
            }
            _depth--;
            return Expr.Call(ExprKind.Abs, inner);
        }
        if (char.IsAsciiDigit(c) || (c == '.' && _pos + 1 < _text.Length && char.IsAsciiDigit(_text[_pos + 1]))) return ReadNumber();
        if (c == '`')
        {
            var quoted = ReadQuotedName();
            return Expr.Symbol(quoted, _assumptions(quoted));
        }
        if (char.IsAsciiLetter(c) || c == '_')
        {
            int start = _pos;
            while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_')) _pos++;
            var name = _text[start.._pos];
            if (Peek("(")) return ParseCall(name, start);
            return name switch
            {
                "I" => Expr.I,
                "E" => Expr.E,
                "pi" => Expr.Pi,
                "oo" => Expr.Float(double.PositiveInfinity),
                "nan" => Expr.Float(double.NaN),
                "true" => Expr.True,
                "false" => Expr.False,
                "and" or "or" or "not" => throw new ParseFailure(DiagnosticCodes.UnexpectedToken, $"expected an expression, found the keyword '{name}'", start),
                _ => Expr.Symbol(name, _assumptions(name)),
            };
        }
        if (c == ')') throw new ParseFailure(DiagnosticCodes.Unbalanced, "expected an expression, found ')' (unbalanced parentheses?)", _pos);
        throw Expected("an expression (a number, a name, a function call or '(')");
    }

    private string ReadQuotedName()
    {
        int start = _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length) throw new ParseFailure(DiagnosticCodes.BadString, "quoted name is not terminated (expected a closing '`')", start);
            char c = _text[_pos++];
            if (c == '`')
            {
                if (_pos < _text.Length && _text[_pos] == '`') { sb.Append('`'); _pos++; continue; }
                break;
            }
            sb.Append(c);
        }
        if (sb.Length == 0) throw new ParseFailure(DiagnosticCodes.BadString, "empty quoted name", start);
        return sb.ToString();
    }

    private Expr ReadNumber()
    {
        int start = _pos;
        bool isFloat = false;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++;
        if (_pos < _text.Length && _text[_pos] == '.') { isFloat = true; _pos++; while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++; }
        if (_pos < _text.Length && _text[_pos] is 'e' or 'E')
        {
            int save = _pos;
            _pos++;
            if (_pos < _text.Length && _text[_pos] is '+' or '-') _pos++;
            if (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            {
                isFloat = true;
                while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++;
            }
            else _pos = save; // "2E" is no exponent: the number ends at 2 (there is no implicit multiplication)
        }
        var s = _text.AsSpan(start, _pos - start);
        if (isFloat)
        {
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return Expr.Float(d);
        }
        else if (BigInteger.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return Expr.Integer(n);
        throw new ParseFailure(DiagnosticCodes.BadNumber, $"malformed number '{s}'", start);
    }

    private static readonly Dictionary<string, ExprKind> Aliases = new(StringComparer.Ordinal)
    {
        ["abs"] = ExprKind.Abs, ["conj"] = ExprKind.Conjugate, ["arctan2"] = ExprKind.Atan2,
        ["max"] = ExprKind.Max, ["min"] = ExprKind.Min,
    };

    private Expr ParseCall(string name, int start)
    {
        Enter(start);
        Accept("(");
        if (name == "Piecewise") { var pw = ParsePiecewise(start); _depth--; return pw; }
        var args = new List<(Expr E, int At)>();
        if (!Accept(")"))
        {
            while (true)
            {
                SkipSpace(); int p = _pos;
                args.Add((ParseOr(), p));
                if (Accept(",")) continue;
                if (Accept(")")) break;
                SkipSpace();
                if (_pos >= _text.Length) throw ParseFailure.Unclosed(_text, start, $"')' to close the '{name}('", _pos);
                throw Expected($"',' or ')' in the arguments of {name}");
            }
        }
        _depth--;
        ExprKind kind;
        int min, max;
        if (name == "sqrt") { kind = ExprKind.Pow; min = max = 1; }
        else if (Functions.TryGet(name, out var info)) { kind = info.Kind; min = info.MinArgs; max = info.MaxArgs; }
        else if (Aliases.TryGetValue(name, out var alias)) { kind = alias; var ai = Functions.Of(alias)!; min = ai.MinArgs; max = ai.MaxArgs; }
        else if (name is "Eq" or "Ne" or "Lt" or "Le" or "Gt" or "Ge")
        {
            if (args.Count != 2) throw ParseFailure.WrongArity(name, 2, 2, args.Count, start);
            var rk = name switch
            {
                "Eq" => ExprKind.Equality, "Ne" => ExprKind.Unequality, "Lt" => ExprKind.StrictLessThan,
                "Le" => ExprKind.LessThan, "Gt" => ExprKind.StrictGreaterThan, _ => ExprKind.GreaterThan,
            };
            return Expr.Relational(rk, Value(args[0].E, args[0].At, $"in {name}"), Value(args[1].E, args[1].At, $"in {name}"));
        }
        else
            throw new ParseFailure(DiagnosticCodes.UnknownFunction,
                $"unknown function '{name}' (known: sqrt, {string.Join(", ", Functions.List.Select(f => f.Name))}, Piecewise)", start);
        if (args.Count < min || args.Count > max) throw ParseFailure.WrongArity(name, min, max, args.Count, start);
        var xs = args.Select(a => Value(a.E, a.At, $"as an argument of {name}")).ToArray();
        return kind == ExprKind.Pow ? Expr.Sqrt(xs[0]) : Expr.Call(kind, xs);
    }

    private Expr ParsePiecewise(int start)
    {
        var branches = new List<(Expr, Expr)>();
        while (true)
        {
            SkipSpace(); int at = _pos;
            if (!Accept("(")) throw Expected("'(' starting a (value, condition) pair of Piecewise");
            SkipSpace(); int pv = _pos;
            var v = Value(ParseOr(), pv, "as a Piecewise value");
            if (!Accept(",")) throw Expected("',' between the value and the condition of a Piecewise pair");
            SkipSpace(); int pc = _pos;
            var cnd = Condition(ParseOr(), pc, "in a Piecewise pair");
            if (!Accept(")")) throw Expected("')' closing a Piecewise pair");
            branches.Add((v, cnd));
            if (Accept(",")) continue;
            if (Accept(")")) break;
            throw Expected("',' or ')' in Piecewise");
        }
        if (branches.TrueForAll(b => b.Item2.Kind == ExprKind.False))
            throw new ParseFailure(DiagnosticCodes.WrongArgument, "Piecewise has no branch whose condition can hold", start);
        return Expr.Piecewise(branches);
    }
}
