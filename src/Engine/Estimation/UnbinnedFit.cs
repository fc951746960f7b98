using System.Diagnostics;
using PartialWave.Data;
using PartialWave.Modeling;
using PartialWave.Optimization;
using PartialWave.Symbolic;

namespace PartialWave.Estimation;

/// <summary>
/// An unbinned maximum-likelihood fit of an intensity model to data with a phase-space normalisation sample,
/// set up from a <see cref="FitDefinition"/>: compiles the model (free symbols as parameters, fixed values
/// folded in), builds the <see cref="UnbinnedNll"/> and a <see cref="Minuit"/> with the definition's settings.
/// </summary>
public sealed class UnbinnedFit
{
    private UnbinnedFit(IParametrizedFunction function, UnbinnedNll nll, Minuit minuit, double compileSeconds)
    {
        Function = function;
        Likelihood = nll;
        Minuit = minuit;
        CompileSeconds = compileSeconds;
    }

    /// <summary>The compiled intensity.</summary>
    public IParametrizedFunction Function { get; }
    /// <summary>The likelihood.</summary>
    public UnbinnedNll Likelihood { get; }
    /// <summary>The minimiser, ready for MIGRAD.</summary>
    public Minuit Minuit { get; }
    /// <summary>Seconds spent compiling the model.</summary>
    public double CompileSeconds { get; }

    /// <summary>Sets up the fit.</summary>
    /// <param name="model">Intensity expression.</param>
    /// <param name="definition">Free and fixed parameters, minimiser settings.</param>
    /// <param name="data">Data events.</param>
    /// <param name="phsp">Normalisation events.</param>
    /// <param name="options">Compiler options (CPU backend by default).</param>
    /// <exception cref="ArgumentException">Parameters and model symbols do not match (the message lists which).</exception>
    public static UnbinnedFit Create(Expr model, FitDefinition definition, EventSample data, EventSample phsp, LambdifyOptions? options = null)
    {
        var sw = Stopwatch.StartNew();
        var symbols = model.FreeSymbolNames().ToHashSet(StringComparer.Ordinal);
        var inputs = definition.KinematicVariables.Count > 0
            ? definition.KinematicVariables.Where(symbols.Contains).ToList()
            : data.ColumnNames.Where(symbols.Contains).ToList();
        var missingColumns = inputs.Where(i => !data.Contains(i) || !phsp.Contains(i)).ToList();
        if (missingColumns.Count > 0)
            throw new ArgumentException($"the data or phase-space sample has no column(s) {string.Join(", ", missingColumns)}");
        var specs = definition.ParameterSpecs();
        var notInModel = specs.Where(s => !symbols.Contains(s.Name)).Select(s => s.Name)
            .Concat(definition.Fixed.Keys.Where(k => !symbols.Contains(k))).ToList();
        if (notInModel.Count > 0)
            throw new ArgumentException($"the fit names symbol(s) the model does not have: {string.Join(", ", notInModel)}");
        var function = Lambdify.Compile(model, inputs, specs, definition.Fixed, options);
        var map = new ParameterMap(function, definition.Bindings());
        var nll = new UnbinnedNll(function, data, phsp, map);
        var minuit = new Minuit(nll, definition.FitParameters()) { Strategy = definition.Strategy, Tolerance = definition.Tolerance };
        return new UnbinnedFit(function, nll, minuit, sw.Elapsed.TotalSeconds);
    }
}
