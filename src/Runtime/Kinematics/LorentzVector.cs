namespace PartialWave.Kinematics;

/// <summary>A four-momentum (E, px, py, pz) in GeV, metric (+, -, -, -).</summary>
/// <param name="E">Energy.</param>
/// <param name="Px">Momentum along x.</param>
/// <param name="Py">Momentum along y.</param>
/// <param name="Pz">Momentum along z.</param>
public readonly record struct LorentzVector(double E, double Px, double Py, double Pz)
{
    /// <summary>The four-momentum of a particle of mass <paramref name="mass"/> with the given three-momentum.</summary>
    public static LorentzVector FromMomentum(double px, double py, double pz, double mass) =>
        new(Math.Sqrt(px * px + py * py + pz * pz + mass * mass), px, py, pz);

    /// <summary>A particle of mass <paramref name="mass"/> at rest.</summary>
    public static LorentzVector AtRest(double mass) => new(mass, 0, 0, 0);

    /// <summary>Component-wise sum.</summary>
    public static LorentzVector operator +(LorentzVector a, LorentzVector b) => new(a.E + b.E, a.Px + b.Px, a.Py + b.Py, a.Pz + b.Pz);

    /// <summary>Component-wise difference.</summary>
    public static LorentzVector operator -(LorentzVector a, LorentzVector b) => new(a.E - b.E, a.Px - b.Px, a.Py - b.Py, a.Pz - b.Pz);

    /// <summary>All four components negated.</summary>
    public static LorentzVector operator -(LorentzVector a) => new(-a.E, -a.Px, -a.Py, -a.Pz);

    /// <summary>All four components scaled.</summary>
    public static LorentzVector operator *(double s, LorentzVector a) => new(s * a.E, s * a.Px, s * a.Py, s * a.Pz);

    /// <summary>Minkowski product a·b = Ea Eb - pa·pb.</summary>
    public static double Dot(LorentzVector a, LorentzVector b) => a.E * b.E - (a.Px * b.Px + a.Py * b.Py + a.Pz * b.Pz);

    /// <summary>Squared three-momentum |p|².</summary>
    public double P2 => Px * Px + Py * Py + Pz * Pz;

    /// <summary>Three-momentum magnitude |p|.</summary>
    public double P => Math.Sqrt(P2);

    /// <summary>Transverse momentum sqrt(px² + py²).</summary>
    public double Pt => Math.Sqrt(Px * Px + Py * Py);

    /// <summary>Invariant mass squared E² - |p|² (may be slightly negative for a massless particle through rounding).</summary>
    public double Mass2 => E * E - P2;

    /// <summary>Invariant mass sqrt(E² - |p|²), 0 where rounding makes E² - |p|² negative.</summary>
    public double Mass => Math.Sqrt(Math.Max(Mass2, 0.0));

    /// <summary>
    /// Polar angle of the three-momentum, acos(pz / |p|), as AmpForm's <c>Theta</c> computes it; 0 for p = 0
    /// (as ROOT's <c>TVector3::Theta</c>).
    /// </summary>
    public double Theta
    {
        get
        {
            double p = P;
            return p == 0 ? 0.0 : Math.Acos(Pz / p);
        }
    }

    /// <summary>Azimuth of the three-momentum, atan2(py, px), in (-π, π] (AmpForm's <c>Phi</c>).</summary>
    public double Phi => Math.Atan2(Py, Px);

    /// <summary>Speed |p| / E.</summary>
    public double Beta => P / E;

    /// <summary>Velocity p / E: the boost vector of this momentum's rest frame.</summary>
    public (double X, double Y, double Z) Velocity => (Px / E, Py / E, Pz / E);

    /// <summary>
    /// This vector as seen from a frame moving with velocity -(<paramref name="bx"/>, <paramref name="by"/>, <paramref name="bz"/>):
    /// an active boost by β (ROOT's <c>TLorentzVector::Boost</c>). |β| must be below 1.
    /// </summary>
    public LorentzVector Boost(double bx, double by, double bz)
    {
        double b2 = bx * bx + by * by + bz * bz;
        if (b2 == 0) return this;
        if (!(b2 < 1)) throw new ArgumentOutOfRangeException(nameof(bx), b2, "a boost needs |beta| < 1");
        double gamma = 1.0 / Math.Sqrt(1.0 - b2);
        double bp = bx * Px + by * Py + bz * Pz;
        double g2 = (gamma - 1.0) / b2;
        double k = g2 * bp + gamma * E;
        return new LorentzVector(gamma * (E + bp), Px + k * bx, Py + k * by, Pz + k * bz);
    }

    /// <summary>This vector in the rest frame of <paramref name="frame"/> (a boost by -frame.p / frame.E).</summary>
    public LorentzVector InRestFrameOf(LorentzVector frame) => Boost(-frame.Px / frame.E, -frame.Py / frame.E, -frame.Pz / frame.E);

    /// <summary>
    /// AmpForm's <c>BoostZMatrix(beta)</c> applied to this vector: the view from a frame moving with velocity
    /// <paramref name="beta"/> along +z, E' = γ(E - β pz), pz' = γ(pz - β E).
    /// </summary>
    public LorentzVector BoostZ(double beta)
    {
        double gamma = 1.0 / Math.Sqrt(1.0 - beta * beta);
        double gb = gamma * beta;
        return new LorentzVector(gamma * E - gb * Pz, Px, Py, -gb * E + gamma * Pz);
    }

    /// <summary>Active rotation by <paramref name="angle"/> about z (AmpForm's <c>RotationZMatrix</c>).</summary>
    public LorentzVector RotateZ(double angle)
    {
        var (s, c) = Math.SinCos(angle);
        return new LorentzVector(E, c * Px - s * Py, s * Px + c * Py, Pz);
    }

    /// <summary>Active rotation by <paramref name="angle"/> about y (AmpForm's <c>RotationYMatrix</c>).</summary>
    public LorentzVector RotateY(double angle)
    {
        var (s, c) = Math.SinCos(angle);
        return new LorentzVector(E, c * Px + s * Pz, Py, -s * Px + c * Pz);
    }

    /// <summary>
    /// The helicity-frame transformation AmpForm applies for a decay of <paramref name="parent"/>: rotate by
    /// -φ about z, by -θ about y (θ, φ the parent's angles), then boost along z by the parent's speed, so the
    /// parent ends at rest with its former direction along +z.
    /// </summary>
    public LorentzVector ToHelicityFrameOf(LorentzVector parent) =>
        RotateZ(-parent.Phi).RotateY(-parent.Theta).BoostZ(parent.P / parent.E);

    /// <inheritdoc/>
    public override string ToString() => $"({E}, {Px}, {Py}, {Pz})";
}
