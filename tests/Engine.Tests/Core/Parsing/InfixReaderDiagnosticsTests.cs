using PartialWave.Parsing;
using PartialWave.Symbolic;

namespace PartialWave.Engine.Tests.Core.Parsing;

/// <summary>Diagnostics of the infix reader: code, 1-based line and column (counted by hand), message.</summary>
public class InfixReaderDiagnosticsTests
{
    private const string File = "model.txt";

    private static Diagnostic Fails(string text, string code, int line, int column)
    {
        var r = InfixReader.Parse(text, File);
        Assert.False(r.Success, $"expected a diagnostic, got the value {r.Value}");
        Assert.Null(r.Value);
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal(File, d.File);
        Assert.Equal((code, line, column), (d.Code, d.Line, d.Column));
        Assert.Equal($"{File}:{line}:{column}: error {code}: {d.Message}", d.ToString());
        return d;
    }

    private static Expr Reads(string text, Func<string, Assumptions>? assumptions = null)
    {
        var r = InfixReader.Parse(text, File, assumptions);
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
        return r.Value!;
    }

    // ---------------- the documented examples read ----------------

    [Fact]
    public void Documented_examples_read()
    {
        var c = Expr.Symbol("c"); var phi = Expr.Symbol("phi"); var m = Expr.Symbol("m"); var s = Expr.Symbol("s"); var w = Expr.Symbol("w");
        var expected = c * Expr.Call(ExprKind.Exp, Expr.I * phi) / (Expr.Pow(m, 2) - s - Expr.I * m * w);
        Assert.Same(expected, Reads("c*exp(I*phi)/(m^2 - s - I*m*w)"));
        var a = Expr.Symbol("A");
        Assert.Same(Expr.Pow(Expr.Call(ExprKind.Abs, a), 2), Reads("|A|^2"));
        Assert.Same(Expr.Pow(Expr.Call(ExprKind.Abs, a), 2), Reads("|A|**2"));
        Assert.Same(Expr.Symbol("m_{f_{0}(980)}"), Reads("`m_{f_{0}(980)}`"));
        Assert.Same(Expr.Symbol("a`b"), Reads("`a``b`"));
    }

    // ---------------- unknown functions ----------------

    [Fact]
    public void Unknown_function_is_reported_at_its_name()
    {
        var d = Fails("foo(x)", DiagnosticCodes.UnknownFunction, 1, 1);
        Assert.Contains("unknown function 'foo'", d.Message);
        Assert.Contains("known: sqrt, Abs, exp", d.Message);
    }

    [Fact]
    public void Unknown_function_after_an_operator()
    {
        // "2*x + " is 6 characters: Foo at column 7
        var d = Fails("2*x + Foo(1, y)", DiagnosticCodes.UnknownFunction, 1, 7);
        Assert.Contains("'Foo'", d.Message);
    }

    // ---------------- arity ----------------

    [Theory]
    [InlineData("atan2(x)", "atan2 takes 2 argument(s), got 1")]
    [InlineData("sqrt(x, y)", "sqrt takes 1 argument(s), got 2")]
    [InlineData("exp()", "exp takes 1 argument(s), got 0")]
    [InlineData("log(x, 2, 3)", "log takes 1 to 2 argument(s), got 3")]
    [InlineData("max()", "max takes at least 1 argument(s), got 0")]
    [InlineData("Eq(x)", "Eq takes 2 argument(s), got 1")]
    public void Wrong_arity_names_the_expected_count(string text, string message)
    {
        var d = Fails(text, DiagnosticCodes.WrongArity, 1, 1);
        Assert.Contains(message, d.Message);
    }

    // ---------------- parentheses and bars ----------------

    [Fact]
    public void Missing_close_paren_at_the_end()
    {
        // "(x + 1" is 6 characters: the end is column 7; the '(' is at 1:1
        var d = Fails("(x + 1", DiagnosticCodes.Unbalanced, 1, 7);
        Assert.Contains("missing ')'", d.Message);
        Assert.Contains("'('", d.Message);
        Assert.Contains("at 1:1", d.Message);
    }

    [Fact]
    public void Missing_close_paren_of_a_call()
    {
        // "2 * exp(x" is 9 characters: the end is column 10; "exp(" starts at 1:5
        var d = Fails("2 * exp(x", DiagnosticCodes.Unbalanced, 1, 10);
        Assert.Contains("missing ')'", d.Message);
        Assert.Contains("'exp('", d.Message);
        Assert.Contains("at 1:5", d.Message);
    }

