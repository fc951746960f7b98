namespace PartialWave.Backends.Cpu;

/// <summary>Where a CPU kernel run reads and writes besides the bound columns, and how its chunks are grouped.</summary>
/// <param name="Direct">
/// Output addresses (the caller's arrays): chunks lying wholly below <paramref name="DirectLimit"/> write their
/// outputs straight there and the after-chunk callback gets a zero pointer; the last, partial chunk goes through the
/// worker's buffer, since it would write past the caller's end.
/// </param>
/// <param name="DirectLimit">Events the caller's output arrays hold.</param>
/// <param name="InPlace">
/// Input addresses (the caller's pinned arrays), read for chunks wholly below <paramref name="InPlaceLimit"/>;
/// the last chunk reads <paramref name="Tails"/> (one padded chunk each) instead, and the bound columns are unused.
/// </param>
/// <param name="InPlaceLimit">Events the caller's input arrays hold.</param>
/// <param name="Tails">The last chunk's inputs when reading in place.</param>
/// <param name="ChunksPerTask">
/// Chunks are handed to threads in runs of this many, each run by one thread in order: a caller can then add up a
/// run's chunks as they come and still get the same sums for any number of threads (0 counts as 1).
/// </param>
internal readonly record struct ChunkRouting(IntPtr[]? Direct = null, int DirectLimit = 0, IntPtr[]? InPlace = null, int InPlaceLimit = 0,
    NativeBuffer[]? Tails = null, int ChunksPerTask = 1);
