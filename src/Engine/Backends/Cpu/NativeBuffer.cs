using System.Runtime.InteropServices;

namespace PartialWave.Backends.Cpu;

/// <summary>A 64-byte aligned block of doubles outside the GC heap: stable pointers for generated kernels.</summary>
internal sealed unsafe class NativeBuffer : IDisposable
{
    public NativeBuffer(long length)
    {
        Length = Math.Max(length, 1);
        Pointer = (double*)NativeMemory.AlignedAlloc((nuint)(Length * sizeof(double)), 64);
        new Span<double>(Pointer, checked((int)Length)).Clear();
    }

    public double* Pointer { get; private set; }
    public long Length { get; }

    public Span<double> Span => new(Pointer, checked((int)Length));

    public void Dispose()
    {
        if (Pointer == null) return;
        NativeMemory.AlignedFree(Pointer);
        Pointer = null;
        GC.SuppressFinalize(this);
    }

    ~NativeBuffer() => Dispose();
}
