// Cross-worker message latency over 1000 messages, p50 and p99.
//   dotnet run -c Release --project bench/realtime [-- --messages 1000 --warmup 100 --supervised]
// Starts a real Redis, two RealtimeHub workers and one Api worker (each its own process on its own port; with
// --supervised, the hub under a Supervisor with the Sticky policy and two workers, the Api under one with RoundRobin and
// two, each behind its one port), connects one WebSocket client to each hub worker, and measures, one message at a time:
//   api->hub   POST /api/broadcast on the Api -> Redis PUBLISH -> each hub worker's relay -> its client
//              (from the Api's publish timestamp to the client's receipt; the clock is the same host clock)
//   http->hub  the same, from before the client sends the POST to the receipt: what a caller of the Api sees
//   hub->hub   SendMessage from the client on worker A -> SignalR Redis backplane -> the client on worker B
using System.Globalization;
using System.Text;
using ReferenceApp.Bench.Realtime;
using ReferenceApp.Testing;

var messages = Argument(args, "--messages", 1000);
var warmup = Argument(args, "--warmup", 100);
var supervised = args.Contains("--supervised");

Console.WriteLine(supervised
    ? $"Starting Redis, a Sticky Supervisor with 2 RealtimeHub workers and a RoundRobin one with 2 Api workers ({RepositoryPaths.Configuration} build)..."
    : $"Starting Redis, 2 RealtimeHub workers and 1 Api worker ({RepositoryPaths.Configuration} build)...");
await using var redis = await RedisServer.StartAsync();
var redisEnvironment = new Dictionary<string, string?>
{
    ["ConnectionStrings__redis"] = redis.ConnectionString,
    // Benchmarks measure the path, not the rate limit.
    ["RealtimeHub__MessagesPerSecond"] = "10000",
    ["RealtimeHub__MessageBurst"] = "10000",
    ["Logging__LogLevel__Default"] = "Warning",
};
var services = new List<IAsyncDisposable>();
try
{
    LatencyProbe probe;
    string layout;
    if (supervised)
    {
        var supervisors = await Task.WhenAll(
            SupervisorProcess.StartAsync(RepositoryPaths.BuiltAssembly("RealtimeHub"), 2, ["--balancing", "Sticky", "--name", "realtime"], redisEnvironment),
            SupervisorProcess.StartAsync(RepositoryPaths.BuiltAssembly("Api"), 2, ["--balancing", "RoundRobin", "--name", "api"], redisEnvironment));
        services.AddRange(supervisors);
        var (hub, api) = (supervisors[0], supervisors[1]);
        probe = new LatencyProbe(api.Public, hub.Public.BaseAddress!, hub.Public.BaseAddress!);
        layout = $"hub Supervisor pid={hub.Pid} (Sticky, port {hub.Port}); api Supervisor pid={api.Pid} (RoundRobin, port {api.Port})";
    }
    else
    {
        var processes = await Task.WhenAll(
            ServiceProcess.StartAsync("RealtimeHub", redisEnvironment),
            ServiceProcess.StartAsync("RealtimeHub", redisEnvironment),
            ServiceProcess.StartAsync("Api", redisEnvironment));
        services.AddRange(processes);
        probe = new LatencyProbe(processes[2].Client, processes[0].BaseAddress, processes[1].BaseAddress);
        layout = $"api pid={processes[2].Pid}";
    }

    await using var probeScope = probe;
    await probe.ConnectAsync();
    // The load average says how much else shared the cores: compare numbers only from runs on a quiet machine.
    var load = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg")).Split(' ')[0] : "n/a";
    Console.WriteLine($"redis {redis.Kind} pid={redis.Pid}; hub A pid={probe.PidA}; hub B pid={probe.PidB}; {layout}; " +
                      $"{Environment.ProcessorCount} cores, load average {load} at start; {messages} messages after {warmup} warm-up");

    var results = new List<(string Path, string Receiver, Samples Samples)>();
    await probe.BroadcastAsync(warmup);
    var broadcast = await probe.BroadcastAsync(messages);
    results.Add(("api->hub (publish to receipt)", "client on hub A", broadcast.PublishToA));
    results.Add(("api->hub (publish to receipt)", "client on hub B", broadcast.PublishToB));
    results.Add(("http->hub (POST to receipt)", "client on hub B", broadcast.PostToB));
    await probe.ChatAsync(warmup);
    results.Add(("hub->hub (SignalR backplane)", "client on hub B", await probe.ChatAsync(messages)));

    var finalLoad = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg")).Split(' ')[0] : "n/a";
    var table = new StringBuilder()
        .AppendLine(CultureInfo.InvariantCulture, $"{(supervised ? "Under Supervisors (hub: Sticky, 2 workers; Api: RoundRobin, 2 workers)" : "Workers on their own ports")}; " +
            $"{Environment.ProcessorCount} cores, load average {load} at start and {finalLoad} at the end, {redis.Kind}, {RepositoryPaths.Configuration} build")
        .AppendLine()
        .AppendLine("| path | receiver | n | p50 ms | p90 ms | p99 ms | max ms |")
        .AppendLine("|---|---|---:|---:|---:|---:|---:|");
    foreach (var (path, receiver, samples) in results)
    {
        table.AppendLine(CultureInfo.InvariantCulture,
            $"| {path} | {receiver} | {samples.Count} | {samples.Percentile(50):F2} | {samples.Percentile(90):F2} | {samples.Percentile(99):F2} | {samples.Max:F2} |");
    }

    Console.WriteLine();
    Console.Write(table);
    var resultsDirectory = Path.Combine(RepositoryPaths.Root, "bench", "results");
    Directory.CreateDirectory(resultsDirectory);
    var file = Path.Combine(resultsDirectory, $"realtime-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.md");
    await File.WriteAllTextAsync(file, table.ToString());
    Console.WriteLine($"\nWritten to {file}");
}
finally
{
    await Task.WhenAll(services.Select(service => service.DisposeAsync().AsTask()));
    services.Clear();
}

static int Argument(string[] args, string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
