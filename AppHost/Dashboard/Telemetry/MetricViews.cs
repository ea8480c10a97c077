namespace ReferenceApp.AppHost.Dashboard.Telemetry;

/// <summary>The OTLP metric data types.</summary>
public enum MetricKind
{
    Gauge,
    Sum,
    Histogram,
    ExponentialHistogram,
    Summary,
}

/// <summary>One data point. Value is the number for gauges and sums, and the count for histograms and summaries.</summary>
public sealed record MetricPoint(DateTimeOffset Time, DateTimeOffset StartTime, double Value, double? Sum = null);

/// <summary>The points of one instrument from one process with one set of attributes.</summary>
public sealed record MetricSeriesView(TelemetrySource Source, IReadOnlyList<TelemetryTag> Attributes, IReadOnlyList<MetricPoint> Points);

/// <summary>One instrument of a resource, as the metrics page lists it.</summary>
/// <param name="IsCumulative">True when each point carries the total since the start time (OTLP cumulative temporality).</param>
/// <param name="IsMonotonic">True when the total only grows (counters, histogram counts), so its rate is meaningful.</param>
public sealed record InstrumentSummary(
    string Scope,
    string Name,
    string Description,
    string Unit,
    MetricKind Kind,
    bool IsCumulative,
    bool IsMonotonic,
    int SeriesCount,
    DateTimeOffset LastUpdated);

/// <summary>An instrument with all its series.</summary>
public sealed record InstrumentDetail(InstrumentSummary Summary, IReadOnlyList<MetricSeriesView> Series);

/// <summary>What the store holds for one resource, for pickers and the resources page.</summary>
public sealed record ResourceTelemetrySummary(
    string Name,
    IReadOnlyList<TelemetrySource> Instances,
    int LogCount,
    int SpanCount,
    int InstrumentCount);

/// <summary>One instrument's points from one export, as the receiver hands them to the store.</summary>
public sealed record MetricData(
    string Scope,
    string Name,
    string Description,
    string Unit,
    MetricKind Kind,
    bool IsCumulative,
    bool IsMonotonic,
    IReadOnlyList<MetricDataPoint> Points);

/// <summary>One point with its attributes.</summary>
public sealed record MetricDataPoint(IReadOnlyList<TelemetryTag> Attributes, MetricPoint Point);
