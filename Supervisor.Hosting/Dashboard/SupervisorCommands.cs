using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.Supervisor.Hosting.Dashboard;

/// <summary>
/// The dashboard's commands, each one call of the Supervisor's control API: Rolling reload, Scale up and Scale down on the
/// supervised resource; Restart (graceful) and Kill (SIGKILL) on a worker. A refusal shows the Supervisor's own words.
/// </summary>
internal static class SupervisorCommands
{
    public static IResourceBuilder<SupervisedProjectResource> WithSupervisorCommands(this IResourceBuilder<SupervisedProjectResource> builder)
    {
        var supervised = builder.Resource;
        return builder
            .WithCommand("rolling-reload", "Rolling reload",
                context => SendAsync(context, supervised, async (client, endpoint, token) =>
                {
                    var reload = await client.ReloadAsync(endpoint, token);
                    return $"Rolling reload started ({reload.Trigger}): each worker is replaced once its replacement is ready.";
                }),
                SupervisorOptions("ArrowSync", "Replace every worker, one at a time, without dropping a request.", "Replacing the workers one at a time…"))
            .WithCommand("scale-up", "Scale up",
                context => ScaleAsync(context, supervised, +1),
                SupervisorOptions("Add", "Start one more worker.", "Starting a worker…"))
            .WithCommand("scale-down", "Scale down",
                context => ScaleAsync(context, supervised, -1),
                SupervisorOptions("Subtract", "Drain and stop the last worker.", "Draining a worker…"));
    }

    public static IResourceBuilder<SupervisedWorkerResource> WithWorkerCommands(this IResourceBuilder<SupervisedWorkerResource> builder)
    {
        var slot = builder.Resource;
        return builder
            .WithCommand("restart-worker", "Restart",
                context => SendAsync(context, slot.Supervisor, async (client, endpoint, token) =>
                {
                    var answer = await client.RestartWorkerAsync(endpoint, slot.Index, token);
                    return $"Worker {slot.Index} (pid {Pid(answer.Pid)}) is being replaced: the new process is ready before it drains.";
                }),
                WorkerOptions("ArrowCounterclockwise", "Replace this worker gracefully.", confirmation: null))
            .WithCommand("kill-worker", "Kill",
                context => SendAsync(context, slot.Supervisor, async (client, endpoint, token) =>
                {
                    var answer = await client.KillWorkerAsync(endpoint, slot.Index, token);
                    return $"Worker {slot.Index} (pid {Pid(answer.Pid)}) was sent SIGKILL; the Supervisor restarts it as it would after a crash.";
                }),
                WorkerOptions("DismissCircle", "SIGKILL this worker, as a crash would.",
                    $"Kill worker {slot.Index} of {slot.Supervisor.Name} with SIGKILL? Its in-flight requests fail; the Supervisor starts a new one."));
    }

    private static async Task<ExecuteCommandResult> ScaleAsync(ExecuteCommandContext context, SupervisedProjectResource supervised, int change) =>
        await SendAsync(context, supervised, async (client, endpoint, token) =>
        {
            var status = await client.GetStatusAsync(endpoint, token);
            var workers = status.DesiredWorkers + change;
            if (workers < 1 || workers > supervised.Slots.Count)
            {
                throw new CommandRefusedException(workers < 1
                    ? $"{supervised.Name} runs 1 worker: it cannot scale below one."
                    : $"{supervised.Name} runs {status.DesiredWorkers} workers, as many as the dashboard shows ({supervised.Slots.Count}); set SupervisedProjectBuilderExtensions.MaxWorkerSlots higher to go beyond.");
            }

            var answer = await client.ScaleAsync(endpoint, workers, token);
            return string.Create(CultureInfo.InvariantCulture, $"Scaling {supervised.Name} from {answer.PreviousWorkers} to {answer.DesiredWorkers} workers.");
        });

    private static async Task<ExecuteCommandResult> SendAsync(ExecuteCommandContext context, SupervisedProjectResource supervised,
        Func<SupervisorControlClient, ControlEndpoint, CancellationToken, Task<string>> send)
    {
        try
        {
            var client = context.Services.GetRequiredService<SupervisorControlClient>();
            var endpoint = await supervised.GetControlEndpointAsync(context.CancellationToken);
            return CommandResults.Success(await send(client, endpoint, context.CancellationToken));
        }
        catch (SupervisorControlException exception)
        {
            return CommandResults.Failure($"{supervised.Name}'s Supervisor refused: {exception.Message}");
        }
        catch (CommandRefusedException exception)
        {
            return CommandResults.Failure(exception.Message);
        }
    }

    private static CommandOptions SupervisorOptions(string icon, string description, string progress) => new()
    {
        IconName = icon,
        Description = description,
        Progress = new CommandProgressOptions { Message = progress },
        UpdateState = context => context.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
    };

    private static CommandOptions WorkerOptions(string icon, string description, string? confirmation) => new()
    {
        IconName = icon,
        Description = description,
        ConfirmationMessage = confirmation,
        IsHighlighted = true,
        UpdateState = context => WorkerSnapshots.HasProcess(context.ResourceSnapshot) ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
    };

    private static string Pid(int? pid) => pid?.ToString(CultureInfo.InvariantCulture) ?? "none";

    private sealed class CommandRefusedException(string message) : Exception(message);
}
