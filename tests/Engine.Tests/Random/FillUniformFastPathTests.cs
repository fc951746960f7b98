using PartialWave.Randomness;

namespace PartialWave.Engine.Tests.Randomness;

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
}
