using PartialWave.Modeling;
using PartialWave.Parsing;

namespace PartialWave.Engine.Tests.Core.Modeling;

/// <summary>
/// A model whose constants are NaN or infinite is refused at the constant's place, in every model format: evaluated,
/// it would make every event NaN or infinite without a word. The raw readers still read such floats (SymPy prints them).
/// </summary>
public sealed class NonFiniteConstantTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pwa-nonfinite-");

    public void Dispose() => _dir.Delete(recursive: true);

    private Diagnostic Refused(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        var r = ModelFile.Load(path);
        Assert.False(r.Success);
        // The first error is the constant (an .amp file then also reports the names that used it).
        var d = r.Diagnostics[0];
        Assert.Equal((DiagnosticCodes.NonFiniteConstant, path), (d.Code, d.File));
        return d;
    }

    [Theory]
    [InlineData("Mul(Integer(1" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000" + "0000000000), Symbol('m12'))", 5, "+infinity")]
    [InlineData("Mul(Float('nan', precision=53), Symbol('m12'))", 5, "NaN")]
    [InlineData("Add(Symbol('x'), Float('inf', precision=53))", 18, "+infinity")]
    [InlineData("Add(Symbol('x'), Mul(Symbol('m12'), Pow(Integer(0), Integer(-1))))", 37, "+infinity")]
    public void Srepr_models(string text, int column, string what)
    {
        var d = Refused("model.srepr", text);
        Assert.Equal((1, column), (d.Line, d.Column));
        Assert.Contains($"is {what}", d.Message);
    }

    [Theory]
    [InlineData("a*m12 +\n log(0)*m12\n", 2, 2, "-infinity")]
    [InlineData("x + m12/0\n", 1, 9, "+infinity")]
    [InlineData("x*1e400\n", 1, 3, "+infinity")]
    public void Infix_models(string text, int line, int column, string what)
    {
        var d = Refused("model.expr", text);
        Assert.Equal((line, column), (d.Line, d.Column));
        Assert.Contains($"is {what}", d.Message);
    }

    [Fact]
    public void Amp_models_in_an_intensity_and_in_a_constant()
    {
        var d = Refused("model.amp", "variable m12\nintensity = |m12/0|^2\n");
        Assert.Equal((2, 18), (d.Line, d.Column));
        var c = Refused("model.amp", "variable m12\nconstant d = 1e400\nintensity = |d*m12|^2\n");
        Assert.Equal(2, c.Line);
    }

    [Fact]
    public void Finite_models_and_conditions_against_infinity_are_fine_and_raw_readers_keep_special_floats()
    {
        var path = Path.Combine(_dir.FullName, "ok.expr");
        File.WriteAllText(path, "Piecewise((x, x < 1e400), (0, true)) + exp(-700)*x\n");
        Assert.True(ModelFile.Load(path).Success, string.Join("\n", ModelFile.Load(path).Diagnostics));
        Assert.True(SreprReader.Parse("Float('nan', precision=53)").Success);
    }
}
