using System.IO.Compression;

namespace Bulwark.Audit.Detection.Reading;

/// <summary>What a read covered.</summary>
public sealed record AuditReadSummary(int Files, long Events, long Errors);

/// <summary>
/// Reads Kubernetes audit events (audit.k8s.io/v1 and v1beta1) for detection, with their request and response bodies:
/// JSON lines where a line is an Event, an EventList or a JSON array of them; plain or gzip (detected by content);
/// files, folders (recursively, in path order) and standard input ("-"). Streaming: one line is in memory at a time,
/// parsed into a pooled <see cref="System.Text.Json.JsonDocument"/> and handed to the sink before the next is read.
/// A bad line (malformed, truncated, another kind, invalid UTF-8, too large) is reported with its file and line and
/// skipped; nothing else is lost.
/// </summary>
public static class AuditLogReader
{
    /// <summary>Reads paths in order ("-" is standard input); a missing or unreadable path is one error.</summary>
    public static AuditReadSummary ReadPaths(IEnumerable<string> paths, IAuditRecordSink sink, AuditLogOptions? options = null, Func<Stream>? stdin = null)
    {
        options ??= AuditLogOptions.Default;
        var counting = new CountingSink(sink);
        var files = 0;
        foreach (var input in AuditInputs.Expand(paths))
        {
            if (input.Error is { } error)
            {
                counting.OnError(new AuditLogError(input.Path, 0, error));
                continue;
            }

            files++;
            if (input.Path == AuditInputs.Stdin)
            {
                using var s = (stdin ?? Console.OpenStandardInput)();
                ReadStream(s, Model.SourceFile.StdinName, counting, options);
            }
            else
            {
                ReadFile(input.Path, counting, options);
            }
        }

        return new AuditReadSummary(files, counting.Events, counting.Errors);
    }

    /// <summary>Reads one file, plain or gzip.</summary>
    public static void ReadFile(string path, IAuditRecordSink sink, AuditLogOptions? options = null)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            sink.OnError(new AuditLogError(path, 0, $"cannot read the file: {e.Message}"));
            return;
        }

        using (stream)
        {
            ReadStream(stream, path, sink, options ?? AuditLogOptions.Default);
        }
    }

    /// <summary>Reads a stream to its end (gzip is detected from the first bytes); the stream is left open.</summary>
    public static void ReadStream(Stream stream, string source, IAuditRecordSink sink, AuditLogOptions? options = null)
    {
        options ??= AuditLogOptions.Default;
        Stream input;
        try
        {
            input = OpenContent(stream, out _);
        }
        catch (IOException e)
        {
            sink.OnError(new AuditLogError(source, 0, $"cannot read: {e.Message}"));
            return;
        }

        using (input)
        {
            var reader = new AuditLineReader(input, options.MaxLineBytes);
            while (true)
            {
                LineStatus status;
                ReadOnlyMemory<byte> line;
                long number;
                try
                {
                    status = reader.Next(follow: false, out line, out number);
                }
                catch (Exception e) when (e is IOException or InvalidDataException)
                {
                    sink.OnError(new AuditLogError(source, reader.NextLine, $"reading stopped: {e.Message}"));
                    return;
                }

                if (!Handle(status, line, number, source, options, sink))
                {
                    return;
                }
            }
        }
    }

    /// <summary>Hands one reader result to the parser; false at the end.</summary>
    internal static bool Handle(LineStatus status, ReadOnlyMemory<byte> line, long number, string source, AuditLogOptions options, IAuditRecordSink sink)
    {
        switch (status)
        {
            case LineStatus.Line:
                AuditLineParser.Parse(line, source, number, options, sink);
                return true;
            case LineStatus.TooLong:
                sink.OnError(new AuditLogError(source, number, $"line longer than {AuditLineParser.Size(options.MaxLineBytes)}: skipped"));
                return true;
            default:
                return false;
        }
    }

    /// <summary>Wraps a stream so that gzip content is decompressed; the given stream is left open.</summary>
    internal static Stream OpenContent(Stream stream, out bool gzip)
    {
        var prefix = new byte[2];
        var read = stream.ReadAtLeast(prefix, 2, throwOnEndOfStream: false);
        var replay = new PrefixedStream(prefix, read, stream, leaveOpen: true);
        gzip = read == 2 && prefix[0] == 0x1f && prefix[1] == 0x8b;
        return gzip ? new GZipStream(replay, CompressionMode.Decompress, leaveOpen: false) : replay;
    }

    private sealed class CountingSink(IAuditRecordSink inner) : IAuditRecordSink
    {
        public long Events { get; private set; }

        public long Errors { get; private set; }

        public void OnEvent(in AuditRecord record)
        {
            Events++;
            inner.OnEvent(record);
        }

        public void OnError(AuditLogError error)
        {
            Errors++;
            inner.OnError(error);
        }
    }
}
