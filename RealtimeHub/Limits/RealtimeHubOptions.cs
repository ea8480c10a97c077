using System.ComponentModel.DataAnnotations;

namespace ReferenceApp.RealtimeHub.Limits;

/// <summary>What one hub connection may send, bound from the <c>RealtimeHub</c> configuration section.</summary>
public sealed class RealtimeHubOptions
{
    public const string SectionName = "RealtimeHub";

    /// <summary>Largest single message a client may send; a larger one closes its connection (SignalR's own rule).</summary>
    [Range(1024, 1024 * 1024, ErrorMessage = "RealtimeHub:MaximumReceiveMessageBytes must be between 1 KiB and 1 MiB.")]
    public int MaximumReceiveMessageBytes { get; set; } = 32 * 1024;

    /// <summary>Sustained hub invocations per second per connection; more are refused with a HubException.</summary>
    [Range(1, 10_000, ErrorMessage = "RealtimeHub:MessagesPerSecond must be between 1 and 10000.")]
    public int MessagesPerSecond { get; set; } = 20;

    /// <summary>How many invocations a quiet connection may send at once before the per-second rate applies.</summary>
    [Range(1, 10_000, ErrorMessage = "RealtimeHub:MessageBurst must be between 1 and 10000.")]
    public int MessageBurst { get; set; } = 40;

    /// <summary>Longest chat text, in characters.</summary>
    [Range(1, 100_000, ErrorMessage = "RealtimeHub:MaxTextLength must be between 1 and 100000.")]
    public int MaxTextLength { get; set; } = 2000;
}
