using PartialWave.Modeling;
using PartialWave.Parsing;

namespace PartialWave.Engine.Tests.Core.Modeling;

/// <summary>Fit definitions read into diagnostics at the value at fault, like the model readers.</summary>
public class FitDefinitionTests
{
    private const string File = "fit.json";

    private const string Valid = """
        {
          "free_parameters": [
            {"name": "m", "symbol": "m_rho", "start": 0.77, "initial_step": 0.01, "limits": [0.6, 0.9]},
            {"name": "c.re", "symbol": "c", "part": "re", "start": 1.0},
            {"name": "c.im", "symbol": "c", "part": "im", "start": 0.0}
          ],
          "fixed_parameters": {"w_rho": 0.149, "d": [1.5, 0]},
          "minimizer": {"strategy": 2, "tol": 0.01}
        }
        """;

    private static Diagnostic Fails(string text)
    {
        var r = FitDefinition.Read(text, File);
        Assert.False(r.Success);
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal(File, d.File);
        return d;
    }

    // Line and column (1-based) of the first occurrence of a fragment of the text.
    private static (int Line, int Column) At(string text, string fragment)
    {
        int offset = text.IndexOf(fragment, StringComparison.Ordinal);
        Assert.True(offset >= 0, fragment);
        return SourcePosition.Locate(text, offset);
    }

    [Fact]
    public void A_valid_definition_reads_every_field()
    {
        var r = FitDefinition.Read(Valid, File);
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
        var d = r.Value!;
        Assert.Equal(["m", "c.re", "c.im"], d.Free.Select(p => p.Name));
        Assert.Equal((0.6, 0.9), (d.Free[0].Lower, d.Free[0].Upper));
        Assert.Equal(ParameterPart.Im, d.Free[2].Part);
        Assert.Equal(2, d.Strategy);
        Assert.Equal(0.01, d.Tolerance);
        Assert.Equal(new HashSet<string> { "c", "d" }, d.ComplexSymbols);
    }

    [Fact]
    public void Components_name_complex_couplings_and_mistakes_are_placed_at_the_symbol()
    {
        var withComponents = Valid.Replace("\"minimizer\"", "\"components\": {\"rho\": [\"c\"], \"other\": [\"d\"]},\n  \"minimizer\"");
        var r = FitDefinition.Read(withComponents, File);
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
        Assert.Equal(["rho", "other"], r.Value!.Components.Select(c => c.Name));
        Assert.Equal(["d"], r.Value.Components[1].Couplings);

        var real = Valid.Replace("\"minimizer\"", "\"components\": {\"rho\": [\"m_rho\"]},\n  \"minimizer\"");
        var d = Fails(real);
        Assert.Contains("'m_rho' is not a complex coupling", d.Message);
        Assert.Equal(At(real, "\"m_rho\"]").Line, d.Line);
        Assert.Equal(At(real, "\"m_rho\"]").Column, d.Column);
        var twice = Valid.Replace("\"minimizer\"", "\"components\": {\"a\": [\"c\"], \"b\": [\"c\"]},\n  \"minimizer\"");
        Assert.Contains("already in component 'a'", Fails(twice).Message);
        var empty = Valid.Replace("\"minimizer\"", "\"components\": {\"a\": []},\n  \"minimizer\"");
        Assert.Contains("non-empty list", Fails(empty).Message);
    }

    [Fact]
    public void Invalid_json_is_placed_where_the_reader_stopped()
    {
        var text = Valid.Replace("\"start\": 1.0}", "\"start\": 1.0,, }");
        var d = Fails(text);
        Assert.Equal(DiagnosticCodes.InvalidJson, d.Code);
        Assert.StartsWith("invalid JSON: ", d.Message);
        Assert.Equal(At(text, ",, }").Line, d.Line);
    }

    [Fact]
    public void A_bad_part_is_placed_at_the_part()
    {
        var text = Valid.Replace("\"part\": \"im\"", "\"part\": \"imag\"");
        var d = Fails(text);
        Assert.Equal(At(text, "\"imag\""), (d.Line, d.Column));
        Assert.Contains("free_parameters[2] ('c.im'): part must be", d.Message);
    }

    [Fact]
    public void A_missing_start_is_placed_at_its_entry()
    {
        var text = Valid.Replace(", \"start\": 1.0}", "}");
        var d = Fails(text);
        Assert.Equal(At(text, "{\"name\": \"c.re\""), (d.Line, d.Column));
        Assert.Contains("missing 'start'", d.Message);
    }

    [Fact]
    public void A_name_listed_twice_is_placed_at_the_second()
    {
        var text = Valid.Replace("\"name\": \"c.im\"", "\"name\": \"m\"");
        var d = Fails(text);
        Assert.Equal(At(text, "\"m\", \"symbol\": \"c\""), (d.Line, d.Column));
        Assert.Contains("'m' is listed twice", d.Message);
    }

    [Fact]
    public void Limits_of_the_wrong_shape_and_a_bad_fixed_value_are_placed_at_the_value()
    {
        var limits = Valid.Replace("[0.6, 0.9]", "[0.6, \"high\"]");
        Assert.Equal(At(limits, "\"high\""), (Fails(limits).Line, Fails(limits).Column));
        var fixedValue = Valid.Replace("\"w_rho\": 0.149", "\"w_rho\": \"narrow\"");
        var d = Fails(fixedValue);
        Assert.Equal(At(fixedValue, "\"narrow\""), (d.Line, d.Column));
        Assert.StartsWith("fixed_parameters['w_rho']: ", d.Message);
    }

