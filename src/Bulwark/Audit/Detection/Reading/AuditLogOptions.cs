namespace Bulwark.Audit.Detection.Reading;

/// <summary>Limits and switches of the detection reader.</summary>
public sealed record AuditLogOptions
{
    public static readonly AuditLogOptions Default = new();

    /// <summary>The largest single event, in bytes of JSON; a larger event is reported with its file and line and skipped.</summary>
    public int MaxEventBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// The longest line, in bytes. A line may hold a whole EventList (the webhook backend's batches reach about
    /// 10 MiB), so this is larger than <see cref="MaxEventBytes"/>; a longer line is skipped without being held in memory.
    /// </summary>
    public int MaxLineBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Whether lines starting with '#' are comments (fixtures only: an audit log has no comments).</summary>
    public bool AllowComments { get; init; }
}
