namespace ReferenceApp.Supervisor.Contracts;

/// <summary>Where a Supervisor's control API listens (loopback) and the bearer token it expects.</summary>
public sealed record ControlEndpoint(Uri BaseAddress, string Token)
{
    // The token is a secret: keep it out of logs that print records.
    public override string ToString() => $"ControlEndpoint {{ BaseAddress = {BaseAddress} }}";
}
