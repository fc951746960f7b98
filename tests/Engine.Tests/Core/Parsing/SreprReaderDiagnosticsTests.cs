using PartialWave.Parsing;
using PartialWave.Symbolic;

namespace PartialWave.Engine.Tests.Core.Parsing;

/// <summary>
/// Diagnostics of the srepr reader: code, 1-based line and column (counted by hand in the comments),
/// and a message that names what was expected. C# verbatim strings are used so that a backslash in the
/// test text is one backslash in the srepr input.
/// </summary>
public class SreprReaderDiagnosticsTests
{
    private const string File = "test.srepr";

    private static Diagnostic Fails(string text, string code, int line, int column)
    {
        var r = SreprReader.Parse(text, File);
        Assert.False(r.Success, $"expected a diagnostic, got the value {r.Value}");
        Assert.Null(r.Value);
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal(File, d.File);
        Assert.Equal((code, line, column), (d.Code, d.Line, d.Column));
        Assert.Equal($"{File}:{line}:{column}: error {code}: {d.Message}", d.ToString());
        Assert.Throws<FormatException>(() => r.GetValueOrThrow());
        return d;
    }

    // ---------------- unknown constructors and names ----------------

    [Fact]
    public void Unknown_constructor_is_reported_at_its_name()
    {
        var d = Fails("Foo(Integer(1))", DiagnosticCodes.UnknownConstructor, 1, 1);
        Assert.Contains("unknown constructor 'Foo'", d.Message);
        Assert.Contains("supported: Add, Mul, Pow", d.Message);
    }

    [Fact]
    public void Unknown_constructor_inside_arguments_points_at_the_inner_name()
    {
        // "Add(" 0-3, "Integer(1)" 4-13, ", " 14-15, "Foo" at 16 -> column 17
        var d = Fails("Add(Integer(1), Foo(Integer(2)))", DiagnosticCodes.UnknownConstructor, 1, 17);
        Assert.Contains("'Foo'", d.Message);
    }

    [Fact]
    public void Unknown_bare_name_says_what_names_are_allowed()
    {
        // "Mul(Integer(2), " is 16 characters, so 'x' is at column 17
        var d = Fails("Mul(Integer(2), x)", DiagnosticCodes.UnknownConstructor, 1, 17);
        Assert.Contains("unknown name 'x'", d.Message);
        Assert.Contains("expected a constructor call", d.Message);
    }

    // ---------------- arity ----------------

    [Fact]
    public void Pow_with_one_argument_is_wrong_arity()
    {
        var d = Fails("Pow(Integer(1))", DiagnosticCodes.WrongArity, 1, 1);
        Assert.Contains("Pow takes 2 argument(s), got 1", d.Message);
    }

    [Theory]
    [InlineData("Integer()", "Integer takes 1 argument(s), got 0")]
    [InlineData("exp(Integer(1), Integer(2))", "exp takes 1 argument(s), got 2")]
    [InlineData("atan2(Symbol('y'))", "atan2 takes 2 argument(s), got 1")]
    [InlineData("log(Integer(1), Integer(2), Integer(3))", "log takes 1 to 2 argument(s), got 3")]
    [InlineData("Piecewise()", "Piecewise takes at least 1 argument(s), got 0")]
    [InlineData("StrictLessThan(Symbol('x'))", "StrictLessThan takes 2 argument(s), got 1")]
    public void Wrong_arity_names_the_expected_count(string text, string message)
    {
        var d = Fails(text, DiagnosticCodes.WrongArity, 1, 1);
        Assert.Contains(message, d.Message);
    }

    [Fact]
    public void Wrong_arity_of_an_inner_call_points_at_that_call()
    {
        // "Mul(Symbol('x'), " is 17 characters: Pow at column 18
        var d = Fails("Mul(Symbol('x'), Pow(Symbol('y')))", DiagnosticCodes.WrongArity, 1, 18);
        Assert.Contains("Pow takes 2 argument(s), got 1", d.Message);
    }

    // ---------------- parentheses ----------------

    [Fact]
    public void Missing_close_paren_at_the_end_is_unbalanced_and_names_the_open_paren()
    {
        // "Add(" 4 + "Symbol('x')" 11 + ", " 2 + "Integer(1)" 10 = 27 characters: the end is column 28;
        // the '(' of "Add(" is at column 4.
        var d = Fails("Add(Symbol('x'), Integer(1)", DiagnosticCodes.Unbalanced, 1, 28);
        Assert.Contains("missing ')'", d.Message);
        Assert.Contains("'Add('", d.Message);
        Assert.Contains("1:4", d.Message);
    }

