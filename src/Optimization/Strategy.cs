namespace PartialWave.Optimization;

/// <summary>
/// Minuit's strategy: how hard the numerical derivatives work. 0 is fast, 1 the default, 2 careful (a full
/// Hessian at the seed and at the end of MIGRAD).
/// </summary>
internal sealed record Strategy(int Level, int GradientCycles, double GradientStepTolerance, double GradientTolerance,
    int HessianCycles, double HessianStepTolerance, double HessianG2Tolerance, int HessianGradientCycles)
{
    public static Strategy Of(int level) => level switch
    {
        <= 0 => new(0, 2, 0.5, 0.1, 3, 0.5, 0.1, 1),
        1 => new(1, 3, 0.3, 0.05, 5, 0.3, 0.05, 2),
        _ => new(2, 5, 0.1, 0.02, 7, 0.1, 0.02, 6),
    };
}
