using PartialWave.Data;

namespace PartialWave.Kinematics;

/// <summary>
/// Four-momenta of the final-state particles 0, 1, ..., n - 1 of many events as columns (structure of arrays):
/// one array per particle and component.
/// </summary>
/// <remarks>
/// As event-sample columns they are named <c>p{i}_E</c>, <c>p{i}_px</c>, <c>p{i}_py</c>, <c>p{i}_pz</c> for particle i
/// (0-based, as AmpForm numbers final states), see <see cref="ColumnName"/>; <see cref="ToEventSample"/> adds the
/// invariant masses squared of each pair as <c>m2_{ij}</c> (i &lt; j, e.g. <c>m2_01</c>, <c>m2_12</c>), see
/// <see cref="PairMassSquaredName"/>.
/// </remarks>
public sealed class FourMomentumColumns
{
    private readonly double[][] _columns;

    /// <summary>Zeroed columns for <paramref name="particles"/> particles and <paramref name="events"/> events.</summary>
    public FourMomentumColumns(int particles, int events) : this(particles, events, zeroed: true) { }

    // Generators overwrite every value, so they skip the zeroing.
    internal FourMomentumColumns(int particles, int events, bool zeroed)
    {
        if (particles < 1) throw new ArgumentOutOfRangeException(nameof(particles), particles, "at least one particle");
        ArgumentOutOfRangeException.ThrowIfNegative(events);
        ParticleCount = particles;
        EventCount = events;
        _columns = new double[4 * particles][];
        for (int c = 0; c < _columns.Length; c++)
            _columns[c] = zeroed ? new double[events] : GC.AllocateUninitializedArray<double>(events);
    }

