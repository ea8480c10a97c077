namespace ReferenceApp.Supervisor.Contracts.Wire;

/// <summary>
/// The contract of per-request forwarding under sticky balancing, shared by the Supervisor and its workers. Each worker
/// listens on a private Unix domain socket in the Supervisor's 0700 runtime directory (<see cref="WorkerVariables.Listen"/>) and
/// accepts there only requests that carry its own secret (<see cref="SecretHeader"/>, value from <see cref="WorkerVariables.ForwardSecret"/>).
/// The Supervisor tells every worker the others' sockets and secrets with a <see cref="ChannelMessage.Peers"/> message.
/// </summary>
public static class ForwardingProtocol
{
    /// <summary>Carries the receiving worker's secret on a forwarded request; removed before the app sees the request.</summary>
    public const string SecretHeader = "X-ReferenceApp-Forward-Secret";

    /// <summary>
    /// The most peers one <see cref="ChannelMessage.Peers"/> message lists: as many as a Supervisor may run workers (64),
    /// so no live worker is ever left out; with the longest socket paths they fit one channel frame (tested).
    /// </summary>
    public const int MaxPeers = 64;
}
