using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PartialWave.Parsing;
using PartialWave.Symbolic;
using Xunit.Abstractions;

namespace PartialWave.Engine.Tests.Core.Parsing;

/// <summary>Wrappers so that FsCheck generates token soup for each reader.</summary>
public sealed record SreprSoup(string Text)
{
    public override string ToString() => ReaderHarness.Show(Text);
}

/// <summary>Infix token soup.</summary>
public sealed record InfixSoup(string Text)
{
    public override string ToString() => ReaderHarness.Show(Text);
}

public static class SoupArbitraries
{
    private static Gen<string> Soup(string[] tokens) =>
        Gen.ListOf(Gen.Frequency((19, Gen.Elements(tokens)), (1, Gen.Choose(0, 0x7f).Select(c => ((char)c).ToString()))))
           .Select(l => string.Concat(l));

    public static Arbitrary<SreprSoup> Srepr() => Soup(FuzzInputs.SreprTokens).Select(s => new SreprSoup(s)).ToArbitrary();

    public static Arbitrary<InfixSoup> Infix() => Soup(FuzzInputs.InfixTokens).Select(s => new InfixSoup(s)).ToArbitrary();
}

/// <summary>
/// Random input never makes a reader throw or hang: the outcome is a value, or diagnostics that point into
/// the text. Inputs come from seeded System.Random (reproducible) and from FsCheck.
/// </summary>
public class ReaderFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 3000;

    private static void Survives(Func<string, ParseResult<Expr>> reader, string what, IEnumerable<string> inputs, ITestOutputHelper output)
    {
        int ok = 0, failed = 0;
        foreach (var text in inputs)
        {
            if (ReaderHarness.ParseGuarded(reader, text, what).Success) ok++; else failed++;
        }
        output.WriteLine($"{what}: {ok} read, {failed} diagnosed");
    }

    private static IEnumerable<string> Generate(int seed, int count, Func<Random, string> make)
    {
        var rng = new Random(seed);
        for (int i = 0; i < count; i++) yield return make(rng);
    }

    private static IEnumerable<string> RandomCharacters(int seed) => Generate(seed, Cases, FuzzInputs.RandomChars);
    private static IEnumerable<string> SreprSoupInputs() => Generate(1003, Cases, r => FuzzInputs.TokenSoup(r, FuzzInputs.SreprTokens));
    private static IEnumerable<string> InfixSoupInputs() => Generate(1004, Cases, r => FuzzInputs.TokenSoup(r, FuzzInputs.InfixTokens));
    private static IEnumerable<string> SreprShaped() => Generate(1005, Cases, r => FuzzInputs.SreprLike(r));

    [Fact]
    public void Srepr_reader_survives_random_characters() =>
        Survives(ReaderHarness.Srepr, "srepr", RandomCharacters(1001), output);

    [Fact]
    public void Infix_reader_survives_random_characters() =>
        Survives(ReaderHarness.Infix, "infix", RandomCharacters(1002), output);

    [Fact]
    public void Srepr_reader_survives_token_soup() =>
        Survives(ReaderHarness.Srepr, "srepr", SreprSoupInputs(), output);

    [Fact]
    public void Infix_reader_survives_token_soup() =>
        Survives(ReaderHarness.Infix, "infix", InfixSoupInputs(), output);

    [Fact]
    public void Srepr_reader_survives_srepr_shaped_text() =>
        Survives(ReaderHarness.Srepr, "srepr", SreprShaped(), output);

    [Fact]
    public void Infix_reader_survives_srepr_text() =>
        Survives(ReaderHarness.Infix, "infix", SreprShaped().Take(1000), output);

    // ---------------- FsCheck ----------------

    [Property(MaxTest = 1000)]
    public void Srepr_reader_survives_fscheck_strings(NonNull<string> s) =>
        ReaderHarness.ParseGuarded(ReaderHarness.Srepr, s.Get, "srepr");

    [Property(MaxTest = 1000)]
    public void Infix_reader_survives_fscheck_strings(NonNull<string> s) =>
        ReaderHarness.ParseGuarded(ReaderHarness.Infix, s.Get, "infix");

    [Property(MaxTest = 500)]
    public void Readers_survive_fscheck_unicode_strings(UnicodeString s)
    {
        ReaderHarness.ParseGuarded(ReaderHarness.Srepr, s.Get, "srepr");
        ReaderHarness.ParseGuarded(ReaderHarness.Infix, s.Get, "infix");
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(SoupArbitraries)])]
    public void Srepr_reader_survives_fscheck_token_soup(SreprSoup s) =>
        ReaderHarness.ParseGuarded(ReaderHarness.Srepr, s.Text, "srepr");

    [Property(MaxTest = 1000, Arbitrary = [typeof(SoupArbitraries)])]
    public void Infix_reader_survives_fscheck_token_soup(InfixSoup s) =>
        ReaderHarness.ParseGuarded(ReaderHarness.Infix, s.Text, "infix");

    // ---------------- what the fuzzers read successfully prints back ----------------

    private static IEnumerable<Expr> Successes()
    {
        foreach (var t in SreprShaped().Concat(SreprSoupInputs()))
            if (SreprReader.Parse(t).Value is { } e) yield return e;
        foreach (var t in InfixSoupInputs())
            if (InfixReader.Parse(t).Value is { } e) yield return e;
    }

    private void NoProblems(string what, Func<Expr, string?> check)
    {
        var problems = new List<string>();
        int checkedCount = 0, skipped = 0;
        foreach (var e in Successes().Distinct(ReferenceEqualityComparer.Instance).Cast<Expr>())
        {
            var p = check(e);
            if (p == "") { skipped++; continue; }
            checkedCount++;
            if (p is not null) problems.Add(p);
        }
        output.WriteLine($"{what}: {checkedCount} distinct expressions checked, {skipped} skipped, {problems.Count} problems");
        foreach (var p in problems.Take(20)) output.WriteLine(p);
        Assert.True(problems.Count == 0,
            $"{what}: {problems.Count} of {checkedCount} expressions do not read back as themselves; the first:{Environment.NewLine}" +
            string.Join(Environment.NewLine, problems.Take(8)));
    }

    [Fact]
    public void Fuzz_successes_read_back_from_srepr() => NoProblems("srepr", ReaderHarness.SreprRoundTripProblem);

    [Fact]
    public void Fuzz_successes_read_back_from_infix() => NoProblems("infix", ReaderHarness.InfixRoundTripProblem);
}
