using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Microsoft.Extensions.Options;
using ReferenceApp.AppHost.Dashboard.Otlp.Proto.Collector.Logs.V1;
using ReferenceApp.AppHost.Dashboard.Otlp.Proto.Collector.Metrics.V1;
using ReferenceApp.AppHost.Dashboard.Otlp.Proto.Collector.Trace.V1;
using ReferenceApp.AppHost.Dashboard.Otlp.Proto.Common.V1;
using ReferenceApp.AppHost.Dashboard.Telemetry;
using ProtoLogs = ReferenceApp.AppHost.Dashboard.Otlp.Proto.Logs.V1;
using ProtoMetrics = ReferenceApp.AppHost.Dashboard.Otlp.Proto.Metrics.V1;
using ProtoResource = ReferenceApp.AppHost.Dashboard.Otlp.Proto.Resource.V1;
using ProtoTrace = ReferenceApp.AppHost.Dashboard.Otlp.Proto.Trace.V1;

namespace ReferenceApp.AppHost.Dashboard.Otlp;

/// <summary>
/// Turns decoded OTLP export requests into the store's records; shared by the gRPC and the HTTP receivers. Items that
/// cannot be shown (bad ids) or kept (limits) are reported back as OTLP partial success, as the protocol asks.
/// </summary>
internal sealed class OtlpIngestion(TelemetryStore store, IOptions<DashboardOptions> options)
{
    public const string ServiceNameAttribute = "service.name";
    public const string ServiceInstanceIdAttribute = "service.instance.id";
    public const string ProcessPidAttribute = "process.pid";
    public const string WorkerIndexAttribute = "worker.index";

    private const string UnknownService = "unknown_service";

    private readonly TelemetryLimits _limits = options.Value.Telemetry;

    public ExportTraceServiceResponse Export(ExportTraceServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        long rejected = 0;
        string? error = null;
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var source = Source(resourceSpans.Resource);
            var spans = new List<SpanEntry>();
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scope = scopeSpans.Scope?.Name ?? string.Empty;
                foreach (var span in scopeSpans.Spans)
                {
                    if (Span(span, scope, source) is { } entry)
                    {
                        spans.Add(entry);
                    }
                    else
                    {
                        rejected++;
                        error = "A span needs a 16-byte trace_id and an 8-byte span_id, and parent_span_id must be empty or 8 bytes.";
                    }
                }
            }

