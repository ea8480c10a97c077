using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReferenceApp.Supervisor.Balancing;
using ReferenceApp.Supervisor.Configuration;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Supervisor.Policies;
using ReferenceApp.Supervisor.Workers;

namespace ReferenceApp.Supervisor.Control;

/// <summary>The control API (docs/protocol.md, "Control API"): status and commands, loopback only, bearer token.</summary>
public static partial class ControlApi
{
    public static WebApplication MapControlApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<ControlAuthenticationMiddleware>();

        app.MapGet("/status", GetStatus).WithName("GetStatus").WithSummary("The policy, the port and every worker slot.");
        app.MapPost("/reload", Reload).WithName("Reload").WithSummary("Rolling reload, one worker at a time.");
        app.MapPost("/workers/{index:int}/restart", Restart).WithName("RestartWorker").WithSummary("Graceful replacement of one worker.");
        app.MapPost("/workers/{index:int}/kill", Kill).WithName("KillWorker").WithSummary("SIGKILL one worker (demos, chaos); it is restarted like any crash.");
        app.MapPost("/scale", Scale).WithName("Scale").WithSummary("Change the number of workers (1-64).");
        return app;
    }

    private static SupervisorStatus GetStatus(WorkerPool pool, RollingReload reload, IBalancingPolicy balancer, IOptions<SupervisorOptions> options) =>
        new(pool.ServiceName, balancer.Mode.ToString(), options.Value.Port, pool.DesiredWorkers, reload.Last,
            pool.Slots.OrderBy(slot => slot.Index).Select(slot => Describe(slot.Status())).ToArray());

    private static WorkerStatus Describe(WorkerSlotStatus slot) => new(slot.Index, slot.ProcessId, slot.State, slot.StartedAt, slot.Restarts,
        slot.Heartbeat?.RssBytes, slot.Heartbeat?.GcHeapBytes, slot.Heartbeat?.InFlight, slot.Heartbeat?.RequestsServed, slot.LastExit);

    private static Results<Accepted<ReloadStatus>, Conflict<ProblemDetails>> Reload(RollingReload reload) =>
        reload.TryStart("control API", out var status)
            ? TypedResults.Accepted("/status", status)
            : TypedResults.Conflict(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "A rolling reload is already running.",
                Detail = $"Started {status.StartedAt:O} by {status.Trigger}; {status.Replaced} workers replaced so far.",
            });

    private static Results<Accepted<WorkerCommandResponse>, NotFound<ProblemDetails>> Restart(
        int index, WorkerPool pool, IHostApplicationLifetime lifetime, ILogger<WorkerPool> logger)
    {
        if (pool.Slot(index) is not { } slot)
        {
            return NoSuchWorker(index, pool);
        }

        var pid = slot.Current?.ProcessId;
        _ = RunInBackgroundAsync(() => slot.ReplaceAsync("restart requested", lifetime.ApplicationStopping), logger);
        return TypedResults.Accepted("/status", new WorkerCommandResponse(index, pid, "restarting"));
    }

    private static Results<Accepted<WorkerCommandResponse>, NotFound<ProblemDetails>, Conflict<ProblemDetails>> Kill(int index, WorkerPool pool)
    {
        if (pool.Slot(index) is not { } slot)
        {
            return NoSuchWorker(index, pool);
        }

        return slot.Kill("killed through the control API") is { } pid
            ? TypedResults.Accepted("/status", new WorkerCommandResponse(index, pid, "killed"))
            : TypedResults.Conflict(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = $"Worker {index} has no running process.",
                Detail = $"Its state is {slot.Status().State}.",
            });
    }

    private static Results<Accepted<ScaleResponse>, ValidationProblem> Scale(
        int? workers, WorkerPool pool, IHostApplicationLifetime lifetime, ILogger<WorkerPool> logger)
    {
        if (workers is not (>= 1 and <= SupervisorOptions.MaxWorkers))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["workers"] = [$"Give ?workers=N with N from 1 to {SupervisorOptions.MaxWorkers}."],
            });
        }

        var previous = pool.DesiredWorkers;
        _ = RunInBackgroundAsync(() => pool.ScaleAsync(workers.Value, lifetime.ApplicationStopping), logger);
        return TypedResults.Accepted("/status", new ScaleResponse(previous, workers.Value));
    }

    private static NotFound<ProblemDetails> NoSuchWorker(int index, WorkerPool pool) => TypedResults.NotFound(new ProblemDetails
    {
        Status = StatusCodes.Status404NotFound,
        Title = $"There is no worker {index}.",
        Detail = $"Workers are numbered 0 to {pool.DesiredWorkers - 1}.",
    });

    private static async Task RunInBackgroundAsync(Func<Task> operation, ILogger logger)
    {
        try
        {
            await operation();
        }
        catch (OperationCanceledException)
        {
            // The Supervisor is stopping; shutdown takes over.
        }
#pragma warning disable CA1031 // a command that fails in the background must be logged, not crash the Supervisor
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.CommandFailed(logger, exception);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ControlCommandFailed, EventName = nameof(EventIds.ControlCommandFailed), Level = LogLevel.Error, Message = "A control command failed")]
        public static partial void CommandFailed(ILogger logger, Exception exception);
    }
}
