using System.Numerics;
using PartialWave.Symbolic;

namespace PartialWave.Modeling;

/// <summary>A free parameter of a model.</summary>
/// <param name="Name">Symbol name.</param>
/// <param name="Default">Start value (imaginary part zero for real parameters).</param>
/// <param name="IsComplex">True for complex parameters (two real degrees of freedom in a fit).</param>
/// <param name="Lower">Lower limit, if any (real parameters).</param>
/// <param name="Upper">Upper limit, if any (real parameters).</param>
/// <param name="IsFixed">True when a fit keeps it at its default.</param>
public sealed record ModelParameter(string Name, Complex Default, bool IsComplex, double? Lower = null, double? Upper = null, bool IsFixed = false);

/// <summary>
/// An amplitude model: a real-valued intensity over event variables, its parameters (with defaults, limits and
/// whether a fit may move them), constants folded into the kernels, and named amplitude components. Model building
/// never touches numerics; <c>Compile</c> hands the model to <c>Lambdify</c>.
/// </summary>
public sealed class AmplitudeModel
{
    /// <summary>Builds and validates a model.</summary>
    /// <param name="name">The model's name.</param>
    /// <param name="intensity">The intensity (a real-valued expression).</param>
    /// <param name="variables">Event columns, in declaration order.</param>
    /// <param name="parameters">Parameters, in declaration order.</param>
    /// <param name="constants">Values folded into the kernels.</param>
    /// <param name="components">Named amplitudes (for plots and fit fractions).</param>
    /// <param name="sourcePath">The file the model was read from.</param>
    /// <exception cref="ArgumentException">
    /// A name is given twice or two roles; a free symbol of the intensity or of a component has no role; a limit pair is
    /// inverted or a default lies outside its limits; a real parameter has a complex default.
    /// </exception>
    public AmplitudeModel(string name, Expr intensity, IReadOnlyList<string> variables, IReadOnlyList<ModelParameter> parameters,
        IReadOnlyDictionary<string, Complex>? constants = null, IReadOnlyList<(string Name, Expr Amplitude)>? components = null, string? sourcePath = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(intensity);
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(parameters);
        constants ??= new Dictionary<string, Complex>();
        components ??= [];
        var roles = new Dictionary<string, string>(StringComparer.Ordinal);
        void Claim(string n, string role)
        {
            ArgumentException.ThrowIfNullOrEmpty(n);
            if (roles.TryGetValue(n, out var first))
                throw new ArgumentException($"'{n}' is declared twice (as {first} and as {role})");
            roles[n] = role;
        }
        foreach (var v in variables) Claim(v, "a variable");
        foreach (var p in parameters)
        {
            Claim(p.Name, "a parameter");
            if (!p.IsComplex && p.Default.Imaginary != 0) throw new ArgumentException($"the real parameter '{p.Name}' has the complex default {p.Default}");
            if (p.Lower is { } lo && p.Upper is { } hi && !(lo < hi)) throw new ArgumentException($"parameter '{p.Name}': lower limit {lo} is not below upper limit {hi}");
            if (p.Lower is { } l && p.Default.Real < l || p.Upper is { } u && p.Default.Real > u)
                throw new ArgumentException($"parameter '{p.Name}': default {p.Default.Real} lies outside its limits");
        }
        foreach (var c in constants.Keys) Claim(c, "a constant");
        var componentNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (n, a) in components)
        {
            if (!componentNames.Add(n)) throw new ArgumentException($"component '{n}' is given twice");
            RequireRoles(a, roles, $"component '{n}'");
        }
        RequireRoles(intensity, roles, "the intensity");
        Name = name;
        Intensity = intensity;
        Variables = variables.ToArray();
        Parameters = parameters.ToArray();
        Constants = new Dictionary<string, Complex>(constants, StringComparer.Ordinal);
        Components = components.ToArray();
        SourcePath = sourcePath;
    }

    private static void RequireRoles(Expr e, Dictionary<string, string> roles, string where)
    {
        var missing = e.FreeSymbolNames().Where(n => !roles.ContainsKey(n)).ToList();
        if (missing.Count > 0)
            throw new ArgumentException($"{where} uses symbol(s) that are neither variable, parameter nor constant: {string.Join(", ", missing.Select(m => $"'{m}'"))}");
    }

    /// <summary>The model's name (from <c>model NAME</c> or the file name).</summary>
    public string Name { get; }
    /// <summary>The real-valued intensity.</summary>
    public Expr Intensity { get; }
    /// <summary>Event columns, in declaration order.</summary>
    public IReadOnlyList<string> Variables { get; }
    /// <summary>Parameters in declaration order, fixed ones included.</summary>
    public IReadOnlyList<ModelParameter> Parameters { get; }
    /// <summary>Values folded into the kernels.</summary>
    public IReadOnlyDictionary<string, Complex> Constants { get; }
    /// <summary>Named amplitudes.</summary>
    public IReadOnlyList<(string Name, Expr Amplitude)> Components { get; }
    /// <summary>The file the model was read from, if any.</summary>
    public string? SourcePath { get; }

    /// <summary>
    /// The intensity and, per component, the intensity with every other component's amplitude set to zero: the outputs
    /// of a kernel that gives the total and each component's contribution in one pass (plots, fit fractions).
    /// </summary>
    public IReadOnlyList<(string Name, Expr Intensity)> ComponentIntensities() =>
        [("value", Intensity), .. Components.Select(c => (c.Name, Intensity.Substitute(
            Components.Where(o => o.Name != c.Name).ToDictionary(o => o.Amplitude, _ => Expr.Zero))))];

    /// <summary>The parameter called <paramref name="name"/>, or null.</summary>
    public ModelParameter? FindParameter(string name) => Parameters.FirstOrDefault(p => p.Name == name);

    /// <summary>Parameter defaults by name.</summary>
    public IReadOnlyDictionary<string, Complex> DefaultValues() =>
        Parameters.ToDictionary(p => p.Name, p => p.Default, StringComparer.Ordinal);

    /// <summary>Every parameter (fixed ones included) as a <see cref="ParameterSpec"/> at its default.</summary>
    public IReadOnlyList<ParameterSpec> ParameterSpecs() =>
        Parameters.Select(p => new ParameterSpec(p.Name, p.Default, p.IsComplex)).ToArray();

    /// <summary>Values of every symbol that is not a variable: parameters at their defaults and the constants.</summary>
    public IReadOnlyDictionary<string, Complex> SymbolValues()
    {
        var d = new Dictionary<string, Complex>(Constants, StringComparer.Ordinal);
        foreach (var p in Parameters) d[p.Name] = p.Default;
        return d;
    }

    /// <summary>
    /// True when domain analysis (the proof the compiler's real fast paths rest on) shows <paramref name="expression"/> real-valued with these roles
    /// (variables and real parameters real, complex parameters complex, constants by their values).
    /// </summary>
    public static bool IsRealValued(Expr expression, IEnumerable<string> variables, IEnumerable<ModelParameter> parameters, IReadOnlyDictionary<string, Complex>? constants = null)
    {
        var complex = new HashSet<string>(parameters.Where(p => p.IsComplex).Select(p => p.Name), StringComparer.Ordinal);
        var real = new HashSet<string>(variables, StringComparer.Ordinal);
        real.UnionWith(parameters.Where(p => !p.IsComplex).Select(p => p.Name));
        var e = constants is { Count: > 0 } ? expression.SubstituteByName(constants.ToDictionary(c => c.Key, c => Expr.Complex(c.Value))) : expression;
        if (e.FreeSymbolNames().Any(n => !real.Contains(n) && !complex.Contains(n))) return false;
        var domains = new DomainAnalysis(s => complex.Contains(s.Name) ? Domain.Complex : Domain.OfRealSymbol(s.Assumptions));
        return domains.Of(e).Real;
    }

    /// <summary>True when the intensity is provably real-valued (see <see cref="IsRealValued(Expr, IEnumerable{string}, IEnumerable{ModelParameter}, IReadOnlyDictionary{string, Complex}?)"/>).</summary>
    public bool IsIntensityRealValued() => IsRealValued(Intensity, Variables, Parameters, Constants);

    /// <summary>
    /// A model from an imported expression (a SymPy srepr export): the caller says which symbols are variables and
    /// which are parameters (with defaults; a complex default, or one given as [re, im], makes a complex parameter)
    /// and which are constants. SymPy <c>Indexed</c> couplings are parameters like any other, by their printed name.
    /// </summary>
    /// <param name="expression">The intensity.</param>
    /// <param name="name">The model's name.</param>
    /// <param name="variables">Event columns.</param>
    /// <param name="parameterDefaults">Parameters and their defaults.</param>
    /// <param name="constants">Symbols folded into the kernels.</param>
    /// <param name="complexParameters">Parameters that are complex even where their default is real (a JSON [re, im] pair).</param>
    /// <exception cref="ArgumentException">A free symbol is declared in no role, or one is declared twice.</exception>
    public static AmplitudeModel FromSrepr(Expr expression, string name, IReadOnlyList<string> variables,
        IReadOnlyDictionary<string, Complex> parameterDefaults, IReadOnlyDictionary<string, Complex>? constants = null,
        IReadOnlySet<string>? complexParameters = null)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(parameterDefaults);
        var parameters = parameterDefaults.Select(p => new ModelParameter(p.Key, p.Value,
            p.Value.Imaginary != 0 || (complexParameters?.Contains(p.Key) ?? false) || !IsDeclaredReal(expression, p.Key))).ToList();
        return new AmplitudeModel(name, expression, variables, parameters, constants);
    }

    // A parameter whose symbol SymPy does not assume real is complex, as a fit must treat it; one the expression lacks is real.
    private static bool IsDeclaredReal(Expr expression, string name)
    {
        var symbols = expression.FreeSymbols().Where(s => s.Name == name).ToList();
        return symbols.Count == 0 || symbols.TrueForAll(s => s.IsReal);
    }
}
