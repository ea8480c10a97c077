using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace ReferenceApp.AppHost.Tests.Dashboard;

/// <summary>Raw OTLP requests, byte for byte, to send what no well-behaved exporter would: garbage, giants, no key.</summary>
public static class OtlpWire
{
    public const string TracesMethod = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    public const string LogsMethod = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";
    public const string MetricsMethod = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

    /// <summary>An HTTP/2 cleartext client (prior knowledge), as gRPC needs without TLS.</summary>
    public static HttpClient GrpcClient(Uri address) => new()
    {
        BaseAddress = address,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Sends one gRPC message (length-prefixed frame) and returns the call's grpc-status and grpc-message.</summary>
    public static async Task<(int Status, string Message)> CallAsync(HttpClient client, string method, ReadOnlyMemory<byte> payload, string? apiKey)
    {
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame.AsMemory(5));
        using var request = new HttpRequestMessage(HttpMethod.Post, method)
        {
            Content = new ByteArrayContent(frame),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        if (apiKey is not null)
        {
            request.Headers.Add("x-otlp-api-key", apiKey);
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"gRPC answered HTTP {(int)response.StatusCode} {response.Version}, not 200 with a grpc-status: {response.Headers} {body}");
        }

        // Trailers-only responses carry the status in the headers; others in the trailers.
        var headers = response.Headers.Contains("grpc-status") ? response.Headers : response.TrailingHeaders;
        var status = int.Parse(headers.GetValues("grpc-status").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var message = headers.TryGetValues("grpc-message", out var values) ? Uri.UnescapeDataString(values.Single()) : string.Empty;
        return (status, message);
    }

    /// <summary>Posts an OTLP/HTTP body; returns the response for the caller to inspect.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, HttpContent content, string? apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (apiKey is not null)
        {
            request.Headers.Add("x-otlp-api-key", apiKey);
        }

        return await client.SendAsync(request);
    }

    public static ByteArrayContent Protobuf(byte[] body, string contentType = "application/x-protobuf")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    /// <summary>Bytes that are not a protobuf message: field 1 declared length-delimited with a length past the end.</summary>
    public static byte[] Garbage() => [0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 0x01, 0x02, 0x03];

    /// <summary>A valid ExportTraceServiceRequest with one span, encoded by hand from the OTLP field numbers.</summary>
    public static byte[] OneSpan(string serviceName, byte[] traceId, byte[] spanId, string name = "hand-made")
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        var span = Message(writer =>
        {
            writer.WriteTag(1, WireFormat.WireType.LengthDelimited);
            writer.WriteBytes(ByteString.CopyFrom(traceId));
            writer.WriteTag(2, WireFormat.WireType.LengthDelimited);
            writer.WriteBytes(ByteString.CopyFrom(spanId));
            writer.WriteTag(5, WireFormat.WireType.LengthDelimited);
            writer.WriteString(name);
            writer.WriteTag(7, WireFormat.WireType.Fixed64);
            writer.WriteFixed64((ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000);
            writer.WriteTag(8, WireFormat.WireType.Fixed64);
            writer.WriteFixed64(((ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 5) * 1_000_000);
        });
        var anyValue = Message(writer =>
        {
            writer.WriteTag(1, WireFormat.WireType.LengthDelimited);
            writer.WriteString(serviceName);
        });
        var keyValue = Message(writer =>
        {
            writer.WriteTag(1, WireFormat.WireType.LengthDelimited);
            writer.WriteString("service.name");
            writer.WriteTag(2, WireFormat.WireType.LengthDelimited);
            writer.WriteBytes(ByteString.CopyFrom(anyValue));
        });
        var resource = Message(writer =>
        {
            writer.WriteTag(1, WireFormat.WireType.LengthDelimited);
            writer.WriteBytes(ByteString.CopyFrom(keyValue));
        });
        var scopeSpans = Message(writer =>
        {
            writer.WriteTag(2, WireFormat.WireType.LengthDelimited);
            writer.WriteBytes(ByteString.CopyFrom(span));
        });
        var resourceSpans = Message(writer =>
        {
            writer.WriteTag(1, WireFormat.WireType.LengthDelimited);
            writer.WriteBytes(ByteString.CopyFrom(resource));
            writer.WriteTag(2, WireFormat.WireType.LengthDelimited);
            writer.WriteBytes(ByteString.CopyFrom(scopeSpans));
        });
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(resourceSpans));
        output.Flush();
        return stream.ToArray();
    }

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        write(output);
        output.Flush();
        return stream.ToArray();
    }
}
