using System.Numerics;
using PartialWave.Data;

namespace PartialWave;

/// <summary>A weighted sum over a sample (Σ wᵢ log f(xᵢ) or Σ wᵢ f(xᵢ)) and its gradient.</summary>
/// <param name="Value">The sum.</param>
/// <param name="Gradient">∂/∂pₖ for each real parameter slot (<see cref="IParametrizedFunction.GradientParameters"/>), or null.</param>
public sealed record SampleSum(double Value, double[]? Gradient);

/// <summary>
/// A function of event data with parameters that can change without recompiling (after tensorwaves'
/// ParametrizedFunction). Backends implement it; the estimators of the fitting stage use it. Dispose it when done:
/// the CPU backend holds native buffers and the GPU backend device memory until then.
/// </summary>
public interface IParametrizedFunction : IDisposable
{
    /// <summary>Names of the event columns the function reads.</summary>
    IReadOnlyList<string> Inputs { get; }
    /// <summary>The free parameters with their current values.</summary>
    IReadOnlyList<ParameterSpec> Parameters { get; }
    /// <summary>Real degrees of freedom, in gradient order: NAME for real parameters, NAME.re and NAME.im for complex ones.</summary>
    IReadOnlyList<string> GradientParameters { get; }
    /// <summary>True when the value is complex (evaluate into re and im).</summary>
    bool IsComplexValued { get; }
    /// <summary>True when gradients can be evaluated (real-valued functions).</summary>
    bool IsGradientSupported { get; }
    /// <summary>Sets one parameter.</summary>
    void SetParameter(string name, Complex value);
    /// <summary>Evaluates every event: real parts into <paramref name="re"/>, imaginary parts into <paramref name="im"/> (may be empty for real-valued functions).</summary>
    void Evaluate(EventSample sample, Span<double> re, Span<double> im = default);
    /// <summary>Evaluates values and, for each gradient parameter k, ∂f/∂pₖ into gradient[k] (each of sample length).</summary>
    void EvaluateWithGradient(EventSample sample, Span<double> value, double[][] gradient);
    /// <summary>Σ wᵢ log f(xᵢ) (weights 1 when empty) and optionally its gradient; bit-identical for any thread count.</summary>
    SampleSum SumLog(EventSample sample, ReadOnlySpan<double> weights = default, bool withGradient = false);
    /// <summary>Σ wᵢ f(xᵢ) (weights 1 when empty) and optionally its gradient; bit-identical for any thread count.</summary>
    SampleSum Sum(EventSample sample, ReadOnlySpan<double> weights = default, bool withGradient = false);
    /// <summary>
    /// The outputs of a kernel compiled from several expressions (<c>Lambdify.CompileOutputs</c>): "value" first, then
    /// the others (component intensities, derivatives "d value/d x"). A function of one expression has "value" alone.
    /// </summary>
    IReadOnlyList<string> OutputNames => ["value"];
    /// <summary>
    /// Evaluates every output for every event in one pass: outputs[k] (each of sample length) receives
    /// <see cref="OutputNames"/>[k]. Real-valued outputs only.
    /// </summary>
    void EvaluateOutputs(EventSample sample, double[][] outputs)
    {
        if (outputs.Length != 1) throw new ArgumentException($"this function has one output ('value'), got {outputs.Length} arrays");
        Evaluate(sample, outputs[0]);
    }
}

/// <summary>Shared parameter bookkeeping of the backends.</summary>
internal abstract class ParametrizedFunction : IParametrizedFunction
{
    private readonly ParameterSpec[] _parameters;
    private readonly Dictionary<string, int> _index;

