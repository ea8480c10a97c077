using System.ComponentModel.DataAnnotations;

namespace ReferenceApp.AppHost.Hosting;

/// <summary>
/// How the AppHost runs (configuration section <c>AppHost</c>). Per-resource settings — <c>AppHost:Ports:&lt;name&gt;</c>,
/// <c>AppHost:Workers:&lt;name&gt;</c>, <c>AppHost:Balancing:&lt;name&gt;</c> — are applied to the app model by <c>ModelConfiguration</c>.
/// </summary>
public sealed class AppHostOptions
{
    public const string SectionName = "AppHost";

    /// <summary>Which embedded Redis-protocol server to start when no connection string is configured.</summary>
    public RedisServerChoice RedisServer { get; set; } = RedisServerChoice.Auto;

    /// <summary>How long a graceful stop of everything may take before what is left is killed.</summary>
    [Range(1, 600, ErrorMessage = "AppHost:StopTimeoutSeconds must be 1-600 seconds, e.g. --stop-timeout 20.")]
    public int StopTimeoutSeconds { get; set; } = 20;

    /// <summary>Echo every resource's console output on the AppHost's own console, prefixed <c>[resource]</c>.</summary>
    public bool EchoConsole { get; set; } = true;

    /// <summary>How many console lines the AppHost keeps per resource for the dashboard.</summary>
    [Range(100, 1_000_000, ErrorMessage = "AppHost:ConsoleLogLines must be 100-1000000.")]
    public int ConsoleLogLines { get; set; } = 10_000;

    public TimeSpan StopTimeout => TimeSpan.FromSeconds(StopTimeoutSeconds);
}

/// <summary>The embedded Redis-protocol server, when no external connection string is configured.</summary>
public enum RedisServerChoice
{
    /// <summary><c>redis-server</c> when it is on PATH, else Garnet.</summary>
    Auto,

    /// <summary><c>redis-server</c> from PATH.</summary>
    RedisServer,

    /// <summary>Garnet from the repository's dotnet tool manifest, restored when missing.</summary>
    Garnet,
}
