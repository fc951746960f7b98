using System.Globalization;
using System.Numerics;

namespace PartialWave.Cli.Tests;

public class ConvertCommandTests
{
    // |g*m/(m^2 - s - I*m*w)|^2 * x: s and x are event columns, m and w real parameters, g a complex one.
    private const string Srepr =
        "Mul(Symbol('x', real=True), Pow(Abs(Mul(Symbol('g'), Symbol('m', nonnegative=True), Pow(Add(Pow(Symbol('m', nonnegative=True), Integer(2)), " +
        "Mul(Integer(-1), Symbol('s', nonnegative=True)), Mul(Integer(-1), I, Symbol('m', nonnegative=True), Symbol('w', nonnegative=True))), Integer(-1)))), Integer(2)))\n";
    private const string Params = "{\"m\": 0.77, \"w\": 0.15, \"g\": [1.5, -0.25]}\n";
    private const string Events = "s,x\n0.5,1\n0.6,2\n0.7,0.5\n";

    private static double[] Values(string csv) =>
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => double.Parse(l.Split(',')[0], CultureInfo.InvariantCulture)).ToArray();

    private static Complex Expected(double s, double x)
    {
        var g = new Complex(1.5, -0.25);
        double m = 0.77, w = 0.15;
        return x * Math.Pow(Complex.Abs(g * m / new Complex(m * m - s, -m * w)), 2);
    }

    [Fact]
    public void Srepr_to_amp_and_back_evaluate_alike_and_amp_needs_no_params()
    {
        using var dir = CliTest.NewTempDir();
        var srepr = dir.Write("bw.srepr", Srepr);
        var parameters = dir.Write("params.json", Params);
        var events = dir.Write("events.csv", Events);
        var amp = dir.PathOf("bw.amp");

        var r = CliTest.Run("convert", srepr, "--variables", "s,x", "--params", parameters, "-o", amp).AssertExit(0);
        Assert.Contains("2 variable(s) (s, x), 3 parameter(s)", r.Stdout);
        var text = File.ReadAllText(amp);
        Assert.Contains("parameter g : complex = 1.5 - 0.25i", text);
        Assert.Contains("parameter m : nonnegative = 0.77", text);
        Assert.Contains("variable s : nonnegative", text);

        // The .amp model carries its defaults: eval needs no --params.
        var fromAmp = Values(CliTest.Run("eval", amp, "--data", events).AssertExit(0).Stdout);
        var back = dir.PathOf("back.srepr");
        CliTest.Run("convert", amp, "-o", back).AssertExit(0);
        var fromSrepr = Values(CliTest.Run("eval", back, "--data", events, "--params", parameters).AssertExit(0).Stdout);
        var rows = new[] { (0.5, 1.0), (0.6, 2.0), (0.7, 0.5) };
        for (int i = 0; i < rows.Length; i++)
        {
            var expected = Expected(rows[i].Item1, rows[i].Item2).Real;
            Assert.Equal(expected, fromAmp[i], 1e-13 * expected);
            Assert.Equal(expected, fromSrepr[i], 1e-13 * expected);
        }
    }

    [Fact]
    public void A_reference_model_json_supplies_the_parameters_and_the_rest_are_variables()
    {
        using var dir = CliTest.NewTempDir();
        var srepr = dir.Write("bw.srepr", Srepr);
        var reference = dir.Write("bw.json", "{\"parameter_defaults\": {\"m\": 0.77, \"w\": 0.15, \"g\": [1, 0]}, \"points\": []}\n");
        var amp = dir.PathOf("bw.amp");
        CliTest.Run("convert", srepr, "--params", reference, "-o", amp, "--name", "BW").AssertExit(0);
        var text = File.ReadAllText(amp);
        Assert.Contains("model BW", text);
        Assert.Contains("parameter g : complex = 1.0", text);
        Assert.Contains("variable x", text);
    }

    [Fact]
    public void Errors_are_one_line_with_the_file()
    {
        using var dir = CliTest.NewTempDir();
        var srepr = dir.Write("bw.srepr", Srepr);
        var parameters = dir.Write("params.json", "{\"m\": 0.77, \"w\": 0.15}\n");
        var r = CliTest.Run("convert", srepr, "--variables", "s", "--params", parameters, "-o", dir.PathOf("bw.amp")).AssertExit(2);
        Assert.Equal($"{srepr}: error: symbol(s) declared neither as variable (--variables), parameter (--params) nor constant (--constants): 'g', 'x'", Assert.Single(r.StderrLines));

        r = CliTest.Run("convert", srepr, "--params", parameters, "-o", dir.PathOf("bw.txt")).AssertExit(2);
        Assert.Contains("expected an output file ending in .amp", Assert.Single(r.StderrLines));

        var bad = dir.Write("bad.amp", "variable x\nintensity = x + y\n");
        r = CliTest.Run("convert", bad, "-o", dir.PathOf("bad.srepr")).AssertExit(2);
        Assert.Equal($"{bad}:2:17: error PWA0102: unknown symbol 'y': expected a declared name; declare it as a variable, parameter or constant, or define it with let",
            Assert.Single(r.StderrLines));
    }

    [Fact]
    public void Info_reads_amp_models()
    {
        using var dir = CliTest.NewTempDir();
        var amp = dir.Write("m.amp", "variable x\nparameter c : complex = 1\nintensity = |c*x|^2\n");
        var r = CliTest.Run("info", amp, "--json").AssertExit(0);
        Assert.Contains("\"free_symbols\":[\"c\",\"x\"]", r.Stdout);
    }

    [Fact]
    public void Simulate_takes_the_defaults_of_an_amp_model()
    {
        using var dir = CliTest.NewTempDir();
        var amp = dir.Write("rho.amp", "variable m_12, theta_1^12\nconstant m_pi = 0.13957\nparameter m = 0.775 in [0.7, 0.85]\nparameter w = 0.149\n" +
            "intensity = |relativistic_bw_ff(m_12^2, m, w, m_pi, m_pi, 1, 1.5) * wigner_d(1, 0, 0, theta_1^12)|^2\n");
        var output = dir.PathOf("events.csv");
        var r = CliTest.Run("simulate", amp, "--decay", "1.86484 -> 0.497611 0.13957 0.13957", "--events", "100", "--out", output, "--quiet").AssertExit(0);
        Assert.Contains("columns: m_12, theta_1^12", r.Stdout);
        Assert.Equal(101, File.ReadAllLines(output).Length);
    }
}
