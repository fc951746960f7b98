using PartialWave.Backends.Cpu;

namespace PartialWave.Engine.Tests.Runtime.Backends;

/// <summary>Placement of large column buffers within their pages (the columns a kernel streams side by side).</summary>
public unsafe class NativeBufferTests
{
    [Fact]
    public void Large_buffers_take_distinct_aligned_offsets_in_their_pages_and_keep_their_whole_length()
    {
        const long length = 1 << 17; // 1 MB
        var offsets = new HashSet<long>();
        for (int k = 0; k < 32; k++)
        {
            using var b = new NativeBuffer(length).Place(k);
            long address = (long)b.Pointer;
            Assert.Equal(0, address % 64); // Vector512 loads stay aligned
            offsets.Add(address % 4096);
            b.Span.Fill(k); // the placed block's whole length is writable
            Assert.Equal(k, b.Span[^1]);
        }
        Assert.Equal(32, offsets.Count);
    }

    [Fact]
    public void Placement_cycles_and_leaves_small_buffers_where_they_are()
    {
        using var large = new NativeBuffer(1 << 17);
        long first = (long)large.Place(0).Pointer;
        long again = (long)large.Place(32).Pointer;
        Assert.Equal(first, again); // 32 placements span the page
        Assert.NotEqual(first, (long)large.Place(1).Pointer);
        using var small = new NativeBuffer(256);
        long before = (long)small.Pointer;
        Assert.Equal(before, (long)small.Place(5).Pointer);
    }
}
