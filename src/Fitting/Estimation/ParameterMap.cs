using System.Numerics;
using PartialWave.Modeling;

namespace PartialWave.Estimation;

/// <summary>A fit parameter cannot be bound to the model as its definition says.</summary>
/// <param name="parameter">The fit parameter's name.</param>
/// <param name="message">What is wrong (names the parameter).</param>
public sealed class FitParameterException(string parameter, string message) : ArgumentException(message)
{
    /// <summary>The fit parameter's name.</summary>
    public string Parameter { get; } = parameter;
}

/// <summary>
/// Maps a vector of real fit parameters onto the parameters of a compiled function and its gradient back:
/// real parameters one to one, complex ones as (re, im) or (magnitude, phase). Parts left unbound keep the
/// function's current value (a complex coupling with a fixed phase, say).
/// </summary>
public sealed class ParameterMap
{
    private readonly IParametrizedFunction _function;
    private readonly ParameterBinding[] _bindings;
    private readonly int[] _slotRe, _slotIm; // per binding: the function's gradient slot(s) it touches
    private readonly Dictionary<string, int> _parameterIndex;
    private readonly Complex[] _base;
    private double[]? _last;

    /// <summary>Binds fit parameters to a function's parameters.</summary>
    /// <exception cref="ArgumentException">A symbol is not a parameter, a part does not fit its kind, or a part is bound twice.</exception>
    public ParameterMap(IParametrizedFunction function, IReadOnlyList<ParameterBinding> bindings)
    {
        _function = function;
        _bindings = bindings.ToArray();
        var names = new HashSet<string>(StringComparer.Ordinal);
        _parameterIndex = function.Parameters.Select((p, i) => (p.Name, i)).ToDictionary(t => t.Name, t => t.i, StringComparer.Ordinal);
        var slots = function.GradientParameters.Select((n, i) => (n, i)).ToDictionary(t => t.n, t => t.i, StringComparer.Ordinal);
        var used = new Dictionary<string, List<ParameterPart>>(StringComparer.Ordinal);
        _slotRe = new int[_bindings.Length];
        _slotIm = new int[_bindings.Length];
        for (int k = 0; k < _bindings.Length; k++)
        {
            var b = _bindings[k];
            if (!names.Add(b.Name)) throw new FitParameterException(b.Name, $"fit parameter '{b.Name}' is defined twice");
            if (!_parameterIndex.TryGetValue(b.Symbol, out int pi))
                throw new FitParameterException(b.Name, $"fit parameter '{b.Name}': '{b.Symbol}' is not a free parameter of the model (free: {string.Join(", ", function.Parameters.Select(p => p.Name))})");
            var p = function.Parameters[pi];
            if (p.IsComplex == (b.Part == ParameterPart.Value))
                throw new FitParameterException(b.Name, p.IsComplex
                    ? $"fit parameter '{b.Name}': '{b.Symbol}' is complex; bind its re/im or magnitude/phase"
                    : $"fit parameter '{b.Name}': '{b.Symbol}' is real; it has no part {b.Part}");
            var parts = used.TryGetValue(b.Symbol, out var l) ? l : used[b.Symbol] = [];
            if (parts.Contains(b.Part)) throw new FitParameterException(b.Name, $"fit parameter '{b.Name}': the {b.Part} of '{b.Symbol}' is bound twice");
            parts.Add(b.Part);
            _slotRe[k] = p.IsComplex ? slots[b.Symbol + ".re"] : slots[b.Symbol];
            _slotIm[k] = p.IsComplex ? slots[b.Symbol + ".im"] : -1;
        }
        foreach (var (symbol, parts) in used)
        {
            bool cartesian = parts.Contains(ParameterPart.Re) || parts.Contains(ParameterPart.Im);
            bool polar = parts.Contains(ParameterPart.Magnitude) || parts.Contains(ParameterPart.Phase);
            if (cartesian && polar) throw new FitParameterException(_bindings.Last(b => b.Symbol == symbol).Name, $"'{symbol}' is bound both as re/im and as magnitude/phase");
        }
        ParameterNames = _bindings.Select(b => b.Name).ToArray();
        _base = function.Parameters.Select(p => p.Value).ToArray();
    }

