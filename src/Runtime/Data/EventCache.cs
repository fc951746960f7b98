using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using PartialWave.Parsing;

namespace PartialWave.Data;

/// <summary>What <see cref="EventCache.Read(string, EventReadOptions?, out EventCacheStatus)"/> did.</summary>
public enum EventCacheStatus
{
    /// <summary>The sample came from the cache.</summary>
    Hit,
    /// <summary>The file was read and its sample stored.</summary>
    Miss,
    /// <summary>The cache entry was corrupt (truncated, altered): the file was read again and the entry replaced.</summary>
    Replaced,
    /// <summary>The file was read but its sample not stored: the cache directory is not writable, the file changed while being read, or the sample is over 2 GB.</summary>
    NotStored,
    /// <summary>The file could not be read; the diagnostics say why. Nothing is cached for bad input.</summary>
    Failed,
}

/// <summary>
/// A cache of parsed event files, keyed by the SHA-256 of the file's content (and the read options), so that an
/// edited file is read again and an unchanged one is loaded from a compact binary copy: a small header and the
/// columns as raw little-endian doubles, with a checksum that exposes a truncated or altered entry, which is then
/// read again from the source. Entries are written to a temporary file and moved into place, so concurrent
/// readers see a whole entry or none.
/// </summary>
/// <remarks>
/// Hashing the source costs about as much as reading the entry many times over (SHA-256 runs at 1-2 GB/s), so
/// with <see cref="TrustFileStamps"/> (the default) a file's hash is remembered with its length, modification time
/// and, on Linux, inode and inode change time, and computed again when any of them changes, as git decides what
/// changed: an edit to the same length whose old modification time is put back (cp -p, rsync -t, tar) still changes
/// the change time, which no tool can set. Elsewhere only length and modification time are compared. A stamp taken within
/// seconds of the file's last modification is not trusted, so that a file rewritten twice within the file
/// system's timestamp resolution is still hashed again (git's "racy clean" rule). Set it to false to hash the
/// content on every read.
/// </remarks>
public sealed class EventCache
{
    private const int FormatVersion = 1;
    private static ReadOnlySpan<byte> EntryMagic => "PWEVENT1"u8;
    private static ReadOnlySpan<byte> StampMagic => "PWSTAMP2"u8;
    private const int FixedHeader = 64;
    private const int Segment = 1 << 18; // doubles per checksummed segment (2 MB)
    private static readonly long RacyTicks = TimeSpan.FromSeconds(3).Ticks;

    /// <summary>A cache in <paramref name="directory"/>, or in <see cref="DefaultDirectory"/> when null.</summary>
    public EventCache(string? directory = null) => Directory = Path.GetFullPath(directory ?? DefaultDirectory);

