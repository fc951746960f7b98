using System.Runtime.InteropServices;

namespace PartialWave.Backends.Cpu;

/// <summary>
/// A 64-byte aligned block of doubles outside the GC heap: stable pointers for generated kernels. Large blocks can be
/// placed at one of several offsets within a page (<see cref="Place"/>), so that the columns a kernel streams side by
/// side do not all start at the same position in their pages.
/// </summary>
internal sealed unsafe class NativeBuffer : IDisposable
{
    /// <summary>
    /// Blocks of at least this many bytes get a page of room to be placed in. Separately allocated large blocks all
    /// start at the same offset in their pages (the allocator maps them page by page), so the k-th line of every column
    /// falls in the same first-level cache set: a kernel reading twelve such columns evicted the lines the prefetcher
    /// had just fetched (placing them apart made such sums and the couplings-only J/ψ kernel measurably faster).
    /// </summary>
    private const long PlacementMinimumBytes = 1 << 20;
    private const int PageBytes = 4096;
    /// <summary>Distance between consecutive placements: an even number of lines (odd ones measured no better than none), 32 distinct offsets.</summary>
    private const int PlacementStepBytes = 384;

    private byte* _block;

    /// <param name="length">Doubles.</param>
    /// <param name="zeroed">
    /// Clear the block. Column buffers are not: their users write every value before reading (a sample's columns
    /// are copied in and their padding cleared, cached columns are written by the data kernel, weights filled), and
    /// clearing fresh memory on one thread took much of a first evaluation: the canonical J/ψ model's 54 cached
    /// columns on a million events are 432 MB, whose pages the clearing touched first and alone; now the data kernel
    /// touches them on every thread, and a first evaluation of a million events got about a third faster.
    /// </param>
    public NativeBuffer(long length, bool zeroed = true)
    {
        Length = Math.Max(length, 1);
        long bytes = Length * sizeof(double);
        Room = bytes >= PlacementMinimumBytes ? PageBytes : 0;
        _block = (byte*)NativeMemory.AlignedAlloc((nuint)(bytes + Room), Room > 0 ? (nuint)PageBytes : 64); // placed blocks start a page
        Pointer = (double*)_block;
        if (zeroed) new Span<double>(Pointer, checked((int)Length)).Clear();
    }

    public double* Pointer { get; private set; }
    public long Length { get; }
    private int Room { get; }

    public Span<double> Span => new(Pointer, checked((int)Length));

    /// <summary>
    /// Moves the block to the <paramref name="index"/>-th placement within its page (no effect on small blocks). The
    /// contents are not carried along: place a block before writing it.
    /// </summary>
    public NativeBuffer Place(int index)
    {
        if (Room > 0) Pointer = (double*)(_block + (long)index * PlacementStepBytes % PageBytes);
        return this;
    }

    public void Dispose()
    {
        if (_block == null) return;
        NativeMemory.AlignedFree(_block);
        _block = null;
        Pointer = null;
        GC.SuppressFinalize(this);
    }

    ~NativeBuffer() => Dispose();
}
