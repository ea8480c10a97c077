using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ReferenceApp.Testing.Http;

/// <summary>An HTTP/1.1 response as it came off the wire.</summary>
public sealed record RawHttpResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body, bool ServerClosesConnection)
{
    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>The connection broke before a whole response arrived; <see cref="BeforeAnyByte"/> tells whether anything came at all.</summary>
public sealed class RawHttpConnectionBrokenException(string message, bool beforeAnyByte, Exception? inner = null) : IOException(message, inner)
{
    /// <summary>True when not one byte of the response arrived (the server died or closed before answering).</summary>
    public bool BeforeAnyByte { get; } = beforeAnyByte;
}

/// <summary>
/// One TCP connection speaking HTTP/1.1 by hand: sends any bytes (well-formed or not) and reads exactly one response
/// (Content-Length, chunked, or until close). No retries, no pooling, nothing hidden: what a test counts is what happened
/// on the wire. HttpClient, by contrast, retries a request silently when a reused connection turns out to be dead.
/// </summary>
public sealed class RawHttpConnection : IAsyncDisposable
{
    private const int MaxHeaderBytes = 256 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private RawHttpConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>Whole responses read on this connection so far: more than 0 means the connection was reused.</summary>
    public int ResponsesReceived { get; private set; }

    public static async Task<RawHttpConnection> ConnectAsync(int port, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            return new RawHttpConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A well-formed request: <c>GET /path HTTP/1.1</c> with Host, optional headers and body.</summary>
    public static byte[] Request(string method, string path, IEnumerable<KeyValuePair<string, string>>? headers = null, byte[]? body = null)
    {
        var head = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        foreach (var (name, value) in headers ?? [])
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        if (body is not null || method is "POST" or "PUT" or "PATCH")
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body?.Length ?? 0}\r\n");
        }

        head.Append("\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body ?? []];
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken);
        }
        catch (IOException exception)
        {
            throw new RawHttpConnectionBrokenException($"sending failed: {exception.Message}", beforeAnyByte: true, exception);
        }
    }

    /// <summary>Sends a request and reads its response.</summary>
    public async Task<RawHttpResponse> ExchangeAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default)
    {
        await SendAsync(request, cancellationToken);
        return await ReadResponseAsync(cancellationToken);
    }

    /// <summary>Reads one response; interim 1xx responses (other than 101) are skipped.</summary>
    public async Task<RawHttpResponse> ReadResponseAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var (status, headers) = await ReadHeadAsync(cancellationToken);
            if (status is >= 100 and < 200 and not 101)
            {
                continue;
            }

            var closes = headers.TryGetValue("connection", out var connection) && connection.Contains("close", StringComparison.OrdinalIgnoreCase);
            byte[] body;
            if (status is 204 or 304 or 101 || (status is >= 100 and < 200))
            {
                body = [];
            }
            else if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                body = await ReadChunkedAsync(cancellationToken);
            }
            else if (headers.TryGetValue("content-length", out var length))
            {
                body = await ReadExactlyAsync(int.Parse(length, CultureInfo.InvariantCulture), cancellationToken);
            }
            else
            {
                body = closes ? await ReadToEndAsync(cancellationToken) : [];
            }

            ResponsesReceived++;
            return new RawHttpResponse(status, headers, body, closes);
        }
    }

    /// <summary>True when the server has closed the connection (a read returns end-of-file) within the deadline.</summary>
    public async Task<bool> WaitForServerCloseAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            while (true)
            {
                if (await _stream.ReadAsync(_buffer, timeout.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync();

    private async Task<(int Status, Dictionary<string, string> Headers)> ReadHeadAsync(CancellationToken cancellationToken)
    {
        var head = new List<byte>();
        var anyByte = false;
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                throw new RawHttpConnectionBrokenException("the connection closed before a response arrived", beforeAnyByte: !anyByte);
            }

            anyByte = true;
            head.Add(_buffer[_start++]);
            if (head.Count >= 4 && head[^1] == '\n' && head[^2] == '\r' && head[^3] == '\n' && head[^4] == '\r')
            {
                break;
            }

            if (head.Count > MaxHeaderBytes)
            {
                throw new InvalidDataException("response head larger than 256 KiB");
            }
        }

        var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var statusParts = lines[0].Split(' ', 3);
        if (statusParts.Length < 2 || !statusParts[0].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"not an HTTP/1.x status line: {lines[0]}");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                var name = line[..colon].Trim().ToLowerInvariant();
                var value = line[(colon + 1)..].Trim();
                // Set-Cookie values may hold commas (Expires dates), so repeated ones are kept one per line.
                var separator = name == "set-cookie" ? "\n" : ", ";
                headers[name] = headers.TryGetValue(name, out var existing) ? $"{existing}{separator}{value}" : value;
            }
        }

        return (int.Parse(statusParts[1], CultureInfo.InvariantCulture), headers);
    }

    private async Task<byte[]> ReadChunkedAsync(CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(cancellationToken);
            var size = int.Parse(sizeLine.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                // Trailers, if any, end with an empty line.
                while ((await ReadLineAsync(cancellationToken)).Length > 0)
                {
                }

                return body.ToArray();
            }

            body.Write(await ReadExactlyAsync(size, cancellationToken));
            await ReadLineAsync(cancellationToken);
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                throw new RawHttpConnectionBrokenException("the connection closed in the middle of a response", beforeAnyByte: false);
            }

            var value = _buffer[_start++];
            if (value == '\n')
            {
                return Encoding.ASCII.GetString([.. line]).TrimEnd('\r');
            }

            line.Add(value);
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                throw new RawHttpConnectionBrokenException("the connection closed in the middle of a response body", beforeAnyByte: false);
            }

            var take = Math.Min(count - filled, _end - _start);
            Array.Copy(_buffer, _start, result, filled, take);
            _start += take;
            filled += take;
        }

        return result;
    }

    private async Task<byte[]> ReadToEndAsync(CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        while (_start < _end || await FillAsync(cancellationToken))
        {
            body.Write(_buffer, _start, _end - _start);
            _start = _end;
        }

        return body.ToArray();
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        try
        {
            _start = 0;
            _end = await _stream.ReadAsync(_buffer, cancellationToken);
            return _end > 0;
        }
        catch (IOException)
        {
            _end = 0;
            return false;
        }
    }
}
