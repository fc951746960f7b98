using System.Numerics;
using System.Text.Json;
using PartialWave.Data;
using PartialWave.Parsing;
using PartialWave.Symbolic;

namespace PartialWave.Modeling;

/// <summary>
/// Event variables defined symbolically from other columns (as the Λc model's helicity and alignment angles
/// follow from sigma1 and sigma2), compiled like any model: <see cref="Transform"/> adds every defined column to a
/// sample. Definitions may use one another; they are evaluated in dependency order.
/// </summary>
public sealed class DataTransformer
{
    private readonly List<(string Name, IParametrizedFunction Function)> _steps;

    private DataTransformer(List<(string, IParametrizedFunction)> steps, IReadOnlyList<string> inputs)
    {
        _steps = steps;
        Inputs = inputs;
    }

    /// <summary>Columns the transformer reads.</summary>
    public IReadOnlyList<string> Inputs { get; }
    /// <summary>Columns it adds, in evaluation order.</summary>
    public IReadOnlyList<string> Outputs => _steps.Select(s => s.Name).ToList();

    /// <summary>Compiles definitions.</summary>
    /// <param name="definitions">Column name → expression in input columns, other definitions and constants.</param>
    /// <param name="constants">Values of the remaining symbols (masses, say).</param>
    /// <param name="options">Compiler options.</param>
    /// <exception cref="ArgumentException">A definition depends on itself through others (the cycle is named).</exception>
    public static DataTransformer Create(IReadOnlyDictionary<string, Expr> definitions, IReadOnlyDictionary<string, Complex> constants,
        LambdifyOptions? options = null)
    {
        var order = new List<string>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 visiting, 2 done
        var inputs = new SortedSet<string>(StringComparer.Ordinal);
        void Visit(string name, Stack<string> path)
        {
            if (state.TryGetValue(name, out int s))
            {
                if (s == 1) throw new ArgumentException($"the definitions are circular: {string.Join(" -> ", path.Reverse().Append(name))}");
                return;
            }
            state[name] = 1;
            path.Push(name);
            foreach (var symbol in definitions[name].FreeSymbolNames())
            {
                if (definitions.ContainsKey(symbol)) Visit(symbol, path);
                else if (!constants.ContainsKey(symbol)) inputs.Add(symbol);
            }
            path.Pop();
            state[name] = 2;
            order.Add(name);
        }
        foreach (var name in definitions.Keys.Order(StringComparer.Ordinal)) Visit(name, new Stack<string>());
        var steps = new List<(string, IParametrizedFunction)>();
        foreach (var name in order)
        {
            var expr = definitions[name];
            var columns = expr.FreeSymbolNames().Where(n => !constants.ContainsKey(n)).ToList();
            var used = constants.Where(c => expr.FreeSymbolNames().Contains(c.Key)).ToDictionary(c => c.Key, c => c.Value);
            steps.Add((name, Lambdify.Compile(expr, columns, [], used, options)));
        }
        return new DataTransformer(steps, inputs.ToList());
    }

    /// <summary>
    /// The <c>variables</c> of a reference-model JSON (each with an <c>srepr</c>), plus its <c>sigma3_relation</c>
    /// when present, with the masses and other constants taken from its <c>parameter_defaults</c>.
    /// </summary>
    public static DataTransformer FromReferenceJson(string path, LambdifyOptions? options = null)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        if (!root.TryGetProperty("variables", out var variables) || variables.ValueKind != JsonValueKind.Object)
            throw new FormatException($"{path}: no 'variables' object (name -> {{str, srepr}})");
        var definitions = new Dictionary<string, Expr>(StringComparer.Ordinal);
        void Add(string name, JsonElement definition)
        {
            var srepr = definition.TryGetProperty("srepr", out var s) ? s.GetString() : null;
            if (srepr is null) throw new FormatException($"{path}: variable '{name}' has no 'srepr'");
            var parsed = SreprReader.Parse(srepr, $"{path}#{name}");
            definitions[name] = parsed.Value ?? throw new FormatException(string.Join(Environment.NewLine, parsed.Diagnostics));
        }
        foreach (var v in variables.EnumerateObject()) Add(v.Name, v.Value);
        if (root.TryGetProperty("sigma3_relation", out var relation)) Add("sigma3", relation);
        var defaults = root.TryGetProperty("parameter_defaults", out var pd) ? ReferencePoints.ReadValues(pd) : [];
        var constants = defaults.Where(d => !definitions.ContainsKey(d.Key)).ToDictionary(d => d.Key, d => d.Value);
        return Create(definitions, constants, options);
    }

    /// <summary>A copy of <paramref name="sample"/> with every defined column added (real parts; a defined column may not exist already).</summary>
    public EventSample Transform(EventSample sample)
    {
        var missing = Inputs.Where(i => !sample.Contains(i)).ToList();
        if (missing.Count > 0) throw new ArgumentException($"the sample has no column(s) {string.Join(", ", missing)} (it has {string.Join(", ", sample.ColumnNames)})");
        var columns = sample.ColumnNames.Select(c => new KeyValuePair<string, double[]>(c, sample[c].ToArray())).ToList();
        var current = sample;
        foreach (var (name, f) in _steps)
        {
            if (current.Contains(name)) throw new ArgumentException($"the sample already has a column '{name}', which the transformer defines");
            var re = new double[sample.Count];
            var im = f.IsComplexValued ? new double[sample.Count] : default;
            f.Evaluate(current, re, im);
            columns.Add(new(name, re));
            current = new EventSample(columns);
        }
        return current;
    }
}
