using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using PartialWave.Numerics;
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
    private readonly InfixScope? _scope;
    // A region of a larger file is read as its own text; messages that name another place ("opened at 3:7") count in the file.
    private readonly string _fullText;
    private readonly int _base;
    // With a scope, errors of meaning (an unknown name, a wrong argument count) are collected here and parsing goes on
    // with a placeholder, so one pass reports every such error; syntax errors still end the expression.
    private readonly List<ParseFailure> _semanticErrors = [];
    private int _pos;
    private int _depth;

    private InfixReader(string text, Func<string, Assumptions>? assumptions, InfixScope? scope = null, string? fullText = null, int baseOffset = 0)
    {
        _text = text;
        _fullText = fullText ?? text;
        _base = baseOffset;
        _assumptions = assumptions ?? (_ => Assumptions.None);
        _scope = scope;
    }

    /// <summary>Stands in for a name or call that was reported as an error, so that parsing can go on.</summary>
    private static readonly Expr ErrorPlaceholder = Expr.Symbol("<error>");

    /// <summary>
    /// Reads an expression whose names and functions come from <paramref name="scope"/> (an embedding language's
    /// declarations) in addition to the built-in constants and math functions. Every unknown name, unknown function
    /// and wrong argument count is reported, not just the first.
    /// </summary>
    /// <param name="text">The expression.</param>
    /// <param name="file">Name used in diagnostics.</param>
    /// <param name="scope">Names, functions and lexical extensions.</param>
    public static ParseResult<Expr> Parse(string text, string file, InfixScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var (value, diagnostics) = ParseRegion(text, 0, text.Length, file, scope);
        return new ParseResult<Expr>(value, diagnostics);
    }

    /// <summary>Reads <c>text[start..end]</c> as one expression; diagnostics carry positions in the whole text.</summary>
    internal static (Expr? Value, List<Diagnostic> Diagnostics) ParseRegion(string text, int start, int end, string file, InfixScope scope)
    {
        var region = text.Substring(start, end - start);
        var r = new InfixReader(region, null, scope, text, start);
        var diagnostics = new List<Diagnostic>();
        Diagnostic At(string code, string message, int offset)
        {
            var (line, col) = SourcePosition.Locate(text, start + Math.Clamp(offset, 0, region.Length));
            return new Diagnostic(code, message, file, line, col);
        }
        Expr? e = null;
        try
        {
            e = r.ParseOr();
            r.SkipSpace();
            if (r._pos < region.Length)
            {
                if (region[r._pos] == ')')
                    throw new ParseFailure(DiagnosticCodes.Unbalanced, "unbalanced ')': no '(' is open here", r._pos);
                throw new ParseFailure(DiagnosticCodes.UnexpectedToken, $"expected an operator or the end of the expression, found {SourcePosition.Describe(region, r._pos)}", r._pos);
            }
            if (e.IsBoolean) throw new ParseFailure(DiagnosticCodes.WrongArgument, "expected an expression, found a condition", 0);
        }
        catch (ParseFailure f)
        {
            r._semanticErrors.Add(f);
            e = null;
        }
        catch (Exception ex) when (ex is ArgumentException or ArithmeticException or InvalidOperationException)
        {
            r._semanticErrors.Add(new ParseFailure(DiagnosticCodes.WrongArgument, ex.Message, r._pos));
            e = null;
        }
        if (r._semanticErrors.Count == 0 && e is not null && NonFiniteConstants.Find(e) is { } bad)
        {
            // Rare, so operand positions are recorded only now, by reading the region again.
            var locate = new InfixReader(region, null, scope, text, start) { _at = new(ReferenceEqualityComparer.Instance) };
            try { locate.ParseOr(); } catch (Exception ex) when (ex is ParseFailure or ArgumentException or ArithmeticException or InvalidOperationException) { }
            r._semanticErrors.Add(new ParseFailure(DiagnosticCodes.NonFiniteConstant, NonFiniteConstants.Message(bad.Node, bad.Value), NodePositions.Find(bad.Node, locate._at)));
            e = null;
        }
        foreach (var f in r._semanticErrors) diagnostics.Add(At(f.Code, f.Message, f.Offset));
        return (diagnostics.Count == 0 ? e : null, diagnostics);
    }

    private Expr SemanticError(string code, string message, int at)
    {
        _semanticErrors.Add(new ParseFailure(code, message, at));
        return ErrorPlaceholder;
    }

    /// <summary>
    /// Reads a model: as <see cref="Parse(string, string, Func{string, Assumptions}?)"/>, and a constant that is NaN or
    /// infinite (1/0, log(0), 1e400) is an error at its place.
    /// </summary>
    internal static ParseResult<Expr> ParseModel(string text, string file)
    {
        var parsed = Parse(text, file);
        if (!parsed.Success || NonFiniteConstants.Find(parsed.Value!) is not { } bad) return parsed;
        // Rare, so operand positions are recorded only now, by reading the text again.
        var locate = new InfixReader(text, null) { _at = new(ReferenceEqualityComparer.Instance) };
        locate.ParseOr();
        var (line, column) = SourcePosition.Locate(text, NodePositions.Find(bad.Node, locate._at));
        return new ParseResult<Expr>(null, [new Diagnostic(DiagnosticCodes.NonFiniteConstant, NonFiniteConstants.Message(bad.Node, bad.Value), file, line, column)]);
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
        if (end < _text.Length && Identifiers.IsPart(_text[end])) return false;
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

    private Expr Value(Expr e, int at, string where)
    {
        if (e.IsBoolean) throw new ParseFailure(DiagnosticCodes.WrongArgument, $"expected an expression {where}, found a condition", at);
        _at?.TryAdd(e, at);
        return e;
    }

    // Where each operand first appears: recorded only on a second pass that places a diagnostic about a node.
    private Dictionary<Expr, int>? _at;

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
                if (_pos >= _text.Length) throw ParseFailure.Unclosed(_fullText, _base + at, "')' to close the '('", _pos);
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
                var (l, col) = SourcePosition.Locate(_fullText, _base + at);
                throw new ParseFailure(_pos >= _text.Length ? DiagnosticCodes.Unbalanced : DiagnosticCodes.UnexpectedToken,
                    $"expected '|' to close the '|' at {l}:{col}, found {SourcePosition.Describe(_text, _pos)}", _pos);
            }
            _depth--;
            return Expr.Call(ExprKind.Abs, inner);
        }
        if (char.IsAsciiDigit(c) || (c == '.' && _pos + 1 < _text.Length && char.IsAsciiDigit(_text[_pos + 1])))
        {
            var number = ReadNumber();
            // 2.5i: an imaginary literal, where the embedding language asks for them (there is no implicit multiplication
            // otherwise, so the 'i' cannot mean anything else).
            if (_scope is { ImaginaryLiterals: true } && _pos < _text.Length && _text[_pos] == 'i'
                && (_pos + 1 >= _text.Length || !Identifiers.IsPart(_text[_pos + 1])))
            {
                _pos++;
                return Expr.Mul(number, Expr.I);
            }
            return number;
        }
        if (c == '`' || (c == '"' && _scope is not null))
        {
            var quoted = ReadQuotedName();
            return _scope is null ? Expr.Symbol(quoted, _assumptions(quoted)) : ResolveScoped(quoted, at);
        }
        if (Identifiers.IsStart(c))
        {
            int start = _pos;
            if (_scope is not null && MatchCompoundName() is { } compound) return ResolveScoped(compound, start);
            while (_pos < _text.Length && Identifiers.IsPart(_text[_pos])) _pos++;
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
                _ => _scope is null ? Expr.Symbol(name, _assumptions(name)) : ResolveScoped(name, start),
            };
        }
        if (c == ')') throw new ParseFailure(DiagnosticCodes.Unbalanced, "expected an expression, found ')' (unbalanced parentheses?)", _pos);
        throw Expected("an expression (a number, a name, a function call or '(')");
    }

    private Expr ResolveScoped(string name, int at) =>
        _scope!.ResolveName(name) ?? SemanticError(DiagnosticCodes.UndeclaredSymbol,
            $"unknown symbol '{name}'{NameSuggestions.DidYouMean(name, _scope.Names)}: expected a declared name; declare it as a variable, parameter or constant, or define it with let", at);

    // Declared names that are not identifiers (theta_1^12, phi_1^12,012) are matched longest first where an identifier
    // starts, so theta_1^12 is the variable and m_12^2 the square of m_12.
    private string? MatchCompoundName()
    {
        string? best = null;
        foreach (var name in _scope!.CompoundNames)
        {
            if (name.Length <= (best?.Length ?? 0) || string.CompareOrdinal(_text, _pos, name, 0, name.Length) != 0) continue;
            int end = _pos + name.Length;
            if (end < _text.Length && Identifiers.IsPart(_text[end])) continue;
            best = name;
        }
        if (best is not null) _pos += best.Length;
        return best;
    }

    /// <summary>Reads a name quoted with backticks (or, where a scope allows them, double quotes); the quote doubled stands for itself.</summary>
    private string ReadQuotedName()
    {
        int start = _pos;
        char quote = _text[_pos++];
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length) throw new ParseFailure(DiagnosticCodes.BadString, $"quoted name is not terminated (expected a closing '{quote}')", start);
            char c = _text[_pos++];
            if (c == quote)
            {
                if (_pos < _text.Length && _text[_pos] == quote) { sb.Append(quote); _pos++; continue; }
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
                if (_pos >= _text.Length) throw ParseFailure.Unclosed(_fullText, _base + start, $"')' to close the '{name}('", _pos);
                throw Expected($"',' or ')' in the arguments of {name}");
            }
        }
        _depth--;
        if (_scope is not null) return ScopedCall(name, start, args);
        return BuiltinCall(name, start, args);
    }

    private Expr ScopedCall(string name, int start, List<(Expr E, int At)> args)
    {
        var f = _scope!.ResolveFunction(name);
        if (f is null)
        {
            if (IsBuiltinFunction(name, out int bmin, out int bmax))
            {
                if (args.Count < bmin || args.Count > bmax)
                {
                    var arity = ParseFailure.WrongArity(name, bmin, bmax, args.Count, start);
                    return SemanticError(DiagnosticCodes.WrongArgumentCount, arity.Message, start);
                }
                if (args.Exists(a => ReferenceEquals(a.E, ErrorPlaceholder))) return ErrorPlaceholder;
                return BuiltinCall(name, start, args);
            }
            var known = _scope.FunctionNames.Concat(BuiltinFunctionNames()).Distinct().ToList();
            var near = NameSuggestions.Near(name, known);
            return SemanticError(DiagnosticCodes.UndefinedFunction,
                $"unknown function '{name}': expected a built-in or a function defined with let" +
                (near.Count > 0 ? $" (did you mean {string.Join(", ", near.Select(n => $"'{n}'"))}?)" : $" (known: {string.Join(", ", known)})"), start);
        }
        if (args.Count < f.MinArgs || args.Count > f.MaxArgs)
        {
            var arity = ParseFailure.WrongArity(name, f.MinArgs, f.MaxArgs, args.Count, start);
            return SemanticError(DiagnosticCodes.WrongArgumentCount, arity.Message, start);
        }
        var values = new Expr[args.Count];
        for (int i = 0; i < args.Count; i++) values[i] = Value(args[i].E, args[i].At, $"as an argument of {name}");
        if (Array.Exists(values, v => ReferenceEquals(v, ErrorPlaceholder))) return ErrorPlaceholder;
        try
        {
            return f.Apply(values);
        }
        catch (InfixArgumentException ex)
        {
            int at = ex.ArgumentIndex >= 0 && ex.ArgumentIndex < args.Count ? args[ex.ArgumentIndex].At : start;
            return SemanticError(ex.Code, ex.Message, at);
        }
        catch (ArgumentException ex)
        {
            return SemanticError(DiagnosticCodes.WrongArgument, $"{name}: {ex.Message}", start);
        }
    }

    private static bool IsBuiltinFunction(string name, out int min, out int max)
    {
        if (name == "sqrt") { min = max = 1; return true; }
        if (Functions.TryGet(name, out var info) || Aliases.TryGetValue(name, out var k) && (info = Functions.Of(k)!) is not null)
        {
            min = info.MinArgs; max = info.MaxArgs; return true;
        }
        min = max = 2;
        return name is "Eq" or "Ne" or "Lt" or "Le" or "Gt" or "Ge";
    }

    private static IEnumerable<string> BuiltinFunctionNames() =>
        new[] { "sqrt" }.Concat(Functions.List.Select(f => f.Name)).Concat(Aliases.Keys).Append("Piecewise");

    private Expr BuiltinCall(string name, int start, List<(Expr E, int At)> args)
    {
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
