using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using PartialWave.Data;
using PartialWave.Parsing;

// Not PartialWave.Engine.Tests.Data: that would shadow PartialWave.Data for "Data.X" in sibling test namespaces.
namespace PartialWave.Engine.Tests.Runtime.Data;

public class NumpyFilesTests
{
    /// <summary>A .npy file as NumPy writes it (version 1.0, header padded to 64 bytes).</summary>
    internal static byte[] Npy(string descr, string shape, byte[] data, bool fortran = false, int version = 1)
    {
        var dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        int prefix = version == 1 ? 10 : 12;
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        var header = new byte[total];
        ((ReadOnlySpan<byte>)[0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y']).CopyTo(header);
        header[6] = (byte)version;
        if (version == 1) BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)(total - prefix));
        else BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), (uint)(total - prefix));
        Encoding.ASCII.GetBytes(dict).CopyTo(header, prefix);
        header.AsSpan(prefix + dict.Length, total - prefix - dict.Length - 1).Fill((byte)' ');
        header[^1] = (byte)'\n';
        return [.. header, .. data];
    }

    private static byte[] Bytes<T>(T[] values, Action<byte[], int, T> write, int size)
    {
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++) write(bytes, i * size, values[i]);
        return bytes;
    }

    private static byte[] F8(params double[] v) => Bytes(v, (b, o, x) => BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(o), x), 8);

    [Fact]
    public void Npy_round_trip_one_column_is_named_after_the_file()
    {
        using var dir = new TempDir();
        var values = DataAssert.Awkward(1000, 9);
        var path = dir.File("m_12.npy");
        EventFiles.Write(DataAssert.Sample(("anything", values)), path);
        DataAssert.Equal(DataAssert.Sample(("m_12", values)), DataAssert.Ok(EventFiles.Read(path)));
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(0, NpyHeaderLength(bytes) % 64);
        Assert.Contains("'descr': '<f8', 'fortran_order': False, 'shape': (1000,)", Encoding.ASCII.GetString(bytes, 10, NpyHeaderLength(bytes) - 10));
    }

    private static int NpyHeaderLength(byte[] bytes) => 10 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));

    [Fact]
    public void Npy_round_trip_of_generic_columns_is_two_dimensional()
    {
        using var dir = new TempDir();
        var sample = DataAssert.Sample(("col0", DataAssert.Awkward(300, 1)), ("col1", DataAssert.Awkward(300, 2)), ("col2", DataAssert.Awkward(300, 3)));
        var path = dir.File("data.npy");
        EventFiles.Write(sample, path);
        DataAssert.Equal(sample, DataAssert.Ok(EventFiles.Read(path)));
    }

    [Fact]
    public void Npy_refuses_named_columns_it_cannot_keep()
    {
        using var dir = new TempDir();
        var ex = Assert.Throws<ArgumentException>(() => EventFiles.Write(DataAssert.Sample(("x", [1.0]), ("y", [2.0])), dir.File("xy.npy")));
        Assert.Contains(".npz", ex.Message);
    }

    [Fact]
    public void Npy_empty_sample_round_trips()
    {
        using var dir = new TempDir();
        var path = dir.File("x.npy");
        EventFiles.Write(DataAssert.Sample(("x", [])), path);
        DataAssert.Equal(DataAssert.Sample(("x", [])), DataAssert.Ok(EventFiles.Read(path)));
    }

    [Fact]
    public void Npy_element_types_and_orders_become_doubles()
    {
        using var dir = new TempDir();
        void Check(string name, byte[] file, params (string, double[])[] expected) =>
            DataAssert.Equal(DataAssert.Sample(expected), DataAssert.Ok(EventFiles.Read(dir.Write(name, file))));

        Check("f4.npy", Npy("<f4", "(3,)", Bytes([1.5f, -2.25f, 1e-3f], (b, o, x) => BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(o), x), 4)),
            ("f4", [1.5, -2.25, (double)1e-3f]));
        Check("i4.npy", Npy("<i4", "(3,)", Bytes([1, -2, int.MaxValue], (b, o, x) => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(o), x), 4)),
            ("i4", [1, -2, int.MaxValue]));
        Check("i8.npy", Npy("<i8", "(2,)", Bytes([1L << 40, -7L], (b, o, x) => BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(o), x), 8)),
            ("i8", [1L << 40, -7]));
        Check("u1.npy", Npy("|u1", "(2,)", [200, 3]), ("u1", [200, 3]));
        Check("be.npy", Npy(">f8", "(2,)", Bytes([0.1, 2.5], (b, o, x) => BinaryPrimitives.WriteDoubleBigEndian(b.AsSpan(o), x), 8)),
            ("be", [0.1, 2.5]));
        Check("v2.npy", Npy("<f8", "(2,)", F8(3, 4), version: 2), ("v2", [3, 4]));
        // 2 events x 3 columns: C order is row by row, Fortran order column by column.
        Check("c.npy", Npy("<f8", "(2, 3)", F8(1, 2, 3, 4, 5, 6)), ("col0", [1, 4]), ("col1", [2, 5]), ("col2", [3, 6]));
        Check("f.npy", Npy("<f8", "(2, 3)", F8(1, 4, 2, 5, 3, 6), fortran: true), ("col0", [1, 4]), ("col1", [2, 5]), ("col2", [3, 6]));
    }

    [Fact]
    public void Npy_shorter_than_its_header_says_is_truncated()
    {
        using var dir = new TempDir();
        var full = Npy("<f8", "(1000,)", F8(new double[1000]));
        var path = dir.Write("short.npy", full[..^4000]);
        var d = DataAssert.Fails(EventFiles.Read(path));
        Assert.Equal(DiagnosticCodes.Truncated, d.Code);
        Assert.Equal(path, d.File);
        Assert.Contains("promises 8000 bytes", d.Message);
        Assert.Contains("has 4000", d.Message);
        Assert.Contains("row index 500", d.Message);
        var ex = Assert.Throws<EventFileException>(() => EventFiles.ReadChunks(path, 100).ToList());
        Assert.Equal(d, ex.Diagnostic);
        // Cut inside the header.
        Assert.Equal(DiagnosticCodes.Truncated, DataAssert.Fails(EventFiles.Read(dir.Write("header.npy", full[..40]))).Code);
    }

    [Fact]
    public void Npy_with_bytes_after_its_data_is_an_error()
    {
        using var dir = new TempDir();
        var d = DataAssert.Fails(EventFiles.Read(dir.Write("long.npy", [.. Npy("<f8", "(2,)", F8(1, 2)), 0, 0, 0])));
        Assert.Contains("3 bytes after the data", d.Message);
    }

    [Theory]
    [InlineData("<c16", "(2,)", "element type '<c16'")]
    [InlineData("<f8", "(2, 2, 2)", "3-dimensional")]
    [InlineData("<f8", "()", "0-dimensional")]
    public void Npy_unsupported_arrays_are_named(string descr, string shape, string message)
    {
        using var dir = new TempDir();
        var d = DataAssert.Fails(EventFiles.Read(dir.Write("odd.npy", Npy(descr, shape, new byte[128]))));
        Assert.Equal(DiagnosticCodes.UnsupportedData, d.Code);
        Assert.Contains(message, d.Message);
    }

    [Fact]
    public void Npy_not_a_numpy_file()
    {
        using var dir = new TempDir();
        var d = DataAssert.Fails(EventFiles.Read(dir.Write("text.npy", "x,y\n1,2\n")));
        Assert.Contains("not a .npy file", d.Message);
    }

    [Fact]
    public void Npy_NaN_names_row_and_column()
    {
        using var dir = new TempDir();
        var path = dir.Write("c.npy", Npy("<f8", "(3, 2)", F8(1, 2, 3, 4, 5, double.NaN)));
        var d = DataAssert.Fails(EventFiles.Read(path));
        Assert.Equal(DiagnosticCodes.NaNValue, d.Code);
        Assert.Contains("row index 2: NaN in column 'col1'", d.Message);
        Assert.Equal(3, DataAssert.Ok(EventFiles.Read(path, new EventReadOptions { AllowNaN = true })).Count);
        Assert.Equal(d, Assert.Throws<EventFileException>(() => EventFiles.ReadChunks(path, 2).ToList()).Diagnostic);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 333)]
    [InlineData(true, 333)]
    [InlineData(true, 5000)]
    public void Npy_chunks_equal_the_whole_file(bool fortran, int chunk)
    {
        using var dir = new TempDir();
        var values = DataAssert.Awkward(3 * 1000, 4);
        var path = dir.Write("m.npy", Npy("<f8", "(1000, 3)", F8(values), fortran));
        var whole = DataAssert.Ok(EventFiles.Read(path));
        var chunks = EventFiles.ReadChunks(path, chunk).ToList();
        Assert.Equal((1000 + chunk - 1) / chunk, chunks.Count);
        DataAssert.Equal(whole, DataAssert.Join(chunks, whole.ColumnNames));
        var selected = DataAssert.Join(EventFiles.ReadChunks(path, chunk, new EventReadOptions { Columns = ["col2"] }), ["col2"]);
        Assert.Equal(whole["col2"].ToArray(), selected["col2"].ToArray());
    }

    [Fact]
    public void Npz_round_trip_keeps_names_and_order()
    {
        using var dir = new TempDir();
        var sample = DataAssert.Sample(("theta_0", DataAssert.Awkward(700, 1)), ("m_12", DataAssert.Awkward(700, 2)), ("with space, comma", DataAssert.Awkward(700, 3)));
        var path = dir.File("sample.npz");
        EventFiles.Write(sample, path);
        DataAssert.Equal(sample, DataAssert.Ok(EventFiles.Read(path)));
        using var zip = ZipFile.OpenRead(path);
        Assert.Equal(["theta_0.npy", "m_12.npy", "with space, comma.npy"], zip.Entries.Select(e => e.FullName));
    }

    [Fact]
    public void Npz_empty_samples_round_trip()
    {
        using var dir = new TempDir();
        foreach (var sample in new[] { new EventSample([]), DataAssert.Sample(("x", []), ("y", [])) })
        {
            var path = dir.File("empty.npz");
            EventFiles.Write(sample, path);
            DataAssert.Equal(sample, DataAssert.Ok(EventFiles.Read(path)));
        }
    }

    private static string Npz(TempDir dir, string name, CompressionLevel level, params (string Entry, byte[] Bytes)[] entries)
    {
        var path = dir.File(name);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var (entry, bytes) in entries)
            {
                using var s = zip.CreateEntry(entry, level).Open();
                s.Write(bytes);
            }
        }
        return path;
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void Npz_stored_and_deflated_entries_read_whole_and_in_chunks(CompressionLevel level)
    {
        using var dir = new TempDir();
        var x = DataAssert.Awkward(5000, 1);
        var n = Enumerable.Range(0, 5000).ToArray();
        var path = Npz(dir, "mixed.npz", level,
            ("x.npy", Npy("<f8", "(5000,)", F8(x))),
            ("n.npy", Npy("<i4", "(5000,)", Bytes(n, (b, o, v) => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(o), v), 4))));
        var expected = DataAssert.Sample(("x", x), ("n", n.Select(v => (double)v).ToArray()));
        DataAssert.Equal(expected, DataAssert.Ok(EventFiles.Read(path)));
        DataAssert.Equal(expected, DataAssert.Join(EventFiles.ReadChunks(path, 777), expected.ColumnNames));
        var onlyN = DataAssert.Ok(EventFiles.Read(path, new EventReadOptions { Columns = ["n"] }));
        Assert.Equal(["n"], onlyN.ColumnNames);
    }

    [Fact]
    public void Npz_bad_archives_are_named()
    {
        using var dir = new TempDir();
        var lengths = Npz(dir, "lengths.npz", CompressionLevel.NoCompression, ("x.npy", Npy("<f8", "(2,)", F8(1, 2))), ("y.npy", Npy("<f8", "(3,)", F8(1, 2, 3))));
        Assert.Contains("'y.npy' has 3 values, 'x.npy' has 2", DataAssert.Fails(EventFiles.Read(lengths)).Message);
        Assert.Throws<EventFileException>(() => EventFiles.ReadChunks(lengths, 10).ToList());

        var twoD = Npz(dir, "twod.npz", CompressionLevel.NoCompression, ("m.npy", Npy("<f8", "(1, 2)", F8(1, 2))));
        Assert.Contains("'m.npy' has shape (1, 2)", DataAssert.Fails(EventFiles.Read(twoD)).Message);

        var other = Npz(dir, "other.npz", CompressionLevel.NoCompression, ("readme.txt", "hi"u8.ToArray()));
        Assert.Contains("'readme.txt' is not a .npy array", DataAssert.Fails(EventFiles.Read(other)).Message);

        var truncatedEntry = Npz(dir, "shortentry.npz", CompressionLevel.NoCompression, ("x.npy", Npy("<f8", "(4,)", F8(1, 2))));
        var d = DataAssert.Fails(EventFiles.Read(truncatedEntry));
        Assert.Equal(DiagnosticCodes.Truncated, d.Code);
        Assert.StartsWith("entry 'x.npy': truncated .npy", d.Message);

        var cut = dir.Write("cut.npz", File.ReadAllBytes(lengths)[..100]);
        Assert.Contains("not a complete .npz", DataAssert.Fails(EventFiles.Read(cut)).Message);

        var missing = DataAssert.Fails(EventFiles.Read(lengths, new EventReadOptions { Columns = ["z"] }));
        Assert.Equal(DiagnosticCodes.MissingColumn, missing.Code);
        Assert.Contains("'x', 'y'", missing.Message);
    }

    // Debian's python3-numpy lives under /usr/bin/python3; another python3 may come first on the PATH.
    private static readonly string PythonPath = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    private static bool HasNumpy()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(PythonPath, "-c \"import numpy\"") { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.WaitForExit(30_000);
            return p.HasExited && p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static void Python(string script, string dir)
    {
        var path = Path.Combine(dir, "script.py");
        File.WriteAllText(path, script);
        using var p = Process.Start(new ProcessStartInfo(PythonPath, path) { WorkingDirectory = dir, RedirectStandardError = true, RedirectStandardOutput = true })!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
    }

    /// <summary>Files NumPy writes read here, and files written here load in NumPy with the same values.</summary>
    [SkippableFact]
    public void NumPy_reads_ours_and_we_read_NumPys()
    {
        Skip.IfNot(HasNumpy(), "python3 with numpy is not installed; skipping the NumPy interop check.");
        using var dir = new TempDir();
        var values = DataAssert.Awkward(200, 5).Where(double.IsFinite).ToArray();
        EventFiles.Write(DataAssert.Sample(("a", values), ("b", values.Select(v => -v).ToArray())), dir.File("ours.npz"));
        EventFiles.Write(DataAssert.Sample(("a", values)), dir.File("ours.npy"));
        Python("""
            import numpy as np
            z = np.load("ours.npz"); a = np.load("ours.npy")
            assert list(z.keys()) == ["a", "b"], list(z.keys())
            assert a.dtype == np.float64 and a.shape == z["a"].shape
            assert (a.view(np.int64) == z["a"].view(np.int64)).all() and (z["b"] == -z["a"]).all()
            x = np.linspace(-3, 7, 1001)
            np.save("f4.npy", x.astype(np.float32)); np.save("i8.npy", np.arange(1001, dtype=np.int64))
            np.save("m.npy", np.stack([x, 2 * x], axis=1)); np.save("mf.npy", np.asfortranarray(np.stack([x, 2 * x], axis=1)))
            np.savez("s.npz", x=x, y=x.astype(np.float32)); np.savez_compressed("c.npz", x=x, n=np.arange(1001, dtype=np.int32))
            """, dir.Path);
        var x = Enumerable.Range(0, 1001).Select(i => -3 + 10.0 * i / 1000).ToArray();
        var ours = DataAssert.Ok(EventFiles.Read(dir.File("s.npz")))["x"].ToArray();
        Assert.Equal(x, ours, (p, q) => Math.Abs(p - q) <= 1e-15 * Math.Max(1, Math.Abs(p)));
        Assert.Equal(ours.Select(v => (double)(float)v), DataAssert.Ok(EventFiles.Read(dir.File("f4.npy")))["f4"].ToArray());
        Assert.Equal(Enumerable.Range(0, 1001).Select(i => (double)i), DataAssert.Ok(EventFiles.Read(dir.File("i8.npy")))["i8"].ToArray());
        var m = DataAssert.Ok(EventFiles.Read(dir.File("m.npy")));
        DataAssert.Equal(m, DataAssert.Ok(EventFiles.Read(dir.File("mf.npy"))));
        Assert.Equal(ours.Select(v => 2 * v), m["col1"].ToArray());
        var c = DataAssert.Ok(EventFiles.Read(dir.File("c.npz")));
        Assert.Equal(ours, c["x"].ToArray());
        DataAssert.Equal(c, DataAssert.Join(EventFiles.ReadChunks(dir.File("c.npz"), 100), c.ColumnNames));
    }
}
