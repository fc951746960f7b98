namespace PartialWave.Parsing;

/// <summary>"Did you mean" for every reader: the known names close to a name that was not found.</summary>
internal static class NameSuggestions
{
    /// <summary>
    /// Known names within a small edit distance of <paramref name="name"/> (case and surrounding spaces ignored), or
    /// starting with it, closest first; at most four.
    /// </summary>
    public static List<string> Near(string name, IEnumerable<string> known)
    {
        var key = name.Trim().ToLowerInvariant();
        return known.Select(k => (k, d: EditDistance(key, k.Trim().ToLowerInvariant())))
            // Close: a few edits, fewer than the name has characters (so 'x' is not offered for 'y').
            .Where(t => (t.d <= Math.Max(2, key.Length / 3) && t.d < key.Length)
                || (key.Length >= 3 && t.k.StartsWith(name, StringComparison.OrdinalIgnoreCase))
                || (t.k.Length >= 3 && key.StartsWith(t.k, StringComparison.OrdinalIgnoreCase))) // 'tolerance' for 'tol'
            .OrderBy(t => t.d).ThenBy(t => t.k, StringComparer.Ordinal).Take(4).Select(t => t.k).ToList();
    }

    /// <summary>The suggestion as a message suffix: " (did you mean 'a', 'b'?)", or empty when none is close.</summary>
    public static string DidYouMean(string name, IEnumerable<string> known)
    {
        var near = Near(name, known);
        return near.Count == 0 ? "" : $" (did you mean {string.Join(", ", near.Select(n => $"'{n}'"))}?)";
    }

    private static int EditDistance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