    [Fact]
    public void Extra_close_paren_at_the_end()
    {
        // "x + 1" is 5 characters: the extra ')' at column 6
        var d = Fails("x + 1)", DiagnosticCodes.Unbalanced, 1, 6);
        Assert.Contains("unbalanced ')'", d.Message);
    }

    [Fact]
    public void Extra_close_paren_after_a_group()
    {
        Fails("(x))", DiagnosticCodes.Unbalanced, 1, 4);
    }

    [Fact]
    public void Lone_close_paren()
    {
        var d = Fails(")", DiagnosticCodes.Unbalanced, 1, 1);
        Assert.Contains("expected an expression, found ')'", d.Message);
    }

    [Fact]
    public void Wrong_closing_bracket()
    {
        // "(x + 1" is 6 characters: ']' at column 7
        var d = Fails("(x + 1]", DiagnosticCodes.UnexpectedToken, 1, 7);
        Assert.Contains("expected ')', found ']'", d.Message);
    }

    [Fact]
    public void Missing_closing_bar()
    {
        // "|x + 1" is 6 characters: the end is column 7
        var d = Fails("|x + 1", DiagnosticCodes.Unbalanced, 1, 7);
        Assert.Contains("expected '|' to close the '|' at 1:1", d.Message);
    }

    // ---------------- quoted names (the infix reader's strings) ----------------

    [Fact]
    public void Unterminated_quoted_name()
    {
        // "x + " is 4 characters: the backtick at column 5
        var d = Fails("x + `m_{f_0", DiagnosticCodes.BadString, 1, 5);
        Assert.Contains("not terminated", d.Message);
        Assert.Contains("expected a closing '`'", d.Message);
    }

    [Fact]
    public void Empty_quoted_name()
    {
        var d = Fails("x + ``", DiagnosticCodes.BadString, 1, 5);
        Assert.Contains("empty quoted name", d.Message);
    }

    [Fact]
    public void Backslash_in_a_quoted_name_is_taken_literally()
    {
        // The infix reader has no escapes: `a\q` is the name a\q.
        Assert.Same(Expr.Symbol(@"a\q"), Reads(@"`a\q`"));
    }

    // ---------------- numbers ----------------

    [Fact]
    public void Division_by_exact_zero_is_a_value_not_an_error()
    {
        // SymPy reads 1/0 as zoo; the reader keeps the unevaluated power and reports nothing.
        Assert.Same(Expr.Pow(Expr.Zero, Expr.MinusOne), Reads("1/0"));
    }

    [Fact]
    public void Exponent_without_digits_is_not_part_of_the_number()
    {
        Assert.Same(Expr.Float(2e3), Reads("2E3"));
        Assert.Same(Expr.Float(2.5e-3), Reads("2.5e-3"));
        // "2E" is the number 2 followed by the name E; there is no implicit product, so E is trailing.
        var d = Fails("2E", DiagnosticCodes.UnexpectedToken, 1, 2);
        Assert.Contains("found 'E'", d.Message);
        Assert.Same(Expr.Mul(Expr.Integer(2), Expr.E), Reads("2*E"));
    }

    // ---------------- conditions and values ----------------

    [Fact]
    public void Condition_at_the_top_level_is_not_a_value()
    {
        var d = Fails("x < 1", DiagnosticCodes.WrongArgument, 1, 1);
        Assert.Contains("expected an expression, found a condition", d.Message);
    }

    [Fact]
    public void Condition_after_plus_points_at_the_condition()
    {
        // "x + " is 4 characters: '(' at column 5
        var d = Fails("x + (y < 1)", DiagnosticCodes.WrongArgument, 1, 5);
        Assert.Contains("expected an expression after '+', found a condition", d.Message);
    }

    [Fact]
    public void Condition_as_a_function_argument()
    {
        // "exp(" is 4 characters: the argument at column 5
        var d = Fails("exp(x < 1)", DiagnosticCodes.WrongArgument, 1, 5);
        Assert.Contains("expected an expression as an argument of exp, found a condition", d.Message);
    }

    [Fact]
    public void Boolean_constant_times_a_number()
    {
        var d = Fails("2*true", DiagnosticCodes.WrongArgument, 1, 3);
        Assert.Contains("after '*'", d.Message);
    }

