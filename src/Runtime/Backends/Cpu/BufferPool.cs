namespace PartialWave.Backends.Cpu;

/// <summary>
/// Column buffers of evicted bindings, by length, for the next sample of that size: a simulation binds a new batch
/// of the same size again and again, and fresh memory costs page faults comparable to the evaluation.
/// </summary>
internal sealed class BufferPool : IDisposable
{
    private const int Depth = 16;
    private readonly Dictionary<long, Stack<NativeBuffer>> _free = [];

    /// <summary>
    /// A buffer of <paramref name="length"/> doubles placed at <paramref name="placement"/> within its page (see
    /// <see cref="NativeBuffer.Place"/>; a binding gives each column its own). Not cleared: every user writes the
    /// values it reads (see NativeBuffer's zeroed).
    /// </summary>
    public NativeBuffer Rent(long length, int placement = 0) =>
        (_free.TryGetValue(length, out var stack) && stack.Count > 0 ? stack.Pop() : new NativeBuffer(length, zeroed: false)).Place(placement);

    /// <summary>Keeps <paramref name="buffer"/> for a later <see cref="Rent"/> (up to a few per length; the rest are freed).</summary>
    public void Return(NativeBuffer buffer)
    {
        if (!_free.TryGetValue(buffer.Length, out var stack)) _free[buffer.Length] = stack = new Stack<NativeBuffer>();
        if (stack.Count < Depth) stack.Push(buffer);
        else buffer.Dispose();
    }

    public void Dispose()
    {
        foreach (var stack in _free.Values)
            foreach (var buffer in stack) buffer.Dispose();
        _free.Clear();
    }
}
