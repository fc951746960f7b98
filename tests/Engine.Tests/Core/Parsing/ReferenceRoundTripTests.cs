using PartialWave.Backends.Reference;
using PartialWave.Modeling;
using PartialWave.Parsing;
using PartialWave.Symbolic;
using Xunit.Abstractions;
using PartialWave.Numerics;

namespace PartialWave.Engine.Tests.Core.Parsing;

/// <summary>
/// Every real expression reads, prints and reads back as the very same (hash-consed) object: through srepr,
/// and through infix. Infix cannot express two things, which are taken out of the expected value before
/// comparing: Indexed symbols (infix reads `H[K(892), 0, -1/2]` as a plain symbol of that name), and Float
/// precision (infix numbers are doubles, precision 53). For the model with Indexed symbols, the infix
/// result is also evaluated against the original at a reference point.
/// </summary>
public class ReferenceRoundTripTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> SmallNames() => ReaderHarness.SmallNames();

    public static TheoryData<string> BigModels => new(ReaderHarness.BigModels);

    private static Expr Read(string srepr, string name)
    {
        var r = SreprReader.Parse(srepr, name);
        Assert.True(r.Success, string.Join(Environment.NewLine, r.Diagnostics));
        return r.Value!;
    }

    private static void SreprRoundTrip(Expr e)
    {
        var printed = SreprPrinter.Print(e);
        var back = SreprReader.Parse(printed, "<printed>");
        Assert.True(back.Success, string.Join(Environment.NewLine, back.Diagnostics));
        Assert.Same(e, back.Value);
        Assert.Equal(printed, SreprPrinter.Print(back.Value!));
    }

    private static Expr InfixRoundTrip(Expr original)
    {
        var expected = ReaderHarness.WithoutPrecision(ReaderHarness.WithoutIndexed(original));
        var assumptions = ReaderHarness.AssumptionsOf(expected);
        Assert.True(assumptions is not null, "a symbol name occurs with two different assumption sets; infix cannot say which is which");
        var printed = InfixPrinter.Print(expected);
        var back = InfixReader.Parse(printed, "<printed>", assumptions);
        Assert.True(back.Success, $"{string.Join(Environment.NewLine, back.Diagnostics)}{Environment.NewLine}in {ReaderHarness.Show(printed)}");
        Assert.True(ReferenceEquals(expected, back.Value),
            $"infix {ReaderHarness.Show(printed)} reads back as {ReaderHarness.Show(SreprPrinter.Print(back.Value!))}, not {ReaderHarness.Show(SreprPrinter.Print(expected))}");
        return back.Value!;
    }

    [SkippableTheory]
    [MemberData(nameof(SmallNames))]
    public void Small_expression_round_trips_through_srepr(string name)
    {
        Skip.If(name == ReaderHarness.Absent, "../shared/reference-models is absent; skipping.");
        var (_, srepr) = ReaderHarness.SmallLines().Single(l => l.Name == name);
        SreprRoundTrip(Read(srepr, name));
    }

    [SkippableTheory]
    [MemberData(nameof(SmallNames))]
    public void Small_expression_round_trips_through_infix(string name)
    {
        Skip.If(name == ReaderHarness.Absent, "../shared/reference-models is absent; skipping.");
        var (_, srepr) = ReaderHarness.SmallLines().Single(l => l.Name == name);
        InfixRoundTrip(Read(srepr, name));
    }

    [SkippableTheory]
    [MemberData(nameof(BigModels))]
    public void Big_model_round_trips_through_srepr(string model)
    {
        var path = SharedData.ReferenceModel(model + ".srepr");
        SreprRoundTrip(Read(File.ReadAllText(path), path));
    }

    [SkippableTheory]
    [MemberData(nameof(BigModels))]
    public void Big_model_round_trips_through_infix(string model)
    {
        var path = SharedData.ReferenceModel(model + ".srepr");
        var original = Read(File.ReadAllText(path), path);
        var back = InfixRoundTrip(original);
        int indexed = original.FreeSymbols().Count(s => s.Indexed is not null);
        output.WriteLine($"{model}: {InfixPrinter.Print(back).Length} characters of infix, {indexed} Indexed symbols");
        if (indexed == 0) return;

        // The Indexed symbols came back as plain symbols of the same name; evaluated by name, the value is the same.
        var reference = ReferencePoints.Load(SharedData.ReferenceModel(model + ".json"));
        var point = reference.Points[0];
        var want = new ReferenceEvaluator(original).Evaluate(point.Symbols);
        var got = new ReferenceEvaluator(back).Evaluate(point.Symbols);
        // Not bit-identical: a plain symbol sorts differently from an Indexed one, so sums are added in another order.
        Assert.True(ReferencePoints.RelativeDeviation(got, want) <= 1e-13, $"{got} vs {want}");
        Assert.True(ReferencePoints.RelativeDeviation(got, point.Expected) <= 1e-10, $"{got} vs {point.Expected}");
    }

    [SkippableFact]
    public void Reading_the_same_text_twice_gives_the_same_object()
    {
        // Reading the same text twice gives the same object (hash-consing across reads).
        foreach (var (name, srepr) in ReaderHarness.SmallLines())
            Assert.Same(Read(srepr, name), Read(srepr, name));
    }
}
