using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ReferenceApp.AppHost.Dashboard.Telemetry;
using ReferenceApp.Testing;
using Xunit.Abstractions;
using SpanKind = ReferenceApp.AppHost.Dashboard.Telemetry.SpanKind;

namespace ReferenceApp.AppHost.Tests.Dashboard;

/// <summary>The real .NET OTLP exporters, over gRPC and HTTP/protobuf, into the dashboard's receiver and store.</summary>
public sealed partial class OtlpExporterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Protocols => new() { "grpc", "http/protobuf" };

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Spans_logs_and_metrics_from_the_dotnet_exporter_arrive_with_ids_parents_and_pid(string protocol)
    {
        await using var dashboard = await DashboardServer.StartAsync();
        var service = "exporter-test-" + protocol.Replace('/', '-');
        var resource = ResourceBuilder.CreateEmpty().AddService(service, serviceInstanceId: service + "-7")
            .AddAttributes([new("process.pid", (long)Environment.ProcessId), new("worker.index", 7L)]);
        using var source = new ActivitySource(service);
        using var meter = new Meter(service);
        var requests = meter.CreateCounter<long>("test.requests");

        string traceId, parentId, childId;
        using (var tracing = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(service)
                   .AddOtlpExporter(exporter => Configure(exporter, dashboard, protocol, "traces")).Build())
        using (var metering = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(service)
                   .AddOtlpExporter((exporter, _) => Configure(exporter, dashboard, protocol, "metrics")).Build())
        using (var logging = LoggerFactory.Create(logs => logs.AddOpenTelemetry(otel =>
               {
                   otel.SetResourceBuilder(resource);
                   otel.IncludeFormattedMessage = true;
                   otel.AddOtlpExporter(exporter => Configure(exporter, dashboard, protocol, "logs"));
               })))
        {
            using (var parent = source.StartActivity("parent operation", ActivityKind.Server)!)
            {
                parent.SetTag("http.route", "/api/whoami");
                using var child = source.StartActivity("child operation", ActivityKind.Client)!;
                child.SetStatus(ActivityStatusCode.Error, "it broke");
                (traceId, parentId, childId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString(), child.SpanId.ToHexString());
                LogServed(logging.CreateLogger("Exporter.Test"), 42);
            }

            requests.Add(3, new KeyValuePair<string, object?>("route", "/a"));
            Assert.True(tracing.ForceFlush(10_000), "trace export did not complete");
            Assert.True(metering.ForceFlush(10_000), "metric export did not complete");
        }

        var trace = await Eventually.ReturnsAsync(
            () => Task.FromResult(dashboard.Store.GetTrace(traceId) is { Rows.Count: 2 } detail ? detail : null), Deadline, $"trace {traceId}");
        var (root, leaf) = (trace.Rows[0], trace.Rows[1]);
        Assert.Equal(("parent operation", parentId, null, 0), (root.Span.Name, root.Span.SpanId, root.Span.ParentSpanId, root.Depth));
        Assert.Equal(("child operation", childId, parentId, 1), (leaf.Span.Name, leaf.Span.SpanId, leaf.Span.ParentSpanId, leaf.Depth));
        Assert.Equal((SpanKind.Server, SpanKind.Client), (root.Span.Kind, leaf.Span.Kind));
        Assert.Equal((SpanStatus.Error, "it broke"), (leaf.Span.Status, leaf.Span.StatusMessage));
        Assert.Contains(new TelemetryTag("http.route", "/api/whoami"), root.Span.Attributes);
        Assert.Equal((service, service + "-7", Environment.ProcessId, 7), (root.Span.Source.ServiceName, root.Span.Source.InstanceId, root.Span.Source.Pid, root.Span.Source.WorkerIndex));
        Assert.Equal((service, 2, true), (trace.Summary.RootResource, trace.Summary.SpanCount, trace.Summary.HasError));
        Assert.Equal([Environment.ProcessId], trace.Summary.Pids);

        var log = Assert.Single(dashboard.Store.GetLogs(new LogQuery(Resource: service)));
        Assert.Equal((LogSeverity.Warning, "Served 42 requests", "Exporter.Test"), (log.Severity, log.Message, log.Category));
        Assert.Equal((traceId, childId, Environment.ProcessId), (log.TraceId, log.SpanId, log.Source.Pid));

        var counter = await Eventually.ReturnsAsync(
            () => Task.FromResult(dashboard.Store.GetInstrument(service, "test.requests")), Deadline, "the test.requests instrument");
        var series = Assert.Single(counter.Series);
        Assert.Equal((MetricKind.Sum, true), (counter.Summary.Kind, counter.Summary.IsCumulative));
        Assert.Equal(3, series.Points[^1].Value);
        Assert.Equal(Environment.ProcessId, series.Source.Pid);
        Assert.Contains(new TelemetryTag("route", "/a"), series.Attributes);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task A_real_Api_process_exports_its_request_span_logs_and_metrics_with_its_pid(string protocol)
    {
        await using var dashboard = await DashboardServer.StartAsync();
        var endpoint = protocol == "grpc" ? dashboard.OtlpGrpcAddress : dashboard.OtlpHttpAddress;
        await using var api = await ServiceProcess.StartAsync("Api", new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol,
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-otlp-api-key=" + dashboard.ApiKey,
            ["OTEL_SERVICE_NAME"] = "api",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "service.instance.id=api-test",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });

        using var response = await api.Client.GetAsync(new Uri("/api/whoami", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var servedBy = Assert.Single(response.Headers.GetValues("X-Served-By"));
        Assert.EndsWith("pid=" + api.Pid.ToString(CultureInfo.InvariantCulture), servedBy, StringComparison.Ordinal);
        var answered = Stopwatch.StartNew();

        var trace = await Eventually.ReturnsAsync(
            () => Task.FromResult(dashboard.Store.GetTraces(new TraceQuery(Resource: "api", Pid: api.Pid))
                .FirstOrDefault(summary => summary.RootName.Contains("/api/whoami", StringComparison.Ordinal))),
            Deadline,
            "the span of GET /api/whoami");
        output.WriteLine($"{protocol}: span visible {answered.ElapsedMilliseconds} ms after the response (batch delay 100 ms)");
        var span = dashboard.Store.GetTrace(trace.TraceId)!.Rows[0].Span;
        Assert.Equal(("api", "api-test", api.Pid), (span.Source.ServiceName, span.Source.InstanceId, span.Source.Pid));
        Assert.Equal(SpanKind.Server, span.Kind);

        await Eventually.TrueAsync(
            () => dashboard.Store.GetLogs(new LogQuery(Resource: "api", Pid: api.Pid)).Count > 0, Deadline, "a log record of the Api");
        var duration = await Eventually.ReturnsAsync(
            () => Task.FromResult(dashboard.Store.GetInstrument("api", RequestRates.ServerRequestDuration) is { } detail
                && detail.Series.Any(series => series.Source.Pid == api.Pid) ? detail : null),
            Deadline,
            "http.server.request.duration from the Api");
        Assert.Equal(MetricKind.Histogram, duration.Summary.Kind);
        var resource = Assert.Single(dashboard.Store.GetResources(), summary => summary.Name == "api");
        Assert.Contains(resource.Instances, instance => instance.Pid == api.Pid && instance.InstanceId == "api-test");
    }

    private static void Configure(OtlpExporterOptions exporter, DashboardServer dashboard, string protocol, string signal)
    {
        exporter.Protocol = protocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        // Set in code (not through OTEL_EXPORTER_OTLP_ENDPOINT), the HTTP endpoint is the full signal path.
        exporter.Endpoint = protocol == "grpc" ? dashboard.OtlpGrpcAddress : new Uri(dashboard.OtlpHttpAddress, "/v1/" + signal);
        exporter.Headers = "x-otlp-api-key=" + dashboard.ApiKey;
        exporter.ExportProcessorType = ExportProcessorType.Simple;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Served {Count} requests")]
    private static partial void LogServed(ILogger logger, int count);
}
