using Bulwark.Findings;
using Bulwark.Images;
using Bulwark.Model;

namespace Bulwark.Rules.Image;

public sealed class ImageReferenceInvalid : ContainerRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "image-reference-invalid",
        Title = "Container image reference is invalid",
        Severity = Severity.High,
        Layer = Layer.Image,
        Controls = ["IMG-2"],
        Rationale = "The kubelet parses every image with the distribution reference grammar and refuses to start a container whose reference does not parse (InvalidImageName); a missing or empty image is rejected by the API server. Bulwark applies the same grammar (uppercase repository names, malformed tags, digests that are not sha256/sha384/sha512 of the right length in lowercase hex, bare 64-character image IDs), is stricter only for a registry host that is not a valid host name, and the other image rules skip references reported here.",
        Remediation = "Write the image as [registry[:port]/]repository[:tag][@sha256:<64 lowercase hex>], with a lowercase repository name.",
    };

    protected override void Check(RuleContext context, PodTemplate pod, ContainerView container)
    {
        var pointer = container.Pointer + "/image";
        if (container.Image is null)
        {
            context.Report(pod, container, pointer, $"{container.Describe()} has no image");
            return;
        }

        if (container.Image.Length == 0)
        {
            context.Report(pod, container, pointer, $"{container.Describe()} has an empty image");
            return;
        }

        if (!ImageReference.TryParse(container.Image, out _, out var error))
        {
            context.Report(pod, container, pointer, $"{container.Describe()} image \"{container.Image}\" is invalid: {error}");
        }
    }
}
