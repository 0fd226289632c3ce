namespace Bulwark.Model;

/// <summary>Finds the line and column of a field: the key's position for mapping entries, so findings point at the field's name.</summary>
public static class FieldLocator
{
    public static Position Locate(Node root, string pointer)
    {
        Position position = root.Start;
        Node current = root;
        foreach (var token in JsonPointer.Split(pointer))
        {
            switch (current)
            {
                case MappingNode map when map.KeyOf(token) is { } key:
                    position = key.Start;
                    current = map.Get(token)!;
                    continue;
                case SequenceNode seq when int.TryParse(token, out var i) && i >= 0 && i < seq.Items.Count:
                    current = seq.Items[i];
                    position = current.Start;
                    continue;
            }

            break; // the rest of the path does not exist: the nearest existing parent
        }

        return position;
    }
}
