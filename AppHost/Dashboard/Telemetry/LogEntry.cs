namespace ReferenceApp.AppHost.Dashboard.Telemetry;

/// <summary>The level of a log record, from the OTLP severity number (four steps per level) or its text.</summary>
public enum LogSeverity
{
    Unspecified = 0,
    Trace = 1,
    Debug = 2,
    Information = 3,
    Warning = 4,
    Error = 5,
    Critical = 6,
}

/// <summary>One structured log record.</summary>
/// <param name="Category">The instrumentation scope: an ILogger's category in .NET.</param>
public sealed record LogEntry(
    DateTimeOffset Timestamp,
    LogSeverity Severity,
    string SeverityText,
    string Category,
    string Message,
    string? TraceId,
    string? SpanId,
    string? EventName,
    IReadOnlyList<TelemetryTag> Attributes,
    TelemetrySource Source)
{
    /// <summary>Order of arrival in the store, unique per run.</summary>
    public long Sequence { get; internal set; }
}

/// <summary>What the structured logs page asks for; null means any.</summary>
public sealed record LogQuery(
    string? Resource = null,
    LogSeverity? MinimumSeverity = null,
    string? Text = null,
    string? TraceId = null,
    int? Pid = null,
    int Limit = 500);
