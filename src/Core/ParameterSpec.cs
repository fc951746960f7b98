using System.Numerics;

namespace PartialWave;

/// <summary>A parameter of a compiled function: its symbol name, current value, and whether it is complex.</summary>
/// <param name="Name">Symbol name.</param>
/// <param name="Value">Current value (imaginary part zero for real parameters).</param>
/// <param name="IsComplex">True for complex parameters (two real degrees of freedom, NAME.re and NAME.im).</param>
public sealed record ParameterSpec(string Name, Complex Value, bool IsComplex)
{
    /// <summary>A real parameter.</summary>
    public static ParameterSpec Real(string name, double value) => new(name, value, false);
    /// <summary>A complex parameter.</summary>
    public static ParameterSpec ComplexValued(string name, Complex value) => new(name, value, true);
}
