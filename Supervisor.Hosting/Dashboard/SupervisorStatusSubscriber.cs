using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Eventing;
using Aspire.Hosting.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.Supervisor.Hosting.Dashboard;

/// <summary>In run mode, starts one <see cref="SupervisorStatusPoller"/> per supervised resource when the app starts.</summary>
internal sealed partial class SupervisorStatusSubscriber : IDistributedApplicationEventingSubscriber
{
    public Task SubscribeAsync(IDistributedApplicationEventing eventing, DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        if (executionContext.IsRunMode)
        {
            eventing.Subscribe<BeforeStartEvent>((@event, cancellation) =>
            {
                var services = @event.Services;
                var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
                var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<SupervisorStatusSubscriber>();
                if (SupervisorExecutable.Binary is { } binary)
                {
                    LogSupervisorBinary(logger, binary.IsNative ? "native (ahead-of-time compiled)" : "JIT", binary.FileName);
                    if (binary.Note is { } note)
                    {
                        LogNativeBinaryPassedOver(logger, note);
                    }
                }

                foreach (var supervised in @event.Model.Resources.OfType<SupervisedProjectResource>())
                {
                    var poller = new SupervisorStatusPoller(supervised,
                        services.GetRequiredService<ResourceNotificationService>(),
                        services.GetRequiredService<ResourceLoggerService>(),
                        services.GetRequiredService<SupervisorControlClient>(),
                        services.GetRequiredService<ILoggerFactory>().CreateLogger<SupervisorStatusPoller>());
                    _ = Task.Run(() => poller.RunAsync(stopping), CancellationToken.None);
                }

                return Task.CompletedTask;
            });
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Supervisors run the {Kind} build: {FileName}")]
    private static partial void LogSupervisorBinary(ILogger logger, string kind, string fileName);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Note}")]
    private static partial void LogNativeBinaryPassedOver(ILogger logger, string note);
}
