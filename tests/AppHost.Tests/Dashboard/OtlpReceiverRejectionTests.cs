using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using ReferenceApp.AppHost.Dashboard.Otlp.Proto.Collector.Trace.V1;
using ReferenceApp.AppHost.Dashboard.Telemetry;

namespace ReferenceApp.AppHost.Tests.Dashboard;

/// <summary>What a receiver must refuse, and that refusing it leaves the dashboard serving.</summary>
public sealed class OtlpReceiverRejectionTests : IAsyncLifetime
{
    private const int GrpcOk = 0;
    private const int GrpcInvalidArgument = 3;
    private const int GrpcResourceExhausted = 8;
    private const int GrpcUnauthenticated = 16;

    private DashboardServer _dashboard = null!;

    private HttpClient Grpc => _dashboard.OtlpGrpcClient;

    private HttpClient Http => _dashboard.OtlpHttpClient;

    public async Task InitializeAsync() =>
        _dashboard = await DashboardServer.StartAsync(new Dictionary<string, string?> { ["Dashboard:MaxOtlpRequestBytes"] = "1048576" });

    public async Task DisposeAsync() => await _dashboard.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key-of-sufficient-length")]
    public async Task Grpc_export_without_the_right_api_key_is_unauthenticated_and_stores_nothing(string? apiKey)
    {
        var (status, message) = await OtlpWire.CallAsync(Grpc, OtlpWire.TracesMethod, OneSpan("intruder"), apiKey);

        Assert.Equal(GrpcUnauthenticated, status);
        Assert.Contains("x-otlp-api-key", message, StringComparison.Ordinal);
        Assert.DoesNotContain(_dashboard.Store.GetResources(), resource => resource.Name == "intruder");
        await AssertStillServingAsync();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key-of-sufficient-length")]
    public async Task Http_export_without_the_right_api_key_is_401_and_stores_nothing(string? apiKey)
    {
        using var response = await OtlpWire.PostAsync(Http, "/v1/traces", OtlpWire.Protobuf(OneSpan("intruder")), apiKey);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(_dashboard.Store.GetResources(), resource => resource.Name == "intruder");
        await AssertStillServingAsync();
    }

    [Theory]
    [InlineData(OtlpWire.TracesMethod)]
    [InlineData(OtlpWire.LogsMethod)]
    [InlineData(OtlpWire.MetricsMethod)]
    public async Task Grpc_garbage_is_invalid_argument(string method)
    {
        var (status, message) = await OtlpWire.CallAsync(Grpc, method, OtlpWire.Garbage(), _dashboard.ApiKey);

        Assert.Equal(GrpcInvalidArgument, status);
        Assert.Contains("not a valid Export", message, StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Theory]
    [InlineData("/v1/traces")]
    [InlineData("/v1/logs")]
    [InlineData("/v1/metrics")]
    public async Task Http_garbage_is_400_with_a_status_body(string path)
    {
        using var response = await OtlpWire.PostAsync(Http, path, OtlpWire.Protobuf(OtlpWire.Garbage()), _dashboard.ApiKey);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Grpc_message_over_the_size_limit_is_resource_exhausted()
    {
        var (status, _) = await OtlpWire.CallAsync(Grpc, OtlpWire.TracesMethod, new byte[2 * 1024 * 1024], _dashboard.ApiKey);

        Assert.Equal(GrpcResourceExhausted, status);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Http_body_over_the_size_limit_is_413_with_or_without_a_content_length()
    {
        var oversized = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        using (var sized = await OtlpWire.PostAsync(Http, "/v1/traces", OtlpWire.Protobuf(oversized), _dashboard.ApiKey))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, sized.StatusCode);
        }

        using var chunked = new StreamContent(new MemoryStream(oversized));
        chunked.Headers.ContentType = new("application/x-protobuf");
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/traces") { Content = chunked })
        {
            request.Headers.Add("x-otlp-api-key", _dashboard.ApiKey);
            request.Headers.TransferEncodingChunked = true;
            using var response = await Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Gzip_that_expands_past_the_size_limit_is_413()
    {
        // 64 MiB of zeros compress to ~64 KiB: small on the wire, a bomb once inflated.
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 64; i++)
            {
                await gzip.WriteAsync(zeros);
            }
        }

        var content = OtlpWire.Protobuf(compressed.ToArray());
        content.Headers.ContentEncoding.Add("gzip");
        using var response = await OtlpWire.PostAsync(Http, "/v1/logs", content, _dashboard.ApiKey);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Gzip_compressed_export_is_accepted()
    {
        var traceId = RandomNumberGenerator.GetBytes(16);
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(OtlpWire.OneSpan("gzipped", traceId, RandomNumberGenerator.GetBytes(8)));
        }

        var content = OtlpWire.Protobuf(compressed.ToArray());
        content.Headers.ContentEncoding.Add("gzip");
        using var response = await OtlpWire.PostAsync(Http, "/v1/traces", content, _dashboard.ApiKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(_dashboard.Store.GetTrace(Convert.ToHexStringLower(traceId)));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    public async Task Http_export_that_is_not_binary_protobuf_is_415(string contentType)
    {
        using var response = await OtlpWire.PostAsync(Http, "/v1/traces", OtlpWire.Protobuf("{}"u8.ToArray(), contentType), _dashboard.ApiKey);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Spans_with_malformed_ids_are_reported_as_partial_success()
    {
        var badTraceId = new byte[5];
        using var response = await OtlpWire.PostAsync(
            Http, "/v1/traces", OtlpWire.Protobuf(OtlpWire.OneSpan("partial", badTraceId, RandomNumberGenerator.GetBytes(8))), _dashboard.ApiKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, answer.PartialSuccess.RejectedSpans);
        Assert.Contains("trace_id", answer.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(_dashboard.Store.GetResources(), resource => resource.Name == "partial" && resource.SpanCount > 0);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Otlp_is_not_served_on_the_ui_port_and_the_ui_is_not_served_on_the_otlp_ports()
    {
        var ui = _dashboard.UiClient;
        using var onUiPort = await OtlpWire.PostAsync(ui, "/v1/traces", OtlpWire.Protobuf(OneSpan("wrong-port")), _dashboard.ApiKey);
        Assert.Equal(HttpStatusCode.NotFound, onUiPort.StatusCode);

        using var loginOnOtlpPort = await Http.GetAsync(new Uri("/login?t=" + _dashboard.BrowserToken, UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, loginOnOtlpPort.StatusCode);

        using var loginOnUiPort = await ui.GetAsync(new Uri("/login", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, loginOnUiPort.StatusCode);
    }

    private static byte[] OneSpan(string service) => OtlpWire.OneSpan(service, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(8));

    /// <summary>After a refusal, valid exports over both protocols still land in the store.</summary>
    private async Task AssertStillServingAsync()
    {
        var grpcTrace = RandomNumberGenerator.GetBytes(16);
        var (status, message) = await OtlpWire.CallAsync(Grpc, OtlpWire.TracesMethod, OtlpWire.OneSpan("healthy", grpcTrace, RandomNumberGenerator.GetBytes(8)), _dashboard.ApiKey);
        Assert.True(status == GrpcOk, $"grpc-status {status}: {message}");

        var httpTrace = RandomNumberGenerator.GetBytes(16);
        using var response = await OtlpWire.PostAsync(Http, "/v1/traces", OtlpWire.Protobuf(OtlpWire.OneSpan("healthy", httpTrace, RandomNumberGenerator.GetBytes(8))), _dashboard.ApiKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.NotNull(_dashboard.Store.GetTrace(Convert.ToHexStringLower(grpcTrace)));
        Assert.NotNull(_dashboard.Store.GetTrace(Convert.ToHexStringLower(httpTrace)));
        Assert.Equal(SpanKind.Unspecified, _dashboard.Store.GetTrace(Convert.ToHexStringLower(httpTrace))!.Rows[0].Span.Kind);
    }
}
