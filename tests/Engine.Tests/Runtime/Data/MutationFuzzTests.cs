using System.Text;
using PartialWave.Data;
using PartialWave.Modeling;
using PartialWave.Parsing;
using Xunit.Abstractions;

namespace PartialWave.Engine.Tests.Runtime.Data;

/// <summary>
/// Valid files of every format, damaged at random (bits flipped, bytes zeroed or inserted, cut short; seeded, so
/// reproducible): a reader never throws, never hangs, and a failure names the file and a place in it. Parquet, whose
/// pages carry checksums, never reads damaged values: either an error or exactly the original numbers.
/// </summary>
public class MutationFuzzTests(ITestOutputHelper output)
{
    private const int Mutants = 400;

    private static byte[] Mutate(byte[] original, Random rng)
    {
        var bytes = (byte[])original.Clone();
        switch (rng.Next(5))
        {
            case 0:
                bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
                return bytes;
            case 1:
            {
                int at = rng.Next(bytes.Length), n = Math.Min(bytes.Length - at, rng.Next(1, 65));
                Array.Clear(bytes, at, n);
                return bytes;
            }
            case 2:
                return bytes[..rng.Next(bytes.Length)];
            case 3:
            {
                int at = rng.Next(bytes.Length);
                var junk = new byte[rng.Next(1, 9)];
                rng.NextBytes(junk);
                return [.. bytes[..at], .. junk, .. bytes[at..]];
            }
            default:
            {
                for (int k = rng.Next(2, 6); k > 0; k--) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
                return bytes;
            }
        }
    }

    private static EventSample Sample(int n) => DataAssert.Sample(("m_12", DataAssert.Awkward(n, 1)), ("theta", DataAssert.Awkward(n, 2)));

    [Theory]
    [InlineData(".csv")]
    [InlineData(".npy")]
    [InlineData(".npz")]
    [InlineData(".parquet")]
    public void Damaged_event_files_are_read_or_diagnosed_never_thrown(string extension)
    {
        using var dir = new TempDir();
        // A .npy file keeps one column under its file name, or several as col0..colN.
        var original = extension == ".npy" ? DataAssert.Sample(("col0", DataAssert.Awkward(300, 1)), ("col1", DataAssert.Awkward(300, 2))) : Sample(300);
        var path = dir.File("events" + extension);
        EventFiles.Write(original, path);
        var bytes = File.ReadAllBytes(path);
        var rng = new Random(extension.Length * 7919);
        int read = 0, diagnosed = 0, changed = 0;
        for (int i = 0; i < Mutants; i++)
        {
            var damaged = dir.Write("damaged" + extension, Mutate(bytes, rng));
            ParseResult<EventSample> result;
            try
            {
                result = EventFiles.Read(damaged);
            }
            catch (Exception ex)
            {
                Assert.Fail($"mutant {i}: {ex.GetType().Name} escaped the reader: {ex.Message}");
                return;
            }
            if (result.Success)
            {
                read++;
                bool same = DataAssert.SameValues(original, result.Value!);
                if (!same) changed++;
                if (extension == ".parquet" && !same)
                {
                    var m = File.ReadAllBytes(damaged);
                    int firstDiff = Enumerable.Range(0, Math.Min(m.Length, bytes.Length)).FirstOrDefault(k => m[k] != bytes[k], -1);
                    Assert.Fail($"mutant {i}: len {bytes.Length}->{m.Length}, first diff at {firstDiff}, names {string.Join(",", result.Value!.ColumnNames)} count {result.Value!.Count}");
                }
            }
            else
            {
                diagnosed++;
                var d = result.Diagnostics[0];
                Assert.Equal(damaged, d.File);
                Assert.True(d.Line >= 1 && d.Column >= 1, $"mutant {i}: diagnostic without a place: {d}");
            }
            try
            {
                foreach (var _ in EventFiles.ReadChunks(damaged, 64)) { }
            }
            catch (EventFileException ex)
            {
                Assert.Equal(damaged, ex.Diagnostic.File);
            }
        }
        // CSV, .npy and .npz have no checksums: a changed digit is another number, which only the source can tell.
        output.WriteLine($"{extension}: {read} read ({changed} with other values), {diagnosed} diagnosed");
    }

    [Fact]
    public void Damaged_model_files_and_fit_definitions_are_diagnosed_never_thrown()
    {
        const string model = "model M\nvariable x, theta_1^12\nconstant m_pi = 0.13957\nparameter m = 0.77 in [0.6, 0.9]\n" +
            "parameter c : complex = 2 * exp(0.5i)\nlet s = x^2\namplitude A = c * relativistic_bw(s, m, 0.15) * wigner_d(1, 0, 0, theta_1^12)\n" +
            "intensity = |A|^2\n";
        const string fit = """
            {"kinematic_variables": ["x"], "data_file": "d.csv", "phsp_file": "p.csv",
             "free_parameters": [{"name": "m", "start": 0.7, "initial_step": 0.01, "limits": [0.5, 1.0]}],
             "fixed_parameters": {"c": [1, 0]}, "minimizer": {"strategy": 1, "tol": 0.1}, "errordef": 0.5}
            """;
        Assert.True(AmpReader.Parse(model, "m.amp").Success);
        Assert.True(FitDefinition.Read(fit, "fit.json").Success);
        var rng = new Random(4242);
        foreach (var (text, read) in new (string, Func<string, bool>)[]
        {
            (model, t => Check(AmpReader.Parse(t, "m.amp").Diagnostics, t)),
            (fit, t => Check(FitDefinition.Read(t, "fit.json").Diagnostics, t)),
        })
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            int ok = 0;
            for (int i = 0; i < Mutants; i++)
            {
                var mutant = Encoding.UTF8.GetString(Mutate(bytes, rng));
                try
                {
                    if (read(mutant)) ok++;
                }
                catch (Exception ex)
                {
                    Assert.Fail($"{ex.GetType().Name} escaped the reader on:\n{mutant}\n{ex}");
                }
            }
            output.WriteLine($"{ok} of {Mutants} mutants read");
        }
    }

    // True when read; otherwise every diagnostic points into the text.
    private static bool Check(IReadOnlyList<Diagnostic> diagnostics, string text)
    {
        int lines = text.Split('\n').Length;
        foreach (var d in diagnostics)
            Assert.True(d.Line >= 1 && d.Line <= lines + 1 && d.Column >= 1, $"a diagnostic outside the text: {d}");
        return diagnostics.Count == 0;
    }
}
