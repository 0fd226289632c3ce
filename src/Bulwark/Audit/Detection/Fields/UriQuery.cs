namespace Bulwark.Audit.Detection.Fields;

/// <summary>The query of a requestURI, decoded as Go's url.ParseQuery does ('+' is a space, %XX escapes).</summary>
internal static class UriQuery
{
    public static string Path(string uri)
    {
        var q = uri.IndexOf('?');
        return q < 0 ? uri : uri[..q];
    }

    /// <summary>Every value of parameter <paramref name="key"/>, in order.</summary>
    public static List<string> Values(string uri, string key)
    {
        var result = new List<string>();
        var q = uri.IndexOf('?');
        if (q < 0)
        {
            return result;
        }

        var query = uri.AsSpan(q + 1);
        var hash = query.IndexOf('#');
        if (hash >= 0)
        {
            query = query[..hash];
        }

        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            var eq = pair.IndexOf('=');
            var name = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? ReadOnlySpan<char>.Empty : pair[(eq + 1)..];
            if (Decode(name) == key)
            {
                result.Add(Decode(value));
            }
        }

        return result;
    }

    private static string Decode(ReadOnlySpan<char> text)
    {
        if (text.IndexOfAny('%', '+') < 0)
        {
            return text.ToString();
        }

        return Uri.UnescapeDataString(text.ToString().Replace('+', ' '));
    }
}