            rejected += store.AddSpans(source, spans);
        }

        return new ExportTraceServiceResponse { PartialSuccess = Partial(rejected, error, static (r, e) => new ExportTracePartialSuccess { RejectedSpans = r, ErrorMessage = e }) };
    }

    public ExportLogsServiceResponse Export(ExportLogsServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        long rejected = 0;
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var source = Source(resourceLogs.Resource);
            var logs = new List<LogEntry>();
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                var category = scopeLogs.Scope?.Name ?? string.Empty;
                logs.AddRange(scopeLogs.LogRecords.Select(record => Log(record, category, source)));
            }

            rejected += store.AddLogs(source, logs);
        }

        return new ExportLogsServiceResponse { PartialSuccess = Partial(rejected, null, static (r, e) => new ExportLogsPartialSuccess { RejectedLogRecords = r, ErrorMessage = e }) };
    }

    public ExportMetricsServiceResponse Export(ExportMetricsServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        long rejected = 0;
        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var source = Source(resourceMetrics.Resource);
            var metrics = new List<MetricData>();
            foreach (var scopeMetrics in resourceMetrics.ScopeMetrics)
            {
                var scope = scopeMetrics.Scope?.Name ?? string.Empty;
                metrics.AddRange(scopeMetrics.Metrics.Select(metric => Metric(metric, scope)).OfType<MetricData>());
            }

            rejected += store.AddMetrics(source, metrics);
        }

        return new ExportMetricsServiceResponse { PartialSuccess = Partial(rejected, null, static (r, e) => new ExportMetricsPartialSuccess { RejectedDataPoints = r, ErrorMessage = e }) };
    }

    /// <summary>OTLP: a server that accepted everything leaves partial_success unset.</summary>
    private static T? Partial<T>(long rejected, string? error, Func<long, string, T> create) where T : class =>
        rejected == 0 ? null : create(rejected, error ?? "The dashboard's limit on resources or instruments was reached.");

    private TelemetrySource Source(ProtoResource.Resource? resource)
    {
        var attributes = Attributes(resource?.Attributes);
        var serviceName = Find(resource, ServiceNameAttribute) is { } name && name.Length > 0 ? name : UnknownService;
        var pid = FindInteger(resource, ProcessPidAttribute);
        var instanceId = Find(resource, ServiceInstanceIdAttribute) is { Length: > 0 } instance
            ? instance
            : pid is { } p ? $"{serviceName}-{p.ToString(CultureInfo.InvariantCulture)}" : serviceName;
        return new TelemetrySource(serviceName, instanceId, pid, FindInteger(resource, WorkerIndexAttribute), attributes);
    }

    private SpanEntry? Span(ProtoTrace.Span span, string scope, TelemetrySource source)
    {
        if (span.TraceId.Length != 16 || span.SpanId.Length != 8 || span.ParentSpanId.Length is not (0 or 8) || IsZero(span.TraceId))
        {
            return null;
        }

        return new SpanEntry(
            Hex(span.TraceId),
            Hex(span.SpanId),
            span.ParentSpanId.IsEmpty ? null : Hex(span.ParentSpanId),
            Cut(span.Name),
            (Telemetry.SpanKind)Math.Clamp((int)span.Kind, 0, 5),
            Time(span.StartTimeUnixNano),
            Time(span.EndTimeUnixNano),
            span.Status is null ? SpanStatus.Unset : (SpanStatus)Math.Clamp((int)span.Status.Code, 0, 2),
            string.IsNullOrEmpty(span.Status?.Message) ? null : Cut(span.Status.Message),
            scope,
            Attributes(span.Attributes),
            span.Events.Take(_limits.MaxAttributes).Select(e => new SpanEvent(Time(e.TimeUnixNano), Cut(e.Name), Attributes(e.Attributes))).ToArray(),
            span.Links.Where(l => l.TraceId.Length == 16 && l.SpanId.Length == 8).Take(_limits.MaxAttributes)
                .Select(l => new SpanLink(Hex(l.TraceId), Hex(l.SpanId), Attributes(l.Attributes))).ToArray(),
            source);
    }

    private LogEntry Log(ProtoLogs.LogRecord record, string category, TelemetrySource source)
    {
        var severity = Severity(record.SeverityNumber, record.SeverityText);
        var message = record.Body is null ? string.Empty : Text(record.Body);
        if (message.Length == 0 && !string.IsNullOrEmpty(record.EventName))
        {
            message = record.EventName;
        }

        return new LogEntry(
            Time(record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano),
            severity,
            string.IsNullOrEmpty(record.SeverityText) ? severity.ToString() : Cut(record.SeverityText),
            Cut(category),
            Cut(message),
            record.TraceId.Length == 16 && !IsZero(record.TraceId) ? Hex(record.TraceId) : null,
            record.SpanId.Length == 8 ? Hex(record.SpanId) : null,
            string.IsNullOrEmpty(record.EventName) ? null : Cut(record.EventName),
            Attributes(record.Attributes),
            source);
    }

    private MetricData? Metric(ProtoMetrics.Metric metric, string scope)
    {
        var (kind, cumulative, monotonic, points) = metric.DataCase switch
        {
            ProtoMetrics.Metric.DataOneofCase.Gauge => (MetricKind.Gauge, false, false,
                metric.Gauge.DataPoints.Select(p => Point(p.Attributes, p.TimeUnixNano, p.StartTimeUnixNano, NumberValue(p), null))),
            ProtoMetrics.Metric.DataOneofCase.Sum => (MetricKind.Sum, IsCumulative(metric.Sum.AggregationTemporality), metric.Sum.IsMonotonic,
                metric.Sum.DataPoints.Select(p => Point(p.Attributes, p.TimeUnixNano, p.StartTimeUnixNano, NumberValue(p), null))),
            ProtoMetrics.Metric.DataOneofCase.Histogram => (MetricKind.Histogram, IsCumulative(metric.Histogram.AggregationTemporality), true,
                metric.Histogram.DataPoints.Select(p => Point(p.Attributes, p.TimeUnixNano, p.StartTimeUnixNano, p.Count, p.HasSum ? p.Sum : null))),
            ProtoMetrics.Metric.DataOneofCase.ExponentialHistogram => (MetricKind.ExponentialHistogram, IsCumulative(metric.ExponentialHistogram.AggregationTemporality), true,
                metric.ExponentialHistogram.DataPoints.Select(p => Point(p.Attributes, p.TimeUnixNano, p.StartTimeUnixNano, p.Count, p.HasSum ? p.Sum : null))),
            ProtoMetrics.Metric.DataOneofCase.Summary => (MetricKind.Summary, true, true,
                metric.Summary.DataPoints.Select(p => Point(p.Attributes, p.TimeUnixNano, p.StartTimeUnixNano, p.Count, p.Sum))),
            _ => (MetricKind.Gauge, false, false, Enumerable.Empty<MetricDataPoint>()),
        };

        var list = points.ToArray();
        return list.Length == 0 || string.IsNullOrEmpty(metric.Name)
            ? null
            : new MetricData(Cut(scope), Cut(metric.Name), Cut(metric.Description), Cut(metric.Unit), kind, cumulative, monotonic, list);
    }

    private MetricDataPoint Point(RepeatedField<KeyValue> attributes, ulong time, ulong start, double value, double? sum) =>
        new(Attributes(attributes), new MetricPoint(Time(time), Time(start), value, sum));

    private static double NumberValue(ProtoMetrics.NumberDataPoint point) =>
        point.ValueCase == ProtoMetrics.NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble;

    private static bool IsCumulative(ProtoMetrics.AggregationTemporality temporality) =>
        temporality != ProtoMetrics.AggregationTemporality.Delta;

    private static LogSeverity Severity(ProtoLogs.SeverityNumber number, string text) => (int)number switch
    {
        >= 1 and <= 4 => LogSeverity.Trace,
        >= 5 and <= 8 => LogSeverity.Debug,
        >= 9 and <= 12 => LogSeverity.Information,
        >= 13 and <= 16 => LogSeverity.Warning,
        >= 17 and <= 20 => LogSeverity.Error,
        >= 21 and <= 24 => LogSeverity.Critical,
        _ => text.ToUpperInvariant() switch
        {
            "TRACE" => LogSeverity.Trace,
            "DEBUG" => LogSeverity.Debug,
            "INFO" or "INFORMATION" => LogSeverity.Information,
            "WARN" or "WARNING" => LogSeverity.Warning,
            "ERROR" => LogSeverity.Error,
            "FATAL" or "CRITICAL" => LogSeverity.Critical,
            _ => LogSeverity.Unspecified,
        },
    };

    private TelemetryTag[] Attributes(RepeatedField<KeyValue>? attributes) =>
        attributes is null || attributes.Count == 0
            ? []
            : attributes.Take(_limits.MaxAttributes).Select(a => new TelemetryTag(Cut(a.Key), a.Value is null ? string.Empty : Text(a.Value))).ToArray();

    private static string? Find(ProtoResource.Resource? resource, string key) =>
        resource?.Attributes.FirstOrDefault(a => a.Key == key)?.Value is { } value ? Raw(value) : null;

    private static int? FindInteger(ProtoResource.Resource? resource, string key)
    {
        var value = resource?.Attributes.FirstOrDefault(a => a.Key == key)?.Value;
        return value?.ValueCase switch
        {
            AnyValue.ValueOneofCase.IntValue when value.IntValue is >= 0 and <= int.MaxValue => (int)value.IntValue,
            AnyValue.ValueOneofCase.StringValue when int.TryParse(value.StringValue, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
    }

    private string Text(AnyValue value) => Cut(Raw(value));

    private static string Raw(AnyValue value) => value.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString("R", CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(value.BytesValue.Span),
        AnyValue.ValueOneofCase.ArrayValue => "[" + string.Join(", ", value.ArrayValue.Values.Select(Raw)) + "]",
        AnyValue.ValueOneofCase.KvlistValue => "{" + string.Join(", ", value.KvlistValue.Values.Select(kv => kv.Key + ": " + (kv.Value is null ? string.Empty : Raw(kv.Value)))) + "}",
        _ => string.Empty,
    };

    private string Cut(string value) =>
        value.Length <= _limits.MaxValueLength ? value : new StringBuilder(value, 0, _limits.MaxValueLength, _limits.MaxValueLength + 1).Append('…').ToString();

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    private static bool IsZero(ByteString bytes) => !bytes.Span.ContainsAnyExcept((byte)0);

    private static DateTimeOffset Time(ulong unixNanoseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks((long)(unixNanoseconds / (ulong)TimeSpan.NanosecondsPerTick));
}