    [Fact]
    public void Missing_close_paren_of_the_outer_call_after_a_closed_inner_call()
    {
        // "Add(Symbol('x'), Pow(Symbol('y'), Integer(2))" is 45 characters: the end is column 46
        var d = Fails("Add(Symbol('x'), Pow(Symbol('y'), Integer(2))", DiagnosticCodes.Unbalanced, 1, 46);
        Assert.Contains("'Add('", d.Message);
        Assert.Contains("at 1:4", d.Message);
    }

    [Fact]
    public void Input_ending_after_a_comma_is_unexpected_end()
    {
        // "Add(Symbol('x')," is 16 characters: the end is column 17
        var d = Fails("Add(Symbol('x'),", DiagnosticCodes.UnexpectedEnd, 1, 17);
        Assert.Contains("expected an expression", d.Message);
        Assert.Contains("the end of the input", d.Message);
    }

    /// <summary>
    /// An extra ')' is a parenthesis without its partner: DiagnosticCodes.Unbalanced ("A parenthesis, bracket
    /// or bar without its partner"), which is also what the infix reader reports for the same mistake.
    /// </summary>
    [Fact]
    public void Extra_close_paren_is_unbalanced()
    {
        // "Integer(1)" is 10 characters: the extra ')' is at column 11
        var d = Fails("Integer(1))", DiagnosticCodes.Unbalanced, 1, 11);
        Assert.Contains("')'", d.Message);
    }

    [Fact]
    public void Extra_close_paren_is_at_the_right_column_and_says_what_was_expected()
    {
        // "Add(Integer(1), Symbol('x'))" is 28 characters: the extra ')' is at column 29
        var r = SreprReader.Parse("Add(Integer(1), Symbol('x')))", File);
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal((1, 29), (d.Line, d.Column));
        Assert.Contains("')'", d.Message);
    }

    [Fact]
    public void Wrong_closing_bracket_is_reported_where_it_stands()
    {
        // "Add(Integer(1)" is 14 characters: ']' at column 15
        var d = Fails("Add(Integer(1)]", DiagnosticCodes.UnexpectedToken, 1, 15);
        Assert.Contains("expected ',' or ')' in the arguments of Add, found ']'", d.Message);
    }

    // ---------------- strings ----------------

    [Fact]
    public void Unknown_escape_is_a_bad_string_at_the_backslash()
    {
        // S=1 y=2 m=3 b=4 o=5 l=6 (=7 '=8 a=9 \=10
        var d = Fails(@"Symbol('a\q')", DiagnosticCodes.BadString, 1, 10);
        Assert.Contains(@"unknown escape sequence '\q'", d.Message);
        Assert.Contains(@"'\\'", d.Message); // tells how srepr writes a backslash
    }

    [Fact]
    public void Doubled_backslash_is_one_backslash_in_the_name()
    {
        var r = SreprReader.Parse(@"Symbol('a\\q')", File);
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
        Assert.Equal(@"a\q", Assert.IsType<Symbol>(r.Value).Name);
    }

    [Fact]
    public void Unterminated_string_points_at_its_opening_quote()
    {
        var d = Fails("Symbol('abc", DiagnosticCodes.BadString, 1, 8);
        Assert.Contains("not terminated", d.Message);
        Assert.Contains("expected a closing '", d.Message);
    }

    [Fact]
    public void Unterminated_double_quoted_string_names_the_double_quote()
    {
        var d = Fails("Symbol(\"abc)", DiagnosticCodes.BadString, 1, 8);
        Assert.Contains("expected a closing \"", d.Message);
    }

    [Fact]
    public void String_broken_by_a_newline_is_unterminated()
    {
        var d = Fails("Symbol('ab\ncd')", DiagnosticCodes.BadString, 1, 8);
        Assert.Contains("not terminated", d.Message);
    }

