using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using ReferenceApp.ServiceDefaults.Hosting;

namespace ReferenceApp.Api.Apis;

public static class WorkApi
{
    public const int MinMilliseconds = 1;
    public const int MaxMilliseconds = 5000;

    public static IEndpointRouteBuilder MapWorkApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/work", BurnCpu)
            .WithName("Work")
            .WithTags("Cluster")
            .WithSummary($"Burns ms milliseconds of CPU on this worker ({MinMilliseconds} to {MaxMilliseconds}).");
        return endpoints;
    }

    // ms arrives as a string so that a missing or non-numeric value gets the same problem response as an out-of-range one.
    private static Results<Ok<WorkDone>, ValidationProblem> BurnCpu(string? ms, WorkerIdentity identity, CancellationToken cancellationToken)
    {
        if (!int.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            || milliseconds is < MinMilliseconds or > MaxMilliseconds)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]>
                {
                    ["ms"] = [$"ms must be a whole number of milliseconds from {MinMilliseconds} to {MaxMilliseconds}."],
                },
                title: "Invalid query parameter 'ms'");
        }

        var stopwatch = Stopwatch.StartNew();
        var spins = 0L;
        while (stopwatch.ElapsedMilliseconds < milliseconds && !cancellationToken.IsCancellationRequested)
        {
            spins++;
        }

        return TypedResults.Ok(new WorkDone(milliseconds, stopwatch.Elapsed.TotalMilliseconds, spins, identity.ProcessId));
    }
}

public sealed record WorkDone(int RequestedMs, double ElapsedMs, long Spins, int Pid);
