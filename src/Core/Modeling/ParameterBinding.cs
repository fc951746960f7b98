namespace PartialWave.Modeling;

/// <summary>Which real degree of freedom of a model parameter a fit parameter stands for.</summary>
public enum ParameterPart
{
    /// <summary>A real model parameter itself.</summary>
    Value,
    /// <summary>The real part of a complex parameter.</summary>
    Re,
    /// <summary>The imaginary part of a complex parameter.</summary>
    Im,
    /// <summary>The magnitude r of a complex parameter c = r e^{iφ}.</summary>
    Magnitude,
    /// <summary>The phase φ of a complex parameter c = r e^{iφ} (radians).</summary>
    Phase,
}

/// <summary>A fit parameter bound to a model parameter (or to one part of a complex one).</summary>
/// <param name="Name">The fit parameter's name.</param>
/// <param name="Symbol">The model parameter's symbol name.</param>
/// <param name="Part">Which part it moves.</param>
public sealed record ParameterBinding(string Name, string Symbol, ParameterPart Part);
