namespace MyAnalysis;

/// <summary>The decay the model describes: D0 -> K0S pi+ pi-, final state numbered as in Model.amp.</summary>
public static class Decay
{
    /// <summary>D0 mass (GeV).</summary>
    public const double ParentMass = 1.86484;

    /// <summary>Final-state masses (GeV): 0 = K0S, 1 = pi+, 2 = pi-.</summary>
    public static IReadOnlyList<double> Masses { get; } = [0.497611, 0.13957039, 0.13957039];

    /// <summary>Pair masses squared for plots: m²(K0S pi+), m²(K0S pi-), m²(pi+ pi-).</summary>
    public static IReadOnlyList<(string Column, string Label)> PairMassesSquared { get; } =
    [
        ("m2_01", "m²(K⁰S π⁺) [GeV²]"),
        ("m2_02", "m²(K⁰S π⁻) [GeV²]"),
        ("m2_12", "m²(π⁺ π⁻) [GeV²]"),
    ];
}
