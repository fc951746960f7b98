namespace PartialWave.Numerics;

/// <summary>
/// The constants of the vectorised approximations, written once for the CPU backend's VectorMath and the GPU
/// backend's GpuMath, which run the same algorithms (fdlibm's reductions and polynomials) lane by lane: multi-word
/// π and ln 2 for argument reduction, and the polynomial coefficients of atan, tan and asin in the order the
/// approximations apply them. Constants, so every use compiles to the value itself (on the GPU too).
/// </summary>
internal static class ApproximationConstants
{
    // Multi-word constants of the argument reductions, and powers of two.
    public const double PiHi = 3.141592653589793; // 0x400921FB54442D18
    public const double PiLo = 1.2246467991473532e-16;
    public const double PiO2Hi = 1.5707963267948966; // 0x3FF921FB54442D18
    public const double PiO2Lo = 6.123233995736766e-17; // 0x3C91A62633145C07
    public const double PiO2Lo2 = -1.4973849048591698e-33; // third word of pi/2
    public const double PiO4Hi = 7.853981633974483e-01; // 0x3FE921FB54442D18
    public const double PiO4Lo = 3.061616997868383e-17; // 0x3C81A62633145C07
    public const double TwoOverPi = 0.6366197723675814;
    public const double Ln2Hi = 0.6931471805599453; // 0x3FE62E42FEFA39EF
    public const double Ln2Lo = 2.3190468138462996e-17;
    public const double Log2E = 1.4426950408889634;
    public const double Sqrt2 = 1.4142135623730951;
    public const double TwoThirdsHi = 0.6666666666666666;
    public const double TwoThirdsLo = 3.700743415417188e-17;
    public const double MinNormal = 2.2250738585072014e-308;
    public const double TwoPow54 = 18014398509481984.0;

    // atan on [0, ∞): fdlibm's odd polynomial, in the order of AtanNonNegative.
    public const double AtanC0 = 9.82793723247329054082e-01;
    public const double AtanC1 = 1.39033110312309984516e-17;
    public const double AtanC2 = 4.63647609000806093515e-01;
    public const double AtanC3 = 2.26987774529616870924e-17;
    public const double AtanC4 = 1.62858201153657823623e-02;
    public const double AtanC5 = 4.97687799461593236017e-02;
    public const double AtanC6 = 6.66107313738753120669e-02;
    public const double AtanC7 = 9.09088713343650656196e-02;
    public const double AtanC8 = 1.42857142725034663711e-01;
    public const double AtanC9 = 3.33333333333329318027e-01;
    public const double AtanC10 = 3.65315727442169155270e-02;
    public const double AtanC11 = 5.83357013379057348645e-02;
    public const double AtanC12 = 7.69187620504482999495e-02;
    public const double AtanC13 = 1.11111104054623557880e-01;
    public const double AtanC14 = 1.99999999998764832476e-01;

    // asin/acos: R(t) = p(t)/q(t), p's coefficients then q's, in the order of AsinRational.
    public const double AsinRC0 = 3.47933107596021167570e-05;
    public const double AsinRC1 = 7.91534994289814532176e-04;
    public const double AsinRC2 = 4.00555345006794114027e-02;
    public const double AsinRC3 = 2.01212532134862925881e-01;
    public const double AsinRC4 = 3.25565818622400915405e-01;
    public const double AsinRC5 = 1.66666666666666657415e-01;
    public const double AsinRC6 = 7.70381505559019352791e-02;
    public const double AsinRC7 = 6.88283971605453293030e-01;
    public const double AsinRC8 = 2.02094576023350569471e+00;
    public const double AsinRC9 = 2.40339491173441421878e+00;

    // asin: the |x| from which π/2 − 2(s + s r) is used.
    public const double AsinSplit = 0.9749999046325684;

    // tan on [-π/4, π/4]: fdlibm's kernel polynomial, in the order of TanKernel.
    public const double TanC0 = 0.6743354797363281;
    public const double TanC1 = 1.85586374855275456654e-05;
    public const double TanC2 = 7.81794442939557092300e-05;
    public const double TanC3 = 5.88041240820264096874e-04;
    public const double TanC4 = 3.59207910759131235356e-03;
    public const double TanC5 = 2.18694882948595424599e-02;
    public const double TanC6 = 1.33333333333201242699e-01;
    public const double TanC7 = 2.59073051863633712884e-05;
    public const double TanC8 = 7.14072491382608190305e-05;
    public const double TanC9 = 2.46463134818469906812e-04;
    public const double TanC10 = 1.45620945432529025516e-03;
    public const double TanC11 = 8.86323982359930005737e-03;
    public const double TanC12 = 5.39682539762260521377e-02;
    public const double TanC13 = 3.33333333333334091986e-01;
}
