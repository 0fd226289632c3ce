using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Network.Model;

/// <summary>
/// A problem met while reading the network objects: an invalid NetworkPolicy (the API server would reject it; the
/// analysis skips it), or a warning (an ambiguous CIDR, a duplicate workload, a named port nothing declares).
/// </summary>
public sealed record NetworkProblem(InputErrorLevel Level, KubeObject? Object, string Pointer, string Message)
{
    public bool IsError => Level == InputErrorLevel.Error;

    /// <summary>file:line:column of the field (its key), or of the nearest existing parent.</summary>
    public (string File, int Line, int Column) Location
    {
        get
        {
            if (Object is null)
            {
                return (string.Empty, 0, 0);
            }

            var at = FieldLocator.Locate(Object.Root, Pointer);
            return (Object.Origin.File.Path, at.Line, at.Column);
        }
    }

    public InputError ToInputError()
    {
        var (file, line, column) = Location;
        return new InputError(file, line, column, "netpol", Message, Level);
    }

    public override string ToString() => Object is null ? Message : ToInputError().ToString();
}