    [Fact]
    public void String_ending_inside_an_escape_is_reported_at_the_backslash()
    {
        // S1 y2 m3 b4 o5 l6 (7 '8 a9 b10 c11 \12
        var d = Fails(@"Symbol('abc\", DiagnosticCodes.BadString, 1, 12);
        Assert.Contains("escape", d.Message);
    }

    [Theory]
    [InlineData(@"Symbol('\x4')", "2 hexadecimal digits")]
    [InlineData(@"Symbol('\u12G4')", "4 hexadecimal digits")]
    [InlineData(@"Symbol('\UFFFFFFFF')", "names no Unicode character")]
    [InlineData(@"Symbol('\U0000D800')", "names no Unicode character")]
    public void Bad_hex_escapes_are_bad_strings(string text, string message)
    {
        var d = Fails(text, DiagnosticCodes.BadString, 1, 9);
        Assert.Contains(message, d.Message);
    }

    // ---------------- assumptions ----------------

    [Fact]
    public void Unknown_assumption_keyword_is_reported_at_the_keyword()
    {
        // "Symbol('x', " is 12 characters: 'reel' at column 13
        var d = Fails("Symbol('x', reel=True)", DiagnosticCodes.WrongArgument, 1, 13);
        Assert.Contains("unknown assumption 'reel'", d.Message);
        Assert.Contains("expected one of SymPy's", d.Message);
    }

    [Fact]
    public void Assumption_value_must_be_a_python_boolean()
    {
        // "Symbol('x', real=" is 17 characters: '1' at column 18
        var d = Fails("Symbol('x', real=1)", DiagnosticCodes.WrongArgument, 1, 18);
        Assert.Contains("assumption 'real' must be True or False", d.Message);
    }

    [Fact]
    public void Known_assumptions_are_read()
    {
        var r = SreprReader.Parse("Symbol('m', positive=True, real=True)", File);
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
        Assert.Equal(AssumptionSet.Close(Assumptions.Positive), Assert.IsType<Symbol>(r.Value).Assumptions);
    }

    // ---------------- numbers ----------------

    [Fact]
    public void Rational_with_zero_denominator_points_at_the_denominator()
    {
        // "Rational(1, " is 12 characters: '0' at column 13
        var d = Fails("Rational(1, 0)", DiagnosticCodes.BadNumber, 1, 13);
        Assert.Contains("zero denominator", d.Message);
    }

    [Fact]
    public void Rational_with_minus_zero_denominator_is_zero_too()
    {
        var d = Fails("Rational(3, -0)", DiagnosticCodes.BadNumber, 1, 13);
        Assert.Contains("zero denominator", d.Message);
    }

    [Fact]
    public void Malformed_number_is_bad_number()
    {
        // "Integer(" is 8 characters: the number starts at column 9
        var d = Fails("Integer(1.5.3)", DiagnosticCodes.BadNumber, 1, 9);
        Assert.Contains("malformed number '1.5.3'", d.Message);
    }

    [Fact]
    public void Integer_of_a_float_literal_is_a_wrong_argument()
    {
        var d = Fails("Integer(1.5)", DiagnosticCodes.WrongArgument, 1, 9);
        Assert.Contains("Integer expects an integer literal", d.Message);
    }

    [Fact]
    public void Float_of_a_non_number_string_is_bad_number()
    {
        // "Float(" is 6 characters: the string at column 7
        var d = Fails("Float('abc', precision=53)", DiagnosticCodes.BadNumber, 1, 7);
        Assert.Contains("Float expects a decimal number, found 'abc'", d.Message);
    }

    // ---------------- conditions and values ----------------

    [Fact]
    public void Condition_as_an_argument_of_Add_is_a_wrong_argument_at_the_condition()
    {
        // "Add(Symbol('x'), " is 17 characters: StrictLessThan at column 18
        var d = Fails("Add(Symbol('x'), StrictLessThan(Symbol('x'), Integer(1)))", DiagnosticCodes.WrongArgument, 1, 18);
        Assert.Contains("expected an expression for argument 2 of Add, found a condition", d.Message);
    }

    [Fact]
    public void Condition_at_the_top_level_is_not_a_value()
    {
        var d = Fails("StrictLessThan(Symbol('x'), Integer(1))", DiagnosticCodes.WrongArgument, 1, 1);
        Assert.Contains("expected an expression", d.Message);
        Assert.Contains("found a condition", d.Message);
    }

    [Fact]
    public void Boolean_base_of_Pow_is_a_wrong_argument()
    {
        // "Pow(" is 4 characters: 'true' at column 5
        var d = Fails("Pow(true, Integer(2))", DiagnosticCodes.WrongArgument, 1, 5);
        Assert.Contains("expected an expression for the base of Pow, found a condition", d.Message);
    }

    [Fact]
    public void Value_where_a_condition_is_expected_is_a_wrong_argument()
    {
        // "Piecewise(" 10 + "ExprCondPair(" 13 + "Integer(1), " 12 = 35 characters: Symbol at column 36
        var d = Fails("Piecewise(ExprCondPair(Integer(1), Symbol('x')))", DiagnosticCodes.WrongArgument, 1, 36);
        Assert.Contains("expected a condition for ExprCondPair, found an expression", d.Message);
    }

    [Fact]
    public void String_where_a_value_is_expected_is_a_wrong_argument()
    {
        // "Mul(Integer(2), " is 16 characters: the string at column 17
        var d = Fails("Mul(Integer(2), 'x')", DiagnosticCodes.WrongArgument, 1, 17);
        Assert.Contains("expected an expression for argument 2 of Mul, found a string", d.Message);
    }

    [Fact]
    public void Piecewise_whose_conditions_never_hold_is_a_wrong_argument()
    {
        var d = Fails("Piecewise(ExprCondPair(Integer(1), false))", DiagnosticCodes.WrongArgument, 1, 1);
        Assert.Contains("no branch whose condition can hold", d.Message);
    }

    // ---------------- trailing garbage ----------------

    [Fact]
    public void Trailing_word_after_the_expression_is_an_unexpected_token()
    {
        // "Integer(1) " is 11 characters: 'junk' at column 12
        var d = Fails("Integer(1) junk", DiagnosticCodes.UnexpectedToken, 1, 12);
        Assert.Contains("expected the end of the expression, found 'junk'", d.Message);
    }

    [Fact]
    public void Second_expression_after_the_first_is_trailing_garbage()
    {
        var d = Fails("Symbol('x')Symbol('y')", DiagnosticCodes.UnexpectedToken, 1, 12);
        Assert.Contains("found 'Symbol'", d.Message);
    }

    [Fact]
    public void Trailing_whitespace_and_newlines_are_fine()
    {
        var r = SreprReader.Parse("  Integer(1) \r\n\t\n", File);
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
        Assert.Same(Expr.One, r.Value);
    }

    [Fact]
    public void Empty_input_is_unexpected_end_at_1_1()
    {
        var d = Fails("", DiagnosticCodes.UnexpectedEnd, 1, 1);
        Assert.Contains("expected an expression", d.Message);
    }

    [Fact]
    public void Control_character_is_described_by_its_code_point()
    {
        var d = Fails("Add(\u0001)", DiagnosticCodes.UnexpectedToken, 1, 5);
        Assert.Contains("U+0001", d.Message);
    }

    // ---------------- multi-line input ----------------

    [Fact]
    public void Unknown_constructor_on_line_3()
    {
        // line 3 is "  Foo(Integer(1)))": Foo at column 3
        var d = Fails("Add(\n  Symbol('x'),\n  Foo(Integer(1)))", DiagnosticCodes.UnknownConstructor, 3, 3);
        Assert.Contains("'Foo'", d.Message);
    }

    [Fact]
    public void Crlf_line_endings_give_the_same_line_and_column()
    {
        Fails("Add(\r\n  Symbol('x'),\r\n  Foo(Integer(1)))", DiagnosticCodes.UnknownConstructor, 3, 3);
    }

    [Fact]
    public void Bad_escape_on_line_3()
    {
        // line 3 is "    Symbol('a\q'))": 4 spaces + "Symbol('a" (9) = 13 characters before the backslash -> column 14
        var d = Fails("Mul(\n  Integer(2),\n    Symbol('a\\q'))", DiagnosticCodes.BadString, 3, 14);
        Assert.Contains(@"'\q'", d.Message);
    }

    [Fact]
    public void Unterminated_string_on_line_3()
    {
        // line 3 is "  Symbol('abc": the quote is the 10th character
        Fails("Add(\n  Integer(1),\n  Symbol('abc", DiagnosticCodes.BadString, 3, 10);
    }

    [Fact]
    public void Missing_close_paren_at_the_end_of_line_3()
    {
        // line 3 is "  Integer(1)" (12 characters): the end is column 13; "Add(" opened at 1:4
        var d = Fails("Add(\n  Symbol('x'),\n  Integer(1)", DiagnosticCodes.Unbalanced, 3, 13);
        Assert.Contains("missing ')'", d.Message);
        Assert.Contains("'Add('", d.Message);
        Assert.Contains("at 1:4", d.Message);
    }

    [Fact]
    public void Rational_zero_denominator_on_line_3()
    {
        // line 3 is "\tRational(1,\t0))": tab, "Rational(1," (11), tab -> '0' is the 14th character
        Fails("Add(\nSymbol('x'),\n\tRational(1,\t0))", DiagnosticCodes.BadNumber, 3, 14);
    }

    [Fact]
    public void Trailing_garbage_on_line_3()
    {
        // line 3 is "  ) junk": 'junk' at column 5
        var d = Fails("Add(\n  Symbol('x'), Integer(1)\n  ) junk", DiagnosticCodes.UnexpectedToken, 3, 5);
        Assert.Contains("'junk'", d.Message);
    }

    [Fact]
    public void Diagnostics_of_ParseFile_name_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"pw-diag-{Guid.NewGuid():N}.srepr");
        System.IO.File.WriteAllText(path, "Add(\n  Symbol('x'),\n  Foo(Integer(1)))");
        try
        {
            var d = Assert.Single(SreprReader.ParseFile(path).Diagnostics);
            Assert.Equal((path, DiagnosticCodes.UnknownConstructor, 3, 3), (d.File, d.Code, d.Line, d.Column));
        }
        finally { System.IO.File.Delete(path); }
    }

    [Fact]
    public void Missing_file_is_a_file_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"pw-missing-{Guid.NewGuid():N}.srepr");
        var d = Assert.Single(SreprReader.ParseFile(path).Diagnostics);
        Assert.Equal((DiagnosticCodes.FileError, 1, 1), (d.Code, d.Line, d.Column));
        Assert.Contains("cannot read the file", d.Message);
    }
}
