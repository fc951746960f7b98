using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace PartialWave.Data;

/// <summary>
/// A file mapped read-only into memory, as <see cref="Memory{T}"/>. Reading a large CSV into a new byte array
/// costs mostly page faults on the fresh array; mapping the page cache avoids them (several times faster when the
/// readers were written). Caveat of every mapping: a file truncated by another process while mapped
/// faults the reader, so the readers map only while they parse and copy the values out.
/// </summary>
internal sealed unsafe class MappedFile : MemoryManager<byte>
{
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _pointer;
    private readonly int _length;

    private MappedFile(MemoryMappedFile? file, MemoryMappedViewAccessor? view, byte* pointer, int length)
    {
        _file = file;
        _view = view;
        _pointer = pointer;
        _length = length;
    }

    /// <summary>
    /// A whole file's bytes: mapped when it is a regular file (at most <see cref="Array.MaxLength"/> bytes), read
    /// into an array when it is a pipe or device that cannot be mapped.
    /// </summary>
    public static IMemoryOwner<byte> Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        try
        {
            if (!stream.CanSeek)
            {
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                stream.Dispose();
                return new ArrayOwner(copy.GetBuffer(), (int)copy.Length);
            }
            long length = stream.Length;
            if (length > Array.MaxLength) throw new IOException($"the file has {length} bytes, more than can be mapped at once");
            if (length == 0)
            {
                stream.Dispose();
                return new MappedFile(null, null, null, 0);
            }
            var file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            try
            {
                var view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
                byte* pointer = null;
                view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
                return new MappedFile(file, view, pointer + view.PointerOffset, (int)length);
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private sealed class ArrayOwner(byte[] array, int length) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory => array.AsMemory(0, length);
        public void Dispose() { }
    }

    /// <inheritdoc/>
    public override Span<byte> GetSpan() => new(_pointer, _length);

    /// <inheritdoc/>
    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    /// <inheritdoc/>
    public override void Unpin() { }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _file?.Dispose();
    }
}
