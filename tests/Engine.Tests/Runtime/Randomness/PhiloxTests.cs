using PartialWave.Randomness;

// Not ...Tests.Random: a namespace named Random would hide System.Random from the other test namespaces.
namespace PartialWave.Engine.Tests.Runtime.Randomness;

public class PhiloxTests
{
    // Random123's tests/kat_vectors, the three "philox4x32 10" lines: counter (4 words), key (2 words), output.
    public static TheoryData<uint[], uint[], uint[]> KnownAnswers => new()
    {
        { [0x00000000, 0x00000000, 0x00000000, 0x00000000], [0x00000000, 0x00000000], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8] },
        { [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd] },
        { [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1] },
    };

    [Theory]
    [MemberData(nameof(KnownAnswers))]
    public void Matches_Random123_known_answers(uint[] counter, uint[] key, uint[] expected)
    {
        var output = Philox4x32.Compute(new PhiloxBlock(counter[0], counter[1], counter[2], counter[3]), key[0], key[1]);
        Assert.Equal(new PhiloxBlock(expected[0], expected[1], expected[2], expected[3]), output);
    }

    [Theory]
    [MemberData(nameof(KnownAnswers))]
    public void Vector_paths_match_known_answers(uint[] counter, uint[] key, uint[] expected)
    {
        // 40 counters cover the 16-wide, 8-wide and scalar paths; the known counter sits at index 17 (8-wide path
        // on AVX-512 machines, 16-wide otherwise... either way not the scalar tail).
        const int n = 40, at = 17;
        ulong value = counter[0] | ((ulong)counter[1] << 32);
        var template = new PhiloxBlock(0, 0, counter[2], counter[3]);
        var y = new uint[4][];
        for (int w = 0; w < 4; w++) y[w] = new uint[n];
        Philox4x32.ComputeMany(template, 0, value - at, key[0], key[1], y[0], y[1], y[2], y[3]);
        Assert.Equal(expected, new[] { y[0][at], y[1][at], y[2][at], y[3][at] });
    }

    [Theory]
    [InlineData(0, 0UL, 1)]
    [InlineData(0, 5UL, 31)]
    [InlineData(1, 0xFFFF_FFF0UL, 45)]            // the low index word wraps inside the batch
    [InlineData(2, 0x1_FFFF_FFFAUL, 100)]
    [InlineData(0, ulong.MaxValue - 20, 21)]
    public void Bulk_blocks_equal_scalar_blocks(int indexWord, ulong start, int count)
    {
        var template = new PhiloxBlock(0x1234, 0x5678, 0x9abc, 0xdef0);
        uint k0 = 0xcafef00d, k1 = 0xd15ea5e;
        var y = new uint[4][];
        for (int w = 0; w < 4; w++) y[w] = new uint[count];
        Philox4x32.ComputeMany(template, indexWord, start, k0, k1, y[0], y[1], y[2], y[3]);
        for (int t = 0; t < count; t++)
        {
            ulong v = start + (ulong)t;
            var c = indexWord switch
            {
                0 => template with { X0 = (uint)v, X1 = (uint)(v >> 32) },
                1 => template with { X1 = (uint)v, X2 = (uint)(v >> 32) },
                _ => template with { X2 = (uint)v, X3 = (uint)(v >> 32) },
            };
            Assert.Equal(Philox4x32.Compute(c, k0, k1), new PhiloxBlock(y[0][t], y[1][t], y[2][t], y[3][t]));
        }
    }

    [Fact]
    public void Block_words_by_index()
    {
        var b = new PhiloxBlock(1, 2, 3, 4);
        Assert.Equal([1u, 2u, 3u, 4u], new[] { b[0], b[1], b[2], b[3] });
        Assert.Throws<ArgumentOutOfRangeException>(() => b[4]);
    }
}
