using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using PartialWave.Numerics;
using PartialWave.Symbolic;

namespace PartialWave.Parsing;

/// <summary>
/// Reads SymPy <c>srepr</c> output: a tokenizer and a recursive-descent parser with an explicit nesting
/// limit, so no input can overflow the stack. Bad input yields diagnostics with line and column.
/// </summary>
public sealed class SreprReader
{
    /// <summary>Deepest constructor nesting accepted (the Λc model nests 20 deep).</summary>
    public const int MaxDepth = 400;

    private readonly string _text;
    private readonly string _file;
    private int _pos;
    private int _depth;

    private SreprReader(string text, string file)
    {
        _text = text;
        _file = file;
    }

    // Where each expression first appears: recorded only on a second pass that places a diagnostic about a node.
    private Dictionary<Expr, int>? _at;

    /// <summary>Reads one expression from srepr text.</summary>
    /// <param name="text">The srepr text.</param>
    /// <param name="file">Name used in diagnostics.</param>
    public static ParseResult<Expr> Parse(string text, string file = "<input>")
    {
        var reader = new SreprReader(text, file);
        try
        {
            reader.SkipSpace();
            var v = reader.ParseValue();
            reader.SkipSpace();
            if (reader._pos < text.Length && text[reader._pos] == ')')
                throw new ParseFailure(DiagnosticCodes.Unbalanced, "unbalanced ')': no constructor call is open here", reader._pos);
            if (reader._pos < text.Length)
                throw new ParseFailure(DiagnosticCodes.UnexpectedToken,
                    $"expected the end of the expression, found {SourcePosition.Describe(text, reader._pos)}", reader._pos);
            var e = reader.AsExpr(v, "the expression");
            return new ParseResult<Expr>(e, []);
        }
        catch (ParseFailure f)
        {
            return new ParseResult<Expr>(null, [SourcePosition.ToDiagnostic(f, text, file)]);
        }
    }

    /// <summary>
    /// Reads a model: as <see cref="Parse"/>, and a constant that is NaN or infinite (Float('nan'), an integer beyond
    /// ±1.8e308, 1/0, log(0)) is an error at its place. <see cref="Parse"/> itself reads them, as SymPy prints them.
    /// </summary>
    internal static ParseResult<Expr> ParseModel(string text, string file)
    {
        var parsed = Parse(text, file);
        if (!parsed.Success || NonFiniteConstants.Find(parsed.Value!) is not { } bad) return parsed;
        // Rare, so positions are recorded only now, by reading the text again.
        var locate = new SreprReader(text, file) { _at = new(ReferenceEqualityComparer.Instance) };
        locate.SkipSpace();
        locate.ParseValue();
        return new ParseResult<Expr>(null, [SourcePosition.ToDiagnostic(
            new ParseFailure(DiagnosticCodes.NonFiniteConstant, NonFiniteConstants.Message(bad.Node, bad.Value), NodePositions.Find(bad.Node, locate._at)), text, file)]);
    }

    /// <summary>Reads a srepr file.</summary>
    public static ParseResult<Expr> ParseFile(string path) => SourceFile.Parse(path, Parse);

    // ---------------- values ----------------

    private enum VKind { Expr, String, Int, Float, Bool, Pair, Str, IndexedBase }

    private readonly record struct Value(VKind Kind, int Offset, Expr? Expr = null, string? Text = null,
        BigInteger Int = default, double Float = 0, bool Bool = false, Expr? Condition = null, string? Extra = null)
    {
        public string Describe() => Kind switch
        {
            VKind.Expr => Expr!.IsBoolean ? "a condition" : "an expression",
            VKind.String => "a string",
            VKind.Int or VKind.Float => "a bare number",
            VKind.Bool => "a Python boolean",
            VKind.Pair => "an ExprCondPair",
            VKind.Str => "a Str",
            _ => "an IndexedBase",
        };
    }