    /// <summary>Sets up the parameters.</summary>
    protected ParametrizedFunction(IReadOnlyList<string> inputs, IEnumerable<ParameterSpec> parameters)
    {
        Inputs = inputs;
        _parameters = parameters.ToArray();
        _index = _parameters.Select((p, i) => (p.Name, i)).ToDictionary(t => t.Name, t => t.i, StringComparer.Ordinal);
        GradientParameters = _parameters.SelectMany(p => p.IsComplex ? new[] { p.Name + ".re", p.Name + ".im" } : [p.Name]).ToArray();
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> Inputs { get; }
    /// <inheritdoc/>
    public IReadOnlyList<ParameterSpec> Parameters => _parameters;
    /// <inheritdoc/>
    public IReadOnlyList<string> GradientParameters { get; }
    /// <inheritdoc/>
    public abstract bool IsComplexValued { get; }
    /// <inheritdoc/>
    public abstract bool IsGradientSupported { get; }

    /// <inheritdoc/>
    public void SetParameter(string name, Complex value)
    {
        if (!_index.TryGetValue(name, out var i))
            throw new ArgumentException($"'{name}' is not a free parameter of this function (free: {string.Join(", ", _parameters.Select(p => p.Name))})", nameof(name));
        if (!_parameters[i].IsComplex && value.Imaginary != 0)
            throw new ArgumentException($"'{name}' is a real parameter; got the complex value {value}", nameof(value));
        _parameters[i] = _parameters[i] with { Value = value };
        OnParameterChanged(i);
    }

    /// <summary>Sets several parameters.</summary>
    public void SetParameters(IReadOnlyDictionary<string, Complex> values)
    {
        foreach (var (k, v) in values) SetParameter(k, v);
    }

    /// <summary>For each parameter a kernel reads (a real degree of freedom, by name), its index in <see cref="GradientParameters"/>.</summary>
    /// <exception cref="InvalidOperationException">A kernel parameter is not one of this function's.</exception>
    protected int[] GradientIndices(IEnumerable<string> kernelParameters)
    {
        var names = GradientParameters.ToList();
        return kernelParameters.Select(p =>
        {
            int k = names.IndexOf(p);
            return k >= 0 ? k : throw new InvalidOperationException($"kernel parameter {p} is not a function parameter");
        }).ToArray();
    }

    /// <summary>The current real parameter values in a kernel's slot order (<paramref name="indices"/> from <see cref="GradientIndices"/>).</summary>
    protected void WriteKernelParameters(int[] indices, Span<double> destination)
    {
        var v = RealParameterVector();
        for (int s = 0; s < indices.Length; s++) destination[s] = v[indices[s]];
    }

    /// <summary>The real parameter vector in <see cref="GradientParameters"/> order.</summary>
    protected double[] RealParameterVector()
    {
        var v = new double[GradientParameters.Count];
        int k = 0;
        foreach (var p in _parameters)
        {
            v[k++] = p.Value.Real;
            if (p.IsComplex) v[k++] = p.Value.Imaginary;
        }
        return v;
    }

    /// <summary>Called after parameter <paramref name="index"/> changed.</summary>
    protected virtual void OnParameterChanged(int index) { }

    /// <summary>Checks that a sample has every input column and that spans are long enough.</summary>
    protected void CheckSample(EventSample sample, int spanLength, string what)
    {
        var missing = Inputs.Where(n => !sample.Contains(n)).ToList();
        if (missing.Count > 0) throw new ArgumentException($"the sample has no column(s) {string.Join(", ", missing)}");
        if (spanLength < sample.Count) throw new ArgumentException($"{what} holds {spanLength} values; the sample has {sample.Count} events");
    }

    /// <inheritdoc/>
    /// <summary>Releases what the backend holds (nothing, unless a backend overrides it).</summary>
    public virtual void Dispose() { }

    public abstract void Evaluate(EventSample sample, Span<double> re, Span<double> im = default);
    /// <inheritdoc/>
    public abstract void EvaluateWithGradient(EventSample sample, Span<double> value, double[][] gradient);
    /// <inheritdoc/>
    public SampleSum SumLog(EventSample sample, ReadOnlySpan<double> weights = default, bool withGradient = false) =>
        CheckedReduce(sample, weights, withGradient, log: true);
    /// <inheritdoc/>
    public SampleSum Sum(EventSample sample, ReadOnlySpan<double> weights = default, bool withGradient = false) =>
        CheckedReduce(sample, weights, withGradient, log: false);

    private SampleSum CheckedReduce(EventSample sample, ReadOnlySpan<double> weights, bool withGradient, bool log)
    {
        CheckSample(sample, int.MaxValue, "");
        if (weights.Length != 0 && weights.Length != sample.Count)
            throw new ArgumentException($"{weights.Length} weights for {sample.Count} events");
        if (IsComplexValued) throw new NotSupportedException((log ? "SumLog" : "Sum") + " needs a real-valued function");
        return Reduce(sample, weights, withGradient, log);
    }

    /// <summary>Σ wᵢ log f(xᵢ) or Σ wᵢ f(xᵢ), and the gradient when asked; the sample, the weights and the value type are checked.</summary>
    protected abstract SampleSum Reduce(EventSample sample, ReadOnlySpan<double> weights, bool withGradient, bool log);

    /// <summary>Neumaier-compensated sum in a fixed order.</summary>
    protected static double CompensatedSum(ReadOnlySpan<double> values)
    {
        double sum = 0, c = 0;
        foreach (var v in values) CompensatedAdd(ref sum, ref c, v);
        return sum + c;
    }

    /// <summary>
    /// <see cref="CompensatedSum"/> of every column of a row-major table (rows in order), read row by row: the same
    /// results as summing each column on its own, without striding through the table once per column.
    /// </summary>
    protected static double[] CompensatedColumnSums(ReadOnlySpan<double> table, int columns)
    {
        var sum = new double[columns];
        var c = new double[columns];
        for (int row = 0; row + columns <= table.Length; row += columns)
            for (int j = 0; j < columns; j++) CompensatedAdd(ref sum[j], ref c[j], table[row + j]);
        for (int j = 0; j < columns; j++) sum[j] += c[j];
        return sum;
    }

    // One step of Neumaier's compensated summation.
    private static void CompensatedAdd(ref double sum, ref double c, double v)
    {
        double t = sum + v;
        c += Math.Abs(sum) >= Math.Abs(v) ? (sum - t) + v : (v - t) + sum;
        sum = t;
    }
}
