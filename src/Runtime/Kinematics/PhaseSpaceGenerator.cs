using PartialWave.Randomness;

namespace PartialWave.Kinematics;

/// <summary>
/// n-body phase space M → 0 1 ... n-1 in the parent's rest frame by the Raubold–Lynch method (GENBOD, as ROOT's
/// <c>TGenPhaseSpace</c>): weighted events, or flat ones by accepting each with probability weight / bound.
/// Event e uses only <see cref="RandomStream.Event"/>(e), so a sample is the same for any thread count; the
/// arithmetic is IEEE-754 +, -, ×, ÷ and √ only, so it is the same on any platform too.
/// </summary>
/// <remarks>
/// <para>The intermediate masses M_1 &lt; M_2 &lt; ... of the systems {0, 1}, {0, 1, 2}, ... are drawn as sorted
/// uniforms over the kinetic energy M - Σm; each system decays isotropically in its rest frame into the previous
/// system and the next particle, and the previous particles are boosted along.</para>
/// <para>Weights are normalised so that their mean is the Lorentz-invariant phase-space volume
/// R_n = ∫ Π d³p_i/(2E_i) δ⁴(P - Σp_i) (no factors of 2π): w = (2π)^(n-2) π (M - Σm)^(n-2) / ((n-2)! M) · Π p*_k,
/// with p*_k the break-up momentum of step k. For two bodies the weight is the constant π p*/M; for three it
/// averages to π² A / (4 M²) with A the Dalitz-plot area.</para>
/// <para>Draws per attempt, in <see cref="EventRandom"/> order: n - 2 uniforms for the masses, then (cos θ + 1)/2 and
/// φ/2π for each of the n - 1 two-body steps; a flat event draws one more uniform for the acceptance and tries
/// again with the following draws when rejected.</para>
/// </remarks>
public sealed class PhaseSpaceGenerator
{
    private const int ChunkSize = 4096;
    private readonly double[] _m;

    /// <summary>Phase space of a parent of mass <paramref name="parentMass"/> decaying to <paramref name="masses"/> (GeV, at least two).</summary>
    public PhaseSpaceGenerator(double parentMass, IReadOnlyList<double> masses)
    {
        ArgumentNullException.ThrowIfNull(masses);
        if (masses.Count < 2) throw new ArgumentException($"a decay needs at least two daughters, got {masses.Count}", nameof(masses));
        foreach (var m in masses)
            if (!(m >= 0) || !double.IsFinite(m)) throw new ArgumentOutOfRangeException(nameof(masses), m, "masses must be finite and non-negative");
        _m = masses.ToArray();
        double sum = _m.Sum();
        if (!(parentMass > sum) || !double.IsFinite(parentMass))
            throw new ArgumentOutOfRangeException(nameof(parentMass), parentMass, $"the parent mass must exceed the sum of the daughter masses ({sum})");
        ParentMass = parentMass;
        KineticEnergy = parentMass - sum;
        int n = _m.Length;
        double factorial = 1;
        for (int k = 2; k <= n - 2; k++) factorial *= k;
        Normalisation = Math.Pow(2 * Math.PI, n - 2) * Math.PI * Math.Pow(KineticEnergy, n - 2) / (factorial * parentMass);
        // TGenPhaseSpace's bound: each break-up momentum is largest with the parent system at its heaviest and
        // the previous system at its lightest.
        double emMax = KineticEnergy + _m[0], emMin = 0, bound = 1;
        for (int k = 1; k < n; k++)
        {
            emMin += _m[k - 1];
            emMax += _m[k];
            bound *= TwoBodyMomentum(emMax, emMin, _m[k]);
        }
        MaximumWeight = Normalisation * bound;
    }

    /// <summary>Mass of the decaying particle.</summary>
    public double ParentMass { get; }

    /// <summary>Daughter masses.</summary>
    public IReadOnlyList<double> Masses => _m;

    /// <summary>Number of daughters.</summary>
    public int ParticleCount => _m.Length;

    /// <summary>M - Σ m_i.</summary>
    public double KineticEnergy { get; }

    /// <summary>The factor between a weight and the product of break-up momenta (see the remarks).</summary>
    public double Normalisation { get; }

    /// <summary>An upper bound on the weight: flat events are accepted with probability weight / this.</summary>
    public double MaximumWeight { get; }

    /// <summary>Break-up momentum of a two-body decay M → m1 m2: sqrt(λ(M², m1², m2²)) / (2M); 0 below threshold.</summary>
    public static double TwoBodyMomentum(double parentMass, double mass1, double mass2)
    {
        double s = parentMass * parentMass;
        double l = (s - (mass1 + mass2) * (mass1 + mass2)) * (s - (mass1 - mass2) * (mass1 - mass2));
        return l > 0 ? Math.Sqrt(l) / (2 * parentMass) : 0.0;
    }

