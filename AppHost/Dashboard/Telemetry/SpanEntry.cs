namespace ReferenceApp.AppHost.Dashboard.Telemetry;

/// <summary>OTLP span kinds.</summary>
public enum SpanKind
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}

/// <summary>OTLP span status codes.</summary>
public enum SpanStatus
{
    Unset = 0,
    Ok = 1,
    Error = 2,
}

/// <summary>A point in time inside a span.</summary>
public sealed record SpanEvent(DateTimeOffset Timestamp, string Name, IReadOnlyList<TelemetryTag> Attributes);

/// <summary>A reference from a span to a span of another (or the same) trace.</summary>
public sealed record SpanLink(string TraceId, string SpanId, IReadOnlyList<TelemetryTag> Attributes);

/// <summary>One span, with the process that recorded it.</summary>
/// <param name="ParentSpanId">Null for a root span.</param>
/// <param name="Scope">The instrumentation scope: the ActivitySource in .NET.</param>
public sealed record SpanEntry(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    SpanKind Kind,
    DateTimeOffset Start,
    DateTimeOffset End,
    SpanStatus Status,
    string? StatusMessage,
    string Scope,
    IReadOnlyList<TelemetryTag> Attributes,
    IReadOnlyList<SpanEvent> Events,
    IReadOnlyList<SpanLink> Links,
    TelemetrySource Source)
{
    public TimeSpan Duration => End >= Start ? End - Start : TimeSpan.Zero;
}
