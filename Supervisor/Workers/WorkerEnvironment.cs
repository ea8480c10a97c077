using System.Globalization;
using ReferenceApp.ServiceDefaults.Hosting;
using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Workers;

/// <summary>
/// The environment of a worker: the Supervisor's own, minus what would make workers fight over ports or see the
/// Supervisor's secrets, plus the worker contract (slot, count, channel, identity).
/// </summary>
internal static class WorkerEnvironment
{
    /// <summary>The standard host setting a worker's SIGTERM path (no channel) uses as its drain deadline.</summary>
    public const string ShutdownTimeoutVariable = "DOTNET_SHUTDOWNTIMEOUTSECONDS";

    // Each would make every worker bind its own copy of an address: the public port comes through SUPERVISOR_LISTEN.
    private static readonly string[] ListenVariables =
        ["ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS", "URLS", "HTTP_PORTS", "HTTPS_PORTS"];

    public static void Apply(IDictionary<string, string?> environment, WorkerIdentityPlan identity, WorkerChannelPlan channel, TimeSpan drainTimeout)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(channel);

        foreach (var key in environment.Keys.ToArray())
        {
            // The Supervisor's own settings (its control token among them) and any outer Supervisor's channel are not the worker's.
            if (ListenVariables.Contains(key, StringComparer.OrdinalIgnoreCase)
                || key.StartsWith("Supervisor__", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith(WorkerVariables.SupervisorPrefix, StringComparison.OrdinalIgnoreCase))
            {
                environment.Remove(key);
            }
        }

        environment[WorkerVariables.WorkerIndex] = identity.Index.ToString(CultureInfo.InvariantCulture);
        environment[WorkerVariables.WorkerCount] = identity.Count.ToString(CultureInfo.InvariantCulture);
        environment[WorkerVariables.StopOnStdinEof] = "1";
        environment[WorkerVariables.Channel] = channel.SocketPath;
        environment[WorkerVariables.ChannelSecret] = channel.Secret;
        environment[ShutdownTimeoutVariable] = Math.Max(1, (int)drainTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture);

        // Always the name the Supervisor resolved (ServiceNames.Resolve), even over an inherited one: both sides report one name.
        environment[ServiceNames.Variable] = identity.ServiceName;

        environment.TryGetValue("OTEL_RESOURCE_ATTRIBUTES", out var inherited);
        environment["OTEL_RESOURCE_ATTRIBUTES"] = WithInstanceId(inherited, identity.TelemetryInstanceId);
    }

    /// <summary>The inherited attributes with <c>service.instance.id</c> replaced: the Supervisor's own instance id is not the worker's.</summary>
    internal static string WithInstanceId(string? inherited, string instanceName)
    {
        var kept = (inherited ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(pair => !pair.StartsWith("service.instance.id=", StringComparison.Ordinal));
        return string.Join(',', kept.Append("service.instance.id=" + Uri.EscapeDataString(instanceName)));
    }
}

/// <summary>Who a worker is: its slot, the slot count when it started, and its names.</summary>
/// <param name="InstanceName">How the Supervisor's log and console prefix name the worker, e.g. <c>api-1</c>.</param>
/// <param name="TelemetryInstanceId">Its <c>service.instance.id</c> (<see cref="Configuration.SupervisorOptions.WorkerInstanceId"/>).</param>
internal sealed record WorkerIdentityPlan(int Index, int Count, string ServiceName, string InstanceName, string TelemetryInstanceId);

/// <summary>Where a worker's channel is and its secret.</summary>
internal sealed record WorkerChannelPlan(string SocketPath, string Secret);
