using System.Numerics;
using PartialWave.Numerics;
using PartialWave.Modeling;
using PartialWave.Symbolic;

namespace PartialWave.Parsing;

/// <summary>
/// Reads the <c>.amp</c> model language: <c>model</c>, <c>variable</c>, <c>constant</c>, <c>parameter</c>, <c>let</c>,
/// <c>amplitude</c> and <c>intensity</c> statements, with expressions in <see cref="InfixReader"/>'s syntax plus the
/// physics building blocks of <see cref="Physics.Dynamics"/> and <see cref="Physics.Angular"/>. Every error the reader
/// can find is reported in one pass, each with its line and column (see docs/model-language.md).
/// </summary>
public static partial class AmpReader
{
    /// <summary>The statement keywords.</summary>
    public static readonly IReadOnlyList<string> Keywords = ["model", "variable", "constant", "parameter", "let", "amplitude", "intensity"];

    // Names the expression reader gives a fixed meaning; declaring them would make the declaration unreachable.
    private static readonly HashSet<string> ReservedNames = new(StringComparer.Ordinal) { "I", "E", "pi", "oo", "nan", "true", "false", "and", "or", "not" };

    /// <summary>Reads a model file.</summary>
    public static ParseResult<AmplitudeModel> ParseFile(string path) => SourceFile.Parse(path, Parse);

