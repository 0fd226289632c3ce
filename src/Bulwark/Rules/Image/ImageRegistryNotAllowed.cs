using Bulwark.Findings;
using Bulwark.Images;
using Bulwark.Model;

namespace Bulwark.Rules.Image;

public sealed class ImageRegistryNotAllowed : ContainerRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "image-registry-not-allowed",
        Title = "Container image comes from a registry that is not allowed",
        Severity = Severity.High,
        Layer = Layer.Image,
        Controls = ["IMG-6"],
        Parameters = ["allowedRegistries"],
        Rationale = "Images from arbitrary registries bypass the scanning, signing and retention of the organisation's own registry. The check runs only when allowedRegistries is set. An entry is a registry host (with its port, if the registry uses one: registry.example.com:5000 does not allow registry.example.com) or a host/path prefix that matches whole path components (ghcr.io/myorg allows ghcr.io/myorg/app, not ghcr.io/myorganisation/app). Images are normalised first: nginx is docker.io/library/nginx and index.docker.io is docker.io, so a Docker Hub entry is written docker.io (docker.io/nginx and docker.io/library/nginx both allow the official nginx). Host names compare case-insensitively. Invalid references are left to image-reference-invalid.",
        Remediation = "Mirror the image into an allowed registry and reference it from there, or add the registry to allowedRegistries in .bulwark.yaml if it is trusted.",
    };

    protected override void Check(RuleContext context, PodTemplate pod, ContainerView container)
    {
        var allowed = context.Parameters.AllowedRegistries;
        if (allowed.Count == 0 || !ImageReference.TryParse(container.Image, out var image, out _))
        {
            return;
        }

        if (!allowed.Any(entry => Matches(entry, image)))
        {
            context.Report(pod, container, container.Pointer + "/image",
                $"{container.Describe()} image \"{image.Original}\" comes from {image.Name}, which no allowedRegistries entry allows");
        }
    }

    /// <summary>Whether an allow-list entry (host[:port] or host[:port]/path prefix) covers an image.</summary>
    public static bool Matches(string entry, ImageReference image)
    {
        var trimmed = entry.Trim().TrimEnd('/');
        if (trimmed.Length == 0)
        {
            return false;
        }

        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        var host = slash < 0 ? trimmed : trimmed[..slash];
        var prefix = slash < 0 ? null : trimmed[(slash + 1)..];
        if (string.Equals(host, ImageReference.LegacyDockerHub, StringComparison.OrdinalIgnoreCase))
        {
            host = ImageReference.DockerHub;
        }

        if (!string.Equals(host, image.Registry, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return prefix is null || IsPathPrefix(prefix, image.Repository) || IsPathPrefix(prefix, image.FamiliarPath);
    }

    private static bool IsPathPrefix(string prefix, string path) =>
        path == prefix || path.StartsWith(prefix + "/", StringComparison.Ordinal);
}
