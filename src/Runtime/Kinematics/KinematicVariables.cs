using PartialWave.Data;

namespace PartialWave.Kinematics;

/// <summary>
/// Kinematic variables named as AmpForm names them, computed from final-state four-momenta given in the parent's
/// rest frame: <c>m_12</c>, <c>theta_0</c>, <c>phi_0</c>, <c>theta_1^12</c>, <c>phi_1^12</c>, <c>m_0</c>, <c>m_012</c>, ...
/// </summary>
/// <remarks>
/// <para>Names (final states numbered 0, 1, ... with one digit each, as AmpForm concatenates them):</para>
/// <list type="bullet">
/// <item><c>m_{ids}</c>: invariant mass of the sum of those momenta (<c>m_12</c> = |p1 + p2|); <c>m2_{ids}</c> its
/// square, as the phase-space columns name pair masses squared.</item>
/// <item><c>theta_{g}</c>, <c>phi_{g}</c>: helicity angles of the top decay, which splits the final state into g and
/// the rest. Following AmpForm's <c>compute_helicity_angles</c>, the angles are those of the resonance: of the
/// rest when g is one particle and the rest several (<c>theta_0</c> = Theta(p1 + p2) for three bodies), else of g
/// (<c>theta_01</c> = Theta(p0 + p1)).</item>
/// <item><c>theta_{g}^{r1,r2,...}</c>: the same inside the boost chain r_n, ..., r2, r1 (outermost last, as AmpForm's
/// <c>get_boost_chain_suffix</c> writes it): for each group r from the outermost inwards, every momentum of r
/// is rotated by R_y(-θ_r) R_z(-φ_r) and boosted along z by |p_r| / E_r (AmpForm's BoostZMatrix), which puts r
/// at rest with its former direction along +z; then the angles are taken in r1's frame, with the split
/// (g, r1 \ g) resolved as above. <c>theta_1^12</c> is the polar angle of particle 1 in the (12) helicity frame.</item>
/// </list>
/// <para>θ = acos(pz / |p|) and φ = atan2(py, px), as AmpForm's Theta and Phi.</para>
/// </remarks>
public static class KinematicVariables
{
    private const int ChunkSize = 4096;

    /// <summary>The variables <paramref name="names"/> for every event of <paramref name="momenta"/>, as columns in the order given.</summary>
    /// <exception cref="ArgumentException">A name is not a kinematic variable, or refers to a particle the momenta lack.</exception>
    public static EventSample Compute(IReadOnlyList<string> names, FourMomentumColumns momenta, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(momenta);
        int n = momenta.ParticleCount, count = momenta.EventCount;
        var variables = names.Select(name => KinematicVariable.Parse(name, n)).ToArray();
        var outputs = variables.Select(_ => GC.AllocateUninitializedArray<double>(count)).ToArray();
        var columns = new double[4 * n][];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 4; c++) columns[4 * i + c] = momenta.Column(i, c);
        int chunks = (count + ChunkSize - 1) / ChunkSize;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, chunk =>
        {
            Span<LorentzVector> p = stackalloc LorentzVector[n];
            Span<LorentzVector> scratch = stackalloc LorentzVector[n];
            int end = Math.Min(count, (chunk + 1) * ChunkSize);
            for (int e = chunk * ChunkSize; e < end; e++)
            {
                for (int i = 0; i < n; i++)
                    p[i] = new LorentzVector(columns[4 * i][e], columns[4 * i + 1][e], columns[4 * i + 2][e], columns[4 * i + 3][e]);
                for (int v = 0; v < variables.Length; v++) outputs[v][e] = variables[v].Evaluate(p, scratch);
            }
        });
        return new EventSample(names.Select((name, v) => new KeyValuePair<string, double[]>(name, outputs[v])));
    }

    /// <summary>
    /// The variables <paramref name="names"/> from the four-momentum columns <c>p0_E</c>, <c>p0_px</c>, ... of
    /// <paramref name="sample"/> (see <see cref="FourMomentumColumns"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A name is not a kinematic variable, or the sample lacks four-momentum columns it needs.</exception>
    public static EventSample Compute(IReadOnlyList<string> names, EventSample sample, int maxDegreeOfParallelism = -1) =>
        Compute(names, FourMomentumColumns.FromEventSample(sample), maxDegreeOfParallelism);

    /// <summary>The variable <paramref name="name"/> of one event with final-state momenta <paramref name="momenta"/>.</summary>
    public static double Compute(string name, ReadOnlySpan<LorentzVector> momenta)
    {
        var variable = KinematicVariable.Parse(name, momenta.Length);
        Span<LorentzVector> scratch = stackalloc LorentzVector[momenta.Length];
        return variable.Evaluate(momenta, scratch);
    }

    /// <summary>True when <paramref name="name"/> is a variable of <paramref name="particleCount"/> final-state particles; else the reason.</summary>
    public static bool IsKnown(string name, int particleCount, out string? reason)
    {
        try
        {
            KinematicVariable.Parse(name, particleCount);
            reason = null;
            return true;
        }
        catch (ArgumentException e)
        {
            reason = e.Message;
            return false;
        }
    }

    /// <summary>
    /// The definition of <paramref name="name"/> in AmpForm's notation, e.g. <c>Theta(p1 + p2)</c> for <c>theta_0</c> of
    /// three particles, or <c>Theta(p1 in the helicity frame of p1 + p2)</c>.
    /// </summary>
    public static string Describe(string name, int particleCount) => KinematicVariable.Parse(name, particleCount).ToString();
}

