namespace Bulwark.Model;

/// <summary>
/// Every <c>metadata.annotations</c> mapping of an object: its own, and those of the objects embedded in it (pod
/// templates, a CronJob's job template, templates in CRDs), with their JSON pointers.
/// </summary>
public static class AnnotationMaps
{
    /// <summary>The annotation maps of an object, found once per object and cached (several rules ask).</summary>
    public static IReadOnlyList<(string Pointer, MappingNode Annotations)> All(KubeObject obj)
    {
        lock (obj.Views)
        {
            if (obj.Views.TryGetValue(typeof(AnnotationMaps), out var cached))
            {
                return (IReadOnlyList<(string, MappingNode)>)cached!;
            }

            var found = new List<(string, MappingNode)>();
            Walk(obj.Root, new List<string>(), found);
            obj.Views[typeof(AnnotationMaps)] = found;
            return found;
        }
    }

    /// <summary>Whether any annotation map of the object has a key starting with the prefix.</summary>
    public static bool AnyKeyStartsWith(KubeObject obj, string prefix)
    {
        foreach (var (_, annotations) in All(obj))
        {
            foreach (var entry in annotations.Entries)
            {
                if (entry.Key.Value.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // Walks with a stack of tokens and builds a pointer only where annotations are found: most nodes hold none.
    private static void Walk(Node node, List<string> path, List<(string, MappingNode)> found)
    {
        if (path.Count > 64)
        {
            return;
        }

        switch (node)
        {
            case MappingNode map:
                if (map.GetMapping("metadata")?.GetMapping("annotations") is { } annotations)
                {
                    found.Add((Pointer(path) + "/metadata/annotations", annotations));
                }

                foreach (var (key, value) in map.Entries)
                {
                    if (value is ScalarNode || (key.Value == "metadata" && value is MappingNode))
                    {
                        continue; // scalars hold nothing; labels and annotations hold no further objects
                    }

                    path.Add(key.Value);
                    Walk(value, path, found);
                    path.RemoveAt(path.Count - 1);
                }

                break;
            case SequenceNode seq:
                for (var i = 0; i < seq.Items.Count; i++)
                {
                    if (seq.Items[i] is ScalarNode)
                    {
                        continue;
                    }

                    path.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    Walk(seq.Items[i], path, found);
                    path.RemoveAt(path.Count - 1);
                }

                break;
        }
    }

    private static string Pointer(List<string> path)
    {
        var pointer = string.Empty;
        foreach (var token in path)
        {
            pointer = JsonPointer.Append(pointer, token);
        }

        return pointer;
    }
}