    /// <summary>One weighted event: fills <paramref name="momenta"/> (one per daughter) and returns its weight.</summary>
    public double GenerateWeighted(ref EventRandom random, Span<LorentzVector> momenta)
    {
        int n = _m.Length;
        if (momenta.Length != n) throw new ArgumentException($"need {n} momenta, got {momenta.Length}", nameof(momenta));
        Span<double> invariant = stackalloc double[n];
        Span<double> r = stackalloc double[n];
        r[0] = 0;
        r[n - 1] = 1;
        for (int k = 1; k < n - 1; k++)
        {
            // Insertion into the sorted prefix.
            double u = random.NextDouble();
            int at = k;
            while (at > 1 && r[at - 1] > u) { r[at] = r[at - 1]; at--; }
            r[at] = u;
        }
        double massSum = 0;
        for (int k = 0; k < n; k++)
        {
            massSum += _m[k];
            invariant[k] = k == n - 1 ? ParentMass : r[k] * KineticEnergy + massSum;
        }
        double product = 1;
        for (int k = 0; k < n - 1; k++)
        {
            double p = TwoBodyMomentum(invariant[k + 1], invariant[k], _m[k + 1]);
            product *= p;
            var (nx, ny, nz) = Direction(ref random);
            if (k == 0)
            {
                momenta[0] = LorentzVector.FromMomentum(-p * nx, -p * ny, -p * nz, _m[0]);
                momenta[1] = LorentzVector.FromMomentum(p * nx, p * ny, p * nz, _m[1]);
                continue;
            }
            // System {0..k} moves along +n with momentum p, particle k + 1 along -n.
            double e = Math.Sqrt(p * p + invariant[k] * invariant[k]);
            double bx = p * nx / e, by = p * ny / e, bz = p * nz / e;
            for (int j = 0; j <= k; j++) momenta[j] = momenta[j].Boost(bx, by, bz);
            momenta[k + 1] = LorentzVector.FromMomentum(-p * nx, -p * ny, -p * nz, _m[k + 1]);
        }
        return Normalisation * product;
    }

    /// <summary>One flat event: weighted events accepted with probability weight / <see cref="MaximumWeight"/>.</summary>
    public void GenerateFlat(ref EventRandom random, Span<LorentzVector> momenta)
    {
        while (true)
        {
            double w = GenerateWeighted(ref random, momenta);
            if (w > MaximumWeight) throw new InvalidOperationException($"weight {w} above the bound {MaximumWeight}");
            if (random.NextDouble() * MaximumWeight < w) return;
        }
    }

    private static (double X, double Y, double Z) Direction(ref EventRandom random)
    {
        double cos = 2 * random.NextDouble() - 1;
        double sin = Math.Sqrt(Math.Max(0, 1 - cos * cos));
        // TurnSinCos, not Math.SinCos: additions and multiplications only, so the events are the same on any platform.
        var (sp, cp) = TurnSinCos.Compute(random.NextDouble());
        return (sin * cp, sin * sp, cos);
    }

    /// <summary>Weighted events <paramref name="firstEvent"/>, ... in new columns, with their weights.</summary>
    public FourMomentumColumns GenerateWeighted(RandomStream random, int count, out double[] weights, long firstEvent = 0, int maxDegreeOfParallelism = -1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var columns = new FourMomentumColumns(_m.Length, count, zeroed: false);
        var w = new double[count];
        Run(random, firstEvent, columns, w, maxDegreeOfParallelism);
        weights = w;
        return columns;
    }

    /// <summary>Flat (unweighted) events <paramref name="firstEvent"/>, ... in new columns.</summary>
    public FourMomentumColumns GenerateFlat(RandomStream random, int count, long firstEvent = 0, int maxDegreeOfParallelism = -1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var columns = new FourMomentumColumns(_m.Length, count, zeroed: false);
        Run(random, firstEvent, columns, null, maxDegreeOfParallelism);
        return columns;
    }

    private void Run(RandomStream random, long firstEvent, FourMomentumColumns columns, double[]? weights, int maxDegreeOfParallelism)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstEvent);
        int count = columns.EventCount, n = _m.Length;
        int chunks = (count + ChunkSize - 1) / ChunkSize;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, chunk =>
        {
            Span<LorentzVector> p = stackalloc LorentzVector[n];
            int end = Math.Min(count, (chunk + 1) * ChunkSize);
            for (int e = chunk * ChunkSize; e < end; e++)
            {
                var rng = random.Event(firstEvent + e);
                if (weights is null) GenerateFlat(ref rng, p);
                else weights[e] = GenerateWeighted(ref rng, p);
                for (int i = 0; i < n; i++) columns.Set(i, e, p[i]);
            }
        });
    }
}
