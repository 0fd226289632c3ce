namespace Bulwark.Network.Policies;

/// <summary>The direction a policy rule governs, seen from the pods the policy selects.</summary>
public enum TrafficDirection
{
    Ingress,
    Egress,
}

public static class TrafficDirections
{
    /// <summary>"ingress" or "egress", for messages and JSON.</summary>
    public static string Lower(this TrafficDirection direction) => direction == TrafficDirection.Ingress ? "ingress" : "egress";

    /// <summary>The API's policyTypes value: "Ingress" or "Egress".</summary>
    public static string PolicyType(this TrafficDirection direction) => direction == TrafficDirection.Ingress ? "Ingress" : "Egress";
}
