using System.Globalization;
using ReferenceApp.Testing;

namespace ReferenceApp.RealtimeHub.Tests;

/// <summary>
/// A real Redis, two RealtimeHub processes and two Api processes on their own ports, sharing that Redis: the smallest
/// system in which "another worker" exists for both services, without a Supervisor in front.
/// </summary>
public sealed class RealtimeCluster : IAsyncLifetime
{
    /// <summary>The Web front end's origin, as service discovery gives it to every service of the cluster.</summary>
    public const string WebOrigin = "http://localhost:5123";

    public RedisServer Redis { get; private set; } = null!;

    public IReadOnlyList<ServiceProcess> Hubs { get; private set; } = [];

    public IReadOnlyList<ServiceProcess> Apis { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        var services = await Task.WhenAll(
            StartAsync("RealtimeHub", Redis),
            StartAsync("RealtimeHub", Redis),
            StartAsync("Api", Redis),
            StartAsync("Api", Redis));
        Hubs = services[..2];
        Apis = services[2..];

        // A hub worker subscribes to the broadcast channel in the background after start-up: wait until both have.
        await Eventually.TrueAsync(
            async () => await BroadcastSubscribersAsync() == Hubs.Count,
            TimeSpan.FromSeconds(30),
            "both hub workers to subscribe to the broadcast channel");
    }

    public static Task<ServiceProcess> StartAsync(string project, RedisServer redis, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__redis"] = redis.ConnectionString,
            ["services__web__http__0"] = WebOrigin,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        return ServiceProcess.StartAsync(project, environment);
    }

    /// <summary>How many subscriptions the broadcast channel has: one per hub worker connected to Redis.</summary>
    public async Task<long> BroadcastSubscribersAsync()
    {
        using var response = await Apis[0].Client.PostAsync(new Uri("/api/broadcast", UriKind.Relative), Json("""{"text":"probe"}"""));
        response.EnsureSuccessStatusCode();
        using var body = await System.Text.Json.JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        return body.RootElement.GetProperty("hubWorkers").GetInt64();
    }

    public static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public async Task DisposeAsync()
    {
        await Task.WhenAll(Hubs.Concat(Apis).Select(service => service.DisposeAsync().AsTask()));
        await Redis.DisposeAsync();
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"hubs {string.Join(',', Hubs.Select(h => h.Pid))}, apis {string.Join(',', Apis.Select(a => a.Pid))}");
}
