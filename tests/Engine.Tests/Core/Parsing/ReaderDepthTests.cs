using System.Runtime.CompilerServices;
using PartialWave.Parsing;
using PartialWave.Symbolic;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace PartialWave.Engine.Tests.Core.Parsing;

/// <summary>
/// Nesting far beyond the limit gives TooDeep at the first construct past the limit, without a stack
/// overflow; nesting up to the limit is accepted; sibling nesting does not add up.
/// </summary>
public class ReaderDepthTests(ITestOutputHelper output)
{
    private const int Deep = 100_000;
    private const int OneMiB = 1 << 20;

    private static string Repeat(string s, int n) => string.Concat(Enumerable.Repeat(s, n));

    /// <summary>Runs a function on a fresh thread with the given stack size; exceptions and hangs fail the test.</summary>
    private static T OnThread<T>(Func<T> f, int stackBytes)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try { result = f(); }
            catch (Exception ex) { error = ex; }
        }, stackBytes);
        thread.Start();
        if (!thread.Join(ReaderHarness.HangGuard)) throw new XunitException($"did not finish within {ReaderHarness.HangGuard.TotalSeconds} s");
        if (error is not null) throw new XunitException($"threw {error}");
        return result;
    }

    private static Diagnostic TooDeep(ParseResult<Expr> r, int column, int maxDepth)
    {
        Assert.False(r.Success);
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal((DiagnosticCodes.TooDeep, 1, column), (d.Code, d.Line, d.Column));
        Assert.Contains($"deeper than {maxDepth} levels", d.Message);
        return d;
    }

    // ---------------- srepr ----------------

    // The srepr tests run on a 1 MiB stack (the default on Windows): the srepr reader's deepest accepted input fits.

    [Fact]
    public void Srepr_100k_nested_Add_is_too_deep()
    {
        // Each "Add(" is 4 characters; the 401st starts at offset 1600, column 1601.
        var text = Repeat("Add(", Deep) + "Integer(1)" + Repeat(")", Deep);
        TooDeep(OnThread(() => SreprReader.Parse(text), OneMiB), 4 * SreprReader.MaxDepth + 1, SreprReader.MaxDepth);
    }

    [Fact]
    public void Srepr_100k_unclosed_Add_is_too_deep_not_unbalanced()
    {
        var text = Repeat("Add(", Deep);
        TooDeep(OnThread(() => SreprReader.Parse(text), OneMiB), 4 * SreprReader.MaxDepth + 1, SreprReader.MaxDepth);
    }

    [Fact]
    public void Srepr_100k_nested_negations_are_too_deep()
    {
        // srepr's unary minus is Mul(Integer(-1), x). Each "Mul(Integer(-1), " is 17 characters. Mul number k is
        // at depth k and its Integer(-1) at depth k + 1, so the first node past 400 is the Integer(-1) inside
        // Mul number 400: offset 399*17 + 4 = 6787, column 6788.
        var text = Repeat("Mul(Integer(-1), ", Deep) + "Symbol('x')" + Repeat(")", Deep);
        TooDeep(OnThread(() => SreprReader.Parse(text), OneMiB), 6788, SreprReader.MaxDepth);
    }

    [Fact]
    public void Srepr_nesting_up_to_the_limit_is_accepted_and_one_more_is_not()
    {
        int n = SreprReader.MaxDepth - 1; // n Adds + the Integer = MaxDepth constructors
        var ok = OnThread(() => SreprReader.Parse(Repeat("Add(", n) + "Integer(7)" + Repeat(")", n)), OneMiB);
        Assert.True(ok.Success, string.Join("\n", ok.Diagnostics));
        Assert.Same(Expr.Integer(7), ok.Value);

        var tooDeep = OnThread(() => SreprReader.Parse(Repeat("Add(", n + 1) + "Integer(7)" + Repeat(")", n + 1)), OneMiB);
        TooDeep(tooDeep, 4 * SreprReader.MaxDepth + 1, SreprReader.MaxDepth);
    }

    [Fact]
    public void Srepr_sibling_nests_do_not_add_up()
    {
        // 50 arguments of one Add, each nested to the limit (1 outer Add + 398 Adds + the Symbol = 400).
        var args = Enumerable.Range(0, 50).Select(i => Repeat("Add(", SreprReader.MaxDepth - 2) + $"Symbol('x{i}')" + Repeat(")", SreprReader.MaxDepth - 2));
        var text = "Add(" + string.Join(", ", args) + ")";
        var r = OnThread(() => SreprReader.Parse(text), OneMiB);
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
        Assert.Same(Expr.Add(Enumerable.Range(0, 50).Select(i => (Expr)Expr.Symbol($"x{i}")).ToArray()), r.Value);
    }

    // ---------------- infix ----------------

    // These run on a 16 MiB stack: how much stack the infix reader needs at its limit is measured separately
    // below (a stack overflow would kill the test host instead of failing one test).
    private const int Big = 16 << 20;

    public static TheoryData<string, string, string, int> InfixNests => new()
    {
        // opening, innermost, closing, nesting levels per repetition of the opening. The first construct past
        // the limit is level MaxDepth + 1: it starts in repetition MaxDepth / levels, at the (MaxDepth % levels)-th
        // one-character level of that repetition (for "-(" the '-' and the '(' each count).
        { "(", "x", ")", 1 },
        { "- ", "x", "", 1 },           // - - - - x
        { "-", "x", "", 1 },            // ----x
        { "+", "x", "", 1 },
        { "-(", "x", ")", 2 },
        { "not ", "true", "", 1 },
        { "x^", "x", "", 1 },
        { "|", "x", "|", 1 },
        { "exp(", "x", ")", 1 },
        { "sqrt(", "x", ")", 1 },
        { "Piecewise((", "x", ", true))", 1 },
    };

    [Theory]
    [MemberData(nameof(InfixNests))]
    public void Infix_100k_nesting_is_too_deep(string open, string inner, string close, int levels)
    {
        var text = Repeat(open, Deep) + inner + Repeat(close, Deep);
        int column = InfixReader.MaxDepth / levels * open.Length + InfixReader.MaxDepth % levels + 1;
        TooDeep(OnThread(() => InfixReader.Parse(text), Big), column, InfixReader.MaxDepth);
    }

    [Fact]
    public void Infix_100k_unclosed_parens_are_too_deep_not_unbalanced()
    {
        TooDeep(OnThread(() => InfixReader.Parse(new string('(', Deep)), Big), InfixReader.MaxDepth + 1, InfixReader.MaxDepth);
    }

    [Fact]
    public void Infix_nesting_up_to_the_limit_is_accepted_and_one_more_is_not()
    {
        int n = InfixReader.MaxDepth;
        var x = Expr.Symbol("x");
        var ok = OnThread(() => InfixReader.Parse(new string('(', n) + "x" + new string(')', n)), Big);
        Assert.Same(x, ok.Value);
        var neg = OnThread(() => InfixReader.Parse(new string('-', n) + "x"), Big);
        Assert.Same(x, neg.Value); // an even number of minus signs
        TooDeep(OnThread(() => InfixReader.Parse(new string('(', n + 1) + "x" + new string(')', n + 1)), Big), n + 1, n);
        TooDeep(OnThread(() => InfixReader.Parse(new string('-', n + 1) + "x"), Big), n + 1, n);
    }

    [Fact]
    public void Infix_sibling_nests_do_not_add_up()
    {
        int n = InfixReader.MaxDepth;
        var terms = Enumerable.Range(0, 30).Select(i => Repeat("exp(", n) + $"x{i}" + Repeat(")", n));
        var r = OnThread(() => InfixReader.Parse(string.Join(" + ", terms) + " - " + new string('-', n) + "y"), Big);
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
    }

    // ---------------- stack use at the limit ----------------

    private static nint StackPointer()
    {
        byte probe = 0;
        return Unsafe.ByteOffset(ref Unsafe.NullRef<byte>(), ref probe);
    }

    public static TheoryData<string, string> InfixStackShapes => new()
    {
        // opening, closing: each repetition one nesting level, except "-(" (two)
        { "(", ")" }, { "-", "" }, { "-(", ")" }, { "x^", "" }, { "|", "|" }, { "exp(", ")" }, { "sqrt(", ")" }, { "Piecewise((", ", true))" },
    };

    /// <summary>
    /// The nesting limit exists so that no input can overflow the stack. The deepest input the infix reader
    /// accepts must therefore fit, with room to spare for the caller, in the smallest stack a caller commonly
    /// has: 1 MiB (the default for every thread on Windows). The budget is 3/4 of that. The reader calls the
    /// assumptions callback for the innermost symbol, at the deepest point of the recursion, which is where
    /// the stack in use is measured.
    /// </summary>
    [Theory]
    [MemberData(nameof(InfixStackShapes))]
    public void Infix_stack_use_at_the_nesting_limit_fits_in_a_1_MiB_stack(string open, string close)
    {
        const string inner = "x";
        int levelsPerRepetition = open is "-(" ? 2 : 1;
        int n = InfixReader.MaxDepth / levelsPerRepetition; // the deepest nesting the reader accepts
        var text = Repeat(open, n) + inner + Repeat(close, n);
        long used = 0;
        var r = OnThread(() =>
        {
            nint top = StackPointer();
            return InfixReader.Parse(text, assumptions: _ =>
            {
                used = Math.Max(used, (long)(top - StackPointer()));
                return Assumptions.None;
            });
        }, Big);
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
        output.WriteLine($"'{open}' x {n}: {used / 1024} KiB of stack ({(double)used / n:F0} bytes a level)");
        const long budget = 3 * OneMiB / 4;
        Assert.True(used < budget,
            $"parsing '{open}' nested {n} deep (accepted: the limit is {InfixReader.MaxDepth}) used {used / 1024} KiB of stack; " +
            $"a 1 MiB stack leaves too little for the caller (budget {budget / 1024} KiB). Lower MaxDepth or check the stack " +
            "(RuntimeHelpers.TryEnsureSufficientExecutionStack) and report TooDeep.");
    }
}
