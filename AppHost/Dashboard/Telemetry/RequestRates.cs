namespace ReferenceApp.AppHost.Dashboard.Telemetry;

/// <summary>One line of the requests-per-worker chart: a process and its requests per second over time.</summary>
public sealed record RateLine(TelemetrySource Source, IReadOnlyList<RatePoint> Points);

/// <summary>Requests per second in the interval that ends at <paramref name="Time"/>.</summary>
public readonly record struct RatePoint(DateTimeOffset Time, double PerSecond);

/// <summary>Turns a request-counting instrument into requests per second per process.</summary>
public static class RequestRates
{
    /// <summary>ASP.NET Core's server duration histogram: its count is the number of requests served.</summary>
    public const string ServerRequestDuration = "http.server.request.duration";

    /// <summary>
    /// Per process: the points of all its series are summed per collection time (one export = one time), then each
    /// interval's increase is divided by its length. Cumulative totals that drop mean the counter restarted.
    /// </summary>
    public static IReadOnlyList<RateLine> PerProcess(InstrumentDetail instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return Lines(instrument, instrument.Series);
    }

    /// <summary>
    /// As <see cref="PerProcess"/>, for a Supervisor's workers only (the processes with a <c>worker.index</c>): the
    /// Supervisor exports under its service's name too, and its control API's requests are not the service's traffic.
    /// A service without workers keeps all its processes.
    /// </summary>
    public static IReadOnlyList<RateLine> PerWorker(InstrumentDetail instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var workers = instrument.Series.Where(series => series.Source.WorkerIndex is not null).ToArray();
        return Lines(instrument, workers.Length > 0 ? workers : instrument.Series);
    }

    private static RateLine[] Lines(InstrumentDetail instrument, IEnumerable<MetricSeriesView> selected)
    {
        var cumulative = instrument.Summary.IsCumulative;
        return selected
            .GroupBy(series => (series.Source.InstanceId, series.Source.Pid))
            .Select(process =>
            {
                var totals = new SortedDictionary<DateTimeOffset, double>();
                foreach (var series in process)
                {
                    foreach (var point in series.Points)
                    {
                        totals[point.Time] = totals.GetValueOrDefault(point.Time) + point.Value;
                    }
                }

                return new RateLine(process.First().Source, Rates(totals, cumulative));
            })
            .OrderBy(line => line.Source.InstanceId, StringComparer.Ordinal)
            .ThenBy(line => line.Source.Pid)
            .ToArray();
    }

    private static RatePoint[] Rates(SortedDictionary<DateTimeOffset, double> totals, bool cumulative)
    {
        var rates = new List<RatePoint>(totals.Count);
        (DateTimeOffset Time, double Total)? previous = null;
        foreach (var (time, total) in totals)
        {
            if (previous is { } last)
            {
                var seconds = (time - last.Time).TotalSeconds;
                var increase = cumulative ? (total >= last.Total ? total - last.Total : total) : total;
                if (seconds > 0)
                {
                    rates.Add(new RatePoint(time, increase / seconds));
                }
            }

            previous = (time, total);
        }

        return [.. rates];
    }
}
