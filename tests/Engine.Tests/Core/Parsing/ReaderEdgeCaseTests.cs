using System.Numerics;
using PartialWave.Parsing;
using PartialWave.Symbolic;

namespace PartialWave.Engine.Tests.Core.Parsing;

/// <summary>
/// Single cases distilled from the fuzz and mutation tests: what the printers write must read back as the
/// very same object, and what the readers accept must be something the printers can write.
/// </summary>
public class ReaderEdgeCaseTests
{
    private static Expr Srepr(string text)
    {
        var r = SreprReader.Parse(text);
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
        return r.Value!;
    }

    private static void SreprRoundTrips(Expr e) => Assert.Null(ReaderHarness.SreprRoundTripProblem(e));

    private static void InfixRoundTrips(Expr e) => Assert.Null(ReaderHarness.InfixRoundTripProblem(e));

    [Theory]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    [InlineData(-0.0)]
    [InlineData(5e-324)]
    [InlineData(double.MaxValue)]
    public void Special_floats_round_trip(double value)
    {
        SreprRoundTrips(Expr.Float(value));
        InfixRoundTrips(Expr.Float(value));
        var x = Expr.Symbol("x");
        SreprRoundTrips(Expr.Pow(x, Expr.Float(value)));
        InfixRoundTrips(Expr.Pow(x, Expr.Float(value)));
        InfixRoundTrips(Expr.Pow(Expr.Float(value), x));
        InfixRoundTrips(Expr.Mul(Expr.Float(value), x));
    }

    [Theory]
    [InlineData("Float('nan', precision=103)")]
    [InlineData("Float('inf', precision=103)")]
    [InlineData("Float('-inf', precision=103)")]
    [InlineData("Float('inf', precision=10)")]
    public void Non_finite_floats_keep_their_precision_through_srepr(string text) => SreprRoundTrips(Srepr(text));

    [Theory]
    [InlineData(0.0, double.PositiveInfinity)]
    [InlineData(double.PositiveInfinity, 1.0)]
    [InlineData(double.NegativeInfinity, double.PositiveInfinity)]
    [InlineData(1.5, -2.5)]
    [InlineData(0.0, 5e-324)]
    public void Complex_constants_round_trip(double re, double im)
    {
        var c = Expr.Complex(new Complex(re, im));
        SreprRoundTrips(c);
        InfixRoundTrips(c);
    }

    [Fact]
    public void Symbol_with_zero_False_round_trips_through_srepr()
    {
        // zero=False says "not zero" without saying "real"; SreprPrinter writes nonzero=True, which means real and
        // not zero, so the symbol reads back as another one.
        SreprRoundTrips(Srepr("Symbol('s', zero=False)"));
    }

    [Theory]
    [InlineData("Symbol('x', positive=True, negative=True)")]
    [InlineData("Symbol('x', zero=True, nonzero=True)")]
    [InlineData("Symbol('x', positive=True, positive=False)")]
    public void Inconsistent_assumptions_are_diagnosed_or_round_trip(string text)
    {
        // SymPy raises InconsistentAssumptions here. Reading them is fine only if the printer can write them back.
        var r = SreprReader.Parse(text);
        if (!r.Success)
        {
            Assert.Equal(DiagnosticCodes.WrongArgument, Assert.Single(r.Diagnostics).Code);
            return;
        }
        SreprRoundTrips(r.Value!);
    }

    [Fact]
    public void Symbol_with_an_empty_name_is_a_diagnostic()
    {
        // A nameless symbol can be neither a data column nor a parameter; both readers refuse it.
        var r = SreprReader.Parse("Add(Symbol(''), Symbol('x'))");
        Assert.False(r.Success);
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal(DiagnosticCodes.WrongArgument, d.Code);
        Assert.Equal((1, 12), (d.Line, d.Column));
        Assert.Throws<ArgumentException>(() => Expr.Symbol(""));
    }

    [Theory]
    [InlineData("tab\t"), InlineData("new\nline"), InlineData("a`b"), InlineData("``"), InlineData("I"), InlineData("not"), InlineData("\0"), InlineData("😀")]
    [InlineData(@"\mathcal{H}^\mathrm{production}[K(892), 0, -1/2]")]
    public void Odd_symbol_names_round_trip(string name)
    {
        var e = Expr.Add(Expr.Symbol(name, Assumptions.Positive), Expr.Integer(1));
        SreprRoundTrips(e);
        InfixRoundTrips(e);
    }

    [Fact]
    public void Indexed_symbol_prints_as_it_was_written()
    {
        // SymPy's Indexed(Q, Str('0')) and Indexed(Q, 0) are different objects that str() alike ("Q[0]"). Here
        // they are one object, so what SreprPrinter writes for the second depends on which was read first.
        const string withStr = "Indexed(IndexedBase(Symbol('Q_edge')), Str('0'))";
        const string withInteger = "Indexed(IndexedBase(Symbol('Q_edge')), Integer(0))";
        var a = Srepr(withStr);
        var b = Srepr(withInteger);
        Assert.Equal(withStr, SreprPrinter.Print(a));
        Assert.Equal(withInteger, SreprPrinter.Print(b));
    }
}
