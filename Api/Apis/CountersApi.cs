using ReferenceApp.Api.Counters;
using ReferenceApp.ServiceDefaults.Hosting;

namespace ReferenceApp.Api.Apis;

public static class CountersApi
{
    public static IEndpointRouteBuilder MapCountersApi(this IEndpointRouteBuilder endpoints)
    {
        var counters = endpoints.MapGroup("/api/counters").WithTags("Counters");

        counters.MapPost("/local", (LocalCounter counter, WorkerIdentity identity) =>
                TypedResults.Ok(new CounterValue("local", counter.Increment(), identity.ProcessId)))
            .WithName("IncrementLocalCounter")
            .WithSummary("Increments a counter in this worker's memory: every worker has its own.");

        counters.MapPost("/shared", async (SharedCounter counter, WorkerIdentity identity, CancellationToken cancellationToken) =>
                TypedResults.Ok(new CounterValue("shared", await counter.IncrementAsync(cancellationToken), identity.ProcessId)))
            .WithName("IncrementSharedCounter")
            .WithSummary("Increments a counter in Redis: every worker sees the same value. 503 while Redis is unavailable.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return endpoints;
    }
}

public sealed record CounterValue(string Counter, long Value, int Pid);