    /// <summary>
    /// $PARTIALWAVE_CACHE/events when that variable is set, otherwise $XDG_CACHE_HOME/partialwave/events, or
    /// ~/.cache/partialwave/events.
    /// </summary>
    public static string DefaultDirectory
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("PARTIALWAVE_CACHE");
            if (!string.IsNullOrEmpty(root)) return Path.Combine(root, "events");
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var cache = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(cache, "partialwave", "events");
        }
    }

    /// <summary>Where the entries are.</summary>
    public string Directory { get; }

    /// <summary>Reuse a file's hash while its length and modification time are unchanged (see the remarks).</summary>
    public bool TrustFileStamps { get; init; } = true;

    /// <summary>Reads an event file through the cache.</summary>
    public ParseResult<EventSample> Read(string path, EventReadOptions? options = null) => Read(path, options, out _);

    /// <summary>Reads an event file through the cache, saying whether it was a hit.</summary>
    /// <param name="path">A file <see cref="EventFiles.Read"/> reads.</param>
    /// <param name="options">Columns to read and NaN policy (part of the key); null for <see cref="EventReadOptions.Default"/>.</param>
    /// <param name="status">Hit, miss, or why the cache was not used.</param>
    public ParseResult<EventSample> Read(string path, EventReadOptions? options, out EventCacheStatus status)
    {
        options ??= EventReadOptions.Default;
        var format = EventFiles.FormatOf(path);
        var info = new FileInfo(path);
        if (format is null || !info.Exists || !BitConverter.IsLittleEndian)
        {
            var direct = EventFiles.Read(path, options);
            status = direct.Success ? EventCacheStatus.NotStored : EventCacheStatus.Failed;
            return direct;
        }
        var full = info.FullName;
        var stamp = FileStamp.Of(info);
        var hash = TrustFileStamps ? StampedHash(full, stamp) : null;
        if (hash is null)
        {
            try
            {
                hash = HashContent(full);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                var direct = EventFiles.Read(path, options);
                status = direct.Success ? EventCacheStatus.NotStored : EventCacheStatus.Failed;
                return direct;
            }
            if (TrustFileStamps && Unchanged(info, stamp)) SaveStamp(full, stamp, hash);
        }
        var key = Key(format.Value, options);
        var entry = EntryPath(hash, key);
        var loaded = Load(entry, hash, key, out var cached);
        if (loaded == LoadResult.Loaded)
        {
            status = EventCacheStatus.Hit;
            return new ParseResult<EventSample>(cached, []);
        }
        if (loaded == LoadResult.Corrupt) TryDelete(entry);
        var result = EventFiles.Read(path, options);
        if (!result.Success)
        {
            status = EventCacheStatus.Failed;
            return result;
        }
        // The entry is keyed by the hash taken before reading: store it only if the file stayed as it was.
        if (!Unchanged(info, stamp))
        {
            status = EventCacheStatus.NotStored;
            return result;
        }
        // Entries are mapped whole when loaded, which caps them at the largest array.
        if (8L * result.Value!.Count * result.Value.ColumnNames.Count + (1 << 16) > Array.MaxLength)
        {
            status = EventCacheStatus.NotStored;
            return result;
        }
        try
        {
            Store(entry, hash, key, result.Value!);
            status = loaded == LoadResult.Corrupt ? EventCacheStatus.Replaced : EventCacheStatus.Miss;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            status = EventCacheStatus.NotStored;
        }
        return result;
    }

    /// <summary>Removes every entry and remembered hash.</summary>
    public void Clear()
    {
        if (!System.IO.Directory.Exists(Directory)) return;
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.pwev")) TryDelete(file);
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.tmp")) TryDelete(file);
        var stamps = Path.Combine(Directory, "stamps");
        if (System.IO.Directory.Exists(stamps))
            foreach (var file in System.IO.Directory.EnumerateFiles(stamps)) TryDelete(file);
    }

    /// <summary>The SHA-256 of a file's content, as lower-case hex.</summary>
    public static string HashFile(string path) => Convert.ToHexStringLower(HashContent(path));

    private static byte[] HashContent(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            long offset = 0;
            int read;
            while ((read = RandomAccess.Read(handle, buffer, offset)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return sha.GetHashAndReset();
    }

    /// <summary>The part of the key that is not the content: format, options, entry layout version.</summary>
    private static string Key(EventFileFormat format, EventReadOptions options)
    {
        var text = new StringBuilder($"v{FormatVersion}|{format}|nan={options.AllowNaN}|");
        if (options.Columns is null) text.Append('*');
        else foreach (var c in options.Columns) text.Append(c.Length).Append(':').Append(c);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 8));
    }

    private string EntryPath(byte[] hash, string key) => Path.Combine(Directory, $"{Convert.ToHexStringLower(hash)}-{key}.pwev");

    private static bool Unchanged(FileInfo info, FileStamp stamp)
    {
        info.Refresh();
        return info.Exists && FileStamp.Of(info) == stamp;
    }

    // --- remembered hashes ---------------------------------------------------------------------------------

    private string StampPath(string full) =>
        Path.Combine(Directory, "stamps", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full)).AsSpan(0, 16)) + ".stamp");

    // Stamp layout: magic, length, modification ticks, change ticks, inode, ticks when hashed, SHA-256, the full path (UTF-8).
    private const int StampHeader = 80;

    private byte[]? StampedHash(string full, FileStamp stamp)
    {
        try
        {
            var bytes = File.ReadAllBytes(StampPath(full));
            if (bytes.Length < StampHeader || !bytes.AsSpan().StartsWith(StampMagic)) return null;
            var saved = new FileStamp(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)), BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16)),
                BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(24)), BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(32)));
            if (saved != stamp) return null;
            long hashedAt = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(40));
            if (hashedAt - stamp.Latest < RacyTicks) return null;
            if (!bytes.AsSpan(StampHeader).SequenceEqual(Encoding.UTF8.GetBytes(full))) return null;
            return bytes.AsSpan(48, 32).ToArray();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void SaveStamp(string full, FileStamp stamp, byte[] hash)
    {
        var path = Encoding.UTF8.GetBytes(full);
        var bytes = new byte[StampHeader + path.Length];
        StampMagic.CopyTo(bytes);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), stamp.Length);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), stamp.Modified);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(24), stamp.Changed);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(32), stamp.Inode);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(40), DateTime.UtcNow.Ticks);
        hash.CopyTo(bytes, 48);
        path.CopyTo(bytes, StampHeader);
        try
        {
            var file = StampPath(full);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            OutputFile.Write(file, s => s.Write(bytes));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A stamp only saves hashing next time.
        }
    }

    // --- entries -------------------------------------------------------------------------------------------
    // Layout (little-endian): magic "PWEVENT1", int32 header length H (a multiple of 64), int32 columns k,
    // int64 rows n, 32-byte SHA-256 of the source, 8-byte key, 4 bytes zero; then k names (int32 byte length,
    // UTF-8), zero padding to H; then the k columns, n doubles each; then an 8-byte checksum: that of the header,
    // then of each 2 MB segment of each column in turn, so that segments can be checked in parallel.

    private enum LoadResult { Missing, Loaded, Corrupt }

    private static LoadResult Load(string entry, byte[] hash, string key, out EventSample? sample)
    {
        sample = null;
        IMemoryOwner<byte> mapped;
        try
        {
            mapped = MappedFile.Open(entry);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return LoadResult.Missing;
        }
        using (mapped) return LoadEntry(mapped.Memory, hash, key, out sample) ? LoadResult.Loaded : LoadResult.Corrupt;
    }

    // The entry is mapped (entries are replaced by moving a new file over them, never rewritten in place) and each
    // 2 MB segment copied and checked in one pass, on all cores: page faults on the new arrays and the copy are
    // most of a reload, and both run in parallel.
    private static bool LoadEntry(ReadOnlyMemory<byte> memory, byte[] hash, string key, out EventSample? sample)
    {
        sample = null;
        var data = memory.Span;
        long length = data.Length;
        if (length < FixedHeader + 8 || !data.StartsWith(EntryMagic)) return false;
        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(data[8..]);
        int k = BinaryPrimitives.ReadInt32LittleEndian(data[12..]);
        long n = BinaryPrimitives.ReadInt64LittleEndian(data[16..]);
        if (headerLength < FixedHeader || headerLength % 64 != 0 || headerLength > length - 8 || k < 0 || n < 0 || n > Array.MaxLength) return false;
        if ((length - headerLength - 8) % 8 != 0 || (length - headerLength - 8) / 8 != (long)k * n) return false;
        if (!data.Slice(24, 32).SequenceEqual(hash) || !data.Slice(56, 8).SequenceEqual(Convert.FromHexString(key))) return false;
        var header = data[..headerLength];
        var checksum = new Checksum();
        checksum.Add(header);
        var names = new string[k];
        int at = FixedHeader;
        for (int j = 0; j < k; j++)
        {
            if (at + 4 > headerLength) return false;
            int size = BinaryPrimitives.ReadInt32LittleEndian(header[at..]);
            if (size < 0 || at + 4 + size > headerLength) return false;
            names[j] = Encoding.UTF8.GetString(header.Slice(at + 4, size));
            at += 4 + size;
        }
        var arrays = new double[k][];
        for (int j = 0; j < k; j++) arrays[j] = LargeArrays.Doubles((int)n);
        int perColumn = (int)((n + Segment - 1) / Segment);
        var sums = new ulong[k * perColumn];
        Parallel.For(0, sums.Length, s =>
        {
            int j = s / perColumn, start = s % perColumn * Segment, count = (int)Math.Min(Segment, n - start);
            var source = memory.Span.Slice((int)(headerLength + 8 * (j * n + start)), 8 * count);
            var c = new Checksum();
            c.AddCopy(source, MemoryMarshal.AsBytes(arrays[j].AsSpan(start, count)));
            sums[s] = c.Value;
        });
        foreach (var v in sums) checksum.AddValue(v);
        if (BinaryPrimitives.ReadUInt64LittleEndian(data[^8..]) != checksum.Value) return false;
        try
        {
            sample = new EventSample(names.Select((name, j) => new KeyValuePair<string, double[]>(name, arrays[j])));
        }
        catch (ArgumentException)
        {
            return false; // duplicate names: not an entry this class wrote
        }
        return true;
    }

    private void Store(string entry, byte[] hash, string key, EventSample sample)
    {
        var names = sample.ColumnNames.Select(Encoding.UTF8.GetBytes).ToList();
        int headerLength = (FixedHeader + names.Sum(b => 4 + b.Length) + 63) / 64 * 64;
        var header = new byte[headerLength];
        EntryMagic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), headerLength);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), names.Count);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), sample.Count);
        hash.CopyTo(header, 24);
        Convert.FromHexString(key).CopyTo(header, 56);
        int at = FixedHeader;
        foreach (var name in names)
        {
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(at), name.Length);
            name.CopyTo(header, at + 4);
            at += 4 + name.Length;
        }
        System.IO.Directory.CreateDirectory(Directory);
        OutputFile.Write(entry, stream =>
        {
            var checksum = new Checksum();
            checksum.Add(header);
            stream.Write(header);
            foreach (var name in sample.ColumnNames)
            {
                var column = sample.Column(name);
                for (int start = 0; start < column.Length; start += Segment)
                {
                    var bytes = MemoryMarshal.AsBytes(column.AsSpan(start, Math.Min(Segment, column.Length - start)));
                    var c = new Checksum();
                    c.Add(bytes);
                    checksum.AddValue(c.Value);
                }
                stream.Write(MemoryMarshal.AsBytes(column.AsSpan()));
            }
            Span<byte> trailer = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(trailer, checksum.Value);
            stream.Write(trailer);
        });
    }

    private static void TryDelete(string file)
    {
        try { File.Delete(file); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }
}
