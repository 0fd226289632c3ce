using k8s.Models;

namespace Bulwark.PodSecurity.Checks;

/// <summary>
/// restrictedVolumes (restricted, v1.0; replaces hostPathVolumes): volumes may only be configMap, csi, downwardAPI,
/// emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret.
/// </summary>
internal static class RestrictedVolumes
{
    public static PodSecurityCheck Create() =>
        new(
            "restrictedVolumes",
            PodSecurityLevel.Restricted,
            new CheckVersion(PolicyVersion.V1(0), V1Dot0, [HostPathVolumes.Id]));

    private static bool IsAllowed(V1Volume v) =>
        v.ConfigMap is not null || v.Csi is not null || v.DownwardAPI is not null || v.EmptyDir is not null ||
        v.Ephemeral is not null || v.Image is not null || v.PersistentVolumeClaim is not null || v.Projected is not null ||
        v.Secret is not null;

    /// <summary>The label of a restricted volume: its first set source in upstream's order, else <c>unknown</c>.</summary>
    private static string TypeLabel(V1Volume v) => v switch
    {
        { HostPath: not null } => "hostPath",
        { GcePersistentDisk: not null } => "gcePersistentDisk",
        { AwsElasticBlockStore: not null } => "awsElasticBlockStore",
        { GitRepo: not null } => "gitRepo",
        { Nfs: not null } => "nfs",
        { Iscsi: not null } => "iscsi",
        { Glusterfs: not null } => "glusterfs",
        { Rbd: not null } => "rbd",
        { FlexVolume: not null } => "flexVolume",
        { Cinder: not null } => "cinder",
        { Cephfs: not null } => "cephfs",
        { Flocker: not null } => "flocker",
        { Fc: not null } => "fc",
        { AzureFile: not null } => "azureFile",
        { VsphereVolume: not null } => "vsphereVolume",
        { Quobyte: not null } => "quobyte",
        { AzureDisk: not null } => "azureDisk",
        { PhotonPersistentDisk: not null } => "photonPersistentDisk",
        { PortworxVolume: not null } => "portworxVolume",
        { ScaleIO: not null } => "scaleIO",
        { Storageos: not null } => "storageos",
        _ => "unknown",
    };

    private static CheckResult V1Dot0(PodInput pod)
    {
        var badVolumes = new List<string>();
        var types = new List<string>();
        foreach (var v in pod.Spec.Volumes ?? [])
        {
            if (!IsAllowed(v))
            {
                badVolumes.Add(v.Name ?? string.Empty);
                types.Add(TypeLabel(v));
            }
        }

        if (badVolumes.Count == 0)
        {
            return CheckResult.Allow;
        }

        var distinct = Text.SortedSet(types);
        return CheckResult.Forbid(
            "restricted volume types",
            Text.Pl(badVolumes.Count, "volume", "volumes") + " " + Text.Quoted(badVolumes) + " " +
            Text.Pl(badVolumes.Count, "uses", "use") + " " +
            Text.Pl(distinct.Count, "restricted volume type", "restricted volume types") + " " + Text.Quoted(distinct));
    }
}