    [Fact]
    public void A_symbol_both_free_and_fixed_is_placed_at_the_fixed_value_and_columns_count_characters()
    {
        // Non-ASCII text before the value: columns count characters, not UTF-8 bytes.
        var text = Valid.Replace("\"w_rho\": 0.149", "\"Γ_ρ\": 0.149, \"m_rho\": 0.8");
        var d = Fails(text);
        Assert.Equal(At(text, "0.8"), (d.Line, d.Column));
        Assert.Contains("'m_rho' is both free ('m') and fixed", d.Message);
    }

    [Fact]
    public void A_strategy_out_of_range_is_an_error_not_a_crash()
    {
        var text = Valid.Replace("\"strategy\": 2", "\"strategy\": 7");
        var d = Fails(text);
        Assert.Equal(At(text, "7, \"tol\""), (d.Line, d.Column));
        Assert.Contains("0, 1 or 2", d.Message);
    }

    [Fact]
    public void Load_throws_the_diagnostic_and_a_missing_file_is_a_file_error()
    {
        var e = Assert.Throws<FormatException>(() => FitDefinition.Parse("[]", File));
        Assert.Equal($"{File}:1:1: error {DiagnosticCodes.InvalidJson}: expected a JSON object at the top", e.Message);
        var missing = FitDefinition.ReadFile(Path.Combine(Path.GetTempPath(), $"pwa-no-such-{Guid.NewGuid():N}.json"));
        Assert.Equal(DiagnosticCodes.FileError, Assert.Single(missing.Diagnostics).Code);
    }

    [Fact]
    public void Later_problems_with_a_parameter_are_placed_at_its_entry_even_after_CouplingsOnly()
    {
        var d = FitDefinition.Read(Valid, File).Value!.CouplingsOnly();
        Assert.Equal(["c.re", "c.im"], d.Free.Select(p => p.Name));
        var byName = d.DiagnosticAt("c.im", "cannot bind");
        Assert.Equal(At(Valid, "{\"name\": \"c.im\""), (byName.Line, byName.Column));
        var bySymbol = d.DiagnosticAt("m_rho", "unknown", DiagnosticCodes.UnknownSymbol);
        Assert.Equal(At(Valid, "{\"name\": \"m\""), (bySymbol.Line, bySymbol.Column));
        Assert.Equal(DiagnosticCodes.UnknownSymbol, bySymbol.Code);
        var fixedSymbol = d.DiagnosticAt("d", "unused");
        Assert.Equal(At(Valid, "[1.5, 0]"), (fixedSymbol.Line, fixedSymbol.Column));
    }

    [Fact]
    public void Errordef_is_read_and_validated_and_tol_must_be_positive()
    {
        Assert.Equal(0.5, FitDefinition.Read(Valid, File).Value!.ErrorDef);
        var top = Valid.Replace("\"minimizer\"", "\"errordef\": 1, \"minimizer\"");
        Assert.Equal(1.0, FitDefinition.Read(top, File).Value!.ErrorDef);
        var nested = Valid.Replace("\"minimizer\"", "\"estimator\": {\"type\": \"chi2\", \"errordef\": 1.0}, \"minimizer\"");
        Assert.Equal(1.0, FitDefinition.Read(nested, File).Value!.ErrorDef);
        var zero = Valid.Replace("\"minimizer\"", "\"errordef\": 0, \"minimizer\"");
        Assert.Contains("errordef must be a positive number", Fails(zero).Message);
        var negativeTol = Valid.Replace("\"tol\": 0.01", "\"tol\": -1");
        var d = Fails(negativeTol);
        Assert.Equal(At(negativeTol, "-1"), (d.Line, d.Column));
        Assert.Contains("tol must be a positive number", d.Message);
    }

    [Fact]
    public void Unknown_fields_are_warned_about_with_a_suggestion_and_descriptive_ones_are_not()
    {
        var text = Valid.Replace("\"strategy\": 2", "\"stratgy\": 2").Replace("\"start\": 0.77", "\"start\": 0.77, \"fixed\": true");
        var r = FitDefinition.Read(text, File);
        Assert.True(r.Success);
        var warnings = r.Value!.Warnings;
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Equal(DiagnosticCodes.UnknownField, w.Code));
        var strategy = warnings.Single(w => w.Message.Contains("'stratgy'", StringComparison.Ordinal));
        Assert.Contains("did you mean 'strategy'?", strategy.Message);
        Assert.Equal(At(text, "2, \"tol\""), (strategy.Line, strategy.Column));
        Assert.Contains(warnings, w => w.Message.StartsWith("free_parameters[0]: unknown field 'fixed'", StringComparison.Ordinal));
        Assert.Equal(1, r.Value!.Strategy);

        var described = Valid.Replace("\"minimizer\"", "\"description\": \"a fit\", \"seeds\": {\"data\": 1}, \"limits_note\": \"none\", \"minimizer\"");
        Assert.Empty(FitDefinition.Read(described, File).Value!.Warnings);
    }
}