    /// <summary>One fit parameter per real degree of freedom of the function, named NAME, NAME.re, NAME.im.</summary>
    public static ParameterMap All(IParametrizedFunction function) => new(function,
        function.Parameters.SelectMany(p => p.IsComplex
            ? new[] { new ParameterBinding(p.Name + ".re", p.Name, ParameterPart.Re), new ParameterBinding(p.Name + ".im", p.Name, ParameterPart.Im) }
            : [new ParameterBinding(p.Name, p.Name, ParameterPart.Value)]).ToList());

    /// <summary>Fit parameter names, in vector order.</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>The bindings.</summary>
    public IReadOnlyList<ParameterBinding> Bindings => _bindings;

    /// <summary>The fit vector that reproduces the function's values at construction.</summary>
    public double[] StartValues() => _bindings.Select(b =>
    {
        var c = _base[_parameterIndex[b.Symbol]];
        return b.Part switch
        {
            ParameterPart.Value or ParameterPart.Re => c.Real,
            ParameterPart.Im => c.Imaginary,
            ParameterPart.Magnitude => c.Magnitude,
            _ => c.Phase,
        };
    }).ToArray();

    /// <summary>The model parameter values a fit vector stands for.</summary>
    public Complex[] ModelValues(ReadOnlySpan<double> x) => Resolve(x).Values;

    private (Complex[] Values, double[] Phases) Resolve(ReadOnlySpan<double> x)
    {
        var values = (Complex[])_base.Clone();
        var re = _base.Select(c => c.Real).ToArray();
        var im = _base.Select(c => c.Imaginary).ToArray();
        var mag = _base.Select(c => c.Magnitude).ToArray();
        var phase = _base.Select(c => c.Phase).ToArray();
        var polar = new bool[_base.Length];
        for (int k = 0; k < _bindings.Length; k++)
        {
            int i = _parameterIndex[_bindings[k].Symbol];
            switch (_bindings[k].Part)
            {
                case ParameterPart.Value: case ParameterPart.Re: re[i] = x[k]; break;
                case ParameterPart.Im: im[i] = x[k]; break;
                case ParameterPart.Magnitude: mag[i] = x[k]; polar[i] = true; break;
                case ParameterPart.Phase: phase[i] = x[k]; polar[i] = true; break;
            }
        }
        for (int i = 0; i < values.Length; i++)
            values[i] = polar[i] ? Complex.FromPolarCoordinates(mag[i], phase[i]) : new Complex(re[i], im[i]);
        return (values, phase);
    }

    /// <summary>Sets the function's parameters from a fit vector (only those that changed since the last call).</summary>
    public void Apply(ReadOnlySpan<double> x)
    {
        if (_last is not null && x.SequenceEqual(_last)) return;
        var values = ModelValues(x);
        for (int i = 0; i < values.Length; i++)
            if (_function.Parameters[i].Value != values[i]) _function.SetParameter(_function.Parameters[i].Name, values[i]);
        _last = x.ToArray();
    }

    /// <summary>Turns a gradient over the function's slots into one over the fit parameters at <paramref name="x"/>.</summary>
    public void ChainGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> slotGradient, Span<double> gradient)
    {
        var (values, phases) = Resolve(x);
        for (int k = 0; k < _bindings.Length; k++)
        {
            var b = _bindings[k];
            double phi = phases[_parameterIndex[b.Symbol]];
            double gr = slotGradient[_slotRe[k]], gi = _slotIm[k] >= 0 ? slotGradient[_slotIm[k]] : 0;
            var c = values[_parameterIndex[b.Symbol]];
            gradient[k] = b.Part switch
            {
                ParameterPart.Value or ParameterPart.Re => gr,
                ParameterPart.Im => gi,
                // c = r (cos φ + i sin φ): ∂c.re/∂r = cos φ, ∂c.im/∂r = sin φ; ∂c.re/∂φ = −c.im, ∂c.im/∂φ = c.re.
                ParameterPart.Magnitude => gr * Math.Cos(phi) + gi * Math.Sin(phi),
                _ => -gr * c.Imaginary + gi * c.Real,
            };
        }
    }

    /// <summary>Parameter names with values of a fit vector, for reports.</summary>
    public List<KeyValuePair<string, double>> Named(ReadOnlySpan<double> x)
    {
        var list = new List<KeyValuePair<string, double>>();
        for (int k = 0; k < _bindings.Length; k++) list.Add(new(_bindings[k].Name, x[k]));
        return list;
    }
}
