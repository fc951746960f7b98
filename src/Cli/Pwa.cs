using System.CommandLine;
using System.Globalization;

namespace PartialWave.Cli;

/// <summary>Exit codes of every command.</summary>
internal enum ExitCode
{
    /// <summary>Done.</summary>
    Success = 0,
    /// <summary>A check found deviations above the tolerance.</summary>
    CheckFailed = 1,
    /// <summary>A fit ran but its minimum is not valid, or its likelihood was not finite.</summary>
    FitFailed = 1,
    /// <summary>The input could not be used (file, syntax, missing symbols, arguments).</summary>
    BadInput = 2,
    /// <summary>An internal error (a bug in pwa, not in the input): the stack trace goes to stderr.</summary>
    InternalError = 3,
}

/// <summary>The <c>pwa</c> command line: builds the commands and runs one.</summary>
internal static class Pwa
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var io = new CommandIo(stdout, stderr);
        var root = new RootCommand(
            "pwa: PartialWave, amplitude analysis for particle physics.\n" +
            "Reads symbolic models (SymPy srepr exports, infix expressions, .amp model files), evaluates them exactly, checks them against reference values, and fits them to data.\n\n" +
            "Example:\n  pwa info model.srepr\n  pwa check model.srepr model.json\n  pwa eval model.srepr --data events.csv --params params.json --out values.csv\n  pwa fit model.srepr --data data.csv --phsp phsp.csv --fit fit.json --json result.json\n  pwa simulate model.srepr --decay \"3.0969 -> 0 0.1349768 0.1349768\" --events 10000 --out data.csv\n  pwa convert model.srepr --params model.json -o model.amp");
        root.Subcommands.Add(InfoCommand.Create(io));
        root.Subcommands.Add(CheckCommand.Create(io));
        root.Subcommands.Add(EvalCommand.Create(io));
        root.Subcommands.Add(FitCommand.Create(io));
        root.Subcommands.Add(SimulateCommand.CreateSimulate(io));
        root.Subcommands.Add(SimulateCommand.CreatePhsp(io));
        root.Subcommands.Add(BenchCommand.Create(io));
        root.Subcommands.Add(ConvertCommand.Create(io));
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) stderr.WriteLine($"pwa: {Describe(e)}");
            stderr.WriteLine("Run 'pwa --help' (or 'pwa COMMAND --help') for usage.");
            return (int)ExitCode.BadInput;
        }
        return Guarded(() => parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }), stderr);
    }

    /// <summary>
    /// Runs a command and maps what escapes it to an exit code: a GPU that cannot run the kernels, or memory running
    /// out, is an input problem (choose another backend, ask for less); anything else is a bug in pwa and exits with
    /// <see cref="ExitCode.InternalError"/>, never with the code of a failed check or fit.
    /// </summary>
    internal static int Guarded(Func<int> command, TextWriter stderr)
    {
        try
        {
            return command();
        }
        catch (GpuUnavailableException ex)
        {
            // A kernel that does not compile for the device, or device memory running out, after the command started.
            stderr.WriteLine($"pwa: error: {ex.Message}");
            return (int)ExitCode.BadInput;
        }
        catch (OutOfMemoryException)
        {
            // What the commands' own estimates did not foresee: a resource limit, not a bug in the input or in pwa.
            stderr.WriteLine("pwa: error: out of memory: ask for fewer events or a smaller sample, or raise the process's memory limit (DOTNET_GCHeapHardLimit)");
            return (int)ExitCode.BadInput;
        }
        catch (Exception ex)
        {
            stderr.WriteLine($"pwa: internal error (a bug in pwa, not in your input; please report it with this text): {ex}");
            return (int)ExitCode.InternalError;
        }
    }

    // System.CommandLine's messages name neither the missing argument nor the option a bad value was given to.
    private static string Describe(System.CommandLine.Parsing.ParseError e)
    {
        string message = System.Text.RegularExpressions.Regex.Replace(e.Message, @"\s*\n\s*", " ").Trim();
        var parse = System.Text.RegularExpressions.Regex.Match(message, @"^Cannot parse argument '(?<value>.*)' for (option|argument) '(?<name>[^']*)' as expected type '(?<type>[^']*)'");
        if (parse.Success)
        {
            string expected = parse.Groups["type"].Value switch
            {
                "System.Int32" or "System.Int64" or "System.UInt64" or "System.UInt32" => "a whole number",
                "System.Double" => "a number",
                var t => $"a {t.Replace("System.", "", StringComparison.Ordinal).ToLowerInvariant()}",
            };
            return $"{parse.Groups["name"].Value}: '{parse.Groups["value"].Value}' is not {expected}";
        }
        var command = e.SymbolResult as System.CommandLine.Parsing.CommandResult
            ?? (e.SymbolResult as System.CommandLine.Parsing.ArgumentResult)?.Parent as System.CommandLine.Parsing.CommandResult;
        if (command is not null && message.StartsWith("Required argument missing", StringComparison.Ordinal))
        {
            var missing = command.Command.Arguments.Where(a => command.GetResult(a) is not { Tokens.Count: > 0 }).ToList();
            if (missing.Count > 0)
                return $"{command.Command.Name}: missing {string.Join(", ", missing.Select(a => $"{a.Name} ({a.Description?.TrimEnd('.')})"))}";
        }
        var option = e.SymbolResult as System.CommandLine.Parsing.OptionResult
            ?? (e.SymbolResult as System.CommandLine.Parsing.ArgumentResult)?.Parent as System.CommandLine.Parsing.OptionResult;
        return option is not null && !message.StartsWith(option.Option.Name, StringComparison.Ordinal) && !message.Contains($"'{option.Option.Name}'", StringComparison.Ordinal)
            ? $"{option.Option.Name}: {message}" : message;
    }
}
