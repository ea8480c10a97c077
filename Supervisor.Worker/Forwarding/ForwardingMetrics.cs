using System.Diagnostics.Metrics;
using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Worker.Forwarding;

/// <summary>The worker's count of requests it forwarded to the worker their affinity cookie names, by outcome.</summary>
internal sealed class ForwardingMetrics
{
    public const string MeterName = "ReferenceApp.Supervision.Forwarding";

    private readonly Counter<long> _forwarded;

    public ForwardingMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _forwarded = meter.CreateCounter<long>("referenceapp.sticky.forwarded_requests", unit: "{request}",
            description: "Requests that arrived on this worker's connection but carried another live worker's affinity cookie.");
    }

    /// <summary>The peer served it.</summary>
    public void Forwarded() => _forwarded.Add(1, new KeyValuePair<string, object?>("outcome", "forwarded"));

    /// <summary>The peer could not be reached before anything was sent: this worker served it instead.</summary>
    public void ServedLocally() => _forwarded.Add(1, new KeyValuePair<string, object?>("outcome", "peer_unreachable"));

    /// <summary>The exchange with the peer failed after it started.</summary>
    public void Failed() => _forwarded.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
}
