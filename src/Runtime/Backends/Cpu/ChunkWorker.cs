namespace PartialWave.Backends.Cpu;

/// <summary>
/// One thread's state for running a kernel chunk by chunk: its column table, its scratch columns (kept in the
/// core's cache from chunk to chunk) and a chunk's worth of output columns.
/// </summary>
internal sealed unsafe class ChunkWorker : IDisposable
{
    public readonly NativeBuffer Table, Scratch, Outputs;

    public ChunkWorker(CompiledKernel k)
    {
        Table = new NativeBuffer(k.SlotCount);
        long stride = k.ColumnStride;
        Scratch = new NativeBuffer((long)Math.Max(1, k.ScratchCount) * stride);
        Outputs = new NativeBuffer((long)Math.Max(1, k.OutputCount) * stride);
        // Scratch columns are the same for every chunk a worker runs: set once.
        var table = (double**)Table.Pointer;
        for (int x = 0; x < k.ScratchCount; x++) table[k.InputCount + k.OutputCount + x] = Scratch.Pointer + (long)x * stride;
        PointOutputsHere(k);
    }

    /// <summary>True while the table's output slots point at <see cref="Outputs"/>.</summary>
    public bool OutputsHere { get; private set; }

    /// <summary>
    /// Points the table's output slots at this worker's chunk buffer. Kept between chunks: a summed gradient has
    /// hundreds of outputs, and setting their pointers per chunk of 32 events was a twentieth of its time.
    /// </summary>
    public void PointOutputsHere(CompiledKernel k)
    {
        var table = (double**)Table.Pointer;
        long stride = k.ColumnStride;
        for (int j = 0; j < k.OutputCount; j++) table[k.InputCount + j] = Outputs.Pointer + j * stride;
        OutputsHere = true;
    }

    /// <summary>Points the output slots elsewhere for one chunk.</summary>
    public void PointOutputs(CompiledKernel k, int j, double* column)
    {
        ((double**)Table.Pointer)[k.InputCount + j] = column;
        OutputsHere = false;
    }

    public void Dispose()
    {
        Table.Dispose(); Scratch.Dispose(); Outputs.Dispose();
    }
}
