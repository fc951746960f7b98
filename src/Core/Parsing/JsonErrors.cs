namespace PartialWave.Parsing;

/// <summary>JSON syntax errors in the words of every reader of JSON inputs (fit definitions, parameters, references).</summary>
public static class JsonErrors
{
    /// <summary>
    /// The message for a JSON syntax error, System.Text.Json's words without its position suffix (the diagnostic has the
    /// position), and a hint where Python's json wrote NaN or Infinity, which JSON does not have.
    /// </summary>
    public static string Message(System.Text.Json.JsonException e)
    {
        var m = e.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.', ' ');
        if (m.StartsWith("'N' is an invalid start", StringComparison.Ordinal) || m.StartsWith("'I' is an invalid start", StringComparison.Ordinal)
            || m.Contains("'I' is invalid after a single '-'", StringComparison.Ordinal))
            m += " (NaN and Infinity are not JSON numbers, and a value here must be a finite number)";
        return "invalid JSON: " + m;
    }
}
