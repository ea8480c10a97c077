using System.Globalization;

namespace ReferenceApp.AppHost.Dashboard.Telemetry;

/// <summary>One key and its value rendered as text, as the dashboard shows it.</summary>
public readonly record struct TelemetryTag(string Key, string Value);

/// <summary>The process a piece of telemetry came from: the OTLP resource of its export.</summary>
/// <param name="ServiceName">OTLP <c>service.name</c>: the dashboard resource the telemetry belongs to.</param>
/// <param name="InstanceId">OTLP <c>service.instance.id</c>: the worker's name under a Supervisor (<c>api-1</c>).</param>
/// <param name="Pid">OTLP <c>process.pid</c>.</param>
/// <param name="WorkerIndex">ReferenceApp's <c>worker.index</c>, set when a Supervisor launched the process.</param>
public sealed record TelemetrySource(
    string ServiceName,
    string InstanceId,
    int? Pid,
    int? WorkerIndex,
    IReadOnlyList<TelemetryTag> Attributes)
{
    /// <summary>How the dashboard names the process: <c>api-1 pid=4242</c>, as the Supervisor prefixes its output.</summary>
    public string DisplayName => Pid is { } pid ? $"{InstanceId} pid={pid.ToString(CultureInfo.InvariantCulture)}" : InstanceId;
}

/// <summary>What changed in the store, so a page re-renders only for what it shows.</summary>
[Flags]
public enum TelemetryChange
{
    None = 0,
    Logs = 1,
    Traces = 2,
    Metrics = 4,
    Resources = 8,
}