    private Expr AsExpr(Value v, string what)
    {
        if (v.Kind == VKind.Expr && !v.Expr!.IsBoolean) return v.Expr;
        if (v.Kind == VKind.Int) return Expr.Integer(v.Int);
        if (v.Kind == VKind.Float) return Expr.Float(v.Float);
        throw new ParseFailure(DiagnosticCodes.WrongArgument, $"expected an expression for {what}, found {v.Describe()}", v.Offset);
    }

    private Expr AsCondition(Value v, string what)
    {
        if (v.Kind == VKind.Expr && v.Expr!.IsBoolean) return v.Expr;
        if (v.Kind == VKind.Bool) return v.Bool ? Expr.True : Expr.False;
        throw new ParseFailure(DiagnosticCodes.WrongArgument, $"expected a condition for {what}, found {v.Describe()}", v.Offset);
    }

    // ---------------- lexing helpers ----------------

    private void SkipSpace()
    {
        while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or '\n' or '\r') _pos++;
    }

    private bool TryConsume(char c)
    {
        SkipSpace();
        if (_pos < _text.Length && _text[_pos] == c) { _pos++; return true; }
        return false;
    }

    private ParseFailure Expected(string what)
    {
        SkipSpace();
        var code = _pos >= _text.Length ? DiagnosticCodes.UnexpectedEnd : DiagnosticCodes.UnexpectedToken;
        return new ParseFailure(code, $"expected {what}, found {SourcePosition.Describe(_text, _pos)}", _pos);
    }

    private string ReadIdentifier()
    {
        int start = _pos;
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_')) _pos++;
        return _text[start.._pos];
    }

    private Value ReadNumber()
    {
        int start = _pos;
        if (_text[_pos] is '-' or '+') _pos++;
        bool isFloat = false;
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (char.IsAsciiDigit(c)) _pos++;
            else if (c is '.' or 'e' or 'E') { isFloat = true; _pos++; if (c is 'e' or 'E' && _pos < _text.Length && _text[_pos] is '-' or '+') _pos++; }
            else break;
        }
        var s = _text.AsSpan(start, _pos - start);
        if (isFloat)
        {
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return new Value(VKind.Float, start, Float: d);
        }
        else if (BigInteger.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            return new Value(VKind.Int, start, Int: n);
        throw new ParseFailure(DiagnosticCodes.BadNumber, $"malformed number '{s}'", start);
    }

    private Value ReadString()
    {
        int start = _pos;
        char quote = _text[_pos++];
        StringBuilder? sb = null;
        int runStart = _pos;
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] == '\n')
                throw new ParseFailure(DiagnosticCodes.BadString, $"string starting here is not terminated (expected a closing {quote})", start);
            char c = _text[_pos];
            if (c == quote)
            {
                string result = sb is null ? _text[runStart.._pos] : sb.Append(_text, runStart, _pos - runStart).ToString();
                _pos++;
                return new Value(VKind.String, start, Text: result);
            }
            if (c != '\\') { _pos++; continue; }
            sb ??= new StringBuilder();
            sb.Append(_text, runStart, _pos - runStart);
            int escape = _pos;
            _pos++;
            if (_pos >= _text.Length) throw new ParseFailure(DiagnosticCodes.BadString, "string ends inside an escape sequence", escape);
            char e = _text[_pos++];
            switch (e)
            {
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '0': sb.Append('\0'); break;
                case 'x': sb.Append((char)ReadHex(2, escape)); break;
                case 'u': sb.Append((char)ReadHex(4, escape)); break;
                case 'U': sb.Append(char.ConvertFromUtf32(CheckedCodePoint(ReadHex(8, escape), escape))); break;
                default:
                    throw new ParseFailure(DiagnosticCodes.BadString,
                        $"unknown escape sequence '\\{e}' in a string (srepr writes a backslash as '\\\\')", escape);
            }
            runStart = _pos;
        }
    }

    private static int CheckedCodePoint(int cp, int offset) =>
        cp is >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF) ? cp
        : throw new ParseFailure(DiagnosticCodes.BadString, $"escape names no Unicode character (U+{cp:X})", offset);

    private int ReadHex(int digits, int escape)
    {
        if (_pos + digits > _text.Length || !int.TryParse(_text.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
            throw new ParseFailure(DiagnosticCodes.BadString, $"escape needs {digits} hexadecimal digits", escape);
        _pos += digits;
        return v;
    }

    // ---------------- grammar ----------------

    private Value ParseValue()
    {
        var v = ParseValueAt();
        if (_at is not null && v.Kind == VKind.Expr && v.Expr is not null) _at.TryAdd(v.Expr, v.Offset);
        return v;
    }

    private Value ParseValueAt()
    {
        SkipSpace();
        if (_pos >= _text.Length) throw Expected("an expression");
        char c = _text[_pos];
        if (c is '\'' or '"') return ReadString();
        if (c == '-' && string.CompareOrdinal(_text, _pos, "-oo", 0, 3) == 0
            && (_pos + 3 >= _text.Length || !(char.IsAsciiLetterOrDigit(_text[_pos + 3]) || _text[_pos + 3] == '_')))
        {
            _pos += 3;
            return new Value(VKind.Expr, _pos - 3, Expr.Float(double.NegativeInfinity)); // SymPy prints -oo bare
        }
        if (char.IsAsciiDigit(c) || ((c is '-' or '+') && _pos + 1 < _text.Length && (char.IsAsciiDigit(_text[_pos + 1]) || _text[_pos + 1] == '.')))
            return ReadNumber();
        if (!(char.IsAsciiLetter(c) || c == '_')) throw Expected("a constructor such as Add(...) or Symbol('x')");
        int start = _pos;
        var name = ReadIdentifier();
        if (!TryConsume('(')) return Bare(name, start);
        if (++_depth > MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw new ParseFailure(DiagnosticCodes.TooDeep, $"constructors nest deeper than {MaxDepth} levels (or than this thread's stack allows)", start);
        var args = new List<Value>();
        var kwargs = new List<(string Name, Value Value, int Offset)>();
        int open = _pos - 1;
        SkipSpace();
        if (!TryConsume(')'))
        {
            while (true)
            {
                SkipSpace();
                int argStart = _pos;
                // keyword argument: name '=' value
                if (_pos < _text.Length && (char.IsAsciiLetter(_text[_pos]) || _text[_pos] == '_'))
                {
                    int save = _pos;
                    var kw = ReadIdentifier();
                    SkipSpace();
                    if (_pos < _text.Length && _text[_pos] == '=' && (_pos + 1 >= _text.Length || _text[_pos + 1] != '='))
                    {
                        _pos++;
                        kwargs.Add((kw, ParseValue(), argStart));
                        goto next;
                    }
                    _pos = save;
                }
                if (kwargs.Count > 0)
                    throw new ParseFailure(DiagnosticCodes.UnexpectedToken, "positional argument follows keyword argument", argStart);
                args.Add(ParseValue());
            next:
                if (TryConsume(',')) { SkipSpace(); if (TryConsume(')')) break; continue; }
                if (TryConsume(')')) break;
                SkipSpace();
                if (_pos >= _text.Length) throw ParseFailure.Unclosed(_text, open, $"')' to close the '{name}('", _pos);
                throw Expected($"',' or ')' in the arguments of {name}");
            }
        }
        _depth--;
        try
        {
            return Construct(name, start, args, kwargs);
        }
        catch (Exception ex) when (ex is ArgumentException or ArithmeticException or InvalidOperationException)
        {
            // The factory refused a combination the grammar allows (e.g. a condition where a value belongs).
            throw new ParseFailure(DiagnosticCodes.WrongArgument, $"{name}: {ex.Message}", start);
        }
    }

    private Value Bare(string name, int start) => name switch
    {
        "I" => new Value(VKind.Expr, start, Expr.I),
        "pi" => new Value(VKind.Expr, start, Expr.Pi),
        "E" => new Value(VKind.Expr, start, Expr.E),
        "oo" => new Value(VKind.Expr, start, Expr.Float(double.PositiveInfinity)),
        "nan" => new Value(VKind.Expr, start, Expr.Float(double.NaN)),
        "true" => new Value(VKind.Expr, start, Expr.True),
        "false" => new Value(VKind.Expr, start, Expr.False),
        "True" => new Value(VKind.Bool, start, Bool: true),
        "False" => new Value(VKind.Bool, start, Bool: false),
        _ => throw new ParseFailure(DiagnosticCodes.UnknownConstructor,
            $"unknown name '{name}' (expected a constructor call such as {name}(...), or one of I, pi, E, true, false)", start),
    };

    private void Arity(string name, int start, List<Value> args, int min, int max)
    {
        if (args.Count < min || args.Count > max) throw ParseFailure.WrongArity(name, min, max, args.Count, start);
    }

    private void NoKeywords(string name, List<(string Name, Value Value, int Offset)> kwargs)
    {
        if (kwargs.Count > 0)
            throw new ParseFailure(DiagnosticCodes.WrongArgument, $"{name} takes no keyword argument '{kwargs[0].Name}'", kwargs[0].Offset);
    }

    private BigInteger IntArg(Value v, string name)
    {
        if (v.Kind == VKind.Int) return v.Int;
        throw new ParseFailure(DiagnosticCodes.WrongArgument, $"{name} expects an integer literal, found {v.Describe()}", v.Offset);
    }

    private string StringArg(Value v, string name)
    {
        if (v.Kind == VKind.String) return v.Text!;
        throw new ParseFailure(DiagnosticCodes.WrongArgument, $"{name} expects a quoted string, found {v.Describe()}", v.Offset);
    }

    private static readonly Dictionary<string, ExprKind> RelationalNames = new(StringComparer.Ordinal)
    {
        ["StrictLessThan"] = ExprKind.StrictLessThan, ["Lt"] = ExprKind.StrictLessThan,
        ["StrictGreaterThan"] = ExprKind.StrictGreaterThan, ["Gt"] = ExprKind.StrictGreaterThan,
        ["LessThan"] = ExprKind.LessThan, ["Le"] = ExprKind.LessThan,
        ["GreaterThan"] = ExprKind.GreaterThan, ["Ge"] = ExprKind.GreaterThan,
        ["Equality"] = ExprKind.Equality, ["Eq"] = ExprKind.Equality,
        ["Unequality"] = ExprKind.Unequality, ["Ne"] = ExprKind.Unequality,
    };

    private Value Construct(string name, int start, List<Value> args, List<(string Name, Value Value, int Offset)> kwargs)
    {
        Value Ok(Expr e) => new(VKind.Expr, start, e);
        switch (name)
        {
            case "Integer":
                NoKeywords(name, kwargs); Arity(name, start, args, 1, 1);
                return Ok(Expr.Integer(IntArg(args[0], name)));
            case "Rational":
            {
                NoKeywords(name, kwargs); Arity(name, start, args, 1, 2);
                var p = IntArg(args[0], name);
                var q = args.Count == 2 ? IntArg(args[1], name) : BigInteger.One;
                if (q.IsZero) throw new ParseFailure(DiagnosticCodes.BadNumber, "Rational with a zero denominator", args[1].Offset);
                return Ok(Expr.Rational(p, q));
            }
            case "Float":
            {
                Arity(name, start, args, 1, 1);
                int precision = 53;
                foreach (var (k, v, off) in kwargs)
                {
                    if (k is "precision" or "dps" && v.Kind == VKind.Int && v.Int > 0 && v.Int < 100_000)
                        precision = k == "precision" ? (int)v.Int : (int)Math.Ceiling((double)v.Int * 3.3219280948873622);
                    else throw new ParseFailure(DiagnosticCodes.WrongArgument, $"Float takes precision=<integer>, not '{k}'", off);
                }
                var a = args[0];
                double d;
                if (a.Kind == VKind.String)
                {
                    var s = a.Text!.Trim().Replace("_", "");
                    d = s switch
                    {
                        "inf" or "+inf" => double.PositiveInfinity,
                        "-inf" => double.NegativeInfinity,
                        "nan" => double.NaN,
                        _ when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && !double.IsNaN(x) => x,
                        _ => throw new ParseFailure(DiagnosticCodes.BadNumber, $"Float expects a decimal number, found '{a.Text}'", a.Offset),
                    };
                }
                else if (a.Kind == VKind.Float) d = a.Float;
                else if (a.Kind == VKind.Int) d = (double)a.Int;
                else throw new ParseFailure(DiagnosticCodes.WrongArgument, $"Float expects a quoted decimal number, found {a.Describe()}", a.Offset);
                return Ok(Expr.Float(d, precision));
            }
            case "Symbol":
            {
                Arity(name, start, args, 1, 1);
                var symName = StringArg(args[0], name);
                if (symName.Length == 0) throw new ParseFailure(DiagnosticCodes.WrongArgument, "a symbol needs a non-empty name", args[0].Offset);
                var facts = new List<KeyValuePair<string, bool>>(kwargs.Count);
                foreach (var (k, v, off) in kwargs)
                {
                    if (!AssumptionSet.KnownNames.Contains(k))
                        throw new ParseFailure(DiagnosticCodes.WrongArgument, $"unknown assumption '{k}' (expected one of SymPy's, e.g. real, positive, nonnegative, integer)", off);
                    if (v.Kind != VKind.Bool)
                        throw new ParseFailure(DiagnosticCodes.WrongArgument, $"assumption '{k}' must be True or False, found {v.Describe()}", v.Offset);
                    facts.Add(new(k, v.Bool));
                }
                return Ok(Expr.Symbol(symName, AssumptionSet.FromKeywords(facts)));
            }
            case "Str":
                NoKeywords(name, kwargs); Arity(name, start, args, 1, 1);
                return new Value(VKind.Str, start, Text: StringArg(args[0], name));
            case "IndexedBase":
            {
                Arity(name, start, args, 1, 1);
                var a = args[0];
                string label;
                string labelSrepr;
                if (a.Kind == VKind.String) { label = a.Text!; labelSrepr = SreprPrinter.Quote(label); }
                else if (a.Kind == VKind.Expr && a.Expr is Symbol s && s.Indexed is null) { label = s.Name; labelSrepr = SreprPrinter.Print(s); }
                else throw new ParseFailure(DiagnosticCodes.WrongArgument, $"IndexedBase expects a Symbol or a string label, found {a.Describe()}", a.Offset);
                return new Value(VKind.IndexedBase, start, Text: label, Extra: labelSrepr);
            }
            case "Indexed":
            {
                NoKeywords(name, kwargs); Arity(name, start, args, 2, int.MaxValue);
                if (args[0].Kind != VKind.IndexedBase)
                    throw new ParseFailure(DiagnosticCodes.WrongArgument, $"Indexed expects an IndexedBase first, found {args[0].Describe()}", args[0].Offset);
                var shown = new List<string>();
                var srepr = new List<string>();
                for (int i = 1; i < args.Count; i++)
                {
                    var a = args[i];
                    switch (a.Kind)
                    {
                        case VKind.Str: shown.Add(a.Text!); srepr.Add($"Str({SreprPrinter.Quote(a.Text!)})"); break;
                        case VKind.Expr when a.Expr is RationalNumber or Symbol:
                            shown.Add(a.Expr is Symbol sym ? sym.Name : InfixPrinter.Print(a.Expr));
                            srepr.Add(SreprPrinter.Print(a.Expr));
                            break;
                        case VKind.Int: shown.Add(a.Int.ToString(CultureInfo.InvariantCulture)); srepr.Add($"Integer({a.Int})"); break;
                        default:
                            throw new ParseFailure(DiagnosticCodes.WrongArgument, $"an Indexed index must be a Str, Integer, Rational or Symbol, found {a.Describe()}", a.Offset);
                    }
                }
                var fullName = args[0].Text + "[" + string.Join(", ", shown) + "]";
                return Ok(Expr.IndexedSymbol(fullName, new IndexedParts(args[0].Extra!, srepr)));
            }
            case "Add":
                NoKeywords(name, kwargs);
                return Ok(Expr.Add(args.Select((a, i) => AsExpr(a, $"argument {i + 1} of Add")).ToArray()));
            case "Mul":
                NoKeywords(name, kwargs);
                return Ok(Expr.Mul(args.Select((a, i) => AsExpr(a, $"argument {i + 1} of Mul")).ToArray()));
            case "Pow":
                NoKeywords(name, kwargs); Arity(name, start, args, 2, 2);
                return Ok(Expr.Pow(AsExpr(args[0], "the base of Pow"), AsExpr(args[1], "the exponent of Pow")));
            case "sqrt":
                NoKeywords(name, kwargs); Arity(name, start, args, 1, 1);
                return Ok(Expr.Sqrt(AsExpr(args[0], "sqrt")));
            case "ExprCondPair":
                NoKeywords(name, kwargs); Arity(name, start, args, 2, 2);
                return new Value(VKind.Pair, start, AsExpr(args[0], "the value of ExprCondPair"), Condition: AsCondition(args[1], "ExprCondPair"));
            case "Piecewise":
            {
                NoKeywords(name, kwargs); Arity(name, start, args, 1, int.MaxValue);
                var branches = new List<(Expr, Expr)>();
                foreach (var a in args)
                {
                    if (a.Kind != VKind.Pair)
                        throw new ParseFailure(DiagnosticCodes.WrongArgument, $"Piecewise expects ExprCondPair(value, condition) arguments, found {a.Describe()}", a.Offset);
                    branches.Add((a.Expr!, a.Condition!));
                }
                if (branches.TrueForAll(b => b.Item2.Kind == ExprKind.False))
                    throw new ParseFailure(DiagnosticCodes.WrongArgument, "Piecewise has no branch whose condition can hold", start);
                return Ok(Expr.Piecewise(branches));
            }
            case "And" or "Or":
                NoKeywords(name, kwargs);
                return Ok(Expr.Logic(name == "And" ? ExprKind.And : ExprKind.Or, args.Select(a => AsCondition(a, name)).ToArray()));
            case "Not":
                NoKeywords(name, kwargs); Arity(name, start, args, 1, 1);
                return Ok(Expr.Not(AsCondition(args[0], name)));
            case "BooleanTrue":
                NoKeywords(name, kwargs); Arity(name, start, args, 0, 0);
                return Ok(Expr.True);
            case "BooleanFalse":
                NoKeywords(name, kwargs); Arity(name, start, args, 0, 0);
                return Ok(Expr.False);
        }
        if (RelationalNames.TryGetValue(name, out var rel))
        {
            NoKeywords(name, kwargs); Arity(name, start, args, 2, 2);
            return Ok(Expr.Relational(rel, AsExpr(args[0], $"the left side of {name}"), AsExpr(args[1], $"the right side of {name}")));
        }
        if (Functions.TryGet(name, out var info))
        {
            NoKeywords(name, kwargs); Arity(name, start, args, info.MinArgs, info.MaxArgs);
            var xs = args.Select((a, i) => AsExpr(a, $"argument {i + 1} of {name}")).ToArray();
            return Ok(Expr.Call(info.Kind, xs));
        }
        throw new ParseFailure(DiagnosticCodes.UnknownConstructor,
            $"unknown constructor '{name}' (supported: Add, Mul, Pow, Integer, Rational, Float, Symbol, Indexed, Piecewise, relationals, And/Or/Not, and the functions {string.Join(", ", Functions.List.Select(f => f.Name))})", start);
    }
}
