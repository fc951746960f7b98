using System.Text;
using PartialWave.Parsing;
using PartialWave.Symbolic;
using Xunit.Abstractions;

namespace PartialWave.Engine.Tests.Core.Parsing;

/// <summary>
/// Random edits of the real reference models (seeded): the readers give a value or diagnostics, never an
/// exception or a hang; and whatever still reads prints (srepr) and reads back as the very same object.
/// </summary>
public class ReferenceMutationTests(ITestOutputHelper output)
{
    private const string Alphabet = "()()',,= =\\\"-+.0123456789_abcxyzIEeoTrueFals\n\t";

    private static readonly string[] Tokens =
        ["Add(", "Mul(", "Pow(", "Integer(", "Symbol(", "Rational(", ")", "(", ", ", "'", "\\", "Integer(0)", "Symbol('x')", "true", "I", "oo", "nan", "Float('1e400', precision=53)"];

    /// <summary>Applies 1 to 3 random edits: delete, insert, replace or duplicate characters or slices, or move a slice.</summary>
    internal static string Mutate(Random rng, string text)
    {
        var sb = new StringBuilder(text);
        int edits = rng.Next(1, 4);
        for (int k = 0; k < edits; k++)
        {
            int n = sb.Length;
            int at = rng.Next(0, n + 1);
            int len = Math.Min(n - Math.Min(at, n), rng.Next(1, rng.Next(2) == 0 ? 4 : 60));
            switch (rng.Next(8))
            {
                case 0: if (at < n) sb.Remove(at, 1); break;
                case 1: sb.Insert(at, Alphabet[rng.Next(Alphabet.Length)]); break;
                case 2: if (at < n) sb[at] = rng.Next(8) == 0 ? (char)rng.Next(0, 0x10000) : Alphabet[rng.Next(Alphabet.Length)]; break;
                case 3: if (len > 0) sb.Insert(at + len, sb.ToString(at, len)); break;              // duplicate a slice in place
                case 4: if (len > 0) sb.Remove(at, len); break;                                     // delete a slice
                case 5:
                    if (len > 0)
                    {
                        var slice = sb.ToString(at, len);
                        sb.Remove(at, len);
                        sb.Insert(rng.Next(0, sb.Length + 1), slice);                             // move a slice
                    }
                    break;
                case 6: sb.Insert(at, Tokens[rng.Next(Tokens.Length)]); break;
                default: if (len > 0) sb.Insert(rng.Next(0, n + 1), sb.ToString(at, len)); break;  // copy a slice elsewhere
            }
        }
        return sb.ToString();
    }

    private void Run(string what, IReadOnlyList<string> bases, int mutationsPerBase, int seed, Func<string, ParseResult<Expr>> reader)
    {
        var rng = new Random(seed);
        int read = 0, diagnosed = 0, unchanged = 0;
        var problems = new List<string>();
        foreach (var text in bases)
        {
            for (int i = 0; i < mutationsPerBase; i++)
            {
                var mutated = Mutate(rng, text);
                if (mutated == text) unchanged++;
                var r = ReaderHarness.ParseGuarded(reader, mutated, what);
                if (!r.Success) { diagnosed++; continue; }
                read++;
                if (ReaderHarness.SreprRoundTripProblem(r.Value!) is { } p) problems.Add($"mutant {ReaderHarness.Show(mutated)}: {p}");
            }
        }
        output.WriteLine($"{what}: {bases.Count} texts x {mutationsPerBase} mutations: {read} still read, {diagnosed} diagnosed, {unchanged} unchanged; {problems.Count} srepr round-trip problems");
        foreach (var p in problems.Take(10)) output.WriteLine(p);
        Assert.True(problems.Count == 0, $"{problems.Count} mutants read but do not print and read back as themselves; the first:{Environment.NewLine}" +
            string.Join(Environment.NewLine, problems.Take(5)));
    }

    [SkippableFact]
    public void Mutated_jpsi_model_never_throws_and_what_reads_round_trips()
    {
        var text = File.ReadAllText(SharedData.ReferenceModel("jpsi_gamma_pi0pi0.srepr"));
        Assert.True(SreprReader.Parse(text).Success);
        Run("jpsi_gamma_pi0pi0.srepr", [text], 1000, 7001, ReaderHarness.Srepr);
    }

    [SkippableFact]
    public void Mutated_small_expressions_never_throw_and_what_reads_round_trips()
    {
        var lines = ReaderHarness.SmallLines().Select(l => l.Srepr).ToList();
        Run("sympy_small srepr", lines, 50, 7002, ReaderHarness.Srepr);
    }

    [SkippableFact]
    public void Mutated_infix_prints_of_the_small_expressions_never_throw_and_what_reads_round_trips()
    {
        // Infix text that is realistic before the edits: each small expression printed by InfixPrinter.
        var lines = ReaderHarness.SmallLines().Select(l => InfixPrinter.Print(SreprReader.Parse(l.Srepr).GetValueOrThrow())).ToList();
        Run("sympy_small infix", lines, 40, 7003, ReaderHarness.Infix);
    }

    [Fact]
    public void Mutations_are_reproducible_and_change_the_text()
    {
        const string text = "Add(Symbol('x'), Integer(1))";
        static List<string> Twenty(int seed)
        {
            var rng = new Random(seed);
            return Enumerable.Range(0, 20).Select(_ => Mutate(rng, text)).ToList();
        }
        Assert.Equal(Twenty(5), Twenty(5));
        Assert.True(Twenty(5).Count(m => m != text) >= 15);
    }
}
