namespace ReferenceApp.AppHost.Dashboard.Telemetry;

/// <summary>Orders a trace's spans as a waterfall: each span followed by its children, siblings by start time.</summary>
public static class TraceWaterfall
{
    public static IReadOnlyList<WaterfallRow> Build(IReadOnlyCollection<SpanEntry> spans, DateTimeOffset traceStart)
    {
        ArgumentNullException.ThrowIfNull(spans);
        var known = spans.Select(span => span.SpanId).ToHashSet(StringComparer.Ordinal);
        var children = spans
            .Where(span => span.ParentSpanId is not null && known.Contains(span.ParentSpanId))
            .GroupBy(span => span.ParentSpanId!, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.OrderBy(span => span.Start).ToArray(), StringComparer.Ordinal);

        // Spans whose parent is absent (not exported yet, evicted, or remote) are shown as roots rather than hidden.
        var roots = spans.Where(span => span.ParentSpanId is null || !known.Contains(span.ParentSpanId)).OrderBy(span => span.Start);

        var rows = new List<WaterfallRow>(spans.Count);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<(SpanEntry Span, int Depth)>();
        foreach (var root in roots)
        {
            stack.Push((root, 0));
            while (stack.TryPop(out var item))
            {
                // A malformed export could make spans their own ancestors; visit each span once.
                if (!visited.Add(item.Span.SpanId))
                {
                    continue;
                }

                rows.Add(new WaterfallRow(item.Span, item.Depth, item.Span.Start - traceStart));
                if (children.TryGetValue(item.Span.SpanId, out var kids))
                {
                    for (var i = kids.Length - 1; i >= 0; i--)
                    {
                        stack.Push((kids[i], item.Depth + 1));
                    }
                }
            }
        }

        // Spans only reachable through a cycle are still listed.
        rows.AddRange(spans.Where(span => !visited.Contains(span.SpanId)).Select(span => new WaterfallRow(span, 0, span.Start - traceStart)));
        return rows;
    }
}
