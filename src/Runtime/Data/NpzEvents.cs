using System.IO.Compression;
using PartialWave.Parsing;

namespace PartialWave.Data;

/// <summary>
/// NumPy <c>.npz</c> files: a zip archive of 1-D <c>.npy</c> arrays, one per column, the entry name (less
/// ".npy") being the column name, as <c>numpy.savez(file, x=..., y=...)</c> writes them. Entries may be stored
/// (<c>savez</c>) or deflated (<c>savez_compressed</c>); written files are stored, as <c>savez</c> writes them,
/// since doubles barely compress.
/// </summary>
internal static class NpzEvents
{
    /// <summary>Reads a .npz file.</summary>
    public static ParseResult<EventSample> Read(string path, EventReadOptions options)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Read(stream, path, options);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(path, DiagnosticCodes.FileError, $"cannot read the file: {ex.Message}");
        }
    }

    /// <summary>Reads a .npz archive from a seekable stream.</summary>
    public static ParseResult<EventSample> Read(Stream stream, string file, EventReadOptions options)
    {
        var opened = Open(stream, file, options, out var archive, out var entries, out var selection);
        if (opened is not null) return new ParseResult<EventSample>(null, [opened]);
        using (archive)
        {
            var columns = new List<KeyValuePair<string, double[]>>();
            int? rows = null;
            string? first = null;
            foreach (var (name, entry) in selection!.Source.Select(j => (entries![j].Name, entries[j].Entry)))
            {
                if (entry.Length > Array.MaxLength)
                    return Fail(file, DiagnosticCodes.UnsupportedData, $"entry '{entry.FullName}' has {entry.Length} bytes, more than one column can hold");
                byte[] bytes;
                try
                {
                    bytes = new byte[entry.Length];
                    using var s = entry.Open();
                    s.ReadExactly(bytes);
                }
                catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
                {
                    return Fail(file, DiagnosticCodes.Truncated, $"entry '{entry.FullName}' cannot be read in full: {ex.Message}");
                }
                var header = NpyHeader.Parse(bytes, out var error, out _);
                if (header is not null && header.Shape.Length != 1)
                    return Fail(file, DiagnosticCodes.UnsupportedData, NotOneDimensional(entry.FullName, header));
                var result = NpyEvents.Parse(bytes, file, name, options with { Columns = null });
                if (!result.Success)
                    return new ParseResult<EventSample>(null, result.Diagnostics.Select(d => d with { Message = $"entry '{entry.FullName}': {d.Message}" }).ToList());
                var values = result.Value!;
                if (rows is not null && values.Count != rows)
                    return Fail(file, DiagnosticCodes.UnsupportedData, $"entry '{entry.FullName}' has {values.Count} values, '{first}' has {rows}: the columns of a sample have one length");
                rows ??= values.Count;
                first ??= entry.FullName;
                columns.Add(new(name, values[name].ToArray()));
            }
            return new ParseResult<EventSample>(new EventSample(columns), []);
        }
    }

    /// <summary>Reads a .npz file in chunks of rows, streaming every selected entry side by side.</summary>
    public static IEnumerable<EventSample> ReadChunks(string path, int chunkEvents, EventReadOptions options)
    {
        var stream = EventFileException.OpenForChunks(path);
        using (stream)
        {
            var opened = Open(stream, path, options, out var archive, out var entries, out var selection);
            if (opened is not null) throw new EventFileException(opened);
            using (archive)
            {
                var streams = new List<Stream>();
                try
                {
                    var headers = new List<NpyHeader>();
                    foreach (int j in selection!.Source)
                    {
                        var entry = entries![j].Entry;
                        NpyHeader header;
                        try
                        {
                            var s = entry.Open();
                            streams.Add(s);
                            header = ReadHeader(s, entry.FullName, path);
                        }
                        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
                        {
                            throw new EventFileException(new Diagnostic(DiagnosticCodes.Truncated, $"entry '{entry.FullName}' cannot be read: {ex.Message}", path, 1, 1));
                        }
                        if (NpyEvents.CheckSize(header, entry.Length, path) is { } sizeError)
                            throw new EventFileException(sizeError with { Message = $"entry '{entry.FullName}': {sizeError.Message}" });
                        if (headers.Count > 0 && header.Rows != headers[0].Rows)
                            throw new EventFileException(new Diagnostic(DiagnosticCodes.UnsupportedData,
                                $"entry '{entry.FullName}' has {header.Rows} values, '{entries[selection.Source[0]].Entry.FullName}' has {headers[0].Rows}: the columns of a sample have one length", path, 1, 1));
                        headers.Add(header);
                    }
                    long rows = headers.Count > 0 ? headers[0].Rows : 0;
                    var buffer = Array.Empty<byte>();
                    for (long start = 0; start < rows; start += chunkEvents)
                    {
                        int count = (int)Math.Min(chunkEvents, rows - start);
                        var columns = new List<KeyValuePair<string, double[]>>();
                        for (int k = 0; k < headers.Count; k++)
                        {
                            var header = headers[k];
                            int bytes = count * header.ItemSize;
                            if (buffer.Length < bytes) buffer = new byte[bytes];
                            try
                            {
                                streams[k].ReadExactly(buffer, 0, bytes);
                            }
                            catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
                            {
                                throw new EventFileException(new Diagnostic(DiagnosticCodes.Truncated,
                                    $"entry '{entries![selection.Source[k]].Entry.FullName}' cannot be read in full: {ex.Message}", path, 1, 1));
                            }
                            var values = LargeArrays.Doubles(count);
                            NpyEvents.DecodeStrided(buffer.AsSpan(0, bytes), header, header.ItemSize, values);
                            if (!options.AllowNaN && NpyEvents.NaNError(values, start, selection.Names[k], path) is { } nan) throw new EventFileException(nan);
                            columns.Add(new(selection.Names[k], values));
                        }
                        yield return new EventSample(columns);
                    }
                }
                finally
                {
                    foreach (var s in streams) s.Dispose();
                }
            }
        }
    }

    /// <summary>Writes a sample as a .npz archive of stored 1-D float64 arrays, one per column.</summary>
    public static void Write(EventSample sample, string path) => OutputFile.Write(path, stream => Write(sample, stream));

    /// <summary>Writes a sample as a .npz archive to a stream.</summary>
    public static void Write(EventSample sample, Stream stream)
    {
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var name in sample.ColumnNames)
        {
            var entry = archive.CreateEntry(name + ".npy", CompressionLevel.NoCompression);
            // A fixed time stamp (the zip format's epoch, as NumPy writes): the same sample gives the same bytes.
            entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
            using var s = entry.Open();
            NpyEvents.WriteColumn(s, sample[name]);
        }
    }

    // Opens the archive and picks the entries to read; a diagnostic when it is not a usable .npz.
    private static Diagnostic? Open(Stream stream, string file, EventReadOptions options, out ZipArchive? archive,
        out List<(string Name, ZipArchiveEntry Entry)>? entries, out ColumnSelection? selection)
    {
        archive = null;
        entries = null;
        selection = null;
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException ex)
        {
            return new Diagnostic(DiagnosticCodes.UnsupportedData, $"not a complete .npz (zip) file, or truncated: {ex.Message}", file, 1, 1);
        }
        entries = [];
        IReadOnlyCollection<ZipArchiveEntry> all;
        try
        {
            all = archive.Entries; // the central directory is read here
        }
        catch (InvalidDataException ex)
        {
            archive.Dispose();
            return new Diagnostic(DiagnosticCodes.UnsupportedData, $"not a complete .npz (zip) file, or damaged: {ex.Message}", file, 1, 1);
        }
        foreach (var entry in all)
        {
            if (entry.FullName.EndsWith('/') && entry.Length == 0) continue; // a directory
            if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
            {
                archive.Dispose();
                return new Diagnostic(DiagnosticCodes.UnsupportedData, $"entry '{entry.FullName}' is not a .npy array: a .npz event file holds only .npy columns", file, 1, 1);
            }
            entries.Add((entry.FullName[..^4], entry));
        }
        var diagnostics = new List<Diagnostic>();
        selection = ColumnSelection.Create(entries.Select(e => e.Name).ToList(), options, file, 1, diagnostics);
        if (selection is null)
        {
            archive.Dispose();
            return diagnostics[0];
        }
        return null;
    }

    // The .npy header at the start of an entry's stream, which is left at the first data byte.
    private static NpyHeader ReadHeader(Stream s, string entry, string file)
    {
        var head = new byte[12];
        int got = s.ReadAtLeast(head, 12, throwOnEndOfStream: false);
        var header = NpyHeader.Parse(head.AsSpan(0, got), out var error, out int needed);
        if (header is null && needed > got)
        {
            var more = new byte[needed];
            head.AsSpan(0, got).CopyTo(more);
            got += s.ReadAtLeast(more.AsSpan(got), needed - got, throwOnEndOfStream: false);
            header = NpyHeader.Parse(more.AsSpan(0, got), out error, out _);
        }
        if (header is null)
            throw new EventFileException(new Diagnostic(error!.StartsWith("the file ends", StringComparison.Ordinal) ? DiagnosticCodes.Truncated : DiagnosticCodes.UnsupportedData,
                $"entry '{entry}': {error}", file, 1, 1));
        if (header.Shape.Length != 1)
            throw new EventFileException(new Diagnostic(DiagnosticCodes.UnsupportedData, NotOneDimensional(entry, header), file, 1, 1));
        return header;
    }

    private static string NotOneDimensional(string entry, NpyHeader header) =>
        $"entry '{entry}' has shape {NpyHeader.FormatShape(header.Shape)}: the columns of a .npz event file are 1-D arrays";

    private static ParseResult<EventSample> Fail(string file, string code, string message) =>
        new(null, [new Diagnostic(code, message, file, 1, 1)]);
}
