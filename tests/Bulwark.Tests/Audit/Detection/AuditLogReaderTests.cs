using System.IO.Compression;
using System.Text;
using Bulwark.Audit.Detection.Reading;
using Xunit;
using static Bulwark.Tests.Audit.Detection.DetectionTestKit;

namespace Bulwark.Tests.Audit.Detection;

/// <summary>The detection reader: JSON lines of Events, EventLists and arrays; gzip; folders; every bad line reported and skipped.</summary>
public sealed class AuditLogReaderTests
{
    private sealed class Collect : IAuditRecordSink
    {
        public List<(string Id, string Source, long Line)> Events { get; } = [];

        public List<string> Errors { get; } = [];

        public void OnEvent(in AuditRecord record) =>
            Events.Add((record.Root.GetProperty("auditID").GetString()!, record.Source, record.Line));

        public void OnError(AuditLogError error) => Errors.Add(error.ToString());
    }

    private static string E(string id) => Event().Replace("\"auditID\":\"id-1\"", $"\"auditID\":\"{id}\"", StringComparison.Ordinal);

    private static Collect ReadText(string text, AuditLogOptions? options = null) => ReadBytes(Encoding.UTF8.GetBytes(text), options);

    private static Collect ReadBytes(byte[] bytes, AuditLogOptions? options = null)
    {
        var sink = new Collect();
        AuditLogReader.ReadStream(new MemoryStream(bytes), "audit.log", sink, options);
        return sink;
    }

    [Fact]
    public void Should_Read_Json_Lines_With_Blank_Lines_Crlf_And_A_Byte_Order_Mark()
    {
        var text = "\uFEFF" + E("a") + "\r\n\r\n   \n" + E("b") + "\n" + E("c");
        var sink = ReadText(text);

        Assert.Empty(sink.Errors);
        Assert.Equal([("a", "audit.log", 1L), ("b", "audit.log", 4L), ("c", "audit.log", 5L)], sink.Events);
    }

    [Fact]
    public void Should_Read_An_EventList_Line_And_Arrays_Of_Events_And_EventLists()
    {
        var list = "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":[" + E("l1") + "," + E("l2") + "]}";
        var array = "[" + E("a1") + "," + list.Replace("l1", "al1", StringComparison.Ordinal).Replace("l2", "al2", StringComparison.Ordinal) + "]";
        var sink = ReadText(list + "\n" + array + "\n");

