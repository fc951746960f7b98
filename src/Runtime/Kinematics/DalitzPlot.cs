namespace PartialWave.Kinematics;

/// <summary>
/// The Dalitz plot of a three-body decay M → 0 1 2 (particles numbered 0, 1, 2 as AmpForm numbers final states):
/// the invariants s_ij = m_ij² = (p_i + p_j)², their ranges and the physical boundary.
/// </summary>
/// <remarks>
/// Any two of s_01, s_02, s_12 fix the event up to orientation; the third follows from
/// s_01 + s_02 + s_12 = M² + m_0² + m_1² + m_2² (<see cref="SumOfInvariants"/>). Phase space is flat in any such
/// pair, so the Lorentz-invariant phase-space volume is π² A / (4 M²) with A the plot's <see cref="Area"/>.
/// </remarks>
public sealed class DalitzPlot
{
    private readonly double[] _m;
    private double _area = double.NaN;

    /// <summary>The Dalitz plot of a parent of mass <paramref name="parentMass"/> decaying to masses <paramref name="mass0"/>, <paramref name="mass1"/>, <paramref name="mass2"/> (GeV).</summary>
    public DalitzPlot(double parentMass, double mass0, double mass1, double mass2)
    {
        _m = [mass0, mass1, mass2];
        foreach (var m in _m)
            if (!(m >= 0) || !double.IsFinite(m)) throw new ArgumentOutOfRangeException(nameof(mass0), m, "masses must be finite and non-negative");
        if (!(parentMass > mass0 + mass1 + mass2) || !double.IsFinite(parentMass))
            throw new ArgumentOutOfRangeException(nameof(parentMass), parentMass,
                $"the parent mass must exceed the sum of the daughter masses ({mass0 + mass1 + mass2})");
        ParentMass = parentMass;
    }

    /// <summary>Mass of the decaying particle.</summary>
    public double ParentMass { get; }

    /// <summary>Masses of particles 0, 1, 2.</summary>
    public IReadOnlyList<double> Masses => _m;

    /// <summary>s_01 + s_02 + s_12 = M² + m_0² + m_1² + m_2².</summary>
    public double SumOfInvariants => ParentMass * ParentMass + _m[0] * _m[0] + _m[1] * _m[1] + _m[2] * _m[2];

    /// <summary>The third invariant given two: for example s_12 from s_01 and s_02.</summary>
    public double ThirdInvariant(double sA, double sB) => SumOfInvariants - sA - sB;

    /// <summary>Smallest s_ij: (m_i + m_j)².</summary>
    public double Minimum(int i, int j)
    {
        var (a, b, _) = Pair(i, j);
        return Sq(_m[a] + _m[b]);
    }

    /// <summary>Largest s_ij: (M - m_k)² with k the third particle.</summary>
    public double Maximum(int i, int j)
    {
        var (_, _, k) = Pair(i, j);
        return Sq(ParentMass - _m[k]);
    }

    /// <summary>
    /// Width of the range of either other invariant at fixed s_ij: sqrt(λ(s, m_i², m_j²) λ(s, M², m_k²)) / s
    /// (4 p* q* in the (ij) rest frame); 0 outside the range of s_ij.
    /// </summary>
    public double Width(int i, int j, double sij)
    {
        var (a, b, k) = Pair(i, j);
        return WidthCore(_m[a], _m[b], _m[k], sij);
    }

    internal double WidthCore(double mi, double mj, double mk, double s)
    {
        double l = Lambda(s, mi, mj) * Lambda(s, ParentMass, mk);
        return l > 0 && s > 0 ? Math.Sqrt(l) / s : 0.0;
    }

    // λ(s, a², b²) in factored form, (s - (a + b)²)(s - (a - b)²), which loses less at threshold.
    private static double Lambda(double s, double a, double b) => (s - Sq(a + b)) * (s - Sq(a - b));

    /// <summary>
    /// The range of s_ab at fixed s_ij (pairs (i, j) and (a, b) different): the physical boundary of the plot.
    /// (NaN, NaN) where s_ij is outside its own range.
    /// </summary>
    public (double Min, double Max) Range(int i, int j, double sij, int a, int b)
    {
        var (i0, j0, k) = Pair(i, j);
        var (a0, b0, _) = Pair(a, b);
        if (i0 == a0 && j0 == b0) throw new ArgumentException($"the pairs ({i}, {j}) and ({a}, {b}) are the same; give two different pairs");
        if (!(sij >= Minimum(i0, j0) && sij <= Maximum(i0, j0))) return (double.NaN, double.NaN);
        // The shared particle is "j", the fixed pair's other one "i"; k is the third.
        int shared = a0 == i0 || a0 == j0 ? a0 : b0;
        int other = shared == i0 ? j0 : i0;
        double mi = _m[other], mj = _m[shared], mk = _m[k], mi2 = mi * mi, mj2 = mj * mj, mk2 = mk * mk;
        double M2 = ParentMass * ParentMass;
        double product = (sij - mi2 + mj2) * (M2 - sij - mk2);
        double root = Math.Sqrt(Math.Max(Lambda(sij, mi, mj) * Lambda(sij, ParentMass, mk), 0.0));
        double inv2s = 0.5 / sij;
        return (mj2 + mk2 + (product - root) * inv2s, mj2 + mk2 + (product + root) * inv2s);
    }

    /// <summary>True when (s_ij, s_ab) lies inside the physical boundary (boundary included).</summary>
    public bool Contains(int i, int j, double sij, int a, int b, double sab)
    {
        var (lo, hi) = Range(i, j, sij, a, b);
        return sab >= lo && sab <= hi;
    }

    /// <summary>Area of the plot in any pair of invariants (GeV⁴): the integral of <see cref="Width"/> over s_01.</summary>
    public double Area
    {
        get
        {
            if (double.IsNaN(_area)) _area = Integrate(s => Width(0, 1, s), Minimum(0, 1), Maximum(0, 1));
            return _area;
        }
    }

    /// <summary>The Lorentz-invariant phase-space volume ∫ Π d³p_i/(2E_i) δ⁴(P - Σp_i) = π² <see cref="Area"/> / (4 M²).</summary>
    public double PhaseSpaceVolume => Math.PI * Math.PI * Area / (4 * ParentMass * ParentMass);

    // s = (a + b)/2 - (b - a)/2 cos t turns the square-root ends of the width into smooth ones; Simpson's rule
    // in t is then accurate to about 1e-14 with a few thousand points.
    internal static double Integrate(Func<double, double> f, double a, double b, int n = 8192)
    {
        double mid = 0.5 * (a + b), half = 0.5 * (b - a), h = Math.PI / n, sum = 0;
        for (int k = 1; k < n; k++)
        {
            var (sin, cos) = Math.SinCos(k * h);
            sum += (k % 2 == 1 ? 4 : 2) * f(mid - half * cos) * sin;
        }
        return sum * h / 3 * half;
    }

    private (int I, int J, int K) Pair(int i, int j)
    {
        if ((uint)i > 2 || (uint)j > 2 || i == j)
            throw new ArgumentOutOfRangeException(nameof(i), $"({i}, {j}) is not a pair of the particles 0, 1, 2");
        return (Math.Min(i, j), Math.Max(i, j), 3 - i - j);
    }

    private static double Sq(double x) => x * x;
}
