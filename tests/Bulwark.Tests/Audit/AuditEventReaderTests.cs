using System.IO.Compression;
using System.Text;
using Bulwark.Audit;
using Xunit;

namespace Bulwark.Tests.Audit;

public sealed class AuditEventReaderTests
{
    private const string Get = """{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a1","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/shop/configmaps/settings","verb":"get","user":{"username":"system:serviceaccount:shop:sync","groups":["system:serviceaccounts","system:authenticated"]},"objectRef":{"resource":"configmaps","namespace":"shop","name":"settings","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2025-06-02T02:00:00.118000Z","stageTimestamp":"2025-06-02T02:00:00.122000Z","annotations":{"authorization.k8s.io/decision":"allow"}}""";

    private const string Healthz = """{"kind":"Event","apiVersion":"audit.k8s.io/v1beta1","auditID":"a2","stage":"ResponseComplete","requestURI":"/healthz?verbose","verb":"get","user":{"username":"alice"},"responseStatus":{"code":200},"timestamp":"2019-03-01T10:00:00Z"}""";

    private static List<AuditEntry> Read(string text) => AuditEventReader.Read(new StringReader(text), "audit.log").ToList();

    [Fact]
    public void Should_Read_Json_Lines_With_Every_Field_Generate_Needs()
    {
        var entries = Read(Get + "\n\n" + Healthz + "\n");

        Assert.All(entries, e => Assert.Null(e.Error));
        var get = entries[0].Event!;
        Assert.Equal(("audit.k8s.io/v1", "a1", "ResponseComplete", "get"), (get.ApiVersion, get.AuditId, get.Stage, get.Verb));
        Assert.Equal("system:serviceaccount:shop:sync", get.User.Username);
        Assert.Equal(["system:serviceaccounts", "system:authenticated"], get.User.Groups);
        Assert.Equal(new AuditObjectRef("configmaps", string.Empty, "shop", "settings", string.Empty, "v1"), get.ObjectRef);
        Assert.Equal(200, get.ResponseCode);
        Assert.False(get.AuthorizationDenied);
        Assert.Equal(new DateTimeOffset(2025, 6, 2, 2, 0, 0, 122, TimeSpan.Zero), get.Timestamp);
        Assert.Equal(("audit.log", 1L), (get.Source, get.Line));

        var healthz = entries[1].Event!;
        Assert.Null(healthz.ObjectRef);
        Assert.Equal("/healthz?verbose", healthz.RequestUri);
        Assert.Equal(new DateTimeOffset(2019, 3, 1, 10, 0, 0, TimeSpan.Zero), healthz.Timestamp);
        Assert.Equal(3, healthz.Line);
    }

    [Fact]
    public void Should_Read_An_EventList_Per_Line_And_A_Pretty_Printed_EventList()
    {
        var oneLine = $$$"""{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[{{{Get}}},{{{Healthz}}}]}""";
        var pretty = $$$"""
            {
              "kind": "EventList",
              "apiVersion": "audit.k8s.io/v1",
              "metadata": {},
              "items": [
                {{{Get}}},
                {
                  "verb": "list",
                  "user": {"username": "bob"},
                  "objectRef": {"resource": "pods", "namespace": "web"},
                  "responseObject": {"kind": "PodList", "items": [{"metadata": {"name": "p1"}}, {"metadata": {"name": "p2"}}]},
                  "responseStatus": {"code": 403}
                }
              ]
            }
            """;

        var lines = Read(oneLine + "\n" + oneLine + "\n");
        Assert.Equal(4, lines.Count(e => e.Event is not null));
        Assert.All(lines, e => Assert.Null(e.Error));

        var entries = Read(pretty);
        Assert.All(entries, e => Assert.Null(e.Error));
        Assert.Equal(2, entries.Count);
        var list = entries[1].Event!;
        Assert.Equal(("list", "bob", "pods", 7L), (list.Verb, list.User.Username, list.ObjectRef!.Resource, list.Line));
        Assert.True(list.AuthorizationDenied);
    }

    [Fact]
    public void Should_Read_A_Top_Level_Array_Of_Events()
    {
        var entries = Read("[\n" + Get + ",\n" + Healthz + "\n]\n");

        Assert.Equal([2L, 3L], entries.Select(e => e.Event!.Line));
    }

