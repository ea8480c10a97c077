using Microsoft.AspNetCore.SignalR;

namespace ReferenceApp.TestHub;

/// <summary>Answers with the PID of the worker process that holds the calling connection.</summary>
public sealed class WhoAmIHub : Hub
{
    public int WhoAmI() => Environment.ProcessId;
}
