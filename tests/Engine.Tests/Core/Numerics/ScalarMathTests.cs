using System.Numerics;
using PartialWave.Symbolic;
using PartialWave.Numerics;

namespace PartialWave.Engine.Tests.Core.Numerics;

public class ScalarMathTests
{
    private static void Near(Complex expected, Complex actual, double rel = 1e-14)
    {
        double scale = Math.Max(Complex.Abs(expected), 1e-300);
        Assert.True(Complex.Abs(actual - expected) <= rel * scale, $"expected {expected}, got {actual}");
    }

    // Reference values: SymPy 1.11 evalf(20) of the same calls (principal branches).
    [Fact]
    public void Branch_cuts_follow_sympy()
    {
        Near(new Complex(1.5707963267948966, -1.3169578969248167), ScalarMath.Asin(2));
        Near(new Complex(-1.5707963267948966, 1.3169578969248167), ScalarMath.Asin(-2));
        Near(new Complex(0, 1.3169578969248167), ScalarMath.Acos(2));
        Near(new Complex(Math.PI, -1.3169578969248167), ScalarMath.Acos(-2));
        Near(new Complex(1.5707963267948966, 0.5493061443340548), ScalarMath.Atan(new Complex(0, 2)));
        Near(new Complex(-1.5707963267948966, -0.5493061443340548), ScalarMath.Atan(new Complex(0, -2)));
        Near(new Complex(0.13360214054359706, 1.4516490266745097), ScalarMath.Asin(new Complex(0.3, 2)));
        Near(new Complex(0.5535743588970452, 0.40235947810852507), ScalarMath.Atan(new Complex(0.5, 0.5)));
        Near(new Complex(1.0, 1.7320508075688773), ScalarMath.Pow(-8, 1.0 / 3));
    }

    [Fact]
    public void A_negative_zero_imaginary_part_does_not_cross_the_cut()
    {
        Near(new Complex(0, 2), ScalarMath.Sqrt(new Complex(-4, -0.0)));
        Near(new Complex(0, Math.PI), ScalarMath.Log(new Complex(-1, -0.0)));
        Near(new Complex(0, 2), ScalarMath.Pow(new Complex(-4, -0.0), 0.5));
    }

    [Fact]
    public void Gamma_and_polygamma()
    {
        Near(-0.94530872048294190, ScalarMath.Gamma(-2.5), 1e-13);
        Near(new Complex(0.30069461726065583, -0.42496787943312381), ScalarMath.Gamma(new Complex(0.5, 1)), 1e-13);
        Near(120, ScalarMath.Gamma(6));
        Near(1.0348224890596217, ScalarMath.Polygamma(0, 3.3), 1e-13);
        Near(0.35350154184106183, ScalarMath.Polygamma(1, 3.3), 1e-13);
        Near(1.1031566406452432, ScalarMath.Polygamma(0, -2.5), 1e-13);
        Assert.True(double.IsNaN(ScalarMath.Gamma(-2).Real));
    }

    [Fact]
    public void Piecewise_constant_functions_follow_python_and_sympy()
    {
        Assert.Equal(0.5, ScalarMath.Mod(-7.5, 2).Real);
        Assert.Equal(-0.5, ScalarMath.Mod(7.5, -2).Real);
        Assert.Equal(0.5, ScalarMath.Heaviside(0, 0.5).Real);
        Near(new Complex(-0.6, 0.8), ScalarMath.Sign(new Complex(-3, 4)));
        Assert.True(double.IsNaN(ScalarMath.Arg(0).Real));
        Assert.Null(ScalarMath.Compare(new Complex(1, 1), 0));
    }
}
