using System.Numerics;
using PartialWave.Backends.Reference;
using PartialWave.Data;
using PartialWave.Kinematics;
using PartialWave.Modeling;
using PartialWave.Parsing;
using PartialWave.Physics;
using PartialWave.Randomness;
using PartialWave.Symbolic;
using PartialWave.Numerics;

namespace PartialWave.Engine.Tests.Core.Parsing;

/// <summary>The .amp reader: what a model file means, and every error with its code, line and column (counted by hand).</summary>
public class AmpReaderTests
{
    private const string File = "model.amp";

    private static AmplitudeModel Reads(string text)
    {
        var r = AmpReader.Parse(text, File);
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
        return r.Value!;
    }

    private static IReadOnlyList<Diagnostic> FailsWith(string text, params (string Code, int Line, int Column)[] expected)
    {
        var r = AmpReader.Parse(text, File);
        Assert.False(r.Success);
        Assert.Equal(expected, r.Diagnostics.Select(d => (d.Code, d.Line, d.Column)).ToArray());
        Assert.All(r.Diagnostics, d => Assert.Equal(File, d.File));
        return r.Diagnostics;
    }

    private const string Header = "variable x, theta_1^12\nparameter m = 0.77 in [0.6, 0.9]\nparameter c : complex = 2+0.5i\n";

    [Fact]
    public void The_brief_example_reads_with_every_declaration()
    {
        var m = Reads("""
            # comment to end of line
            model D0ToKsPiPi
            variable m_12, m_02, theta_1^12          # event columns
            constant m_pi = 0.13957, m_Ks = 0.497611
            constant d = 1.5
            parameter m_rho = 0.7753 in [0.6, 0.9]   # real
            parameter w_rho = 0.1491 >= 0
            parameter c_rho : complex = 1 fixed
            parameter c_f0 : complex = 1.2 * exp(0.7i) fixed
            parameter "m_{f_{0}(980)}" = 0.99 <= 1.2
            let q2(s, m1, m2) = breakup_momentum_squared(s, m1, m2)
            let bw_rho = relativistic_bw_ff(m_12^2, m_rho, w_rho, m_pi, m_pi, 1, d)
            amplitude rho = c_rho * bw_rho * wigner_d(1, 0, 0, theta_1^12)
            amplitude f0 = c_f0 * flatte(m_12^2, "m_{f_{0}(980)}", 0.165, 0.7, m_pi, m_pi, m_Ks, m_Ks) * q2(m_02^2, m_Ks, m_pi)
            intensity = |rho + f0|^2
            """);
        Assert.Equal("D0ToKsPiPi", m.Name);
        Assert.Equal(["m_12", "m_02", "theta_1^12"], m.Variables);
        Assert.Equal(["m_rho", "w_rho", "c_rho", "c_f0", "m_{f_{0}(980)}"], m.Parameters.Select(p => p.Name));
        Assert.Equal(new ModelParameter("m_rho", 0.7753, false, 0.6, 0.9), m.Parameters[0]);
        Assert.Equal(new ModelParameter("w_rho", 0.1491, false, 0, null), m.Parameters[1]);
        Assert.True(m.Parameters[2] is { IsComplex: true, IsFixed: true });
        Assert.True(Complex.Abs(m.Parameters[3].Default - Complex.FromPolarCoordinates(1.2, 0.7)) < 1e-15);
        Assert.Equal(1.2, m.Parameters[4].Upper);
        Assert.Equal(new Dictionary<string, Complex> { ["m_pi"] = 0.13957, ["m_Ks"] = 0.497611, ["d"] = 1.5 }, m.Constants);
        Assert.Equal(["rho", "f0"], m.Components.Select(c => c.Name));
        Assert.True(m.IsIntensityRealValued());

        // The amplitude is the building block with the declared symbols, not a lookalike.
        var sym = (string n) => (Expr)Expr.Symbol(n, Assumptions.Real);
        var expected = Expr.Mul(Expr.Symbol("c_rho"),
            Dynamics.RelativisticBreitWignerWithFormFactor(Expr.Pow(sym("m_12"), 2), sym("m_rho"), sym("w_rho"), sym("m_pi"), sym("m_pi"), 1, sym("d")),
            Angular.WignerSmallD(1, 0, 0, sym("theta_1^12")));
        Assert.Same(expected, m.Components[0].Amplitude);
    }

    [Fact]
    public void Names_with_carets_are_variables_and_carets_after_other_names_are_powers()
    {
        var m = Reads(Header + "intensity = theta_1^12 + x^2 + theta_1^12^2\n");
        var theta = Expr.Symbol("theta_1^12", Assumptions.Real);
        var x = Expr.Symbol("x", Assumptions.Real);
        Assert.Same(Expr.Add(theta, Expr.Pow(x, 2), Expr.Pow(theta, 2)), m.Intensity);
    }

