using System.Numerics;
using PartialWave.Data;
using PartialWave.Modeling;
using PartialWave.Symbolic;

namespace PartialWave.Cli;

/// <summary>
/// A model set up from a reference file the way <c>pwa bench</c> and <c>pwa check --backend</c> compile it: symbols with
/// a parameter default are parameters (free or folded in), the others are event columns read from the points.
/// </summary>
internal sealed record ReferenceSetup(IReadOnlyList<string> Inputs, List<ParameterSpec> Parameters, Dictionary<string, Complex> FixedValues)
{
    /// <summary>Splits the model's symbols; false (with the error reported) when the points lack an input.</summary>
    public static bool TryCreate(CommandIo io, Expr expr, ReferencePoints reference, string referencePath, Func<string, bool> free,
        out ReferenceSetup setup, out int exit)
    {
        var symbols = expr.FreeSymbolNames();
        var defaults = reference.ParameterDefaults.Where(p => symbols.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
        var parameters = defaults.Where(p => free(p.Key))
            .Select(p => new ParameterSpec(p.Key, p.Value, reference.ComplexParameters.Contains(p.Key))).ToList();
        var fixedValues = defaults.Where(p => !free(p.Key)).ToDictionary(p => p.Key, p => p.Value);
        var inputs = symbols.Where(s => !defaults.ContainsKey(s)).ToList();
        setup = new ReferenceSetup(inputs, parameters, fixedValues);
        exit = 0;
        var missing = inputs.Where(s => reference.Points.Any(p => !p.Symbols.ContainsKey(s))).ToList();
        if (missing.Count == 0) return true;
        exit = io.Fail(referencePath, $"the points give no value for: {string.Join(", ", missing)}");
        return false;
    }

    /// <summary>The event columns of the points <paramref name="index"/> (in that order).</summary>
    public EventSample Sample(ReferencePoints reference, IReadOnlyList<int> index) =>
        new(Inputs.Select(s => new KeyValuePair<string, double[]>(s, index.Select(i => reference.Points[i].Symbols[s].Real).ToArray())));
}