    /// <summary>
    /// Wraps existing arrays (not copied): E, px, py, pz of particle 0, then of particle 1, ... (4n arrays of one length).
    /// </summary>
    public FourMomentumColumns(IReadOnlyList<double[]> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0 || columns.Count % 4 != 0)
            throw new ArgumentException($"four-momentum columns come in fours (E, px, py, pz per particle); got {columns.Count}", nameof(columns));
        int n = columns[0].Length;
        for (int c = 1; c < columns.Count; c++)
            if (columns[c].Length != n)
                throw new ArgumentException($"column {ColumnName(c / 4, c % 4)} has {columns[c].Length} values, {ColumnName(0, 0)} has {n}", nameof(columns));
        _columns = columns.ToArray();
        ParticleCount = columns.Count / 4;
        EventCount = n;
    }

    /// <summary>Number of final-state particles.</summary>
    public int ParticleCount { get; }

    /// <summary>Number of events.</summary>
    public int EventCount { get; }

    /// <summary>Energies of particle <paramref name="particle"/>.</summary>
    public double[] E(int particle) => Column(particle, 0);

    /// <summary>x momenta of particle <paramref name="particle"/>.</summary>
    public double[] Px(int particle) => Column(particle, 1);

    /// <summary>y momenta of particle <paramref name="particle"/>.</summary>
    public double[] Py(int particle) => Column(particle, 2);

    /// <summary>z momenta of particle <paramref name="particle"/>.</summary>
    public double[] Pz(int particle) => Column(particle, 3);

    /// <summary>Component <paramref name="component"/> (0 = E, 1 = px, 2 = py, 3 = pz) of particle <paramref name="particle"/>.</summary>
    public double[] Column(int particle, int component)
    {
        if ((uint)particle >= (uint)ParticleCount)
            throw new ArgumentOutOfRangeException(nameof(particle), particle, $"particles are 0 to {ParticleCount - 1}");
        if ((uint)component > 3) throw new ArgumentOutOfRangeException(nameof(component), component, "components are 0 (E) to 3 (pz)");
        return _columns[4 * particle + component];
    }

    /// <summary>The four-momentum of particle <paramref name="particle"/> in event <paramref name="eventIndex"/>.</summary>
    public LorentzVector this[int particle, int eventIndex] =>
        new(E(particle)[eventIndex], Px(particle)[eventIndex], Py(particle)[eventIndex], Pz(particle)[eventIndex]);

    /// <summary>Stores <paramref name="p"/> as particle <paramref name="particle"/> of event <paramref name="eventIndex"/>.</summary>
    public void Set(int particle, int eventIndex, LorentzVector p)
    {
        E(particle)[eventIndex] = p.E;
        Px(particle)[eventIndex] = p.Px;
        Py(particle)[eventIndex] = p.Py;
        Pz(particle)[eventIndex] = p.Pz;
    }

    private static readonly string[] ComponentNames = ["E", "px", "py", "pz"];

    /// <summary>The column name of a component: <c>p{particle}_E</c>, <c>_px</c>, <c>_py</c>, <c>_pz</c> for component 0 to 3.</summary>
    public static string ColumnName(int particle, int component) => $"p{particle}_{ComponentNames[component]}";

    /// <summary>The column name of the invariant mass squared of particles <paramref name="i"/> and <paramref name="j"/>: <c>m2_{min}{max}</c>.</summary>
    public static string PairMassSquaredName(int i, int j) => $"m2_{Math.Min(i, j)}{Math.Max(i, j)}";

    /// <summary>
    /// The four-momentum columns <c>p{i}_E</c> ... of <paramref name="sample"/> for particles 0, 1, ... as long as
    /// they are present (copied, since an event sample lends its columns only as spans).
    /// </summary>
    public static FourMomentumColumns FromEventSample(EventSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var columns = new List<double[]>();
        for (int i = 0; sample.Contains(ColumnName(i, 0)); i++)
        {
            for (int c = 0; c < 4; c++)
            {
                var name = ColumnName(i, c);
                if (!sample.Contains(name))
                    throw new ArgumentException($"the sample has {ColumnName(i, 0)} but no {name}", nameof(sample));
                columns.Add(sample[name].ToArray());
            }
        }
        if (columns.Count == 0)
            throw new ArgumentException($"the sample has no four-momentum columns ({ColumnName(0, 0)}, {ColumnName(0, 1)}, ...); it has {string.Join(", ", sample.ColumnNames)}", nameof(sample));
        return new FourMomentumColumns(columns);
    }

    /// <summary>
    /// An event sample of these columns (shared, not copied) named by <see cref="ColumnName"/>, followed, if
    /// <paramref name="pairMassesSquared"/>, by the invariant masses squared of every pair (<see cref="PairMassSquaredName"/>).
    /// </summary>
    public EventSample ToEventSample(bool pairMassesSquared = true)
    {
        var columns = new List<KeyValuePair<string, double[]>>();
        for (int i = 0; i < ParticleCount; i++)
            for (int c = 0; c < 4; c++)
                columns.Add(new(ColumnName(i, c), Column(i, c)));
        if (pairMassesSquared)
            for (int i = 0; i < ParticleCount; i++)
                for (int j = i + 1; j < ParticleCount; j++)
                    columns.Add(new(PairMassSquaredName(i, j), PairMassSquared(i, j)));
        return new EventSample(columns);
    }

    /// <summary>(p_i + p_j)² for every event (in parallel chunks; each value depends only on its event).</summary>
    public double[] PairMassSquared(int i, int j)
    {
        var (ei, xi, yi, zi) = (E(i), Px(i), Py(i), Pz(i));
        var (ej, xj, yj, zj) = (E(j), Px(j), Py(j), Pz(j));
        var m2 = GC.AllocateUninitializedArray<double>(EventCount);
        const int chunk = 1 << 15;
        Parallel.For(0, (EventCount + chunk - 1) / chunk, c =>
        {
            int end = Math.Min(m2.Length, (c + 1) * chunk);
            for (int k = c * chunk; k < end; k++)
            {
                double e = ei[k] + ej[k], x = xi[k] + xj[k], y = yi[k] + yj[k], z = zi[k] + zj[k];
                m2[k] = e * e - (x * x + y * y + z * z);
            }
        });
        return m2;
    }
}
