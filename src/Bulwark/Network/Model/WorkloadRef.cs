namespace Bulwark.Network.Model;

/// <summary>The identity of a workload in reports: namespace, kind and name (<c>shop/Deployment/web</c>).</summary>
public sealed record WorkloadRef(string Namespace, string Kind, string Name) : IComparable<WorkloadRef>
{
    public int CompareTo(WorkloadRef? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = string.CompareOrdinal(Namespace, other.Namespace);
        if (c == 0)
        {
            c = string.CompareOrdinal(Name, other.Name);
        }

        return c != 0 ? c : string.CompareOrdinal(Kind, other.Kind);
    }

    public override string ToString() => $"{Namespace}/{Kind}/{Name}";
}
