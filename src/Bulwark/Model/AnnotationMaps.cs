namespace Bulwark.Model;

/// <summary>
/// Every <c>metadata.annotations</c> mapping of an object: its own, and those of the objects embedded in it (pod
/// templates, a CronJob's job template, templates in CRDs), with their JSON pointers.
/// </summary>
public static class AnnotationMaps
{
    public static IEnumerable<(string Pointer, MappingNode Annotations)> All(KubeObject obj)
    {
        var found = new List<(string, MappingNode)>();
        Walk(obj.Root, string.Empty, found, depth: 0);
        return found;
    }

    private static void Walk(Node node, string pointer, List<(string, MappingNode)> found, int depth)
    {
        if (depth > 64)
        {
            return;
        }

        switch (node)
        {
            case MappingNode map:
                if (map.GetMapping("metadata")?.GetMapping("annotations") is { } annotations)
                {
                    found.Add((pointer + "/metadata/annotations", annotations));
                }

                foreach (var (key, value) in map.Entries)
                {
                    if (key.Value == "metadata" && value is MappingNode)
                    {
                        continue; // labels and annotations hold no further objects
                    }

                    Walk(value, JsonPointer.Append(pointer, key.Value), found, depth + 1);
                }

                break;
            case SequenceNode seq:
                for (var i = 0; i < seq.Items.Count; i++)
                {
                    Walk(seq.Items[i], JsonPointer.Append(pointer, i), found, depth + 1);
                }

                break;
        }
    }
}