    [Fact]
    public void Imaginary_literals_statement_continuation_and_default_name()
    {
        var m = Reads("variable x\nconstant k = 2.5i\nparameter c : complex = 1 - 2i\namplitude a = (c * x +\n    k)\n  * x\nintensity = |a|^2");
        Assert.Equal("model", m.Name);
        Assert.Equal(new Complex(0, 2.5), m.Constants["k"]);
        Assert.Equal(new Complex(1, -2), m.Parameters[0].Default);
        var v = ReferenceEvaluator.Evaluate(m.Intensity, new Dictionary<string, Complex> { ["x"] = 2, ["c"] = new(1, -2), ["k"] = new(0, 2.5) });
        Assert.Equal(Math.Pow(Complex.Abs((new Complex(1, -2) * 2 + new Complex(0, 2.5)) * 2), 2), v.Real, 12);
    }

    [Fact]
    public void A_spin_passed_through_a_function_is_still_a_literal()
    {
        var m = Reads("variable t\nlet ang(J, theta) = wigner_d(J, 0, 0, theta)\nintensity = ang(2, t)^2 + ang(1/2 + 1/2, t)");
        var t = Expr.Symbol("t", Assumptions.Real);
        Assert.Same(Expr.Add(Expr.Pow(Angular.WignerSmallD(2, 0, 0, t), 2), Angular.WignerSmallD(1, 0, 0, t)), m.Intensity);
    }

    [Fact]
    public void Compile_evaluates_like_the_reference_evaluator()
    {
        var m = Reads(Header + "amplitude a = c * relativistic_bw(x^2, m, 0.15)\nintensity = |a|^2 * (1 + theta_1^12)\n");
        var f = m.Compile(new LambdifyOptions { Backend = Backend.Cpu });
        Assert.Equal(["m", "c"], f.Parameters.Select(p => p.Name).Order().Reverse());
        var sample = new EventSample([new("x", [0.7, 0.8]), new("theta_1^12", [0.1, 0.2])]);
        var re = new double[2];
        f.Evaluate(sample, re);
        var values = new Dictionary<string, Complex>(m.SymbolValues()) { ["x"] = 0.8, ["theta_1^12"] = 0.2 };
        Assert.Equal(ReferenceEvaluator.Evaluate(m.Intensity, values).Real, re[1], 12);
    }

    // ---------------- errors: one test each, exact line and column ----------------

    [Fact]
    public void Syntax_errors_are_reported_for_every_statement()
    {
        var d = FailsWith("variable x\nvarible y\nparameter m 0.5\nintensity = x +* 2\n",
            (DiagnosticCodes.AmpSyntax, 2, 1),
            (DiagnosticCodes.AmpSyntax, 3, 13),
            (DiagnosticCodes.UnexpectedToken, 4, 16));
        Assert.Contains("expected a statement", d[0].Message);
        Assert.Contains("expected '='", d[1].Message);
    }

    [Fact]
    public void An_unclosed_bracket_names_its_place_in_the_file()
    {
        var d = FailsWith("variable x\nintensity = x +\n  (x * 2\n", (DiagnosticCodes.Unbalanced, 3, 9));
        Assert.Contains("opened at 3:3", d[0].Message);
    }

    [Fact]
    public void Unknown_symbols_are_all_reported_with_the_fix()
    {
        var d = FailsWith("variable x\nintensity = x^2 + y + 2*zz\n",
            (DiagnosticCodes.UndeclaredSymbol, 2, 19),
            (DiagnosticCodes.UndeclaredSymbol, 2, 25));
        Assert.Contains("declare it as a variable, parameter or constant", d[0].Message);
    }

    [Fact]
    public void Unknown_function_lists_near_names()
    {
        var d = FailsWith("variable x\nintensity = |relativistic_bv(x, 1, 2)|^2\n", (DiagnosticCodes.UndefinedFunction, 2, 14));
        Assert.Contains("'relativistic_bw'", d[0].Message);
    }

    [Fact]
    public void Redefinition_points_at_the_second_and_names_the_first_line()
    {
        var d = FailsWith("variable x\nconstant k = 1\nparameter x = 2\nlet sqrt(a) = a\nlet pi = 3\nintensity = x*k\n",
            (DiagnosticCodes.Redefinition, 3, 11),
            (DiagnosticCodes.Redefinition, 4, 5),
            (DiagnosticCodes.Redefinition, 5, 5));
        Assert.Contains("already defined at line 1 (as a variable)", d[0].Message);
        Assert.Contains("built-in", d[1].Message);
    }

