using Bulwark.Findings;
using Bulwark.Images;
using Bulwark.Model;

namespace Bulwark.Rules.Image;

public sealed class ImageNotPinnedByDigest : ContainerRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "image-not-pinned-by-digest",
        Title = "Container image is not pinned by digest",
        Severity = Severity.Medium,
        Layer = Layer.Image,
        Controls = ["IMG-2"],
        Rationale = "A tag can be moved to other content at any time by whoever can push to the repository; only a digest names exactly the image that was built, scanned and signed. A reference with both tag and digest is pinned (the runtime pulls the digest; the tag is informative). Invalid references are left to image-reference-invalid.",
        Remediation = "Add the digest of the tested image, keeping the tag for people: image: app:1.4.2@sha256:<digest> (crane digest or docker buildx imagetools inspect prints it).",
    };

    protected override void Check(RuleContext context, PodTemplate pod, ContainerView container)
    {
        if (ImageReference.TryParse(container.Image, out var image, out _) && image.Digest is null)
        {
            context.Report(pod, container, container.Pointer + "/image",
                $"{container.Describe()} image \"{image.Original}\" is not pinned by digest");
        }
    }
}
