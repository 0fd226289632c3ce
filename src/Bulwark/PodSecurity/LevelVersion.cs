namespace Bulwark.PodSecurity;

/// <summary>A policy to evaluate: a level at a version. Prints as <c>&lt;level&gt;:&lt;version&gt;</c>, e.g. <c>restricted:latest</c>.</summary>
public readonly record struct LevelVersion(PodSecurityLevel Level, PolicyVersion Version)
{
    public override string ToString() => Level.ToLabel() + ":" + Version;
}
