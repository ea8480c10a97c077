namespace ReferenceApp.AppHost.Dashboard.Components.Parts;

/// <summary>One line of a <see cref="LineChart"/>.</summary>
public sealed record ChartSeries(string Label, string Color, IReadOnlyList<ChartPoint> Points);

/// <summary>One point of a chart line.</summary>
public readonly record struct ChartPoint(DateTimeOffset Time, double Value);
