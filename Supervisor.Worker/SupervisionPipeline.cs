using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Worker;

/// <summary>
/// Whether <c>app.UseSupervision()</c> ran. A worker that a Supervisor started without it would route no sticky request and
/// count none in flight; the channel client refuses to report ready then, with the fix in its message.
/// </summary>
internal sealed class SupervisionPipeline
{
    public bool Used { get; set; }
}
