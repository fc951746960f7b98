namespace PartialWave.Cli.Tests;

public class HelpTests
{
    [Theory]
    [InlineData(new string[0], "pwa info")]
    [InlineData(new[] { "info" }, "pwa info")]
    [InlineData(new[] { "check" }, "pwa check")]
    [InlineData(new[] { "eval" }, "pwa eval")]
    public void Help_ExitsZeroAndShowsAnExample(string[] command, string example)
    {
        foreach (var flag in new[] { "--help", "-h" })
        {
            var r = CliTest.Run([.. command, flag]).AssertExit(0);

            Assert.Contains("Example", r.Stdout);
            Assert.Contains(example, r.Stdout);
            Assert.Contains("Usage", r.Stdout);
            Assert.Equal("", r.Stderr);
        }
    }

    [Fact]
    public void RootHelp_ListsEveryCommand()
    {
        var r = CliTest.Run("--help").AssertExit(0);

        foreach (var command in new[] { "info", "check", "eval" })
            Assert.Matches($@"(?m)^\s+{command}\b", r.Stdout);
    }

    [Fact]
    public void CommandHelp_ListsItsOptions()
    {
        Assert.Contains("--json", CliTest.Run("info", "--help").AssertExit(0).Stdout);
        var check = CliTest.Run("check", "--help").AssertExit(0).Stdout;
        Assert.Contains("--tolerance", check);
        Assert.Contains("--jsonl", check);
        var eval = CliTest.Run("eval", "--help").AssertExit(0).Stdout;
        foreach (var option in new[] { "--data", "--params", "--out" }) Assert.Contains(option, eval);
    }
}
