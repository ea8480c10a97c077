namespace ReferenceApp.RealtimeHub.Contracts;

/// <summary>Redis pub/sub channel names of the realtime system; every one starts with <see cref="Prefix"/>.</summary>
public static class RealtimeChannels
{
    /// <summary>
    /// The prefix of every realtime channel, the SignalR backplane's included, so the hub's traffic is easy to find
    /// (<c>PSUBSCRIBE ReferenceApp.Realtime*</c>) and never collides with another app sharing the Redis.
    /// </summary>
    public const string Prefix = "ReferenceApp.Realtime";

    /// <summary>
    /// The channel prefix of the SignalR Redis backplane: its channels read
    /// <c>ReferenceApp.Realtime:ReferenceApp.RealtimeHub.Hubs.ChatHub:all</c>, <c>...:group:room:lobby</c> and so on.
    /// </summary>
    public const string BackplanePrefix = Prefix + ":";

    /// <summary>
    /// Where any process publishes a <see cref="BroadcastEnvelope"/> (JSON) for every hub client. Every hub worker
    /// subscribes and delivers it to the connections it holds itself, stamping its own PID on the delivery.
    /// </summary>
    public const string Broadcast = Prefix + ":broadcast";
}
