using Bulwark.Findings;
using Bulwark.Images;
using Bulwark.Model;

namespace Bulwark.Rules.Image;

public sealed class ImageLatestTag : ContainerRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "image-latest-tag",
        Title = "Container image uses the latest tag",
        Severity = Severity.High,
        Layer = Layer.Image,
        Controls = ["IMG-2"],
        Rationale = "An image with no tag and no digest pulls the tag latest, like an explicit :latest: what runs changes with every push, rollbacks do not roll back, and nodes may run different code. A digest pins the image whatever the tag says, so nginx:latest@sha256:... is not reported; the tag comparison is exact (tags are case-sensitive, so Latest is another tag). Invalid references are left to image-reference-invalid.",
        Remediation = "Use a version tag, and better a digest: image: registry.example.com/app:1.4.2@sha256:<digest>.",
    };

    protected override void Check(RuleContext context, PodTemplate pod, ContainerView container)
    {
        if (!ImageReference.TryParse(container.Image, out var image, out _) || image.Digest is not null)
        {
            return;
        }

        if (image.Tag is null)
        {
            context.Report(pod, container, container.Pointer + "/image",
                $"{container.Describe()} image \"{image.Original}\" has no tag and no digest, so it runs whatever \"latest\" is at pull time");
        }
        else if (image.Tag == ImageReference.DefaultTag)
        {
            context.Report(pod, container, container.Pointer + "/image",
                $"{container.Describe()} image \"{image.Original}\" uses the \"latest\" tag without a digest");
        }
    }
}
