using PartialWave.Compilation;
using PartialWave.Symbolic;

namespace PartialWave.Modeling;

/// <summary>Compiling an <see cref="AmplitudeModel"/> (a description of the core package) with <see cref="Lambdify"/>.</summary>
public static class AmplitudeModelCompilation
{
    /// <summary>
    /// Compiles the intensity: <see cref="AmplitudeModel.Variables"/> are the inputs, every parameter (fixed ones included) a
    /// <see cref="ParameterSpec"/> at its default, the constants fixed values.
    /// </summary>
    /// <exception cref="UnsupportedExpressionException">The backend cannot compile a construct.</exception>
    public static IParametrizedFunction Compile(this AmplitudeModel model, LambdifyOptions? options = null)
    {
        // Lambdify rejects roles for symbols the expression lacks only when they clash; constants it does not use are dropped
        // here so that a constant mentioned only in a component does not count as unknown.
        var used = new HashSet<string>(model.Intensity.FreeSymbolNames(), StringComparer.Ordinal);
        var fixedValues = model.Constants.Where(c => used.Contains(c.Key)).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        return Lambdify.Compile(model.Intensity, model.Variables, model.ParameterSpecs(), fixedValues, options);
    }

    /// <summary>
    /// Compiles the intensity and each component's intensity alone (<see cref="AmplitudeModel.ComponentIntensities"/>)
    /// into one kernel with several outputs (CPU or GPU backend).
    /// </summary>
    public static IParametrizedFunction CompileComponents(this AmplitudeModel model, LambdifyOptions? options = null)
    {
        var outputs = model.ComponentIntensities();
        var used = new HashSet<string>(outputs.SelectMany(o => o.Intensity.FreeSymbolNames()), StringComparer.Ordinal);
        var fixedValues = model.Constants.Where(c => used.Contains(c.Key)).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        return Lambdify.CompileOutputs(outputs.Select(o => (o.Name, o.Intensity)).ToList(), model.Variables, model.ParameterSpecs(), fixedValues, options);
    }
}