    [Fact]
    public void Wrong_argument_counts_of_builtins_and_user_functions()
    {
        var d = FailsWith("variable x\nlet f(a, b) = a*b\nintensity = f(x) + kallen(x, x) + sin(x, x)\n",
            (DiagnosticCodes.WrongArgumentCount, 3, 13),
            (DiagnosticCodes.WrongArgumentCount, 3, 20),
            (DiagnosticCodes.WrongArgumentCount, 3, 35));
        Assert.Contains("takes 2 argument(s), got 1", d[0].Message);
    }

    [Fact]
    public void No_intensity_and_two_intensities()
    {
        FailsWith("variable x\namplitude a = x\n", (DiagnosticCodes.MissingIntensity, 3, 1));
        var d = FailsWith("variable x\nintensity = x^2\nintensity = x^4\n", (DiagnosticCodes.DuplicateIntensity, 3, 1));
        Assert.Contains("line 2", d[0].Message);
    }

    [Fact]
    public void Defaults_and_limits_must_be_constant()
    {
        var d = FailsWith("variable x\nparameter m = 0.5\nparameter w = 2*m\nparameter a = 1 in [0, x]\nconstant k = m\nintensity = x*m*w*a\n",
            (DiagnosticCodes.NonConstantValue, 3, 15),
            (DiagnosticCodes.NonConstantValue, 4, 24),
            (DiagnosticCodes.NonConstantValue, 5, 14));
        Assert.Contains("'m'", d[0].Message);
    }

    [Fact]
    public void Inverted_limits_and_defaults_outside_them()
    {
        var d = FailsWith("variable x\nparameter m = 0.5 in [0.9, 0.6]\nparameter w = 2 in [0, 1]\nparameter v = -1 >= 0\nintensity = x*m*w*v\n",
            (DiagnosticCodes.InvalidLimits, 2, 19),
            (DiagnosticCodes.InvalidLimits, 3, 15),
            (DiagnosticCodes.InvalidLimits, 4, 15));
        Assert.Contains("lower limit below the upper", d[0].Message);
        Assert.Contains("within its limits", d[1].Message);
    }

    [Fact]
    public void A_declaration_in_error_still_declares_its_name()
    {
        // Each statement has one error; the later uses of the names they declare are not reported again.
        var d = FailsWith(
            "variable x : postive, y\n" +
            "constant k = 2x, q = 1\n" +
            "constant r 3\n" +
            "parameter m : cmplex = 1\n" +
            "parameter w = 0.1 in [0 1]\n" +
            "parameter v = zz\n" +
            "let f(a, a) = a\n" +
            "let g 2\n" +
            "amplitude A x\n" +
            "constant kk = k + r\n" +
            "intensity = |x*y*k*q*r*m*w*v*f(x, y)*g*A*kk|^2\n",
            (DiagnosticCodes.AmpSyntax, 1, 14),
            (DiagnosticCodes.UnexpectedToken, 2, 15),
            (DiagnosticCodes.AmpSyntax, 3, 12),
            (DiagnosticCodes.AmpSyntax, 4, 15),
            (DiagnosticCodes.AmpSyntax, 5, 19),
            (DiagnosticCodes.UndeclaredSymbol, 6, 15),
            (DiagnosticCodes.Redefinition, 7, 10),
            (DiagnosticCodes.AmpSyntax, 8, 7),
            (DiagnosticCodes.AmpSyntax, 9, 13));
        Assert.Contains("'postive'", d[0].Message);
    }

    [Fact]
    public void An_intensity_statement_in_error_is_not_also_missing()
    {
        FailsWith("variable x\nintensity |x|^2\n", (DiagnosticCodes.AmpSyntax, 2, 11));
        FailsWith("variable x\nintensity =\n", (DiagnosticCodes.AmpSyntax, 2, 12));
    }

    [Fact]
    public void An_unclosed_bracket_does_not_swallow_the_next_statement()
    {
        var d = FailsWith("variable x\nconstant k = (1 + 2\nparameter m = 1\nintensity = x*k*m\n", (DiagnosticCodes.Unbalanced, 2, 20));
        Assert.Contains("opened at 2:14", d[0].Message);
        FailsWith("variable x\nconstant k = 1 +\nparameter m = 1\nintensity = x*k*m\n", (DiagnosticCodes.UnexpectedEnd, 2, 17));
    }

