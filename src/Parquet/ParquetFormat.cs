using PartialWave.Parsing;

namespace PartialWave.Data;

/// <summary>What the runtime's <see cref="ParquetFiles"/> finds: <see cref="ParquetEvents"/> behind the runtime's contract.</summary>
internal sealed class ParquetFormat : IParquetFiles
{
    public ParseResult<EventSample> Read(string path, EventReadOptions options) => ParquetEvents.Read(path, options);

    public IEnumerable<EventSample> ReadChunks(string path, int chunkEvents, EventReadOptions options) => ParquetEvents.ReadChunks(path, chunkEvents, options);

    public void Write(EventSample sample, string path) => ParquetEvents.Write(sample, path);
}