    [Fact]
    public void Should_Report_Malformed_Lines_With_Their_Line_Number_And_Go_On()
    {
        var text = string.Join("\n",
            Get,
            "not json at all",
            Get[..78],
            Healthz,
            """{"kind":"Event","verb":"get","user":{"username":"x"},"requestURI":"/a" "stage":"ResponseComplete"}""",
            """{"kind":"Pod","apiVersion":"v1"}""",
            """{"kind":"Event","apiVersion":"audit.k8s.io/v2","verb":"get"}""",
            """{"metadata":{}}""",
            """{"kind":"Event","verb":"get","requestURI":"/version""",
            Get);

        var entries = Read(text + "\n");

        Assert.Equal([1L, 4L, 10L], entries.Where(e => e.Event is not null).Select(e => e.Event!.Line));
        var errors = entries.Where(e => e.Error is not null).Select(e => e.Error!).ToList();
        Assert.Equal([2L, 3L, 5L, 6L, 7L, 8L, 9L], errors.Select(e => e.Line));
        Assert.All(errors, e => Assert.Equal("audit.log", e.Source));
        Assert.Contains("not JSON", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("unterminated string", errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("malformed JSON", errors[2].Message, StringComparison.Ordinal);
        Assert.Contains("kind \"Pod\"", errors[3].Message, StringComparison.Ordinal);
        Assert.Contains("audit.k8s.io/v2", errors[4].Message, StringComparison.Ordinal);
        Assert.Contains("not an audit Event", errors[5].Message, StringComparison.Ordinal);
        Assert.Contains("unterminated string", errors[6].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Recover_From_A_Line_Cut_Short_Before_Its_Brackets_Close()
    {
        var cut = """{"kind":"Event","verb":"get","user":{"username":"x"},"objectRef":{"resource":"pods" """;
        var entries = Read(cut + "\n" + Healthz + "\n" + cut);

        Assert.Equal(2, entries.Count(e => e.Error is not null));
        Assert.Equal([1L, 3L], entries.Where(e => e.Error is not null).Select(e => e.Error!.Line));
        Assert.Equal(2L, Assert.Single(entries, e => e.Event is not null).Event!.Line);
    }

    [Fact]
    public void Should_Take_Missing_Or_Mistyped_Fields_As_Empty()
    {
        var entries = Read("""
            {"kind":"Event","verb":"get"}
            {"verb":5,"user":"bob","objectRef":[],"responseStatus":{"code":"403"},"stageTimestamp":"yesterday","annotations":{"a":1,"b":"c"}}
            """);

        var bare = entries[0].Event!;
        Assert.Equal((string.Empty, string.Empty, string.Empty), (bare.User.Username, bare.Stage, bare.AuditId));
        Assert.Null(bare.ObjectRef);
        Assert.Null(bare.ImpersonatedUser);
        Assert.Null(bare.ResponseCode);
        Assert.Null(bare.Timestamp);

        var odd = entries[1].Event!;
        Assert.Equal(string.Empty, odd.Verb);
        Assert.Equal(string.Empty, odd.User.Username);
        Assert.Null(odd.ObjectRef);
        Assert.Null(odd.ResponseCode);
        Assert.Equal("c", Assert.Single(odd.Annotations).Value);
    }

    [Fact]
    public void Should_Read_Impersonated_User_And_Decision()
    {
        var entries = Read("""
            {"kind":"Event","verb":"get","user":{"username":"alice"},"impersonatedUser":{"username":"bob","groups":["ops"]},"responseStatus":{"code":403},"annotations":{"authorization.k8s.io/decision":"allow"}}
            """);

        var e = entries[0].Event!;
        Assert.Equal("bob", e.EffectiveUser.Username);
        Assert.Equal(["ops"], e.ImpersonatedUser!.Groups);
        Assert.False(e.AuthorizationDenied); // a 403 after authorization allowed it comes from admission
    }

    [Fact]
    public void Should_Read_Gzip_Files_And_Report_Unreadable_Files()
    {
        using var dir = new TempDir();
        using (var buffer = new MemoryStream())
        {
            using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(Encoding.UTF8.GetBytes(Get + "\n" + Healthz + "\n"));
            }

            dir.WriteBytes("audit.log.gz", buffer.ToArray());
        }

        var entries = AuditEventReader.ReadFile(Path.Combine(dir.Path, "audit.log.gz")).ToList();
        Assert.Equal(["a1", "a2"], entries.Select(e => e.Event!.AuditId));

        var missing = Assert.Single(AuditEventReader.ReadFile(Path.Combine(dir.Path, "nope.log")));
        Assert.Equal(0, missing.Error!.Line);
    }

    [Fact]
    public void Should_Skip_Request_And_Response_Bodies_And_Oversized_Events()
    {
        var big = new string('x', 5000);
        var text = $$$"""{"kind":"Event","verb":"create","requestObject":{"data":"{{{big}}}"},"responseObject":[{"a":"{{{big}}}"}],"user":{"username":"u"}}""" + "\n" +
            $$$"""{"kind":"Event","verb":"get","annotations":{"note":"{{{big}}}"}}""" + "\n" + Get + "\n";

        var entries = AuditEventReader.Read(new StringReader(text), "audit.log", new AuditReadOptions { MaxEventChars = 1000 }).ToList();

        Assert.Equal("u", entries[0].Event!.User.Username);
        Assert.Contains("larger than 1000", entries[1].Error!.Message, StringComparison.Ordinal);
        Assert.Equal(3, entries[2].Event!.Line);
    }
}