    /// <summary>Reads a model from <paramref name="text"/>; <paramref name="path"/> names it in diagnostics and gives the default model name.</summary>
    public static ParseResult<AmplitudeModel> Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(path);
        return new Session(BlankComments(text), path).Run();
    }

    private enum Kind { Variable, Constant, Parameter, Definition, Function, Amplitude }

    private sealed record Entry(Kind Kind, int Order, int Line, Expr? Value, UserFunction? Function = null);

    private sealed record UserFunction(string Name, IReadOnlyList<string> Parameters, int BodyStart, int BodyEnd, int Order, bool Valid);

    private sealed partial class Session(string text, string path)
    {
        private readonly List<Diagnostic> _diagnostics = [];
        private readonly Dictionary<string, Entry> _names = new(StringComparer.Ordinal);
        private readonly List<string> _compoundNames = [];
        private readonly List<string> _variables = [];
        private readonly List<ModelParameter> _parameters = [];
        private readonly Dictionary<string, Complex> _constants = new(StringComparer.Ordinal);
        // Names declared by a statement in error: still declared, so that later lines do not report them as unknown, and
        // a value that uses them is not checked again (its error is theirs).
        private readonly HashSet<string> _failed = new(StringComparer.Ordinal);
        private readonly List<(string, Expr)> _components = [];
        private string? _modelName;
        private (Expr? Value, int At, int Line)? _intensity;

        public ParseResult<AmplitudeModel> Run()
        {
            foreach (var s in SplitStatements(text)) Statement(s);
            if (_intensity is null)
            {
                var (line, col) = SourcePosition.Locate(text, text.Length);
                Error(DiagnosticCodes.MissingIntensity, "expected an 'intensity = ...' statement; the model has none", line, col);
            }
            else if (_intensity.Value.Value is { } intensity && !intensity.FreeSymbolNames().Contains(Placeholder is Symbol p ? p.Name : "")
                     && !AmplitudeModel.IsRealValued(intensity, _variables, DeclaredParameters(), ConstantsForCheck()))
            {
                Error(DiagnosticCodes.ComplexIntensity,
                    "expected a real-valued intensity, such as |A|^2 or a sum of them; this one may be complex", _intensity.Value.At);
            }
            if (_diagnostics.Count > 0 || _intensity?.Value is null)
                return new ParseResult<AmplitudeModel>(null, Sorted());
            try
            {
                var model = new AmplitudeModel(_modelName ?? Path.GetFileNameWithoutExtension(path), _intensity.Value.Value!, _variables,
                    _parameters, _constants, _components, path);
                return new ParseResult<AmplitudeModel>(model, []);
            }
            catch (ArgumentException ex)
            {
                Error(DiagnosticCodes.InvalidModel, ex.Message, _intensity.Value.At);
                return new ParseResult<AmplitudeModel>(null, Sorted());
            }
        }

        // Every parameter declared, including those whose default was in error: their kind still decides whether the
        // intensity is real, and a bad default should not also be reported as a complex intensity.
        // Amplitudes in error count as complex parameters here.
        private IEnumerable<ModelParameter> DeclaredParameters() =>
            _names.Where(n => n.Value.Kind == Kind.Parameter || (n.Value.Kind == Kind.Amplitude && _failed.Contains(n.Key)))
                .Select(n => new ModelParameter(n.Key, 0, n.Value.Value is Symbol { IsReal: false }));

        // The constants, with those whose value was in error taken as real (their value is unknown, their error reported).
        private Dictionary<string, Complex> ConstantsForCheck()
        {
            var all = new Dictionary<string, Complex>(_constants, StringComparer.Ordinal);
            foreach (var n in _failed)
                if (_names[n].Kind == Kind.Constant) all.TryAdd(n, Complex.Zero);
            return all;
        }

        // Declares a name whose statement is in error (when the name itself could be read).
        private void DeclareFailed(string name, int at, Kind kind, Expr? value, UserFunction? function = null)
        {
            if (Declare(name, at, kind, value, function)) _failed.Add(name);
        }

        private List<Diagnostic> Sorted() =>
            _diagnostics.Distinct().OrderBy(d => d.Line).ThenBy(d => d.Column).ToList();

        private void Error(string code, string message, int offset)
        {
            var (line, col) = SourcePosition.Locate(text, offset);
            Error(code, message, line, col);
        }

        private void Error(string code, string message, int line, int col) => _diagnostics.Add(new Diagnostic(code, message, path, line, col));

        private int LineOf(int offset) => SourcePosition.Locate(text, offset).Line;

        private void Statement(Statement s)
        {
            var c = new Cursor(text, s.Start, s.End);
            int at = c.Pos;
            if (c.AcceptWord("model")) Model(c);
            else if (c.AcceptWord("variable")) Variables(c);
            else if (c.AcceptWord("constant")) Constants(c);
            else if (c.AcceptWord("parameter")) Parameter(c);
            else if (c.AcceptWord("let")) Let(c);
            else if (c.AcceptWord("amplitude")) Amplitude(c);
            else if (c.AcceptWord("intensity")) Intensity(c, at);
            else
                Error(DiagnosticCodes.AmpSyntax, $"expected a statement ({string.Join(", ", Keywords)}), found {c.Describe()}", at);
        }

        private void Model(Cursor c)
        {
            var name = c.ReadName();
            if (name is null) { Error(DiagnosticCodes.AmpSyntax, $"expected the model's name after 'model', found {c.Describe()}", c.Pos); return; }
            if (_modelName is not null) { Error(DiagnosticCodes.Redefinition, "the model is named twice; expected one 'model NAME' statement", name.Value.At); return; }
            _modelName = name.Value.Name;
            ExpectEnd(c);
        }

        private bool ExpectEnd(Cursor c)
        {
            if (c.AtEnd) return true;
            Error(DiagnosticCodes.AmpSyntax, $"expected the end of the statement, found {c.Describe()}", c.Pos);
            return false;
        }

        // ---- names ----

        private bool Declare(string name, int at, Kind kind, Expr? value, UserFunction? function = null)
        {
            if (ReservedNames.Contains(name) || Keywords.Contains(name))
            {
                Error(DiagnosticCodes.Redefinition, $"'{name}' is a reserved word; expected another name (or quote it: \"{name}\" is still reserved)", at);
                return false;
            }
            if (_names.TryGetValue(name, out var first))
            {
                Error(DiagnosticCodes.Redefinition, $"'{name}' is already defined at line {first.Line} (as {Describe(first.Kind)}); expected a new name", at);
                return false;
            }
            if (kind == Kind.Function && IsBuiltinName(name))
            {
                Error(DiagnosticCodes.Redefinition, $"'{name}' is a built-in function; expected another name", at);
                return false;
            }
            _names[name] = new Entry(kind, _names.Count, LineOf(at), value, function);
            if (!IsIdentifier(name) && Identifiers.IsStart(name[0])) _compoundNames.Add(name);
            return true;
        }

        private static string Describe(Kind kind) => kind switch
        {
            Kind.Variable => "a variable",
            Kind.Constant => "a constant",
            Kind.Parameter => "a parameter",
            Kind.Definition => "a let definition",
            Kind.Function => "a function",
            _ => "an amplitude",
        };

        private static Assumptions? ParseAssumption(string word) => word switch
        {
            "real" => Assumptions.Real,
            "positive" => Assumptions.Positive,
            "nonnegative" => Assumptions.Nonnegative,
            _ => null,
        };

        // ---- variable a, b : positive, "c d" ----

        private void Variables(Cursor c)
        {
            while (true)
            {
                var name = c.ReadName();
                if (name is null) { Error(DiagnosticCodes.AmpSyntax, $"expected a variable name, found {c.Describe()}", c.Pos); return; }
                var assumptions = Assumptions.Real;
                if (c.Accept(':'))
                {
                    var word = c.ReadName();
                    if (word is null || ParseAssumption(word.Value.Name) is not { } a)
                    {
                        Error(DiagnosticCodes.AmpSyntax, $"expected 'real', 'positive' or 'nonnegative' after ':', found {(word is null ? c.Describe() : $"'{word.Value.Name}'")}", word?.At ?? c.Pos);
                        if (Declare(name.Value.Name, name.Value.At, Kind.Variable, Expr.Symbol(name.Value.Name, Assumptions.Real))) _variables.Add(name.Value.Name);
                        int comma = text.IndexOf(',', c.Pos, c.End - c.Pos);
                        if (comma < 0) return;
                        c.Pos = comma + 1;
                        continue;
                    }
                    assumptions = a;
                }
                if (Declare(name.Value.Name, name.Value.At, Kind.Variable, Expr.Symbol(name.Value.Name, assumptions)))
                    _variables.Add(name.Value.Name);
                if (c.Accept(',')) continue;
                ExpectEnd(c);
                return;
            }
        }

        // ---- constant a = 1.5, b = 2*a ----

        private void Constants(Cursor c)
        {
            int from = c.Pos;
            var commas = TopLevelCommas(text, from, c.End);
            commas.Add(c.End);
            foreach (var comma in commas)
            {
                var part = new Cursor(text, from, comma);
                from = comma + 1;
                var name = part.ReadName();
                if (name is null) { Error(DiagnosticCodes.AmpSyntax, $"expected a constant name, found {part.Describe()}", part.Pos); continue; }
                var failed = Expr.Symbol(name.Value.Name, Assumptions.Real);
                if (!part.Accept('='))
                {
                    Error(DiagnosticCodes.AmpSyntax, $"expected '=' and the value of constant '{name.Value.Name}', found {part.Describe()}", part.Pos);
                    DeclareFailed(name.Value.Name, name.Value.At, Kind.Constant, failed);
                    continue;
                }
                part.SkipSpace();
                var value = ConstantValue(part.Pos, comma, $"the value of constant '{name.Value.Name}'");
                if (value is null)
                {
                    DeclareFailed(name.Value.Name, name.Value.At, Kind.Constant, failed);
                    continue;
                }
                var v = value.Value;
                if (Declare(name.Value.Name, name.Value.At, Kind.Constant, Expr.Symbol(name.Value.Name, v.Imaginary == 0 ? Assumptions.Real : Assumptions.None)))
                    _constants[name.Value.Name] = v;
            }
        }

        /// <summary>Reads an expression that must only involve numbers and constants, and evaluates it.</summary>
        private Complex? ConstantValue(int start, int end, string what)
        {
            while (start < end && char.IsWhiteSpace(text[start])) start++;
            if (start >= end) { Error(DiagnosticCodes.AmpSyntax, $"expected {what}, found the end of the statement", start); return null; }
            var e = Expression(start, end);
            if (e is null) return null;
            var nonConstant = e.FreeSymbolNames().Where(n => !_constants.ContainsKey(n)).ToList();
            if (nonConstant.Count > 0 && nonConstant.All(_failed.Contains)) return null; // their own errors are reported
            nonConstant.RemoveAll(_failed.Contains);
            if (nonConstant.Count > 0)
            {
                Error(DiagnosticCodes.NonConstantValue,
                    $"expected a constant expression for {what}; it depends on {string.Join(", ", nonConstant.Select(n => $"'{n}'"))}, which {(nonConstant.Count == 1 ? "is not a constant" : "are not constants")}", start);
                return null;
            }
            var value = ReferenceEvaluator.Evaluate(e, _constants);
            if (!double.IsFinite(value.Real) || !double.IsFinite(value.Imaginary))
            {
                string said = double.IsNaN(value.Real) || double.IsNaN(value.Imaginary) ? "NaN" : "an infinity (beyond ±1.8e308, a division by zero or log(0))";
                Error(DiagnosticCodes.NonFiniteConstant, $"expected a finite number for {what}; it evaluates to {said}", start);
                return null;
            }
            return value;
        }

        // ---- parameter m : positive = 0.77 in [0.6, 0.9] fixed ----

        private void Parameter(Cursor c)
        {
            var name = c.ReadName();
            if (name is null) { Error(DiagnosticCodes.AmpSyntax, $"expected a parameter name, found {c.Describe()}", c.Pos); return; }
            bool isComplex = false;
            var assumptions = Assumptions.Real;
            if (c.Accept(':'))
            {
                var word = c.ReadName();
                if (word?.Name == "complex") { isComplex = true; assumptions = Assumptions.None; }
                else if (word is not null && ParseAssumption(word.Value.Name) is { } a) assumptions = a;
                else
                {
                    Error(DiagnosticCodes.AmpSyntax, $"expected 'complex', 'real', 'positive' or 'nonnegative' after ':', found {(word is null ? c.Describe() : $"'{word.Value.Name}'")}", word?.At ?? c.Pos);
                    DeclareFailed(name.Value.Name, name.Value.At, Kind.Parameter, Expr.Symbol(name.Value.Name, assumptions));
                    return;
                }
            }
            if (!c.Accept('='))
            {
                Error(DiagnosticCodes.AmpSyntax, $"expected '=' and the default of parameter '{name.Value.Name}', found {c.Describe()}", c.Pos);
                DeclareFailed(name.Value.Name, name.Value.At, Kind.Parameter, Expr.Symbol(name.Value.Name, assumptions));
                return;
            }
            c.SkipSpace();
            int defaultStart = c.Pos;
            int defaultEnd = DefaultEnd(text, defaultStart, c.End);
            var value = ConstantValue(defaultStart, TrimEnd(text, defaultStart, defaultEnd), $"the default of parameter '{name.Value.Name}'");
            c.Pos = defaultEnd;
            double? lower = null, upper = null;
            int limitsAt = -1;
            bool isFixed = false, ok = true;
            while (!c.AtEnd && ok)
            {
                int at = c.Pos;
                if (c.AcceptWord("fixed")) { isFixed = true; continue; }
                if (c.AcceptWord("in"))
                {
                    limitsAt = at;
                    if (!c.Accept('['))
                    {
                        Error(DiagnosticCodes.AmpSyntax, $"expected '[' after 'in' (in [lower, upper]), found {c.Describe()}", c.Pos);
                        ok = false;
                        break;
                    }
                    int close = text.IndexOf(']', c.Pos, c.End - c.Pos);
                    var commas = close < 0 ? [] : TopLevelCommas(text, c.Pos, close);
                    if (close < 0 || commas.Count != 1)
                    {
                        Error(DiagnosticCodes.AmpSyntax, "expected limits as 'in [lower, upper]'", at);
                        ok = false;
                        break;
                    }
                    lower = Limit(c.Pos, commas[0], name.Value.Name, "lower", ref ok);
                    upper = Limit(commas[0] + 1, close, name.Value.Name, "upper", ref ok);
                    c.Pos = close + 1;
                    continue;
                }
                bool ge = text[c.Pos] == '>' , le = text[c.Pos] == '<';
                if ((ge || le) && c.Pos + 1 < c.End && text[c.Pos + 1] == '=')
                {
                    limitsAt = limitsAt < 0 ? at : limitsAt;
                    c.Pos += 2;
                    c.SkipSpace();
                    int limitEnd = DefaultEnd(text, c.Pos, c.End);
                    var limit = Limit(c.Pos, TrimEnd(text, c.Pos, limitEnd), name.Value.Name, ge ? "lower" : "upper", ref ok);
                    if (ge) lower = limit; else upper = limit;
                    c.Pos = limitEnd;
                    continue;
                }
                Error(DiagnosticCodes.AmpSyntax, $"expected 'in [lower, upper]', '>= lower', '<= upper' or 'fixed' after the default, found {c.Describe()}", c.Pos);
                ok = false;
            }
            if (!ok || value is null) { DeclareFailed(name.Value.Name, name.Value.At, Kind.Parameter, Expr.Symbol(name.Value.Name, assumptions)); return; }
            var v = value.Value;
            if (!isComplex && v.Imaginary != 0)
            {
                Error(DiagnosticCodes.InvalidModel, $"expected a real default for the real parameter '{name.Value.Name}', found {v}; declare it ': complex'", defaultStart);
                ok = false;
            }
            if (isComplex && (lower is not null || upper is not null))
            {
                Error(DiagnosticCodes.InvalidLimits, $"expected no limits on the complex parameter '{name.Value.Name}' (limits apply to real parameters)", limitsAt);
                ok = false;
            }
            else if (lower is { } lo && upper is { } hi && !(lo < hi))
            {
                Error(DiagnosticCodes.InvalidLimits, $"expected the lower limit below the upper one, found [{Format(lo)}, {Format(hi)}]", limitsAt);
                ok = false;
            }
            else if (lower is { } l && v.Real < l || upper is { } u && v.Real > u)
            {
                Error(DiagnosticCodes.InvalidLimits, $"expected the default of '{name.Value.Name}' within its limits; {Format(v.Real)} lies outside [{(lower is null ? "-oo" : Format(lower.Value))}, {(upper is null ? "oo" : Format(upper.Value))}]", defaultStart);
                ok = false;
            }
            if (Declare(name.Value.Name, name.Value.At, Kind.Parameter, Expr.Symbol(name.Value.Name, assumptions)) && ok)
                _parameters.Add(new ModelParameter(name.Value.Name, isComplex ? v : new Complex(v.Real, 0), isComplex, lower, upper, isFixed));
        }

        private static string Format(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

        private double? Limit(int start, int end, string parameter, string which, ref bool ok)
        {
            var v = ConstantValue(start, end, $"the {which} limit of parameter '{parameter}'");
            if (v is null) { ok = false; return null; }
            if (v.Value.Imaginary != 0)
            {
                Error(DiagnosticCodes.InvalidLimits, $"expected a real {which} limit for '{parameter}', found {v.Value}", start);
                ok = false;
                return null;
            }
            return v.Value.Real;
        }

        // ---- let name = expr, let f(a, b) = expr, amplitude name = expr, intensity = expr ----

        private void Let(Cursor c)
        {
            var name = c.ReadName();
            if (name is null) { Error(DiagnosticCodes.AmpSyntax, $"expected a name after 'let', found {c.Describe()}", c.Pos); return; }
            List<string>? parameters = null;
            if (c.Accept('('))
            {
                parameters = [];
                if (!c.Accept(')'))
                {
                    while (true)
                    {
                        var p = c.ReadName();
                        if (p is null) { Error(DiagnosticCodes.AmpSyntax, $"expected an argument name in the definition of '{name.Value.Name}', found {c.Describe()}", c.Pos); FailedLet(name.Value, parameters); return; }
                        if (parameters.Contains(p.Value.Name)) { Error(DiagnosticCodes.Redefinition, $"argument '{p.Value.Name}' is named twice; expected distinct names", p.Value.At); FailedLet(name.Value, parameters); return; }
                        parameters.Add(p.Value.Name);
                        if (c.Accept(',')) continue;
                        if (c.Accept(')')) break;
                        Error(DiagnosticCodes.AmpSyntax, $"expected ',' or ')' in the arguments of '{name.Value.Name}', found {c.Describe()}", c.Pos);
                        FailedLet(name.Value, parameters);
                        return;
                    }
                }
            }
            if (!c.Accept('=')) { Error(DiagnosticCodes.AmpSyntax, $"expected '=' after 'let {name.Value.Name}', found {c.Describe()}", c.Pos); FailedLet(name.Value, parameters); return; }
            c.SkipSpace();
            if (c.Pos >= c.End) { Error(DiagnosticCodes.AmpSyntax, $"expected the definition of '{name.Value.Name}' after '=', found the end of the statement", c.Pos); FailedLet(name.Value, parameters); return; }
            if (parameters is null)
            {
                var e = Expression(c.Pos, c.End);
                Declare(name.Value.Name, name.Value.At, Kind.Definition, e);
                return;
            }
            // The body is checked once here, with the arguments standing for themselves; each call reads it again with the
            // actual arguments, so that spins passed through the function are still literals where they are used.
            int order = _names.Count;
            var placeholders = parameters.ToDictionary(p => p, p => (Expr)Expr.Symbol(p), StringComparer.Ordinal);
            int before = _diagnostics.Count;
            Expression(c.Pos, c.End, placeholders, order, deferSpins: true);
            var function = new UserFunction(name.Value.Name, parameters, c.Pos, c.End, order, _diagnostics.Count == before);
            Declare(name.Value.Name, name.Value.At, Kind.Function, null, function);
        }

        // A let statement in error still declares its name: a function whose calls are not checked again (any arity), or
        // a definition that stands for an error.
        private void FailedLet((string Name, int At) name, List<string>? parameters)
        {
            if (parameters is null) DeclareFailed(name.Name, name.At, Kind.Definition, null);
            else DeclareFailed(name.Name, name.At, Kind.Function, null, new UserFunction(name.Name, parameters, 0, 0, _names.Count, Valid: false));
        }

        private void Amplitude(Cursor c)
        {
            var name = c.ReadName();
            if (name is null) { Error(DiagnosticCodes.AmpSyntax, $"expected the amplitude's name, found {c.Describe()}", c.Pos); return; }
            if (!c.Accept('=')) { Error(DiagnosticCodes.AmpSyntax, $"expected '=' after 'amplitude {name.Value.Name}', found {c.Describe()}", c.Pos); DeclareFailed(name.Value.Name, name.Value.At, Kind.Amplitude, null); return; }
            c.SkipSpace();
            if (c.Pos >= c.End) { Error(DiagnosticCodes.AmpSyntax, $"expected the amplitude after '=', found the end of the statement", c.Pos); DeclareFailed(name.Value.Name, name.Value.At, Kind.Amplitude, null); return; }
            var e = Expression(c.Pos, c.End);
            // An amplitude in error stands for a complex value in what uses it, so that an intensity that is not real
            // whatever it turns out to be is still reported in this pass.
            if (e is null || e.FreeSymbolNames().Contains(((Symbol)Placeholder).Name))
                DeclareFailed(name.Value.Name, name.Value.At, Kind.Amplitude, Expr.Symbol(name.Value.Name));
            else if (Declare(name.Value.Name, name.Value.At, Kind.Amplitude, e)) _components.Add((name.Value.Name, e));
        }

        private void Intensity(Cursor c, int at)
        {
            // A statement in error is still the model's intensity: no second error says there is none.
            if (!c.Accept('='))
            {
                Error(DiagnosticCodes.AmpSyntax, $"expected '=' after 'intensity', found {c.Describe()}", c.Pos);
                _intensity ??= (null, at, LineOf(at));
                return;
            }
            c.SkipSpace();
            int start = c.Pos;
            if (start >= c.End)
            {
                Error(DiagnosticCodes.AmpSyntax, "expected the intensity after '=', found the end of the statement", start);
                _intensity ??= (null, at, LineOf(at));
                return;
            }
            if (_intensity is { } first)
            {
                Error(DiagnosticCodes.DuplicateIntensity, $"expected one intensity; the first is at line {first.Line}", at);
                Expression(start, c.End);
                return;
            }
            _intensity = (Expression(start, c.End), start, LineOf(at));
        }
    }
}
