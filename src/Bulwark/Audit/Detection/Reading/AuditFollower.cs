namespace Bulwark.Audit.Detection.Reading;

/// <summary>
/// Follows a growing audit log (like <c>tail -F</c>), from its start, handing out events as complete lines arrive,
/// until cancelled. Survives rotation: when the file is renamed away and a new one created under the path, the old
/// file is read to its end and reading continues with the new one from its start; when the file is truncated in
/// place (copytruncate), reading restarts at its start. A line is only parsed once its line break is written.
/// </summary>
public sealed class AuditFollower
{
    private const int HeadBytes = 256;
    private readonly string _path;
    private readonly IAuditRecordSink _sink;
    private readonly AuditLogOptions _options;

    public AuditFollower(string path, IAuditRecordSink sink, AuditLogOptions? options = null)
    {
        _path = path;
        _sink = sink;
        _options = options ?? AuditLogOptions.Default;
    }

    /// <summary>How often the file is checked for new lines and rotation.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Called after each batch of lines is handled (the CLI flushes its output there).</summary>
    public Action? OnIdle { get; init; }

    /// <summary>Follows until <paramref name="cancel"/> fires. False (after an error to the sink) when the file cannot be followed.</summary>
    public bool Run(CancellationToken cancel)
    {
        var stream = Open(_path, out var error);
        if (stream is null)
        {
            _sink.OnError(new AuditLogError(_path, 0, $"cannot follow the file: {error}"));
            return false;
        }

        if (IsGzip(stream))
        {
            stream.Dispose();
            _sink.OnError(new AuditLogError(_path, 0, "cannot follow a gzip file (read it without --follow)"));
            return false;
        }

        var reader = new AuditLineReader(stream, _options.MaxLineBytes);
        try
        {
            while (!cancel.IsCancellationRequested)
            {
                Drain(reader);
                OnIdle?.Invoke();

                // Truncated in place: start again from the beginning.
                if (SafeLength(stream) < stream.Position)
                {
                    stream.Position = 0;
                    reader.Switch(stream);
                    continue;
                }

                if (Rotated(stream))
                {
                    Drain(reader);
                    Finish(reader);
                    var next = Open(_path, out _);
                    if (next is not null)
                    {
                        stream.Dispose();
                        stream = next;
                        reader.Switch(stream);
                        continue;
                    }
                }

                if (cancel.WaitHandle.WaitOne(PollInterval))
                {
                    break;
                }
            }

            Drain(reader);
            OnIdle?.Invoke();
            return true;
        }
        finally
        {
            stream.Dispose();
        }
    }

    private void Drain(AuditLineReader reader)
    {
        while (true)
        {
            LineStatus status;
            ReadOnlyMemory<byte> line;
            long number;
            try
            {
                status = reader.Next(follow: true, out line, out number);
            }
            catch (IOException e)
            {
                _sink.OnError(new AuditLogError(_path, reader.NextLine, $"reading failed: {e.Message}"));
                return;
            }

            if (status == LineStatus.Pending || !AuditLogReader.Handle(status, line, number, _path, _options, _sink))
            {
                return;
            }
        }
    }

    /// <summary>The old file's last line, if the writer left it without a line break.</summary>
    private void Finish(AuditLineReader reader)
    {
        var status = reader.TakeRest(out var line, out var number);
        AuditLogReader.Handle(status, line, number, _path, _options, _sink);
    }

    /// <summary>
    /// Whether the path now names another file than the open one: it is shorter than what was read from the open
    /// file, or its first bytes differ from the open file's first bytes. (A file being appended to keeps both.)
    /// </summary>
    private bool Rotated(FileStream current)
    {
        Span<byte> ours = stackalloc byte[HeadBytes];
        Span<byte> theirs = stackalloc byte[HeadBytes];
        int oursLength;
        try
        {
            oursLength = RandomAccess.Read(current.SafeFileHandle, ours, 0);
        }
        catch (IOException)
        {
            return true;
        }

        try
        {
            using var probe = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            if (probe.Length < current.Position)
            {
                return true;
            }

            var theirsLength = probe.ReadAtLeast(theirs, HeadBytes, throwOnEndOfStream: false);
            var n = Math.Min(oursLength, theirsLength);
            return !ours[..n].SequenceEqual(theirs[..n]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Renamed away and not created again yet: keep reading the open file.
            return false;
        }
    }

    private static long SafeLength(FileStream stream)
    {
        try
        {
            return stream.Length;
        }
        catch (IOException)
        {
            return long.MaxValue;
        }
    }

    private static FileStream? Open(string path, out string? error)
    {
        error = null;
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = e.Message;
            return null;
        }
    }

    private static bool IsGzip(FileStream stream)
    {
        Span<byte> magic = stackalloc byte[2];
        var read = RandomAccess.Read(stream.SafeFileHandle, magic, 0);
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }
}
