using System.Text.Json;
using PartialWave.Kinematics;
using PartialWave.Randomness;

namespace PartialWave.Engine.Tests.Runtime.Kinematics;

public class KinematicVariablesTests
{
    private sealed record Reference(FourMomentumColumns Momenta, Dictionary<string, double[]> Values);

    // The 20 points of jpsi_gamma_pi0pi0.json: four-momenta (E, px, py, pz) of gamma, pi0, pi0 in the J/psi rest
    // frame, the model's kinematic symbols per point, and the other variables AmpForm computed from them.
    private static Reference Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.ReferenceModel("jpsi_gamma_pi0pi0.json")));
        var root = doc.RootElement;
        var events = root.GetProperty("four_momenta_p0_p1_p2").EnumerateArray().ToList();
        var momenta = new FourMomentumColumns(3, events.Count);
        for (int e = 0; e < events.Count; e++)
        {
            var particles = events[e].EnumerateArray().ToList();
            for (int i = 0; i < 3; i++)
            {
                var c = particles[i].EnumerateArray().Select(x => x.GetDouble()).ToArray();
                momenta.Set(i, e, new LorentzVector(c[0], c[1], c[2], c[3]));
            }
        }
        var values = new Dictionary<string, double[]>();
        var points = root.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(events.Count, points.Count);
        foreach (var name in new[] { "m_12", "theta_0", "phi_0", "m_1", "m_2" })
            values[name] = points.Select(p => p.GetProperty("symbols").GetProperty(name).GetDouble()).ToArray();
        foreach (var other in root.GetProperty("other_kinematic_variables_not_in_expression").EnumerateObject())
            values[other.Name] = other.Value.EnumerateArray().Select(x => x.GetDouble()).ToArray();
        return new Reference(momenta, values);
    }

    [SkippableFact]
    public void Reference_variables_come_out_to_1e_12()
    {
        var reference = Load();
        // m_0 is the photon's mass: AmpForm's value is 0, ours the square root of E^2 - |p|^2 as rounded (~1e-8).
        var names = new[] { "m_12", "theta_0", "phi_0", "m_1", "m_2", "theta_1^12", "phi_1^12", "m_012", "m_0" };
        var computed = KinematicVariables.Compute(names, reference.Momenta);
        Assert.Equal(names, computed.ColumnNames);
        foreach (var name in names)
        {
            var expected = reference.Values[name];
            var actual = computed[name].ToArray();
            double tolerance = name == "m_0" ? 1e-7 : 1e-12;
            for (int e = 0; e < expected.Length; e++)
                Assert.True(Math.Abs(actual[e] - expected[e]) <= tolerance,
                    $"{name} at point {e}: {actual[e]:R} vs {expected[e]:R} (difference {actual[e] - expected[e]:E2})");
        }
    }

    [SkippableFact]
    public void Reference_agreement_figure()
    {
        // The largest deviation of the three variables, reported for the record (to the output).
        var reference = Load();
        var names = new[] { "m_12", "theta_0", "phi_0", "theta_1^12", "phi_1^12" };
        var computed = KinematicVariables.Compute(names, reference.Momenta);
        double worst = names.Max(n => reference.Values[n].Zip(computed[n].ToArray(), (a, b) => Math.Abs(a - b)).Max());
        Assert.True(worst < 1e-13, $"max deviation {worst:E2}");
    }

    [Theory]
    [InlineData("foo", "expected m_<ids>")]
    [InlineData("theta", "expected m_<ids>")]
    [InlineData("mass_12", "expected m_<ids>")]
    [InlineData("m_", "expected m_<ids>")]
    [InlineData("m_1x", "expected m_<ids>")]
    [InlineData("theta_3", "particle 3, but there are 3")]
    [InlineData("m_11", "names a particle twice")]
    [InlineData("m_12^012", "without ^")]
    [InlineData("theta_012", "not a proper part")]
    [InlineData("theta_0^12", "not a proper part")]
    [InlineData("theta_1^012", "not a proper part")]
    [InlineData("phi_1^", "expected m_<ids>")]
    public void Unknown_variables_are_named_in_the_error(string name, string why)
    {
        var momenta = PhaseSpace.GenerateFlat(3.0969, [0, 0.1349768, 0.1349768], 10, new RandomStream(1));
        var e = Assert.Throws<ArgumentException>(() => KinematicVariables.Compute(["m_12", name], momenta));
        Assert.Contains($"'{name}'", e.Message);
        Assert.Contains(why, e.Message);
        Assert.False(KinematicVariables.IsKnown(name, 3, out var reason));
        Assert.Equal(e.Message, reason);
    }

    [Theory]
    [InlineData("theta_0", 3, "Theta(p1 + p2)")]
    [InlineData("phi_01", 3, "Phi(p0 + p1)")]
    [InlineData("theta_1^12", 3, "Theta(p1 in the helicity frame of p1 + p2)")]
    [InlineData("theta_2^12", 3, "Theta(p2 in the helicity frame of p1 + p2)")]
    [InlineData("m_012", 3, "InvariantMass(p0 + p1 + p2)")]
    [InlineData("m2_01", 3, "InvariantMass(p0 + p1)^2")]
    [InlineData("theta_3^34,034", 5, "Theta(p3 in the helicity frame of p0 + p3 + p4 then p3 + p4)")]
    [InlineData("theta_0^034", 5, "Theta(p3 + p4 in the helicity frame of p0 + p3 + p4)")]
    public void Names_follow_AmpForm(string name, int particles, string definition)
    {
        Assert.True(KinematicVariables.IsKnown(name, particles, out _));
        Assert.Equal(definition, KinematicVariables.Describe(name, particles));
    }

    [Fact]
    public void Angles_on_phase_space_events_are_consistent()
    {
        var sample = PhaseSpace.FlatSample(1.86966, [0.493677, 0.13957, 0.13957], 2000, new RandomStream(5, 3));
        var v = KinematicVariables.Compute(
            ["theta_0", "phi_0", "theta_1^12", "phi_1^12", "theta_2^12", "phi_2^12", "m_12", "m2_12", "theta_12", "m_012"], sample);
        var m2 = sample["m2_12"];
        for (int e = 0; e < sample.Count; e++)
        {
            // Particles 1 and 2 are back to back in their rest frame.
            Assert.Equal(Math.PI, v["theta_1^12"][e] + v["theta_2^12"][e], 1e-9);
            Assert.Equal(Math.PI, Math.Abs(v["phi_1^12"][e] - v["phi_2^12"][e]), 1e-9);
            Assert.Equal(v["theta_0"][e], v["theta_12"][e]);
            Assert.Equal(m2[e], v["m2_12"][e], 1e-12);
            Assert.Equal(v["m_12"][e] * v["m_12"][e], v["m2_12"][e], 1e-12);
            Assert.Equal(1.86966, v["m_012"][e], 1e-12);
        }
        // Isotropy of the resonance direction and of the decay in its helicity frame.
        Assert.InRange(v["theta_0"].ToArray().Average(Math.Cos), -0.06, 0.06);
        Assert.InRange(v["theta_1^12"].ToArray().Average(Math.Cos), -0.06, 0.06);
        Assert.InRange(v["phi_1^12"].ToArray().Average(), -0.15, 0.15);
    }

    [Fact]
    public void Helicity_frame_puts_the_resonance_at_rest_along_z()
    {
        var sample = PhaseSpace.GenerateFlat(3.0969, [0, 0.1349768, 0.1349768], 100, new RandomStream(8));
        for (int e = 0; e < sample.EventCount; e++)
        {
            var r = sample[1, e] + sample[2, e];
            var inFrame = r.ToHelicityFrameOf(r);
            Assert.Equal(r.Mass, inFrame.E, 1e-12);
            Assert.Equal(0, inFrame.P, 1e-12);
            // The photon recoils along -z in the resonance's helicity frame.
            var photon = sample[0, e].ToHelicityFrameOf(r);
            Assert.Equal(Math.PI, photon.Theta, 1e-6);
        }
    }

    [Fact]
    public void Single_event_form_matches_the_columns()
    {
        var momenta = PhaseSpace.GenerateFlat(3.0969, [0, 0.1349768, 0.1349768], 5, new RandomStream(2));
        var columns = KinematicVariables.Compute(["theta_1^12"], momenta);
        for (int e = 0; e < 5; e++)
        {
            LorentzVector[] p = [momenta[0, e], momenta[1, e], momenta[2, e]];
            Assert.Equal(columns["theta_1^12"][e], KinematicVariables.Compute("theta_1^12", p));
        }
    }

    [Fact]
    public void Missing_four_momentum_columns_are_reported()
    {
        var sample = new PartialWave.Data.EventSample([new("m_12", new double[3])]);
        var e = Assert.Throws<ArgumentException>(() => KinematicVariables.Compute(["theta_0"], sample));
        Assert.Contains("p0_E", e.Message);
    }
}
