using Bulwark.Audit.Detection.Engine;
using Bulwark.Audit.Detection.Reading;
using Xunit;
using static Bulwark.Tests.Audit.Detection.DetectionTestKit;

namespace Bulwark.Tests.Audit.Detection;

/// <summary>--follow: alerts as lines arrive, through rename rotation and truncation. Waits are generous and bounded; nothing is timed.</summary>
public sealed class FollowTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static string E(string id) => Event(verb: "delete").Replace("\"auditID\":\"id-1\"", $"\"auditID\":\"{id}\"", StringComparison.Ordinal);

    [Fact]
    public async Task Should_Alert_As_Lines_Arrive_And_Survive_Rotation_And_Truncation()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "audit.log");
        File.WriteAllText(path, E("before-1") + "\n");
        var pack = OneRule("ka.verb = delete");
        Assert.Empty(pack.Errors);
        var engine = DetectionEngine.Create(pack);
        var seen = new System.Collections.Concurrent.ConcurrentQueue<(string Id, long Line)>();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var follower = Task.Run(() => engine.Follow(path, a => seen.Enqueue((a.Event.AuditId!, a.Line)), e => errors.Enqueue(e.ToString()), stop.Token, poll: TimeSpan.FromMilliseconds(20)));
        try
        {
            await WaitFor(() => seen.Count >= 1);

            // Appended lines; a line is only read once its line break is written.
            Append(path, E("append-2") + "\n" + E("append-3")[..50]);
            await WaitFor(() => seen.Count >= 2);
            await Task.Delay(200);
            Assert.Equal(2, seen.Count);
            Append(path, E("append-3")[50..] + "\n");
            await WaitFor(() => seen.Count >= 3);

            // Rotation by rename: the old file gets one more line, then a new file appears under the path.
            var rotated = Path.Combine(dir.Path, "audit.log.1");
            File.Move(path, rotated);
            Append(rotated, E("late-4") + "\n");
            File.WriteAllText(path, E("new-5") + "\n");
            await WaitFor(() => seen.Count >= 5);
            Append(path, E("new-6") + "\n");
            await WaitFor(() => seen.Count >= 6);

            // Truncation in place (copytruncate): reading starts again at the beginning.
            File.WriteAllText(path, string.Empty);
            await Task.Delay(300);
            Append(path, E("trunc-7") + "\n");
            await WaitFor(() => seen.Count >= 7);
        }
        finally
        {
            await stop.CancelAsync();
        }

        Assert.True(await follower.WaitAsync(Patience), "the follower failed");
        Assert.Empty(errors);
        Assert.Equal(
            [("before-1", 1L), ("append-2", 2L), ("append-3", 3L), ("late-4", 4L), ("new-5", 1L), ("new-6", 2L), ("trunc-7", 1L)],
            seen.ToList());
    }

    [Fact]
    public void Should_Refuse_To_Follow_A_Gzip_File()
    {
        using var dir = new TempDir();
        var path = dir.WriteBytes("audit.log.gz", [0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);
        var errors = new List<string>();
        var ok = new AuditFollower(path, new DelegateRecordSink(_ => { }, e => errors.Add(e.ToString()))).Run(CancellationToken.None);

        Assert.False(ok);
        Assert.Equal([$"{path}: cannot follow a gzip file (read it without --follow)"], errors);
    }

    private static void Append(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the follower");
            await Task.Delay(10);
        }
    }
}
