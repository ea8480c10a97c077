namespace ReferenceApp.AppHost.Dashboard.Telemetry;

public sealed partial class TelemetryStore
{
    /// <summary>Appends the log records of one process; returns how many were refused (no room for a new resource).</summary>
    public int AddLogs(TelemetrySource source, IReadOnlyCollection<LogEntry> logs)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(logs);
        if (logs.Count == 0)
        {
            return 0;
        }

        var change = TelemetryChange.None;
        lock (_lock)
        {
            if (Resource(source, ref change) is not { } resource)
            {
                return logs.Count;
            }

            var canonical = Canonical(resource, source, ref change);
            foreach (var log in logs)
            {
                var entry = ReferenceEquals(log.Source, canonical) ? log : log with { Source = canonical };
                entry.Sequence = ++_sequence;
                resource.Logs.Add(entry, out _);
            }

            change |= TelemetryChange.Logs;
        }

        Notify(change);
        return 0;
    }

    /// <summary>The newest log records that match, newest first, at most <see cref="LogQuery.Limit"/>.</summary>
    public IReadOnlyList<LogEntry> GetLogs(LogQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var matches = new List<LogEntry>();
        lock (_lock)
        {
            foreach (var resource in _resources.Values)
            {
                if (query.Resource is { } name && !string.Equals(resource.Name, name, StringComparison.Ordinal))
                {
                    continue;
                }

                // Newest first per resource: once a resource yields Limit matches its older records cannot make the cut.
                var taken = 0;
                foreach (var log in resource.Logs.NewestFirst())
                {
                    if (Matches(log, query))
                    {
                        matches.Add(log);
                        if (++taken == query.Limit)
                        {
                            break;
                        }
                    }
                }
            }
        }

        return matches
            .OrderByDescending(log => log.Timestamp)
            .ThenByDescending(log => log.Sequence)
            .Take(query.Limit)
            .ToArray();
    }

    private static bool Matches(LogEntry log, LogQuery query) =>
        (query.MinimumSeverity is not { } minimum || log.Severity >= minimum)
        && (query.Pid is not { } pid || log.Source.Pid == pid)
        && (string.IsNullOrEmpty(query.TraceId) || string.Equals(log.TraceId, query.TraceId, StringComparison.OrdinalIgnoreCase))
        && (string.IsNullOrEmpty(query.Text) || ContainsText(log, query.Text));

    private static bool ContainsText(LogEntry log, string text) =>
        log.Message.Contains(text, StringComparison.OrdinalIgnoreCase)
        || log.Category.Contains(text, StringComparison.OrdinalIgnoreCase)
        || log.Attributes.Any(attribute => attribute.Value.Contains(text, StringComparison.OrdinalIgnoreCase));
}
