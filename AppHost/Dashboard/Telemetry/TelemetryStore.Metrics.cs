namespace ReferenceApp.AppHost.Dashboard.Telemetry;

public sealed partial class TelemetryStore
{
    /// <summary>Appends the metric points of one process; returns how many points were refused.</summary>
    public int AddMetrics(TelemetrySource source, IReadOnlyCollection<MetricData> metrics)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(metrics);
        if (metrics.Count == 0)
        {
            return 0;
        }

        var change = TelemetryChange.None;
        var rejected = 0;
        lock (_lock)
        {
            if (Resource(source, ref change) is not { } resource)
            {
                return metrics.Sum(metric => metric.Points.Count);
            }

            var canonical = Canonical(resource, source, ref change);
            foreach (var metric in metrics)
            {
                var key = metric.Scope + '\u0001' + metric.Name;
                if (!resource.Instruments.TryGetValue(key, out var instrument))
                {
                    if (resource.Instruments.Count >= _limits.MaxInstrumentsPerResource)
                    {
                        rejected += metric.Points.Count;
                        continue;
                    }

                    instrument = new InstrumentRecord(metric);
                    resource.Instruments.Add(key, instrument);
                }

                instrument.Update(metric);
                foreach (var point in metric.Points)
                {
                    instrument.Series(canonical, point.Attributes, _limits).Add(point.Point, out _);
                }
            }

            change |= TelemetryChange.Metrics;
        }

        Notify(change);
        return rejected;
    }

    /// <summary>The instruments of one resource, by scope and name.</summary>
    public IReadOnlyList<InstrumentSummary> GetInstruments(string resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        lock (_lock)
        {
            return _resources.TryGetValue(resource, out var record)
                ? record.Instruments.Values.Select(instrument => instrument.Summary())
                    .OrderBy(summary => summary.Scope, StringComparer.Ordinal)
                    .ThenBy(summary => summary.Name, StringComparer.Ordinal)
                    .ToArray()
                : [];
        }
    }

    /// <summary>One instrument with a copy of every series' points, or null when unknown.</summary>
    public InstrumentDetail? GetInstrument(string resource, string name, string? scope = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(name);
        lock (_lock)
        {
            if (!_resources.TryGetValue(resource, out var record))
            {
                return null;
            }

            var instrument = scope is not null
                ? record.Instruments.GetValueOrDefault(scope + '\u0001' + name)
                : record.Instruments.Values.FirstOrDefault(candidate => string.Equals(candidate.Name, name, StringComparison.Ordinal));
            return instrument?.Detail();
        }
    }

    private sealed class InstrumentRecord(MetricData first)
    {
        private readonly Dictionary<string, SeriesRecord> _series = new(StringComparer.Ordinal);
        private MetricData _latest = first;

        public string Name { get; } = first.Name;

        public DateTimeOffset LastUpdated { get; private set; }

        public void Update(MetricData metric)
        {
            _latest = metric;
            foreach (var point in metric.Points)
            {
                if (point.Point.Time > LastUpdated)
                {
                    LastUpdated = point.Point.Time;
                }
            }
        }

        /// <summary>The series for this process and attribute set; the least recently updated one makes room when full.</summary>
        public RingBuffer<MetricPoint> Series(TelemetrySource source, IReadOnlyList<TelemetryTag> attributes, TelemetryLimits limits)
        {
            var key = SeriesKey(source, attributes);
            if (!_series.TryGetValue(key, out var series))
            {
                if (_series.Count >= limits.MaxSeriesPerInstrument)
                {
                    _series.Remove(_series.MinBy(pair => pair.Value.Points.Count == 0 ? DateTimeOffset.MinValue : pair.Value.Points.Last.Time).Key);
                }

                series = new SeriesRecord(source, attributes, new RingBuffer<MetricPoint>(limits.MaxPointsPerSeries));
                _series.Add(key, series);
            }

            return series.Points;
        }

        public InstrumentSummary Summary() => new(
            _latest.Scope, _latest.Name, _latest.Description, _latest.Unit, _latest.Kind, _latest.IsCumulative, _latest.IsMonotonic, _series.Count, LastUpdated);

        public InstrumentDetail Detail() => new(
            Summary(),
            _series.Values
                .Select(series => new MetricSeriesView(series.Source, series.Attributes, series.Points.Items().ToArray()))
                .OrderBy(series => series.Source.InstanceId, StringComparer.Ordinal)
                .ThenBy(series => series.Source.Pid)
                .ToArray());

        private static string SeriesKey(TelemetrySource source, IReadOnlyList<TelemetryTag> attributes) =>
            string.Join('\u0001', attributes.Select(attribute => attribute.Key + '=' + attribute.Value)
                .Order(StringComparer.Ordinal)
                .Prepend(source.Pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty)
                .Prepend(source.InstanceId));
    }

    private sealed record SeriesRecord(TelemetrySource Source, IReadOnlyList<TelemetryTag> Attributes, RingBuffer<MetricPoint> Points);
}