/// <summary>One parsed variable: a function of a group's momentum after a chain of helicity-frame transformations.</summary>
internal sealed class KinematicVariable
{
    private enum Quantity { Mass, MassSquared, Theta, Phi }

    private readonly Quantity _quantity;
    private readonly int[] _target;
    private readonly int[][] _chain;   // outermost first

    private KinematicVariable(Quantity quantity, int[] target, int[][] chain)
    {
        _quantity = quantity; _target = target; _chain = chain;
    }

    private const string Grammar =
        "expected m_<ids>, m2_<ids>, theta_<ids>, phi_<ids> or theta_<ids>^<ids>,<ids>,... (ids: final-state digits, e.g. m_12, theta_0, phi_1^12)";

    public static KinematicVariable Parse(string name, int particleCount)
    {
        ArgumentNullException.ThrowIfNull(name);
        int underscore = name.IndexOf('_');
        if (underscore < 0) throw Unknown(name, Grammar);
        var quantity = name[..underscore] switch
        {
            "m" => Quantity.Mass,
            "m2" => Quantity.MassSquared,
            "theta" => Quantity.Theta,
            "phi" => Quantity.Phi,
            _ => throw Unknown(name, Grammar),
        };
        var rest = name[(underscore + 1)..];
        int caret = rest.IndexOf('^');
        var group = Ids(name, caret < 0 ? rest : rest[..caret], particleCount);
        var chain = caret < 0 ? [] : rest[(caret + 1)..].Split(',').Select(g => Ids(name, g, particleCount)).Reverse().ToArray();
        if (quantity is Quantity.Mass or Quantity.MassSquared)
        {
            if (chain.Length > 0) throw Unknown(name, "an invariant mass is the same in every frame; write it without ^...");
            return new KinematicVariable(quantity, group, []);
        }
        // Each group of the chain sits strictly inside the one before (outer) it, the outermost inside the whole.
        var outer = Enumerable.Range(0, particleCount).ToArray();
        foreach (var g in chain.Append(group))
        {
            if (!g.All(outer.Contains) || g.Length >= outer.Length)
                throw Unknown(name, $"{Label(g)} is not a proper part of {Label(outer)} in the decay chain");
            outer = g;
        }
        var parent = chain.Length > 0 ? chain[^1] : Enumerable.Range(0, particleCount).ToArray();
        var sibling = parent.Except(group).ToArray();
        // AmpForm labels the angles of a resonance recoiling against one particle with that particle's id.
        var target = group.Length == 1 && sibling.Length > 1 ? sibling : group;
        return new KinematicVariable(quantity, target, chain);
    }

    private static int[] Ids(string name, string digits, int particleCount)
    {
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)) throw Unknown(name, Grammar);
        var ids = digits.Select(c => c - '0').ToArray();
        foreach (var id in ids)
            if (id >= particleCount)
                throw Unknown(name, $"it refers to particle {id}, but there are {particleCount} final-state momenta (0 to {particleCount - 1})");
        if (ids.Distinct().Count() != ids.Length) throw Unknown(name, $"'{digits}' names a particle twice");
        Array.Sort(ids);
        return ids;
    }

    private static ArgumentException Unknown(string name, string why) => new($"unknown kinematic variable '{name}': {why}");

    public double Evaluate(ReadOnlySpan<LorentzVector> momenta, Span<LorentzVector> scratch)
    {
        LorentzVector p;
        if (_chain.Length == 0) p = Sum(momenta, _target);
        else
        {
            momenta.CopyTo(scratch);
            foreach (var frame in _chain)
            {
                var r = Sum(scratch, frame);
                foreach (var i in frame) scratch[i] = scratch[i].ToHelicityFrameOf(r);
            }
            p = Sum(scratch, _target);
        }
        return _quantity switch
        {
            Quantity.Mass => p.Mass,
            Quantity.MassSquared => p.Mass2,
            Quantity.Theta => p.Theta,
            _ => p.Phi,
        };
    }

    // In increasing id order, as AmpForm's ArraySum adds them.
    private static LorentzVector Sum(ReadOnlySpan<LorentzVector> momenta, int[] ids)
    {
        var p = momenta[ids[0]];
        for (int k = 1; k < ids.Length; k++) p += momenta[ids[k]];
        return p;
    }

    private static string Label(int[] ids) => "(" + string.Concat(ids) + ")";

    public override string ToString()
    {
        string Sum(int[] ids) => string.Join(" + ", ids.Select(i => $"p{i}"));
        var what = Sum(_target);
        if (_chain.Length > 0) what += " in the helicity frame of " + string.Join(" then ", _chain.Select(Sum));
        return _quantity switch
        {
            Quantity.Mass => $"InvariantMass({what})",
            Quantity.MassSquared => $"InvariantMass({what})^2",
            Quantity.Theta => $"Theta({what})",
            _ => $"Phi({what})",
        };
    }
}
