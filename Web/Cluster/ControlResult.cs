namespace ReferenceApp.Web.Cluster;

/// <summary>What a control command did, as a person reads it: the status, a message, and the trace of the call.</summary>
public sealed record ControlResult(bool Succeeded, int StatusCode, string Message, string? TraceId);
