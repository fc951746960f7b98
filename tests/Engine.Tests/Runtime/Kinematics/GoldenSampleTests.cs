using PartialWave.Kinematics;
using PartialWave.Randomness;

namespace PartialWave.Engine.Tests.Runtime.Kinematics;

/// <summary>
/// Pinned bits of a few generated values: a sample written with a seed today must be the same sample tomorrow, on
/// any machine (the generators use IEEE-754 basic operations only). A change here changes every user's samples.
/// </summary>
public class GoldenSampleTests
{
    private static long Bits(double x) => BitConverter.DoubleToInt64Bits(x);

    [Fact]
    public void Three_body_events_of_seed_42()
    {
        var c = new ThreeBodyPhaseSpace(3.0969, 0, 0.1349768, 0.1349768).Generate(new RandomStream(42), 3);
        long[][] expected =
        [
            [0x3FF399CA4A509BE0, 0x3FE3A06D0EBD2D8C, unchecked((long)0xBFD4FDDDA430EA88), unchecked((long)0xBFEFFAED413B6118)],
            [0x3FEAF1DE62BE842A, 0x3FD96E3EF8D04D66, unchecked((long)0xBFE3D779BF4F7319), 0x3FD8A83A66D08606],
            [0x3FF8686A36A5FDE6, 0x3FEF5794C4A068B2, 0x3FE2A10041E29D88, unchecked((long)0xBFF015DAAA270086)],
        ];
        for (int e = 0; e < 3; e++)
            for (int k = 0; k < 4; k++)
                Assert.Equal(expected[e][k], Bits(c.Column(1, k)[e]));
    }

    [Fact]
    public void Genbod_event_of_seed_42()
    {
        var g = new PhaseSpaceGenerator(2.0, [0.1, 0.2, 0.3, 0.4]).GenerateWeighted(new RandomStream(42), 1, out var w);
        Assert.Equal(0x3FF54FBC2A091F91, Bits(w[0]));
        Assert.Equal(unchecked((long)0xBFCBF2AD7F73137E), Bits(g.Pz(3)[0]));
    }

    [Fact]
    public void Uniforms_of_seed_42()
    {
        var u = new double[2];
        new RandomStream(42).FillUniform(0, u);
        Assert.Equal(0x3FCA8958E09CC4DC, Bits(u[0]));
        Assert.Equal(0x3FC0B07BA33B73BC, Bits(u[1]));
    }
}
