using PartialWave.Randomness;

namespace PartialWave.Engine.Tests.Runtime.Randomness;

public class FillUniformFastPathTests
{
    [Theory]
    [InlineData(0L, 10_000)]
    [InlineData(1L, 10_001)]
    [InlineData(4096L, 513)]
    [InlineData(1L << 40, 2048)]
    public void Bulk_fills_equal_the_value_at_each_position(long position, int length)
    {
        var s = new RandomStream(99, 3);
        var bulk = new double[length];
        s.FillUniform(position, bulk);
        for (int i = 0; i < length; i += 1 + i / 64) Assert.Equal(s.Uniform(position + i), bulk[i]);
        Assert.Equal(s.Uniform(position + length - 1), bulk[^1]);
        // and any split of the range gives the same numbers
        var split = new double[length];
        int cut = length / 3;
        s.FillUniform(position, split.AsSpan(0, cut));
        s.FillUniform(position + cut, split.AsSpan(cut));
        Assert.Equal(bulk, split);
    }

    [Theory]
    [InlineData(0L, 10_000)]
    [InlineData(3L, 10_001)]
    [InlineData(1L << 40, 4099)]
    public void Thirty_two_bit_uniforms_are_the_same_whole_or_split_and_lie_in_the_unit_interval(long position, int length)
    {
        var s = new RandomStream(5, 1);
        var bulk = new double[length];
        s.FillUniform32(position, bulk);
        var pieces = new double[length];
        for (int at = 0; at < length; at += 7) s.FillUniform32(position + at, pieces.AsSpan(at, Math.Min(7, length - at)));
        Assert.Equal(bulk, pieces);
        Assert.All(bulk, u => Assert.InRange(u, 0.0, 1.0 - 1.0 / 4294967296.0));
        Assert.InRange(bulk.Average(), 0.49, 0.51);
        // each is a whole number of 2^-32
        Assert.All(bulk, u => Assert.Equal(Math.Floor(u * 4294967296.0), u * 4294967296.0));
    }
}
