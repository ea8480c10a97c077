using ReferenceApp.ServiceDefaults.Hosting;

namespace ReferenceApp.Api.Apis;

public static class WhoAmIApi
{
    public static IEndpointRouteBuilder MapWhoAmIApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/whoami", (WorkerIdentity identity, TimeProvider time) => TypedResults.Ok(WhoAmI.From(identity, time)))
            .WithName("WhoAmI")
            .WithTags("Cluster")
            .WithSummary("Which service, worker and process answered this request.");
        return endpoints;
    }
}

public sealed record WhoAmI(string Service, string Instance, int? WorkerIndex, int Pid, DateTimeOffset StartedAt, double UptimeSeconds)
{
    public static WhoAmI From(WorkerIdentity identity, TimeProvider time) => new(
        identity.ServiceName,
        identity.InstanceId,
        identity.WorkerIndex,
        identity.ProcessId,
        identity.StartedAt,
        Math.Round((time.GetUtcNow() - identity.StartedAt).TotalSeconds, 3));
}
