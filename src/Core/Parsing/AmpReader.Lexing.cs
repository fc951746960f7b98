using System.Text;

namespace PartialWave.Parsing;

// Statements and the small tokens of declarations; expressions themselves are read by InfixReader.
public static partial class AmpReader
{
    /// <summary>A statement: a range of the comment-free text.</summary>
    private readonly record struct Statement(int Start, int End);

    // Comments become spaces, so every offset still points where it pointed in the file.
    private static string BlankComments(string text)
    {
        var sb = new StringBuilder(text);
        char quote = '\0';
        for (int i = 0; i < sb.Length; i++)
        {
            char c = sb[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; else if (c == '\n') quote = '\0'; continue; }
            if (c is '"' or '`') { quote = c; continue; }
            if (c == '#')
                while (i < sb.Length && sb[i] != '\n') { if (sb[i] != '\r') sb[i] = ' '; i++; }
        }
        return sb.ToString();
    }

    // A line break ends a statement unless a bracket is open, the line ends in an operator, a comma or '=', or the next
    // line starts with an operator: long expressions wrap without a continuation mark, and no statement starts with one.
    private static List<Statement> SplitStatements(string text)
    {
        var list = new List<Statement>();
        int depth = 0, start = -1;
        char quote = '\0';
        for (int i = 0; i <= text.Length; i++)
        {
            char c = i < text.Length ? text[i] : '\n';
            if (quote != '\0')
            {
                if (c == quote || c == '\n') quote = '\0';
                continue;
            }
            if (c == '\n')
            {
                if (start < 0) continue;
                // An open bracket or a trailing operator continues the statement, but never into a line that starts a new
                // one (keywords are reserved): an unclosed '(' is then one error, not the swallowing of the next lines.
                if (i < text.Length && (depth > 0 || EndsWithContinuation(text, start, i) || NextLineContinues(text, i))
                    && !NextLineStartsStatement(text, i)) continue;
                list.Add(new Statement(start, TrimEnd(text, start, i)));
                start = -1;
                depth = 0;
                continue;
            }
            if (char.IsWhiteSpace(c)) continue;
            if (start < 0) start = i;
            if (c is '"' or '`') quote = c;
            else if (c is '(' or '[') depth++;
            else if (c is ')' or ']') depth = Math.Max(0, depth - 1);
        }
        return list;
    }

    private static int TrimEnd(string text, int start, int end)
    {
        while (end > start && char.IsWhiteSpace(text[end - 1])) end--;
        return end;
    }

    private static bool EndsWithContinuation(string text, int start, int newline)
    {
        int end = TrimEnd(text, start, newline);
        return end > start && text[end - 1] is '+' or '-' or '*' or '/' or '^' or ',' or '=';
    }

    private static bool NextLineContinues(string text, int newline)
    {
        int i = newline + 1;
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        return i < text.Length && text[i] is '+' or '-' or '*' or '/' or '^' or ')' or ']';
    }

    private static bool NextLineStartsStatement(string text, int newline)
    {
        int i = newline + 1;
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        foreach (var keyword in Keywords)
        {
            if (string.CompareOrdinal(text, i, keyword, 0, keyword.Length) != 0) continue;
            int after = i + keyword.Length;
            if (after < text.Length && char.IsWhiteSpace(text[after])) return true;
        }
        return false;
    }

    /// <summary>A cursor over one statement for its keywords, names and punctuation.</summary>
    private sealed class Cursor(string text, int position, int end)
    {
        public string Text { get; } = text;
        public int Pos { get; set; } = position;
        public int End { get; } = end;

        public bool AtEnd { get { SkipSpace(); return Pos >= End; } }

        public void SkipSpace()
        {
            while (Pos < End && char.IsWhiteSpace(Text[Pos])) Pos++;
        }

        public bool Accept(char c)
        {
            SkipSpace();
            if (Pos < End && Text[Pos] == c) { Pos++; return true; }
            return false;
        }

        public bool AcceptWord(string word)
        {
            SkipSpace();
            if (Pos + word.Length > End || string.CompareOrdinal(Text, Pos, word, 0, word.Length) != 0) return false;
            int after = Pos + word.Length;
            if (after < End && IsNameChar(Text[after])) return false;
            Pos = after;
            return true;
        }

        public bool PeekWord(string word)
        {
            int save = Pos;
            bool found = AcceptWord(word);
            Pos = save;
            return found;
        }

        /// <summary>A bare word (letters, digits, '_' and '^') or a quoted name; null when none stands here.</summary>
        public (string Name, int At)? ReadName()
        {
            SkipSpace();
            int at = Pos;
            if (Pos >= End) return null;
            char c = Text[Pos];
            if (c is '"' or '`')
            {
                var sb = new StringBuilder();
                Pos++;
                while (true)
                {
                    if (Pos >= End) { Pos = at; return null; }
                    char d = Text[Pos++];
                    if (d == c)
                    {
                        if (Pos < End && Text[Pos] == c) { sb.Append(c); Pos++; continue; }
                        break;
                    }
                    sb.Append(d);
                }
                return sb.Length == 0 ? null : (sb.ToString(), at);
            }
            if (!Identifiers.IsStart(c)) return null;
            while (Pos < End && (IsNameChar(Text[Pos]) || Text[Pos] == '^')) Pos++;
            return (Text[at..Pos], at);
        }

        public string Describe()
        {
            SkipSpace();
            return Pos >= End ? "the end of the statement" : SourcePosition.Describe(Text, Pos);
        }
    }

    private static bool IsNameChar(char c) => Identifiers.IsPart(c);

    /// <summary>True for a name the expression reader reads as one identifier (letters, digits, '_').</summary>
    private static bool IsIdentifier(string name) => Identifiers.IsIdentifier(name);

    // Offsets of the top-level commas in [start, end) (not inside brackets or quotes).
    private static List<int> TopLevelCommas(string text, int start, int end)
    {
        var commas = new List<int>();
        int depth = 0;
        char quote = '\0';
        for (int i = start; i < end; i++)
        {
            char c = text[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c is '"' or '`') quote = c;
            else if (c is '(' or '[') depth++;
            else if (c is ')' or ']') depth--;
            else if (c == ',' && depth == 0) commas.Add(i);
        }
        return commas;
    }

    // Where the default of a parameter ends: the first top-level 'in', '>=', '<=' or 'fixed'.
    private static int DefaultEnd(string text, int start, int end)
    {
        int depth = 0;
        char quote = '\0';
        for (int i = start; i < end; i++)
        {
            char c = text[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c is '"' or '`') { quote = c; continue; }
            if (c is '(' or '[') { depth++; continue; }
            if (c is ')' or ']') { depth--; continue; }
            if (depth != 0) continue;
            if ((c == '>' || c == '<') && i + 1 < end && text[i + 1] == '=') return i;
            bool wordStart = i == start || !(IsNameChar(text[i - 1]) || text[i - 1] == '.');
            if (wordStart && (IsWordAt(text, i, end, "in") || IsWordAt(text, i, end, "fixed"))) return i;
        }
        return end;
    }

    private static bool IsWordAt(string text, int i, int end, string word) =>
        i + word.Length <= end && string.CompareOrdinal(text, i, word, 0, word.Length) == 0
        && (i + word.Length == end || !IsNameChar(text[i + word.Length]));
}
