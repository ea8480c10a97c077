using Microsoft.Extensions.Options;
using ReferenceApp.AppHost.Dashboard;
using ReferenceApp.AppHost.Dashboard.Telemetry;

namespace ReferenceApp.AppHost.Tests.Dashboard;

public sealed class TelemetryStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Logs_beyond_the_per_resource_limit_evict_the_oldest_and_leave_other_resources_alone()
    {
        var store = Store(maxLogs: 100);
        var api = Source("api", "api-0", 100);
        var web = Source("web", "web-0", 200);
        store.AddLogs(web, [Log(web, 0, "web says hi")]);

        for (var i = 0; i < 250; i++)
        {
            store.AddLogs(api, [Log(api, i, $"message {i}")]);
        }

        var logs = store.GetLogs(new LogQuery(Resource: "api", Limit: 1000));
        Assert.Equal(100, logs.Count);
        Assert.Equal("message 249", logs[0].Message);
        Assert.Equal("message 150", logs[^1].Message);
        Assert.Equal("web says hi", Assert.Single(store.GetLogs(new LogQuery(Resource: "web"))).Message);
    }

    [Fact]
    public void Log_filters_combine_level_text_trace_id_and_pid()
    {
        var store = Store();
        var worker0 = Source("api", "api-0", 100);
        var worker1 = Source("api", "api-1", 101);
        store.AddLogs(worker0, [Log(worker0, 0, "cache miss", LogSeverity.Debug), Log(worker0, 1, "request failed", LogSeverity.Error, traceId: "ab12")]);
        store.AddLogs(worker1, [Log(worker1, 2, "request failed", LogSeverity.Error), Log(worker1, 3, "request served", LogSeverity.Information)]);

        Assert.Equal(3, store.GetLogs(new LogQuery(MinimumSeverity: LogSeverity.Information)).Count);
        Assert.Equal(2, store.GetLogs(new LogQuery(Text: "FAILED")).Count);
        Assert.Equal(101, Assert.Single(store.GetLogs(new LogQuery(Text: "failed", Pid: 101))).Source.Pid);
        Assert.Equal(100, Assert.Single(store.GetLogs(new LogQuery(TraceId: "AB12"))).Source.Pid);
        Assert.Empty(store.GetLogs(new LogQuery(Resource: "web")));
    }

    [Fact]
    public void Evicted_spans_leave_their_traces_and_an_emptied_trace_disappears()
    {
        var store = Store(maxSpans: 100);
        var api = Source("api", "api-0", 100);
        store.AddSpans(api, [Span(api, "first", "0000000000000001", null, 0), Span(api, "first", "0000000000000002", "0000000000000001", 1)]);
        for (var i = 0; i < 99; i++)
        {
            store.AddSpans(api, [Span(api, $"t{i:D30}", $"{i + 10:D16}", null, 10 + i)]);
        }

        // 101 spans into 100 slots: the first trace lost its root and kept its child.
        var first = store.GetTrace("first".PadLeft(32, '0'))!;
        Assert.Equal("0000000000000002", Assert.Single(first.Rows).Span.SpanId);

        store.AddSpans(api, [Span(api, "last".PadLeft(32, '0'), "0000000000009999", null, 500)]);
        Assert.Null(store.GetTrace("first".PadLeft(32, '0')));
        Assert.Equal(100, store.GetResources().Single().SpanCount);
    }

    [Fact]
    public void Traces_filter_by_resource_and_pid_and_name_their_root()
    {
        var store = Store();
        var web = Source("web", "web-0", 300);
        var api1 = Source("api", "api-1", 101);
        var trace = new string('a', 32);
        store.AddSpans(api1, [Span(api1, trace, "00000000000000b2", "00000000000000b1", 2, "GET /api/whoami")]);
        store.AddSpans(web, [Span(web, trace, "00000000000000b1", null, 0, "GET /")]);
        store.AddSpans(web, [Span(web, new string('b', 32), "00000000000000c1", null, 50, "GET /other")]);

        var byPid = Assert.Single(store.GetTraces(new TraceQuery(Pid: 101)));
        Assert.Equal((trace, "GET /", "web", 2), (byPid.TraceId, byPid.RootName, byPid.RootResource, byPid.SpanCount));
        Assert.Equal(["api", "web"], byPid.Resources);
        Assert.Equal([101, 300], byPid.Pids);
        Assert.Equal(2, store.GetTraces(new TraceQuery(Resource: "web")).Count);
        Assert.Single(store.GetTraces(new TraceQuery(Resource: "api")));
    }

    [Fact]
    public void Waterfall_puts_children_under_their_parent_by_start_time_and_keeps_orphans()
    {
        var s = Source("api", "api-0", 1);
        var trace = new string('c', 32);
        var spans = new[]
        {
            Span(s, trace, "0000000000000003", "0000000000000001", 30, "second child"),
            Span(s, trace, "0000000000000001", null, 0, "root"),
            Span(s, trace, "0000000000000004", "0000000000000002", 15, "grandchild"),
            Span(s, trace, "0000000000000002", "0000000000000001", 10, "first child"),
            Span(s, trace, "0000000000000005", "00000000000000ff", 40, "orphan"),
        };

        var rows = TraceWaterfall.Build(spans, T0);

        Assert.Equal(["root", "first child", "grandchild", "second child", "orphan"], rows.Select(row => row.Span.Name));
        Assert.Equal([0, 1, 2, 1, 0], rows.Select(row => row.Depth));
        Assert.Equal(TimeSpan.FromMilliseconds(15), rows[2].Offset);
    }

    [Fact]
    public void Request_rates_per_process_come_from_cumulative_counts_and_survive_a_counter_reset()
    {
        var store = Store();
        var worker0 = Source("api", "api-0", 100);
        var worker1 = Source("api", "api-1", 101);
        // Two routes on worker 0 (summed per collection), one on worker 1; worker 1's counter restarts at t=3 s.
        double[] route1 = [0, 10, 30, 60];
        double[] route2 = [0, 0, 10, 10];
        double[] other = [0, 5, 10, 2];
        for (var second = 0; second < 4; second++)
        {
            var time = T0.AddSeconds(second);
            store.AddMetrics(worker0, [Histogram(time, (route1[second], "/a"), (route2[second], "/b"))]);
            store.AddMetrics(worker1, [Histogram(time, (other[second], "/a"))]);
        }

        var lines = RequestRates.PerProcess(store.GetInstrument("api", RequestRates.ServerRequestDuration)!);

        Assert.Equal([100, 101], lines.Select(line => line.Source.Pid!.Value));
        Assert.Equal([10.0, 30.0, 30.0], lines[0].Points.Select(point => point.PerSecond));
        Assert.Equal([5.0, 5.0, 2.0], lines[1].Points.Select(point => point.PerSecond));
    }

    [Fact]
    public void Requests_per_worker_leave_out_the_supervisor_of_a_supervised_service_but_not_an_unsupervised_process()
    {
        var store = Store();
        var supervisor = Source("api", "api-supervisor", 10);
        var worker = new TelemetrySource("api", "api-0", 11, 0, []);
        var web = Source("web", "web-1", 20);
        for (var second = 0; second < 3; second++)
        {
            var time = T0.AddSeconds(second);
            store.AddMetrics(supervisor, [Histogram(time, (second * 5.0, "/status"))]);
            store.AddMetrics(worker, [Histogram(time, (second * 2.0, "/api/whoami"))]);
            store.AddMetrics(web, [Histogram(time, (second * 1.0, "/"))]);
        }

        var api = RequestRates.PerWorker(store.GetInstrument("api", RequestRates.ServerRequestDuration)!);
        Assert.Equal("api-0", Assert.Single(api).Source.InstanceId);
        Assert.Equal([2.0, 2.0], api[0].Points.Select(point => point.PerSecond));
        Assert.Equal(2, RequestRates.PerProcess(store.GetInstrument("api", RequestRates.ServerRequestDuration)!).Count);
        Assert.Equal("web-1", Assert.Single(RequestRates.PerWorker(store.GetInstrument("web", RequestRates.ServerRequestDuration)!)).Source.InstanceId);
    }

    [Fact]
    public async Task Concurrent_exports_from_many_processes_stay_within_bounds_and_lose_nothing_that_fits()
    {
        const int processes = 16;
        const int batches = 200;
        const int perBatch = 10;
        var store = Store(maxLogs: 1000, maxSpans: 100_000);
        var changes = 0;
        using var subscription = store.Subscribe(_ => Interlocked.Increment(ref changes));
        using var stop = new CancellationTokenSource();

        // Readers run throughout, as open dashboard pages would.
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var reads = 0;
            do
            {
                store.GetLogs(new LogQuery(Text: "7"));
                store.GetTraces(new TraceQuery(Pid: 1003));
                store.GetResources();
                reads++;
            }
            while (!stop.IsCancellationRequested);

            return reads;
        })).ToArray();

        var writers = Enumerable.Range(0, processes).Select(p => Task.Run(() =>
        {
            var source = Source("svc" + (p % 4), $"svc-{p}", 1000 + p);
            for (var b = 0; b < batches; b++)
            {
                var traceId = $"{p:D8}{b:D24}";
                store.AddLogs(source, Enumerable.Range(0, perBatch).Select(i => Log(source, i, $"p{p} b{b} i{i}")).ToArray());
                store.AddSpans(source, Enumerable.Range(0, perBatch).Select(i => Span(source, traceId, $"{i + 1:D16}", null, i)).ToArray());
            }
        })).ToArray();

        await Task.WhenAll(writers);
        await stop.CancelAsync();
        Assert.All(await Task.WhenAll(readers), reads => Assert.True(reads > 0));

        var resources = store.GetResources();
        Assert.Equal(4, resources.Count);
        // Four processes per resource wrote 4 x 200 x 10 = 8000 logs into 1000 slots; every span fitted.
        Assert.All(resources, resource => Assert.Equal(1000, resource.LogCount));
        Assert.All(resources, resource => Assert.Equal(processes / 4 * batches * perBatch, resource.SpanCount));
        Assert.All(resources, resource => Assert.Equal(4, resource.Instances.Count));
        Assert.Equal(processes * batches, store.GetTraces(new TraceQuery(Limit: int.MaxValue)).Count);
        Assert.All(store.GetTraces(new TraceQuery(Limit: 50)), trace => Assert.Equal(perBatch, trace.SpanCount));
        var sequences = store.GetLogs(new LogQuery(Limit: 10_000)).Select(log => log.Sequence).ToArray();
        Assert.Equal(sequences.Length, sequences.Distinct().Count());
        Assert.Equal(processes * batches * 2, changes);
    }

    private static TelemetryStore Store(int maxLogs = 10_000, int maxSpans = 10_000) =>
        new(Options.Create(new DashboardOptions { Telemetry = new TelemetryLimits { MaxLogsPerResource = maxLogs, MaxSpansPerResource = maxSpans } }), TimeProvider.System);

    private static TelemetrySource Source(string service, string instance, int pid) => new(service, instance, pid, null, []);

    private static LogEntry Log(TelemetrySource source, int second, string message, LogSeverity severity = LogSeverity.Information, string? traceId = null) =>
        new(T0.AddSeconds(second), severity, severity.ToString(), "Test", message, traceId, null, null, [], source);

    private static SpanEntry Span(TelemetrySource source, string traceId, string spanId, string? parentId, int startMs, string name = "span") =>
        new(traceId.PadLeft(32, '0'), spanId, parentId, name, SpanKind.Server, T0.AddMilliseconds(startMs), T0.AddMilliseconds(startMs + 5),
            SpanStatus.Unset, null, "test", [], [], [], source);

    private static MetricData Histogram(DateTimeOffset time, params (double Count, string Route)[] points) =>
        new("Microsoft.AspNetCore.Hosting", RequestRates.ServerRequestDuration, string.Empty, "s", MetricKind.Histogram, true, true,
            points.Select(point => new MetricDataPoint([new TelemetryTag("http.route", point.Route)], new MetricPoint(time, T0, point.Count, 0))).ToArray());
}
