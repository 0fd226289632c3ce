using Bulwark.Network.Sets;

namespace Bulwark.Network.Model;

/// <summary>A container port a pod declares (<c>containers[].ports[]</c>): optional name, number and protocol (default TCP).</summary>
public sealed record ContainerPortSpec(string? Name, int Port, Protocol Protocol)
{
    public override string ToString() => Name is null ? $"{Port}/{Protocol.Name()}" : $"{Name}={Port}/{Protocol.Name()}";
}
