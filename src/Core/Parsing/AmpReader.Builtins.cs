using PartialWave.Physics;
using PartialWave.Symbolic;

namespace PartialWave.Parsing;

// The physics building blocks under their .amp names, and how expressions are read with the model's names in scope.
public static partial class AmpReader
{
    /// <summary>A built-in of the language: its arity, which arguments must be literal spins, and how it builds its value.</summary>
    private sealed record Builtin(string Signature, int Arity, int[] SpinArguments, bool IntegerSpins, Func<IReadOnlyList<Expr>, Expr> Build);

    private static readonly Dictionary<string, Builtin> Builtins = new(StringComparer.Ordinal)
    {
        ["kallen"] = new("kallen(x, y, z)", 3, [], false, a => Dynamics.Kallen(a[0], a[1], a[2])),
        ["breakup_momentum_squared"] = new("breakup_momentum_squared(s, m1, m2)", 3, [], false, a => Dynamics.BreakupMomentumSquared(a[0], a[1], a[2])),
        ["breakup_momentum"] = new("breakup_momentum(s, m1, m2)", 3, [], false, a => Dynamics.BreakupMomentum(a[0], a[1], a[2])),
        ["phase_space_factor"] = new("phase_space_factor(s, m1, m2)", 3, [], false, a => Dynamics.PhaseSpaceFactor(a[0], a[1], a[2])),
        ["two_body_phase_space"] = new("two_body_phase_space(s, m1, m2)", 3, [], false, a => Dynamics.TwoBodyPhaseSpace(a[0], a[1], a[2])),
        ["blatt_weisskopf_squared"] = new("blatt_weisskopf_squared(z, L)", 2, [1], true, a => Dynamics.BlattWeisskopfSquared(a[0], Integer(a[1]))),
        ["form_factor"] = new("form_factor(s, m1, m2, L, d)", 5, [3], true, a => Dynamics.FormFactor(a[0], a[1], a[2], Integer(a[3]), a[4])),
        ["relativistic_bw"] = new("relativistic_bw(s, m0, w0)", 3, [], false, a => Dynamics.RelativisticBreitWigner(a[0], a[1], a[2])),
        ["energy_dependent_width"] = new("energy_dependent_width(s, m0, w0, m1, m2, L, d)", 7, [5], true,
            a => Dynamics.EnergyDependentWidth(a[0], a[1], a[2], a[3], a[4], Integer(a[5]), a[6])),
        ["relativistic_bw_ff"] = new("relativistic_bw_ff(s, m0, w0, m1, m2, L, d)", 7, [5], true,
            a => Dynamics.RelativisticBreitWignerWithFormFactor(a[0], a[1], a[2], a[3], a[4], Integer(a[5]), a[6])),
        ["flatte"] = new("flatte(s, m0, g1, g2, ma1, mb1, ma2, mb2)", 8, [], false,
            a => Dynamics.Flatte(a[0], a[1], a[2], a[3], (a[4], a[5]), (a[6], a[7]))),
        ["wigner_d"] = new("wigner_d(j, m, n, beta)", 4, [0, 1, 2], false, a => Angular.WignerSmallD(a[0], a[1], a[2], a[3])),
        ["wigner_D"] = new("wigner_D(j, m, n, alpha, beta, gamma)", 6, [0, 1, 2], false, a => Angular.WignerD(a[0], a[1], a[2], a[3], a[4], a[5])),
        ["clebsch_gordan"] = new("clebsch_gordan(j1, m1, j2, m2, J, M)", 6, [0, 1, 2, 3, 4, 5], false,
            a => Angular.ClebschGordan(a[0], a[1], a[2], a[3], a[4], a[5])),
    };

    /// <summary>The physics functions of the language with their argument lists, e.g. <c>relativistic_bw(s, m0, w0)</c>.</summary>
    public static IEnumerable<string> BuiltinSignatures => Builtins.Values.Select(b => b.Signature);

    private static int Integer(Expr e) => (int)((RationalNumber)e).Numerator;

    private static bool IsBuiltinName(string name)
    {
        if (Builtins.ContainsKey(name) || name == "sqrt" || name == "Piecewise" || Functions.TryGet(name, out _)) return true;
        return name is "abs" or "conj" or "arctan2" or "max" or "min" or "Eq" or "Ne" or "Lt" or "Le" or "Gt" or "Ge";
    }

    private static readonly Expr Placeholder = Expr.Symbol("<error>");

    private sealed partial class Session
    {
        private Expr? Expression(int start, int end) => Expression(start, end, null, int.MaxValue, deferSpins: false);