    [Fact]
    public void Value_where_a_Piecewise_condition_is_expected()
    {
        // "Piecewise((x, " is 14 characters: y at column 15
        var d = Fails("Piecewise((x, y))", DiagnosticCodes.WrongArgument, 1, 15);
        Assert.Contains("expected a condition in a Piecewise pair, found an expression", d.Message);
    }

    [Fact]
    public void Keyword_where_a_value_is_expected()
    {
        // "x + " is 4 characters: 'and' at column 5
        var d = Fails("x + and", DiagnosticCodes.UnexpectedToken, 1, 5);
        Assert.Contains("found the keyword 'and'", d.Message);
    }

    // ---------------- trailing garbage and unexpected end ----------------

    [Fact]
    public void Juxtaposed_names_are_trailing_garbage()
    {
        var d = Fails("x y", DiagnosticCodes.UnexpectedToken, 1, 3);
        Assert.Contains("expected an operator or the end of the expression, found 'y'", d.Message);
    }

    [Fact]
    public void Stray_symbol_character_after_the_expression()
    {
        // "x + 1 " is 6 characters: '@' at column 7
        var d = Fails("x + 1 @", DiagnosticCodes.UnexpectedToken, 1, 7);
        Assert.Contains("found '@'", d.Message);
    }

    [Fact]
    public void Operator_at_the_end_is_unexpected_end()
    {
        // "x +" is 3 characters: the end is column 4
        var d = Fails("x +", DiagnosticCodes.UnexpectedEnd, 1, 4);
        Assert.Contains("expected an expression", d.Message);
        Assert.Contains("the end of the input", d.Message);
    }

    [Fact]
    public void Empty_input_is_unexpected_end_at_1_1()
    {
        Fails("", DiagnosticCodes.UnexpectedEnd, 1, 1);
        Fails("   ", DiagnosticCodes.UnexpectedEnd, 1, 4);
    }

    [Fact]
    public void Non_ascii_character_is_reported_where_it_stands()
    {
        // columns count UTF-16 units: "α + " is 4, so '×' (not a letter, not an operator) is column 5
        var d = Fails("α + ×", DiagnosticCodes.UnexpectedToken, 1, 5);
        Assert.Contains("expected an expression", d.Message);
    }

    [Fact]
    public void Names_are_letters_of_any_script()
    {
        var e = InfixReader.Parse("α*θ_1 + Γρ2 - é").GetValueOrThrow();
        Assert.Equal(["é", "Γρ2", "α", "θ_1"], e.FreeSymbolNames().Order(StringComparer.Ordinal));
        Assert.Equal("α*θ_1", InfixPrinter.Print(InfixReader.Parse("α*θ_1").GetValueOrThrow()));
    }

    // ---------------- multi-line input ----------------

    [Fact]
    public void Unknown_function_on_line_3()
    {
        // line 3 is "  + foo(c)": foo at column 5
        var d = Fails("a*x\n  + b\n  + foo(c)", DiagnosticCodes.UnknownFunction, 3, 5);
        Assert.Contains("'foo'", d.Message);
    }

    [Fact]
    public void Crlf_line_endings_give_the_same_line_and_column()
    {
        Fails("a*x\r\n  + b\r\n  + foo(c)", DiagnosticCodes.UnknownFunction, 3, 5);
    }

    [Fact]
    public void Missing_close_paren_on_line_3_names_the_open_paren_position()
    {
        // line 3 is "+ (c": the '(' is at 3:3, the end at column 5
        var d = Fails("a\n+ b\n+ (c", DiagnosticCodes.Unbalanced, 3, 5);
        Assert.Contains("'('", d.Message);
        Assert.Contains("at 3:3", d.Message);
    }

    [Fact]
    public void Condition_in_a_sum_on_line_3()
    {
        // line 3 is "   - (x < y)": '(' at column 6
        var d = Fails("a\n + b\n   - (x < y)", DiagnosticCodes.WrongArgument, 3, 6);
        Assert.Contains("after '-'", d.Message);
    }

    [Fact]
    public void Trailing_garbage_on_line_3()
    {
        // line 3 is "\t) ]": ']' at column 4
        Fails("(a\n+ b\n\t) ]", DiagnosticCodes.UnexpectedToken, 3, 4);
    }
}
