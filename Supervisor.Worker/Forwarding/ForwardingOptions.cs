using System.ComponentModel.DataAnnotations;
using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Worker.Forwarding;

/// <summary>How a worker forwards a request whose affinity cookie names another worker (section <c>Supervision:Forwarding</c>).</summary>
public sealed class ForwardingOptions
{
    public const string SectionName = "Supervision:Forwarding";

    /// <summary>How long connecting to a peer's socket may take before the request is served here instead.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00", ErrorMessage = "Supervision:Forwarding:ConnectTimeout must be between 50 ms and 1 minute.")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a forwarded exchange may go without a byte in either direction. Longer than SignalR's 90 s long poll and
    /// its 15 s keep-alive pings, so idle but healthy streams are never cut.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Supervision:Forwarding:ActivityTimeout must be between 1 second and 1 hour.")]
    public TimeSpan ActivityTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
