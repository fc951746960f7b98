using PartialWave.Data;
using PartialWave.Parsing;

namespace PartialWave.Engine.Tests.Runtime.Data;

/// <summary>Infinities and numbers that overflow are rejected like NaN, at their row and column, in every format.</summary>
public class NonFiniteValueTests
{
    [Theory]
    [InlineData("inf", "+infinity")]
    [InlineData("-Infinity", "-infinity")]
    [InlineData("1e400", "+infinity (or a number beyond ±1.8e308)")]
    [InlineData("NaN", "NaN in column 'y'")]
    public void A_csv_value_that_is_not_finite_is_an_error_at_its_cell(string cell, string said)
    {
        using var dir = new TempDir();
        var path = dir.Write("events.csv", $"x,y\n1,2\n3,{cell}\n");
        var d = DataAssert.Fails(CsvEvents.Read(path));
        Assert.Equal((DiagnosticCodes.NaNValue, 3, 3), (d.Code, d.Line, d.Column));
        Assert.Contains(said, d.Message);
        Assert.True(CsvEvents.Read(path, new EventReadOptions { AllowNaN = true }).Success);
    }

    [Theory]
    [InlineData(".npy")]
    [InlineData(".npz")]
    [InlineData(".parquet")]
    public void A_binary_file_with_an_infinity_is_an_error_naming_the_row(string extension)
    {
        using var dir = new TempDir();
        var path = dir.File("events" + extension);
        var x = new double[100];
        x[37] = double.NegativeInfinity;
        EventFiles.Write(DataAssert.Sample(("x", x)), path);
        var d = DataAssert.Fails(EventFiles.Read(path));
        Assert.Equal(DiagnosticCodes.NaNValue, d.Code);
        Assert.Contains("row index 37", d.Message);
        Assert.Contains("-infinity", d.Message);
    }

    [Theory]
    [InlineData(".csv")]
    [InlineData(".npy")]
    [InlineData(".npz")]
    [InlineData(".parquet")]
    public void With_AllowNaN_infinities_and_NaN_round_trip_in_every_format(string extension)
    {
        using var dir = new TempDir();
        var path = dir.File("x" + extension);
        double[] x = [double.PositiveInfinity, double.NegativeInfinity, double.NaN, 1.5];
        EventFiles.Write(DataAssert.Sample(("x", x)), path);
        var back = DataAssert.Ok(EventFiles.Read(path, new EventReadOptions { AllowNaN = true }))["x"].ToArray();
        Assert.Equal(x.Select(BitConverter.DoubleToInt64Bits), back.Select(BitConverter.DoubleToInt64Bits));
    }
}
