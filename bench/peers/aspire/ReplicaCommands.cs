using System.Collections.Concurrent;
using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace ReferenceApp.Bench.Replicas;

/// <summary>
/// Reads commands from stdin and runs them through <see cref="ResourceCommandService"/>, the service behind the
/// dashboard's buttons: <c>replicas</c> prints each replica's id, state and PID; <c>restart &lt;id&gt;</c> runs the
/// Restart command on one replica and prints how long it took. Answers are single lines starting with <c>bench:</c>.
/// </summary>
internal sealed class ReplicaCommands : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, CustomResourceSnapshot> _replicas = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _watch;
    private readonly Task _read;

    private ReplicaCommands(IServiceProvider services)
    {
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var commands = services.GetRequiredService<ResourceCommandService>();
        _watch = Task.Run(() => WatchAsync(notifications, _stopping.Token));
        _read = Task.Run(() => ReadAsync(commands, _stopping.Token));
    }

    public static ReplicaCommands Start(IServiceProvider services) => new(services);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_watch, _read).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task WatchAsync(ResourceNotificationService notifications, CancellationToken cancellationToken)
    {
        await foreach (var change in notifications.WatchAsync(cancellationToken))
        {
            if (change.Resource.Name == "api")
            {
                _replicas[change.ResourceId] = change.Snapshot;
            }
        }
    }

    private async Task ReadAsync(ResourceCommandService commands, CancellationToken cancellationToken)
    {
        using var input = new StreamReader(Console.OpenStandardInput());
        while (await input.ReadLineAsync(cancellationToken) is { } line)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (words)
            {
                case ["replicas"]:
                    var rows = _replicas.OrderBy(r => r.Key, StringComparer.Ordinal)
                        .Select(r => $"{r.Key}={r.Value.State?.Text ?? "?"}/{Pid(r.Value)}");
                    Console.WriteLine($"bench: replicas {string.Join(' ', rows)}");
                    break;
                case ["restart", var id]:
                    var watch = Stopwatch.StartNew();
                    var result = await commands.ExecuteCommandAsync(id, KnownResourceCommands.RestartCommand, cancellationToken);
                    Console.WriteLine(result.Success
                        ? $"bench: restarted {id} in {watch.ElapsedMilliseconds} ms"
                        : $"bench: restart {id} failed: {result.Message}");
                    break;
                default:
                    Console.WriteLine($"bench: unknown command '{line}' (replicas | restart <id>)");
                    break;
            }
        }
    }

    private static string Pid(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name.EndsWith(".pid", StringComparison.Ordinal))?.Value?.ToString() ?? "-";
}
