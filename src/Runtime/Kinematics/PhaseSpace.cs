using PartialWave.Data;
using PartialWave.Randomness;

namespace PartialWave.Kinematics;

/// <summary>Flat phase-space samples of a decay M → m_0 m_1 ... in the parent's rest frame, for simulation and normalisation.</summary>
public static class PhaseSpace
{
    /// <summary>
    /// Flat (unweighted) events <paramref name="firstEvent"/>, ..., <paramref name="firstEvent"/> + <paramref name="count"/> - 1:
    /// three bodies by <see cref="ThreeBodyPhaseSpace"/>, any other number by <see cref="PhaseSpaceGenerator"/>.
    /// Event e depends only on (seed, stream, e): the same for any thread count or split into calls.
    /// </summary>
    public static FourMomentumColumns GenerateFlat(double parentMass, IReadOnlyList<double> masses, int count, RandomStream random,
        long firstEvent = 0, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(masses);
        return masses.Count == 3
            ? new ThreeBodyPhaseSpace(parentMass, masses[0], masses[1], masses[2]).Generate(random, count, firstEvent, maxDegreeOfParallelism)
            : new PhaseSpaceGenerator(parentMass, masses).GenerateFlat(random, count, firstEvent, maxDegreeOfParallelism);
    }

    /// <summary>
    /// <see cref="GenerateFlat"/> as an event sample: columns <c>p{i}_E</c>, <c>p{i}_px</c>, <c>p{i}_py</c>, <c>p{i}_pz</c>
    /// per particle, then <c>m2_{ij}</c> (invariant mass squared, i &lt; j) per pair (for three bodies the generated
    /// invariants, see <see cref="ThreeBodyPhaseSpace.GenerateSample"/>).
    /// </summary>
    public static EventSample FlatSample(double parentMass, IReadOnlyList<double> masses, int count, RandomStream random,
        long firstEvent = 0, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(masses);
        return masses.Count == 3
            ? new ThreeBodyPhaseSpace(parentMass, masses[0], masses[1], masses[2]).GenerateSample(random, count, firstEvent, maxDegreeOfParallelism)
            : GenerateFlat(parentMass, masses, count, random, firstEvent, maxDegreeOfParallelism).ToEventSample();
    }
}
