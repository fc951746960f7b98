using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using PartialWave.Data;
using PartialWave.Kinematics;
using PartialWave.Modeling;
using PartialWave.Randomness;

namespace PartialWave.Testing;

/// <summary>FsCheck generators for a user's model: points of a decay's phase space and parameter values within limits.</summary>
public static class ModelGenerators
{
    /// <summary>
    /// <paramref name="count"/> events flat in the phase space of parent → masses (so inside the physical region),
    /// as the model's <paramref name="variables"/> (AmpForm's names, see <see cref="KinematicVariables"/>). The sample
    /// is a function of a seed FsCheck draws, so a failing sample is reproduced from the seed FsCheck reports.
    /// </summary>
    public static Gen<EventSample> PhaseSpacePoints(double parentMass, IReadOnlyList<double> masses, IReadOnlyList<string> variables, int count) =>
        Gen.Choose(0, int.MaxValue).Select(seed => PhaseSpacePoints(parentMass, masses, variables, count, (ulong)seed));

    /// <summary>The sample <see cref="PhaseSpacePoints(double, IReadOnlyList{double}, IReadOnlyList{string}, int)"/> draws for <paramref name="seed"/>.</summary>
    public static EventSample PhaseSpacePoints(double parentMass, IReadOnlyList<double> masses, IReadOnlyList<string> variables, int count, ulong seed) =>
        KinematicVariables.Compute(variables, PhaseSpace.GenerateFlat(parentMass, masses, count, new RandomStream(seed, 0)));

    /// <summary>
    /// Parameter values within the declared limits, in declaration order: a real parameter uniformly between its
    /// limits (within ±50 % of its default on a side without one), a complex one with magnitude up to twice its
    /// default's (at least 0.2) and any phase. Fixed parameters keep their defaults. Shrinks towards the lower ends.
    /// </summary>
    public static Gen<Complex[]> ParameterValues(IReadOnlyList<ModelParameter> parameters)
    {
        var gens = parameters.Select(p =>
        {
            if (p.IsFixed) return Gen.Constant(p.Default);
            var u = Gen.Choose(0, 1_000_000).Select(k => k / 1e6);
            if (p.IsComplex)
            {
                double r = Math.Max(p.Default.Magnitude, 0.1);
                return Gen.Zip(u, u).Select(t => Complex.FromPolarCoordinates(2 * r * t.Item1, 2 * Math.PI * t.Item2));
            }
            double d = p.Default.Real, span = Math.Max(Math.Abs(d), 1e-3) * 0.5;
            double lo = p.Lower ?? d - span, hi = p.Upper ?? d + span;
            return u.Select(t => new Complex(lo + (hi - lo) * t, 0));
        }).ToArray();
        return gens.Aggregate(Gen.Constant(Array.Empty<Complex>()), (acc, g) => Gen.Zip(acc, g).Select(t => t.Item1.Append(t.Item2).ToArray()));
    }
}