    [Fact]
    public void A_misspelt_symbol_gets_near_names()
    {
        var d = FailsWith("variable m_12, theta\nparameter m_rho = 0.77\nintensity = m_12*m_rhoo*thetta\n",
            (DiagnosticCodes.UndeclaredSymbol, 3, 18), (DiagnosticCodes.UndeclaredSymbol, 3, 25));
        Assert.Contains("unknown symbol 'm_rhoo' (did you mean 'm_rho'?)", d[0].Message);
        Assert.Contains("(did you mean 'theta'?)", d[1].Message);
    }

    [Fact]
    public void A_complex_intensity_is_reported_with_the_other_errors()
    {
        // The amplitude B is in error; A is complex, so A + B is complex whatever B turns out to be.
        var d = FailsWith("variable x\nparameter c : complex = 1\namplitude A = c*x\namplitude B = c*y\nintensity = A + B\n",
            (DiagnosticCodes.UndeclaredSymbol, 4, 17), (DiagnosticCodes.ComplexIntensity, 5, 13));
        // |A + B|^2 is real whatever B is: only B's error.
        FailsWith("variable x\nparameter c : complex = 1\namplitude A = c*x\namplitude B = c*y\nintensity = |A + B|^2\n",
            (DiagnosticCodes.UndeclaredSymbol, 4, 17));
    }

    [Fact]
    public void Names_may_be_letters_of_any_script()
    {
        var m = Reads("variable θ\nparameter α = 0.5\nparameter Γ_ρ = 0.1\nintensity = |α*cos(θ) + Γ_ρ|^2\n");
        Assert.Equal(["θ"], m.Variables);
        Assert.Equal(["α", "Γ_ρ"], m.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void A_complex_intensity_is_an_error()
    {
        var d = FailsWith("variable x\nparameter c : complex = 1\nintensity = c * x\n", (DiagnosticCodes.ComplexIntensity, 3, 13));
        Assert.Contains("real-valued", d[0].Message);
        Reads("variable x\nparameter c : complex = 1\nintensity = |c * x|^2 + re(c)\n");
    }

    [Fact]
    public void Spins_must_be_literals()
    {
        var d = FailsWith("variable t\nconstant j = 1\nparameter L = 1\nintensity = wigner_d(j, 0, 0, t)^2 + blatt_weisskopf_squared(t, L) + wigner_d(1, 2, 0, t)^2 + wigner_d(1/3, 0, 0, t)\n",
            (DiagnosticCodes.SpinNotLiteral, 4, 22),
            (DiagnosticCodes.SpinNotLiteral, 4, 65),
            (DiagnosticCodes.SpinNotLiteral, 4, 82),
            (DiagnosticCodes.SpinNotLiteral, 4, 104));
        Assert.Contains("literal", d[0].Message);
        Assert.Contains("not a projection of spin 1", d[2].Message);
    }

    [Fact]
    public void A_bad_spin_through_a_function_blames_the_call()
    {
        var d = FailsWith("variable t\nlet ang(J, theta) = wigner_d(J, 0, 0, theta)\nintensity = ang(t, t)^2\n", (DiagnosticCodes.SpinNotLiteral, 3, 13));
        Assert.Contains("in the body of 'ang' at 2:30", d[0].Message);
    }

    // ---------------- the sample model ----------------

    internal static string SamplePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "samples", "d0_to_ks_pi_pi.amp");
            if (System.IO.File.Exists(p)) return p;
        }
        throw new FileNotFoundException("samples/d0_to_ks_pi_pi.amp");
    }

    [Fact]
    public void The_D0_sample_is_real_and_positive_on_phase_space_and_compiles()
    {
        var model = AmpReader.ParseFile(SamplePath()).GetValueOrThrow();
        Assert.Equal(["rho", "Kst", "f0", "f2"], model.Components.Select(c => c.Name));
        Assert.Single(model.Parameters, p => p.IsFixed);
        Assert.True(model.IsIntensityRealValued());
        var momenta = PhaseSpace.GenerateFlat(1.86484, [0.497611, 0.13957039, 0.13957039], 5000, new RandomStream(7));
        var sample = KinematicVariables.Compute(model.Variables, momenta);
        var f = model.Compile();
        Assert.False(f.IsComplexValued);
        var values = new double[sample.Count];
        f.Evaluate(sample, values);
        Assert.All(values, v => Assert.True(double.IsFinite(v) && v > 0, $"intensity {v}"));
        // The compiled kernel agrees with the reference evaluator.
        var evaluator = new ReferenceEvaluator(model.Intensity);
        var symbols = new Dictionary<string, Complex>(model.SymbolValues());
        for (int i = 0; i < 20; i++)
        {
            foreach (var v in model.Variables) symbols[v] = sample[v][i];
            Assert.Equal(evaluator.Evaluate(symbols).Real, values[i], 1e-10 * values[i]);
        }
    }
}
