using FsCheck;
using FsCheck.Fluent;
using PartialWave.Testing;
using PartialWave.Parsing;
using PartialWave.Symbolic;

namespace PartialWave.Engine.Tests.Core.Symbolic;

public class PrinterTests
{
    private static Assumptions AssumptionsOf(string name) =>
        ExpressionGenerators.Symbols.FirstOrDefault(s => s.Name == name)?.Assumptions ?? Assumptions.None;

    [Fact]
    public void Infix_output_reads_back_to_the_same_expression()
    {
        Prop.ForAll(ExpressionGenerators.Arbitrary(), e =>
        {
            var text = InfixPrinter.Print(e);
            var back = InfixReader.Parse(text, "<printed>", AssumptionsOf);
            return (back.Success && ReferenceEquals(back.Value, e))
                .Label($"{text}\n  srepr before: {SreprPrinter.Print(e)}\n  srepr after:  {(back.Success ? SreprPrinter.Print(back.Value!) : string.Join("; ", back.Diagnostics))}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Fact]
    public void Srepr_output_reads_back_to_the_same_expression()
    {
        Prop.ForAll(ExpressionGenerators.Arbitrary(), e =>
        {
            var text = SreprPrinter.Print(e);
            var back = SreprReader.Parse(text);
            return (back.Success && ReferenceEquals(back.Value, e)).Label(text);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Theory]
    [InlineData("c*exp(I*phi)/(m^2 - s - I*m*w)")]
    [InlineData("|A|^2")]
    [InlineData("x - y - 2")]
    [InlineData("-x^2")]
    [InlineData("(-2)^x")]
    [InlineData("x^(1/3)")]
    [InlineData("1/sqrt(x)")]
    [InlineData("a/(b*c)")]
    [InlineData("Piecewise((x^2, x < 0), (sqrt(x), x <= 1), (E*exp(-x), true))")]
    [InlineData("Piecewise((x + y, x > 0 and y >= 1), (x - y, x == 0 or y > 3), (0, true))")]
    [InlineData("x/(y*z)")]
    [InlineData("||a| - b|*|c|")]
    public void Hand_written_forms_print_as_written(string text)
    {
        var e = InfixReader.Parse(text).GetValueOrThrow();
        Assert.Equal(text, InfixPrinter.Print(e));
    }

    [Fact]
    public void Srepr_prints_what_sympy_eval_reads()
    {
        var e = InfixReader.Parse("`\\Gamma_{f'}`*exp(I*phi)/2 + 0.25").GetValueOrThrow();
        Assert.Equal(
            "Add(Float('0.25', precision=53), Mul(Rational(1, 2), Symbol('\\\\Gamma_{f\\'}'), exp(Mul(I, Symbol('phi')))))",
            SreprPrinter.Print(e));
        Assert.Equal("Symbol('m', nonnegative=True)", SreprPrinter.Print(Expr.Symbol("m", Assumptions.Nonnegative)));
        Assert.Equal("Symbol('n', integer=True, positive=True)", SreprPrinter.Print(Expr.Symbol("n", Assumptions.Integer | Assumptions.Positive)));
    }
}
