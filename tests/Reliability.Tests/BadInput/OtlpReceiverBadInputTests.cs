using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Http;
using Xunit.Abstractions;

namespace ReferenceApp.Reliability.Tests.BadInput;

/// <summary>The bad-input corpus against the AppHost's OTLP receiver (HTTP/protobuf and gRPC), in a real AppHost run.</summary>
public sealed class OtlpReceiverBadInputTests(ITestOutputHelper output)
{
    private const string TraceExport = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

    [Fact]
    public async Task Malformed_exports_and_wrong_keys_get_a_4xx_or_a_gRPC_error_and_the_AppHost_keeps_its_memory()
    {
        var key = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await using var appHost = await AppHostProcess.StartAsync(environment: new Dictionary<string, string?> { ["Dashboard__OtlpApiKey"] = key });
        var processes = MarkedProcesses.Find(appHost.RunMarker).Order().ToArray();

        BadRequest Post(string name, string path, byte[] body, params (string, string)[] headers) =>
            new(name, RawHttpConnection.Request("POST", path, headers.Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2)), body));
        var withKey = ("x-otlp-api-key", key);
        var protobuf = ("Content-Type", "application/x-protobuf");
        var corpus = HttpCorpus.Protocol("/v1/traces").Concat(
        [
            Post("no API key", "/v1/traces", [], protobuf),
            Post("wrong API key", "/v1/traces", [], protobuf, ("x-otlp-api-key", new string('0', key.Length))),
            Post("API key in the query string", $"/v1/traces?x-otlp-api-key={key}", [], protobuf),
            Post("JSON instead of protobuf", "/v1/traces", "{\"resourceSpans\":[]}"u8.ToArray(), withKey, ("Content-Type", "application/json")),
            Post("bytes that are not protobuf", "/v1/traces", [0xff, 0xff, 0xff, 0xff, 0x0f, 0x12, 0x34], withKey, protobuf),
            Post("unknown Content-Encoding", "/v1/logs", [1, 2, 3], withKey, protobuf, ("Content-Encoding", "br")),
            Post("gzip that is not gzip", "/v1/metrics", [1, 2, 3, 4, 5], withKey, protobuf, ("Content-Encoding", "gzip")),
            Post("gzip bomb: 64 MiB of zeros in 64 KiB", "/v1/traces", GzipBomb(64 * 1024 * 1024), withKey, protobuf, ("Content-Encoding", "gzip")),
            Post("5 MiB body", "/v1/traces", new byte[5 * 1024 * 1024], withKey, protobuf),
            new("GET on an export path", RawHttpConnection.Request("GET", "/v1/traces", [new("x-otlp-api-key", key)])),
        ]).ToArray();

        var appHostPid = appHost.Process.Pid;
        var (outcomes, growth) = await CorpusRunner.SendRoundsAsync(output, appHost.Ports.OtlpHttp, corpus, [appHostPid]);

        // gRPC answers in its own terms: HTTP 200 with a grpc-status trailer, never an HTTP 4xx.
        var grpc = new Dictionary<string, string>
        {
            ["no API key"] = await GrpcStatusAsync(appHost.Ports.OtlpGrpc, null, Frame([])),
            ["wrong API key"] = await GrpcStatusAsync(appHost.Ports.OtlpGrpc, "wrong", Frame([])),
            ["bytes that are not protobuf"] = await GrpcStatusAsync(appHost.Ports.OtlpGrpc, key, Frame([0xff, 0xff, 0xff, 0xff, 0x0f])),
            ["a frame that claims 100 MiB"] = await GrpcStatusAsync(appHost.Ports.OtlpGrpc, key, [0, 0x06, 0x40, 0x00, 0x00, 1, 2, 3]),
        };
        output.WriteLine("gRPC: " + string.Join(", ", grpc.Select(g => $"{g.Key}: grpc-status {g.Value}")));

        CorpusRunner.Record("otlp-receiver", corpus, outcomes, growth, new() { ["grpcStatuses"] = grpc });
        CorpusRunner.AssertRefusedWithBoundedGrowth(outcomes, growth);
        Assert.Equal("16", grpc["no API key"]); // UNAUTHENTICATED
        Assert.Equal("16", grpc["wrong API key"]);
        Assert.All(grpc.Values, status => Assert.NotEqual("0", status));
        Assert.True(ProcessTable.IsAlive(appHostPid), "the AppHost died");
        Assert.Equal(processes, MarkedProcesses.Find(appHost.RunMarker).Order().ToArray());
        using var client = new HttpClient();
        using var accepted = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri($"http://127.0.0.1:{appHost.Ports.OtlpHttp}/v1/traces"))
        {
            Content = new ByteArrayContent([]) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-protobuf") } },
            Headers = { { "x-otlp-api-key", key } },
        });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    private static byte[] GzipBomb(int zeros)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var block = new byte[1024 * 1024];
            for (var written = 0; written < zeros; written += block.Length)
            {
                gzip.Write(block);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A gRPC length-prefixed message: not compressed, 4-byte big-endian length, the bytes.</summary>
    private static byte[] Frame(byte[] message) =>
        [0, (byte)(message.Length >> 24), (byte)(message.Length >> 16), (byte)(message.Length >> 8), (byte)message.Length, .. message];

    /// <summary>One unary call over HTTP/2 cleartext; the grpc-status it ends with (trailer, or header for trailers-only answers).</summary>
    private static async Task<string> GrpcStatusAsync(int port, string? apiKey, byte[] body)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://127.0.0.1:{port}{TraceExport}"))
        {
            // HTTP/2 with prior knowledge: the receiver's port speaks nothing else.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/grpc") } },
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (apiKey is not null)
        {
            request.Headers.Add("x-otlp-api-key", apiKey);
        }

        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return response.TrailingHeaders.TryGetValues("grpc-status", out var trailer) ? trailer.Single()
            : response.Headers.TryGetValues("grpc-status", out var header) ? header.Single()
            : $"none (HTTP {(int)response.StatusCode})";
    }
}
