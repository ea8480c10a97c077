using System.Globalization;
using ReferenceApp.AppHost.Hosting.ApplicationModel;
using ReferenceApp.AppHost.Hosting.Processes;
using ReferenceApp.AppHost.Hosting.Redis;
using StackExchange.Redis;

namespace ReferenceApp.AppHost.Hosting.Orchestration;

/// <summary>A Redis resource: an external server, or an embedded one the AppHost starts. Healthy when PING answers.</summary>
internal sealed class RedisRunner(RedisResource redis, RedisServerKind kind, RedisServerLauncher launcher, ProcessOutput output, TimeProvider time)
    : ResourceRunner(redis)
{
    private readonly Lazy<string> _description = new(() => kind switch
    {
        RedisServerKind.External => "external (ConnectionStrings)",
        RedisServerKind.Garnet => $"Garnet {launcher.GarnetVersion()}",
        _ => "redis-server",
    });

    private RedisProbe? _probe;
    private RedisLaunch? _launch;

    public RedisServerKind Kind { get; } = kind;

    public override IReadOnlyList<string> Endpoints => Kind == RedisServerKind.External
        ? ConfigurationOptions.Parse(redis.ExternalConnectionString!).EndPoints.Select(e => $"tcp://{Format(e)}").ToArray()
        : [$"tcp://127.0.0.1:{redis.Port.Allocated.ToString(CultureInfo.InvariantCulture)}"];

    public override string? Description => _description.Value;

    public override async Task<bool> ProbeAsync(bool wasRunning, CancellationToken cancellationToken)
    {
        _probe ??= new RedisProbe(redis.ConnectionString!);
        var healthy = await _probe.PingAsync(cancellationToken);
        if (healthy && _launch is { } launch)
        {
            // The server has read its secret configuration: it need not stay on disk.
            _launch = null;
            await launch.DisposeAsync();
        }

        return healthy;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_probe is { } probe)
        {
            _probe = null;
            await probe.DisposeAsync();
        }

        if (_launch is { } launch)
        {
            _launch = null;
            await launch.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    protected override async Task<ResourceProcess?> LaunchAsync(CancellationToken cancellationToken)
    {
        if (Kind == RedisServerKind.External)
        {
            return null;
        }

        if (_probe is { } probe)
        {
            // A restarted server: connect afresh.
            _probe = null;
            await probe.DisposeAsync();
        }

        _launch = await launcher.PrepareAsync(redis, Kind, output, cancellationToken);
        return ResourceProcess.Start(_launch.Spec, output, time);
    }

    private static string Format(System.Net.EndPoint endpoint) => endpoint switch
    {
        System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port.ToString(CultureInfo.InvariantCulture)}",
        _ => endpoint.ToString() ?? "?",
    };
}