        private Expr? Expression(int start, int end, IReadOnlyDictionary<string, Expr>? locals, int visibleBefore, bool deferSpins)
        {
            var (value, diagnostics) = InfixReader.ParseRegion(text, start, end, path, Scope(locals, visibleBefore, deferSpins));
            _diagnostics.AddRange(diagnostics);
            return value;
        }

        private InfixScope Scope(IReadOnlyDictionary<string, Expr>? locals, int visibleBefore, bool deferSpins) => new()
        {
            ResolveName = name =>
            {
                if (locals is not null && locals.TryGetValue(name, out var local)) return local;
                if (!_names.TryGetValue(name, out var entry) || entry.Order >= visibleBefore || entry.Kind == Kind.Function) return null;
                return entry.Value ?? Placeholder;
            },
            ResolveFunction = name =>
            {
                if (Builtins.TryGetValue(name, out var b)) return BuiltinFunction(name, b, locals, deferSpins);
                if (_names.TryGetValue(name, out var entry) && entry.Kind == Kind.Function && entry.Order < visibleBefore && _failed.Contains(name))
                    return new InfixFunction(0, int.MaxValue, _ => Placeholder); // its definition is in error: calls are not checked
                if (entry is { Kind: Kind.Function } && entry.Order < visibleBefore)
                    return new InfixFunction(entry.Function!.Parameters.Count, entry.Function.Parameters.Count, args => Call(entry.Function, args));
                return null;
            },
            Names = _names.Where(n => n.Value.Order < visibleBefore && n.Value.Kind != Kind.Function).Select(n => n.Key)
                .Concat(locals?.Keys ?? Enumerable.Empty<string>()),
            FunctionNames = Builtins.Keys.Concat(_names.Where(n => n.Value.Kind == Kind.Function).Select(n => n.Key)),
            CompoundNames = locals is null ? _compoundNames : _compoundNames.Concat(locals.Keys.Where(k => !IsIdentifier(k))).ToList(),
            ImaginaryLiterals = true,
        };

        private static InfixFunction BuiltinFunction(string name, Builtin b, IReadOnlyDictionary<string, Expr>? locals, bool deferSpins) =>
            new(b.Arity, b.Arity, args =>
            {
                foreach (var i in b.SpinArguments)
                {
                    var a = args[i];
                    bool literal = b.IntegerSpins ? a is RationalNumber { IsInteger: true } : Angular.IsSpin(a);
                    if (literal) continue;
                    // Inside a function body an argument may stand for a spin that the call will supply.
                    if (deferSpins && locals is not null && a.FreeSymbolNames().Any(locals.ContainsKey)) return Placeholder;
                    throw new InfixArgumentException(i, DiagnosticCodes.SpinNotLiteral,
                        $"expected a literal {(b.IntegerSpins ? "integer" : "integer or half-integer (such as 1 or 1/2)")} for argument {i + 1} of {b.Signature}, found {a}");
                }
                try
                {
                    return b.Build(args);
                }
                catch (ArgumentException ex)
                {
                    int index = ex.ParamName is { } p ? Array.IndexOf(ParameterNames(b.Signature), p) : -1;
                    throw new InfixArgumentException(index, b.SpinArguments.Length > 0 ? DiagnosticCodes.SpinNotLiteral : DiagnosticCodes.WrongArgument,
                        $"{name}: {ex.Message.Split(" (Parameter")[0]}");
                }
            });

        private static string[] ParameterNames(string signature)
        {
            int open = signature.IndexOf('(');
            return signature[(open + 1)..^1].Split(", ").Select(n => n switch
            {
                "J" => "jTotal", "M" => "mTotal", "L" => "angularMomentum", _ => n,
            }).ToArray();
        }

        private Expr Call(UserFunction f, IReadOnlyList<Expr> args)
        {
            if (!f.Valid) return Placeholder;
            var locals = new Dictionary<string, Expr>(StringComparer.Ordinal);
            for (int i = 0; i < args.Count; i++) locals[f.Parameters[i]] = args[i];
            int before = _diagnostics.Count;
            var value = Expression(f.BodyStart, f.BodyEnd, locals, f.Order, deferSpins: false);
            if (_diagnostics.Count == before) return value ?? Placeholder;
            // Blame the call: the body was fine with its arguments standing for themselves, so these arguments are the cause.
            var first = _diagnostics[before];
            _diagnostics.RemoveRange(before, _diagnostics.Count - before);
            throw new InfixArgumentException(-1, first.Code, $"in the body of '{f.Name}' at {first.Line}:{first.Column}: {first.Message}");
        }
    }
}
