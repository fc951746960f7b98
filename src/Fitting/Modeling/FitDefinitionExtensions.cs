using PartialWave.Optimization;

namespace PartialWave.Modeling;

/// <summary>What the fitting stage makes of a <see cref="FitDefinition"/> (the definition itself is a plain description).</summary>
public static class FitDefinitionExtensions
{
    /// <summary>The fit parameters of a Minuit run.</summary>
    public static IReadOnlyList<FitParameter> FitParameters(this FitDefinition definition) =>
        definition.Free.Select(p => new FitParameter(p.Name, p.Start, p.Step, p.Lower, p.Upper)).ToList();

    /// <summary>The bindings of fit parameters to model parameters.</summary>
    public static IReadOnlyList<ParameterBinding> Bindings(this FitDefinition definition) => definition.Free.Select(p => new ParameterBinding(p.Name, p.Symbol, p.Part)).ToList();
}
