using System.Net;
using ReferenceApp.Testing;

namespace ReferenceApp.Api.Tests.Telemetry;

public sealed class OtlpExportTests
{
    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task Requests_succeed_when_the_otlp_endpoint_has_no_listener(string protocol)
    {
        var deadPort = FreePort.Next();
        await using var api = await ServiceProcess.StartAsync("Api", new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{deadPort}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol,
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-otlp-api-key=test-key",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "100",
        });

        var deadline = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 50; i++)
        {
            using var response = await api.Client.GetAsync(new Uri("/api/whoami", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), $"50 requests took {deadline.Elapsed} with a dead OTLP endpoint");
        Assert.False(api.Process.HasExited);
    }
}