        Assert.Empty(sink.Errors);
        Assert.Equal(["l1", "l2", "a1", "al1", "al2"], sink.Events.Select(e => e.Id));
        Assert.Equal([1L, 1L, 2L, 2L, 2L], sink.Events.Select(e => e.Line));
    }

    [Fact]
    public void Should_Read_V1beta1_Events_And_Items_Without_Kind()
    {
        var beta = E("b").Replace("audit.k8s.io/v1", "audit.k8s.io/v1beta1", StringComparison.Ordinal);
        var noKind = E("n").Replace("\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",", string.Empty, StringComparison.Ordinal);
        var sink = ReadText(beta + "\n" + noKind + "\n");

        Assert.Empty(sink.Errors);
        Assert.Equal(["b", "n"], sink.Events.Select(e => e.Id));
    }

    [Fact]
    public void Should_Report_Each_Bad_Line_With_Its_Line_And_Lose_Nothing_Else()
    {
        var lines = new[]
        {
            E("ok1"),
            E("cut")[..120],
            "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\"}}",
            E("v2").Replace("audit.k8s.io/v1", "audit.k8s.io/v2", StringComparison.Ordinal),
            "hello world",
            "[1, " + E("in-array") + "]",
            E("noid").Replace("\"auditID\":\"noid\",", string.Empty, StringComparison.Ordinal),
            "{\"kind\":\"Event\",\"verb\":\"get\" \"x\":1}",
            E("ok2"),
        };
        var sink = ReadText(string.Join("\n", lines) + "\n");

        Assert.Equal(["ok1", "in-array", "ok2"], sink.Events.Select(e => e.Id));
        Assert.Equal(
        [
            "audit.log:2: truncated JSON (the line ends before the value is complete)",
            "audit.log:3: not an audit Event (kind \"Pod\")",
            "audit.log:4: unsupported apiVersion \"audit.k8s.io/v2\" (Bulwark reads audit.k8s.io/v1 and audit.k8s.io/v1beta1)",
            "audit.log:5: not JSON: expected an audit Event, an EventList or an array of them",
            "audit.log:6: array item 1 is not an object",
            "audit.log:7: not an audit Event (no auditID)",
        ], sink.Errors.Take(6));
        Assert.StartsWith("audit.log:8: malformed JSON at byte ", sink.Errors[6], StringComparison.Ordinal);
        Assert.Equal(7, sink.Errors.Count);
    }

    [Fact]
    public void Should_Report_A_Truncated_Last_Line()
    {
        var sink = ReadText(E("ok") + "\n" + E("cut")[..200]);

        Assert.Equal(["ok"], sink.Events.Select(e => e.Id));
        Assert.Equal(["audit.log:2: truncated JSON (the line ends before the value is complete)"], sink.Errors);
    }

    [Fact]
    public void Should_Skip_Lines_With_Invalid_Utf8()
    {
        var bad = Encoding.UTF8.GetBytes(E("bad"));
        var at = Array.IndexOf(bad, (byte)'@');
        bad[at] = 0xC3; // a lead byte followed by an ASCII byte: not UTF-8
        var bytes = Encoding.UTF8.GetBytes(E("ok1") + "\n").Concat(bad).Concat(Encoding.UTF8.GetBytes("\n" + E("ok2") + "\n")).ToArray();
        var sink = ReadBytes(bytes);

        Assert.Equal(["ok1", "ok2"], sink.Events.Select(e => e.Id));
        Assert.Equal(["audit.log:2: invalid UTF-8: the line is skipped"], sink.Errors);
    }

    [Fact]
    public void Should_Skip_An_Event_Larger_Than_One_MiB_By_Default()
    {
        var huge = E("huge").Replace("\"verb\":\"get\"", "\"verb\":\"get\",\"padding\":\"" + new string('x', 1024 * 1024) + "\"", StringComparison.Ordinal);
        var sink = ReadText(E("ok1") + "\n" + huge + "\n" + E("ok2") + "\n");

        Assert.Equal(["ok1", "ok2"], sink.Events.Select(e => e.Id));
        var error = Assert.Single(sink.Errors);
        Assert.StartsWith("audit.log:2: event larger than 1 MiB (1.0 MiB", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Skip_An_Oversized_Item_Of_An_EventList_And_Keep_The_Others()
    {
        var big = E("big").Replace("\"verb\":\"get\"", "\"verb\":\"get\",\"padding\":\"" + new string('x', 3000) + "\"", StringComparison.Ordinal);
        var list = "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[" + E("i1") + "," + big + "," + E("i3") + "]}";
        var sink = ReadText(list + "\n", new AuditLogOptions { MaxEventBytes = 2048 });

        Assert.Equal(["i1", "i3"], sink.Events.Select(e => e.Id));
        Assert.StartsWith("audit.log:1: event larger than 2048 bytes", Assert.Single(sink.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Skip_A_Line_Longer_Than_The_Line_Limit_Without_Keeping_It()
    {
        var options = new AuditLogOptions { MaxLineBytes = 4096, MaxEventBytes = 4096 };
        var longLine = "{\"x\":\"" + new string('y', 200_000) + "\"}";
        var sink = ReadText(E("ok1") + "\n" + longLine + "\n" + E("ok2") + "\n" + longLine, options);

        Assert.Equal([("ok1", "audit.log", 1L), ("ok2", "audit.log", 3L)], sink.Events);
        Assert.Equal(["audit.log:2: line longer than 4096 bytes: skipped", "audit.log:4: line longer than 4096 bytes: skipped"], sink.Errors);
    }

    [Fact]
    public void Should_Read_Gzip_Files_And_Gzip_From_A_Stream_That_Cannot_Seek()
    {
        using var dir = new TempDir();
        var gz = Gzip(E("g1") + "\n" + E("g2") + "\n");
        var path = dir.WriteBytes("audit.log.1.gz", gz);
        var fromFile = new Collect();
        AuditLogReader.ReadFile(path, fromFile);
        var fromPipe = new Collect();
        AuditLogReader.ReadStream(new NonSeekable(new MemoryStream(gz)), "-", fromPipe);

        Assert.Empty(fromFile.Errors);
        Assert.Equal([("g1", path, 1L), ("g2", path, 2L)], fromFile.Events);
        Assert.Equal(["g1", "g2"], fromPipe.Events.Select(e => e.Id));
    }

    [Fact]
    public void Should_Report_A_Corrupt_Gzip_File_And_Go_On_With_The_Next_File()
    {
        using var dir = new TempDir();
        var gz = Gzip(E("g1") + "\n" + E("g2") + "\n");
        var corrupt = gz.Take(20).Concat(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }).ToArray();
        dir.WriteBytes("a.gz", corrupt);
        dir.Write("b.log", E("b1") + "\n");
        var sink = new Collect();
        AuditLogReader.ReadPaths([dir.Path], sink);

        // A damaged gzip stream may decode into garbage rather than fail: either way it is reported, and b.log is read.
        Assert.Equal(["b1"], sink.Events.Select(e => e.Id));
        Assert.NotEmpty(sink.Errors);
        Assert.All(sink.Errors, e => Assert.StartsWith(Path.Combine(dir.Path, "a.gz") + ":", e, StringComparison.Ordinal));
    }

    [Fact]
    public void Should_Read_Folders_Recursively_In_Path_Order_Skipping_Hidden_Files()
    {
        using var dir = new TempDir();
        dir.Write("b/2.log", E("b2") + "\n");
        dir.Write("a.log", E("a") + "\n");
        dir.Write("b/1.log", E("b1") + "\n");
        dir.Write(".hidden.log", E("hidden") + "\n");
        var sink = new Collect();
        var summary = AuditLogReader.ReadPaths([dir.Path, Path.Combine(dir.Path, "missing.log")], sink);

        Assert.Equal(["a", "b1", "b2"], sink.Events.Select(e => e.Id));
        Assert.Equal([$"{Path.Combine(dir.Path, "missing.log")}: no such file or folder"], sink.Errors);
        Assert.Equal(new AuditReadSummary(3, 3, 1), summary);
    }

    [Fact]
    public void Comments_Are_Only_Allowed_In_Fixtures()
    {
        var text = "# a comment\n" + E("a") + "\n";
        Assert.Equal(["a"], ReadText(text, new AuditLogOptions { AllowComments = true }).Events.Select(e => e.Id));
        Assert.Equal(["audit.log:1: not JSON: expected an audit Event, an EventList or an array of them"], ReadText(text).Errors);
    }

    [Fact]
    public void Pretty_Printed_Json_Is_Not_Accepted()
    {
        var sink = ReadText("{\n  \"kind\": \"Event\",\n  \"auditID\": \"x\"\n}\n" + E("ok") + "\n");

        Assert.Equal(["ok"], sink.Events.Select(e => e.Id));
        Assert.Equal(4, sink.Errors.Count);
        Assert.StartsWith("audit.log:1: truncated JSON", sink.Errors[0], StringComparison.Ordinal);
    }

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest))
        {
            gz.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    private sealed class NonSeekable(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 7));

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
