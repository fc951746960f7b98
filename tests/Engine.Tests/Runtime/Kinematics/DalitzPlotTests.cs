using PartialWave.Kinematics;
using PartialWave.Randomness;

namespace PartialWave.Engine.Tests.Runtime.Kinematics;

public class DalitzPlotTests
{
    private static readonly DalitzPlot Jpsi = new(3.0969, 0, 0.1349768, 0.1349768);
    private static readonly DalitzPlot Dkpipi = new(1.86966, 0.493677, 0.13957, 0.13957);

    [Fact]
    public void Massless_area_is_analytic()
    {
        // All massless: the width at s is M^2 - s, so the area is M^4 / 2 and the volume pi^2 M^2 / 8.
        var plot = new DalitzPlot(2.0, 0, 0, 0);
        Assert.Equal(8.0, plot.Area, 1e-12);
        Assert.Equal(Math.PI * Math.PI * 4 / 8, plot.PhaseSpaceVolume, 1e-12);
        Assert.Equal(4.0 - 1.5, plot.Width(0, 1, 1.5), 1e-14);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Area_is_the_same_over_each_pair(int which)
    {
        var plot = which == 0 ? Jpsi : Dkpipi;
        var a01 = plot.Area;
        foreach (var (i, j) in new[] { (0, 2), (1, 2) })
        {
            double a = DalitzPlot.Integrate(s => plot.Width(i, j, s), plot.Minimum(i, j), plot.Maximum(i, j));
            Assert.Equal(a01, a, a01 * 1e-10);
        }
        // And the Range widths agree with Width.
        double s12 = 0.5 * (plot.Minimum(1, 2) + plot.Maximum(1, 2));
        var (lo, hi) = plot.Range(1, 2, s12, 0, 1);
        Assert.Equal(plot.Width(1, 2, s12), hi - lo, 1e-12);
        var (lo2, hi2) = plot.Range(2, 1, s12, 2, 0);
        Assert.Equal(hi - lo, hi2 - lo2, 1e-12);
    }

    [Fact]
    public void Ranges_and_boundary()
    {
        var p = Dkpipi;
        double M = 1.86966, mk = 0.493677, mpi = 0.13957;
        Assert.Equal((mk + mpi) * (mk + mpi), p.Minimum(0, 1), 1e-15);
        Assert.Equal((M - mpi) * (M - mpi), p.Maximum(1, 0), 1e-15);
        Assert.Equal((M - mk) * (M - mk), p.Maximum(1, 2), 1e-15);
        Assert.Equal(M * M + mk * mk + 2 * mpi * mpi, p.SumOfInvariants, 1e-15);
        // At threshold of s_12 the range of s_01 closes to a point.
        var (lo, hi) = p.Range(1, 2, p.Minimum(1, 2), 0, 1);
        Assert.Equal(lo, hi, 1e-12);
        Assert.Equal((double.NaN, double.NaN), p.Range(1, 2, p.Maximum(1, 2) * 1.01, 0, 1));
        double s12 = 0.6;
        (lo, hi) = p.Range(1, 2, s12, 0, 1);
        Assert.True(p.Contains(1, 2, s12, 0, 1, 0.5 * (lo + hi)));
        Assert.True(p.Contains(1, 2, s12, 0, 1, lo));
        Assert.False(p.Contains(1, 2, s12, 0, 1, hi + 1e-9));
        Assert.False(p.Contains(1, 2, 10, 0, 1, 1));
        Assert.Equal(p.SumOfInvariants - 0.6 - 1.0, p.ThirdInvariant(0.6, 1.0), 1e-15);
        Assert.Throws<ArgumentException>(() => p.Range(0, 1, 1.0, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => p.Minimum(0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DalitzPlot(0.5, 0.2, 0.2, 0.2));
    }

    [Fact]
    public void Generated_events_lie_inside_the_boundary_and_fill_it()
    {
        var events = PhaseSpace.GenerateFlat(1.86966, [0.493677, 0.13957, 0.13957], 20000, new RandomStream(4));
        var s01 = events.PairMassSquared(0, 1); var s02 = events.PairMassSquared(0, 2); var s12 = events.PairMassSquared(1, 2);
        double lo = double.MaxValue, hi = double.MinValue;
        for (int e = 0; e < events.EventCount; e++)
        {
            // Inside up to rounding: nudge towards the centre of the range.
            var (a, b) = Dkpipi.Range(1, 2, s12[e], 0, 1);
            Assert.InRange(s01[e], a - 1e-12, b + 1e-12);
            Assert.Equal(Dkpipi.SumOfInvariants, s01[e] + s02[e] + s12[e], 1e-12);
            lo = Math.Min(lo, s12[e]); hi = Math.Max(hi, s12[e]);
        }
        Assert.InRange(lo, Dkpipi.Minimum(1, 2), Dkpipi.Minimum(1, 2) + 0.05);
        Assert.InRange(hi, Dkpipi.Maximum(1, 2) - 0.05, Dkpipi.Maximum(1, 2));
    }
}
