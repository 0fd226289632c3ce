using System.Globalization;
using System.Text;

namespace Bulwark.PodSecurity.Checks;

/// <summary>The message helpers upstream's checks share (pluralising, quoting, sorted sets in Go's byte order).</summary>
internal static class Text
{
    /// <summary>Orders strings as Go does (by UTF-8 bytes, i.e. by code point).</summary>
    public static readonly IComparer<string> ByteOrder = Comparer<string>.Create(CompareCodePoints);

    public static string Pl(int count, string singular, string plural) => count == 1 ? singular : plural;

    /// <summary>Each item in double quotes (no escaping), joined with <c>", "</c>.</summary>
    public static string Quoted(IEnumerable<string> items) => string.Join(", ", items.Select(i => "\"" + i + "\""));

    /// <summary>De-duplicated and sorted in byte order.</summary>
    public static List<string> SortedSet(IEnumerable<string> items)
    {
        var list = items.Distinct(StringComparer.Ordinal).ToList();
        list.Sort(ByteOrder);
        return list;
    }

    /// <summary>Sorted in byte order, duplicates kept.</summary>
    public static List<string> Sorted(IEnumerable<string> items)
    {
        var list = items.ToList();
        list.Sort(ByteOrder);
        return list;
    }

    /// <summary><c>pod</c>, <c>container "a"</c>, <c>containers "a", "b"</c>: the setter phrase for containers.</summary>
    public static string Containers(IReadOnlyCollection<string> names) => Pl(names.Count, "container", "containers") + " " + Quoted(names);

    /// <summary>Go's <c>%q</c>: a double-quoted string literal with <c>"</c>, <c>\</c> and non-printable characters escaped.</summary>
    public static string GoQuote(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('"');
        foreach (var rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': sb.Append("\\\""); continue;
                case '\\': sb.Append("\\\\"); continue;
                case '\a': sb.Append("\\a"); continue;
                case '\b': sb.Append("\\b"); continue;
                case '\f': sb.Append("\\f"); continue;
                case '\n': sb.Append("\\n"); continue;
                case '\r': sb.Append("\\r"); continue;
                case '\t': sb.Append("\\t"); continue;
                case '\v': sb.Append("\\v"); continue;
            }

            if (rune.Value < 0x20 || rune.Value == 0x7f)
            {
                sb.Append("\\x").Append(rune.Value.ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (IsGoPrintable(rune))
            {
                sb.Append(rune.ToString());
            }
            else if (rune.Value < 0x10000)
            {
                sb.Append("\\u").Append(rune.Value.ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append("\\U").Append(rune.Value.ToString("x8", CultureInfo.InvariantCulture));
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    private static bool IsGoPrintable(Rune rune)
    {
        if (rune.Value == ' ')
        {
            return true;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => true,
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => true,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
            UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
                or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation => true,
            UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
                or UnicodeCategory.OtherSymbol => true,
            _ => false,
        };
    }

    private static int CompareCodePoints(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : -1) : 1;
        }

        var ea = a.EnumerateRunes();
        var eb = b.EnumerateRunes();
        while (true)
        {
            var hasA = ea.MoveNext();
            var hasB = eb.MoveNext();
            if (!hasA || !hasB)
            {
                return hasA ? 1 : hasB ? -1 : 0;
            }

            var c = ea.Current.Value.CompareTo(eb.Current.Value);
            if (c != 0)
            {
                return c;
            }
        }
    }
}
