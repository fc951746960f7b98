using System.Globalization;
using System.Text;
using PartialWave.Data;

// Not PartialWave.Engine.Tests.Data: that would shadow PartialWave.Data for "Data.X" in sibling test namespaces.
namespace PartialWave.Engine.Tests.Runtime.Data;

/// <summary>The CSV reader's number parser must give exactly what double.Parse gives, for every input it takes.</summary>
public class FastDoubleTests
{
    private static void Agrees(string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        Assert.True(FastDouble.TryParseField(bytes, out var fast), $"'{text}' was not parsed");
        var expected = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(fast), $"'{text}': expected {expected:R}, got {fast:R}");
    }

    [Fact]
    public void Table_matches_fast_float_entries()
    {
        // power_of_five_128 of fast_float: the first entry (5^-342) and 5^0.
        Assert.Equal(0xeef453d6923bd65aUL, FastDouble.Powers[0]);
        Assert.Equal(0x113faa2906a13b3fUL, FastDouble.Powers[1]);
        Assert.Equal(0x8000000000000000UL, FastDouble.Powers[2 * 342]);
        Assert.Equal(0UL, FastDouble.Powers[2 * 342 + 1]);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("1")]
    [InlineData("0.1")]
    [InlineData(".5")]
    [InlineData("5.")]
    [InlineData("+1.5e3")]
    [InlineData("1E-5")]
    [InlineData("0.46382261030495747")]
    [InlineData("8.480274357152839")]
    [InlineData("-0.6271843387636573")]
    [InlineData("9007199254740993")]
    [InlineData("9007199254740992.5")]
    [InlineData("1.7976931348623157e308")]
    [InlineData("1.7976931348623159e308")]
    [InlineData("2.2250738585072011e-308")]
    [InlineData("2.2250738585072014e-308")]
    [InlineData("4.9406564584124654e-324")]
    [InlineData("2.4703282292062328e-324")]
    [InlineData("2.4703282292062327e-324")]
    [InlineData("1e-400")]
    [InlineData("1e400")]
    [InlineData("1e23")]
    [InlineData("8.41e21")]
    [InlineData("123456789012345678901234567890")]
    [InlineData("0.000000000000000000000000000001")]
    [InlineData("1.00000000000000011102230246251565404236316680908203125")]
    [InlineData("1.00000000000000011102230246251565404236316680908203124")]
    [InlineData("0000000000000000000000000001.5")]
    [InlineData("1.5000000000000000000000000000")]
    [InlineData("1e0000000000000000000000001")]
    public void Edge_cases_agree_with_double_Parse(string text) => Agrees(text);

    [Fact]
    public void Random_round_trip_strings_agree()
    {
        var rng = new Random(7);
        for (int i = 0; i < 200_000; i++)
        {
            double d = BitConverter.Int64BitsToDouble(rng.NextInt64());
            if (!double.IsFinite(d)) continue;
            Agrees(d.ToString("R", CultureInfo.InvariantCulture));
            Agrees(d.ToString("E16", CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Random_digit_strings_agree()
    {
        var rng = new Random(11);
        var text = new StringBuilder();
        for (int i = 0; i < 200_000; i++)
        {
            text.Clear();
            if (rng.Next(4) == 0) text.Append('-');
            int digits = rng.Next(1, 24);
            int point = rng.Next(-1, digits + 1);
            for (int k = 0; k < digits; k++)
            {
                if (k == point) text.Append('.');
                text.Append((char)('0' + rng.Next(10)));
            }
            if (rng.Next(2) == 0) text.Append('e').Append(rng.Next(-330, 310));
            Agrees(text.ToString());
        }
    }

    [Theory]
    [InlineData("nan")]
    [InlineData("NaN")]
    [InlineData("inf", double.PositiveInfinity)]
    [InlineData("-inf", double.NegativeInfinity)]
    [InlineData("Infinity", double.PositiveInfinity)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    [InlineData(" 1.5 ", 1.5)]
    public void Special_spellings(string text, double expected = double.NaN)
    {
        Assert.True(FastDouble.TryParseField(Encoding.ASCII.GetBytes(text), out var v));
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData("0x10")]
    [InlineData("1_000")]
    [InlineData("1,5")]
    [InlineData("abc")]
    [InlineData("1.2.3")]
    public void Non_numbers_are_rejected(string text) => Assert.False(FastDouble.TryParseField(Encoding.ASCII.GetBytes(text), out _));
}
