using ReferenceApp.AppHost.Hosting.ApplicationModel;
using ReferenceApp.AppHost.Hosting.Processes;

namespace ReferenceApp.AppHost.Hosting.Orchestration;

/// <summary>A project run as one process; healthy when its HTTP health check answers 2xx.</summary>
internal class ProjectRunner(ProjectResource project, ProcessSpec spec, ProcessOutput output, HttpClient http, TimeProvider time)
    : ResourceRunner(project)
{
    public ProjectResource Project { get; } = project;

    public override IReadOnlyList<string> Endpoints =>
        Project.HttpEndpoint is { } endpoint ? [endpoint.GetLeftPart(UriPartial.Authority)] : [];

    public override Task<bool> ProbeAsync(bool wasRunning, CancellationToken cancellationToken) => HttpHealthyAsync(cancellationToken);

    protected async Task<bool> HttpHealthyAsync(CancellationToken cancellationToken)
    {
        if (Project.HealthCheckPath is not { } path || Project.HttpEndpoint is not { } endpoint)
        {
            return Process is { HasExited: false };
        }

        try
        {
            using var response = await http.GetAsync(new Uri(endpoint, path), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false; // the probe's own timeout
        }
    }

    protected override Task<ResourceProcess?> LaunchAsync(CancellationToken cancellationToken) =>
        Task.FromResult<ResourceProcess?>(ResourceProcess.Start(spec, output, time));
}
