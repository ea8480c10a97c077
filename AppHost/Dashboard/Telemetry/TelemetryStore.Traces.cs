namespace ReferenceApp.AppHost.Dashboard.Telemetry;

public sealed partial class TelemetryStore
{
    private readonly Dictionary<string, TraceRecord> _traces = new(StringComparer.Ordinal);

    /// <summary>Appends the spans of one process; returns how many were refused (no room for a new resource).</summary>
    public int AddSpans(TelemetrySource source, IReadOnlyCollection<SpanEntry> spans)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(spans);
        if (spans.Count == 0)
        {
            return 0;
        }

        var change = TelemetryChange.None;
        lock (_lock)
        {
            if (Resource(source, ref change) is not { } resource)
            {
                return spans.Count;
            }

            var canonical = Canonical(resource, source, ref change);
            foreach (var span in spans)
            {
                var entry = ReferenceEquals(span.Source, canonical) ? span : span with { Source = canonical };
                if (resource.Spans.Add(entry, out var evicted))
                {
                    RemoveFromTrace(evicted);
                }

                if (!_traces.TryGetValue(entry.TraceId, out var trace))
                {
                    trace = new TraceRecord(entry.TraceId);
                    _traces.Add(entry.TraceId, trace);
                }

                trace.Add(entry);
            }

            change |= TelemetryChange.Traces;
        }

        Notify(change);
        return 0;
    }

    /// <summary>The most recent traces that match, newest first.</summary>
    public IReadOnlyList<TraceSummary> GetTraces(TraceQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_lock)
        {
            return _traces.Values
                .Where(trace => Matches(trace, query))
                .OrderByDescending(trace => trace.Start)
                .Take(query.Limit)
                .Select(trace => trace.Summary())
                .ToArray();
        }
    }

    /// <summary>One trace with its spans in waterfall order, or null when the store does not hold it (any more).</summary>
    public TraceDetail? GetTrace(string traceId)
    {
        ArgumentNullException.ThrowIfNull(traceId);
        TraceSummary summary;
        SpanEntry[] spans;
        lock (_lock)
        {
            if (!_traces.TryGetValue(traceId.ToLowerInvariant(), out var trace))
            {
                return null;
            }

            summary = trace.Summary();
            spans = [.. trace.Spans];
        }

        return new TraceDetail(summary, TraceWaterfall.Build(spans, summary.Start));
    }

    private static bool Matches(TraceRecord trace, TraceQuery query) =>
        (query.Resource is not { } resource || trace.Spans.Exists(span => string.Equals(span.Source.ServiceName, resource, StringComparison.Ordinal)))
        && (query.Pid is not { } pid || trace.Spans.Exists(span => span.Source.Pid == pid))
        && (string.IsNullOrEmpty(query.Text)
            || trace.TraceId.StartsWith(query.Text, StringComparison.OrdinalIgnoreCase)
            || trace.Spans.Exists(span => span.Name.Contains(query.Text, StringComparison.OrdinalIgnoreCase)));

    private void RemoveFromTrace(SpanEntry evicted)
    {
        if (_traces.TryGetValue(evicted.TraceId, out var trace) && trace.Remove(evicted) == 0)
        {
            _traces.Remove(evicted.TraceId);
        }
    }

    /// <summary>The spans of one trace that the store still holds, with running aggregates for the list.</summary>
    private sealed class TraceRecord(string traceId)
    {
        private SpanEntry? _root;

        public string TraceId { get; } = traceId;

        public List<SpanEntry> Spans { get; } = [];

        public DateTimeOffset Start { get; private set; } = DateTimeOffset.MaxValue;

        public DateTimeOffset End { get; private set; } = DateTimeOffset.MinValue;

        public void Add(SpanEntry span)
        {
            Spans.Add(span);
            Aggregate(span);
        }

        /// <summary>Removes an evicted span and returns how many are left.</summary>
        public int Remove(SpanEntry span)
        {
            Spans.Remove(span);
            Start = DateTimeOffset.MaxValue;
            End = DateTimeOffset.MinValue;
            _root = null;
            foreach (var remaining in Spans)
            {
                Aggregate(remaining);
            }

            return Spans.Count;
        }

        public TraceSummary Summary()
        {
            var root = _root ?? Spans[0];
            return new TraceSummary(
                TraceId,
                Start,
                End - Start,
                root.Name,
                root.Source.ServiceName,
                Spans.Count,
                Spans.Select(span => span.Source.ServiceName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
                Spans.Where(span => span.Source.Pid is not null).Select(span => span.Source.Pid!.Value).Distinct().Order().ToArray(),
                Spans.Exists(span => span.Status == SpanStatus.Error));
        }

        // The root is the span without a parent; until it arrives, the earliest span stands in for it.
        private void Aggregate(SpanEntry span)
        {
            if (span.Start < Start)
            {
                Start = span.Start;
            }

            if (span.End > End)
            {
                End = span.End;
            }

            if (_root is null || (_root.ParentSpanId is not null && (span.ParentSpanId is null || span.Start < _root.Start)))
            {
                _root = span;
            }
        }
    }
}
