namespace ReferenceApp.AppHost.Dashboard.Telemetry;

/// <summary>One row of the traces list.</summary>
/// <param name="RootName">The root span's name, or the earliest span's while the root has not arrived.</param>
/// <param name="RootResource">The service of that span.</param>
public sealed record TraceSummary(
    string TraceId,
    DateTimeOffset Start,
    TimeSpan Duration,
    string RootName,
    string RootResource,
    int SpanCount,
    IReadOnlyList<string> Resources,
    IReadOnlyList<int> Pids,
    bool HasError);

/// <summary>A span placed in its trace's waterfall: depth in the tree and offset from the trace's start.</summary>
public sealed record WaterfallRow(SpanEntry Span, int Depth, TimeSpan Offset);

/// <summary>A whole trace, its spans in waterfall order (each parent followed by its children, earliest first).</summary>
public sealed record TraceDetail(TraceSummary Summary, IReadOnlyList<WaterfallRow> Rows);

/// <summary>What the traces page asks for; null means any.</summary>
public sealed record TraceQuery(string? Resource = null, int? Pid = null, string? Text = null, int Limit = 200);
