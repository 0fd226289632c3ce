using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

public sealed class HostPathVolume : PodRule
{
    /// <summary>File names of the container runtimes' control sockets (Docker, containerd, CRI-O).</summary>
    private static readonly HashSet<string> RuntimeSockets = new(StringComparer.Ordinal)
    {
        "docker.sock", "containerd.sock", "crio.sock",
    };

    /// <summary>Directories that hold those sockets: mounting one exposes the socket as well.</summary>
    private static readonly HashSet<string> RuntimeSocketDirectories = new(StringComparer.Ordinal)
    {
        "/run", "/var/run", "/run/containerd", "/var/run/containerd", "/run/crio", "/var/run/crio",
    };

    public override RuleInfo Info { get; } = new()
    {
        Id = "host-path-volume",
        Title = "Pod mounts a directory or file of the node",
        Severity = Severity.High,
        Layer = Layer.Pod,
        Controls = ["POD-10", "POD-1"],
        Rationale = "A hostPath volume gives the pod direct access to the node's filesystem: it can read other pods' data and credentials, and a writable mount of the right path is a way out of the container. A container runtime socket (docker.sock, containerd.sock, crio.sock) or the node's root \"/\" is full control of the node. Pod Security Admission forbids every hostPath volume at baseline, whatever the path and readOnly setting, and so does this rule; the message names the worst paths.",
        Remediation = "Replace the hostPath volume with an emptyDir, a ConfigMap, Secret or projected volume, or a PersistentVolumeClaim; node agents that truly need host files belong in a system namespace under a documented exception.",
    };

    protected override void Check(RuleContext context, PodTemplate pod)
    {
        var volumes = pod.Spec.Volumes;
        if (volumes is null)
        {
            return;
        }

        for (var i = 0; i < volumes.Count; i++)
        {
            var hostPath = volumes[i]?.HostPath;
            if (hostPath is null)
            {
                continue;
            }

            var name = volumes[i].Name ?? string.Empty;
            var path = hostPath.Path ?? string.Empty;
            var pointer = JsonPointer.Append(JsonPointer.Append(pod.SpecField("volumes"), i), "hostPath");
            context.Report(pod.Owner, pointer, Describe(name, path));
        }
    }

    private static string Describe(string volume, string path)
    {
        var normalized = Normalize(path);
        if (normalized == "/")
        {
            return $"volume \"{volume}\" mounts the node's root filesystem \"{path}\", which gives the pod full control of the node";
        }

        var fileName = normalized[(normalized.LastIndexOf('/') + 1)..];
        if (RuntimeSockets.Contains(fileName))
        {
            return $"volume \"{volume}\" mounts the container runtime socket \"{path}\", which gives the pod full control of the node";
        }

        if (RuntimeSocketDirectories.Contains(normalized))
        {
            return $"volume \"{volume}\" mounts host path \"{path}\", which holds the container runtime socket and gives the pod full control of the node";
        }

        return $"volume \"{volume}\" mounts host path \"{path}\"";
    }

    /// <summary>Collapses repeated slashes and "." segments and drops a trailing slash, as the kernel resolves the path.</summary>
    private static string Normalize(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".");
        var joined = "/" + string.Join('/', segments);
        return path.StartsWith('/') ? joined : joined.TrimStart('/');
    }
}
