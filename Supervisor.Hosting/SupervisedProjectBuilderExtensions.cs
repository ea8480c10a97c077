using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Lifecycle;
using Aspire.Hosting.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Supervisor.Hosting.Dashboard;

namespace Aspire.Hosting;

/// <summary>Adds projects that run as per-core worker processes under a Supervisor to an Aspire application.</summary>
public static class SupervisedProjectBuilderExtensions
{
    /// <summary>
    /// Worker slots shown per supervised resource. Aspire cannot add resources after start, so this many child resources are
    /// created up front and shown or hidden as the Supervisor scales; the dashboard's Scale up stops here.
    /// </summary>
    public const int MaxWorkerSlots = 16;

    /// <summary>
    /// Runs <typeparamref name="TProject"/> as workers under a Supervisor that binds the public <c>http</c> endpoint itself
    /// (not DCP's proxy: connections are handed to the workers, never copied) and balances them. Every variable Aspire gives
    /// the resource (OTEL_*, ConnectionStrings__*, services__*) reaches every worker; each worker shows as a child resource
    /// <c>{name}-{index}</c> with its state, PID, restarts and memory, and exports telemetry as <c>service.instance.id={index}</c>.
    /// </summary>
    /// <param name="port">The public port; null lets Aspire pick a free one.</param>
    public static IResourceBuilder<SupervisedProjectResource> AddSupervisedProject<TProject>(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, int? port = null)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        var workerProject = new TProject().ProjectPath;
        if (builder.ExecutionContext.IsPublishMode)
        {
            // A deployment runs the worker project itself (one worker per pod, or a Supervisor in its image): the manifest
            // describes the project, with the references, OTLP settings and public endpoint given here.
            var published = new SupervisedProjectResource(name, "dotnet", SupervisorExecutable.ProjectDirectory, workerProject, controlToken: null);
            return builder.AddResource(published)
                .WithHttpEndpoint(port: port, name: SupervisedProjectResource.HttpEndpointName)
                .WithEnvironment("HTTP_PORTS", published.HttpEndpoint.Property(EndpointProperty.TargetPort)) // as AddProject's manifest says
                .WithOtlpExporter()
                .WithManifestPublishingCallback(context => WriteWorkerProjectAsync(context, published));
        }

        var token = builder.AddParameter($"{name}-control-token",
            new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
        var resource = new SupervisedProjectResource(name, SupervisorExecutable.Command, SupervisorExecutable.ProjectDirectory, workerProject, token.Resource);

        builder.Services.TryAddSingleton(_ => new SupervisorControlClient(new HttpClient { Timeout = TimeSpan.FromSeconds(10) }));
        builder.Services.TryAddEventingSubscriber<SupervisorStatusSubscriber>();

        var supervised = builder.AddResource(resource)
            .WithHttpEndpoint(port: port, name: SupervisedProjectResource.HttpEndpointName, isProxied: false)
            .WithHttpEndpoint(name: SupervisedProjectResource.ControlEndpointName, isProxied: false)
            .WithEndpoint(SupervisedProjectResource.ControlEndpointName, endpoint => endpoint.ExcludeReferenceEndpoint = true)
            .WithUrlForEndpoint(SupervisedProjectResource.ControlEndpointName, url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            .WithArgs(context => AddSupervisorArguments(context, resource))
            .WithEnvironment(context =>
            {
                context.EnvironmentVariables["Supervisor__ControlToken"] = token.Resource;
                context.EnvironmentVariables["ASPNETCORE_ENVIRONMENT"] = builder.Environment.EnvironmentName;
                context.EnvironmentVariables["DOTNET_ENVIRONMENT"] = builder.Environment.EnvironmentName;
                // What Aspire gives a project resource, so the workers behave as AddProject's would.
                context.EnvironmentVariables["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory";
                context.EnvironmentVariables["LOGGING__CONSOLE__FORMATTERNAME"] = "simple";
            })
            .WithOtlpExporter()
            .WithIconName("ServerMultiple");

        for (var index = 0; index < MaxWorkerSlots; index++)
        {
            var slot = new SupervisedWorkerResource(string.Create(CultureInfo.InvariantCulture, $"{name}-{index}"), resource, index);
            resource.SlotList.Add(slot);
            builder.AddResource(slot)
                .WithParentRelationship(supervised)
                .WithIconName("Box")
                .WithInitialState(WorkerSnapshots.Initial())
                .WithWorkerCommands();
        }

        return supervised.WithSupervisorCommands();
    }

    /// <summary>How many workers to start: a number, or <see cref="WorkerCount.Auto"/> (one per CPU, the default).</summary>
    public static IResourceBuilder<SupervisedProjectResource> WithWorkers(this IResourceBuilder<SupervisedProjectResource> builder, WorkerCount workers)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.Workers = workers;
        return builder;
    }

    /// <summary>How new connections reach the workers: RoundRobin (the default), Sticky (affinity cookie) or ReusePort (the kernel).</summary>
    public static IResourceBuilder<SupervisedProjectResource> WithBalancing(this IResourceBuilder<SupervisedProjectResource> builder, BalancingMode balancing)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.Balancing = balancing;
        return builder;
    }

    /// <summary>Recycles a worker gracefully (replacement ready first) when its resident memory passes <paramref name="megabytes"/> MiB.</summary>
    public static IResourceBuilder<SupervisedProjectResource> WithMemoryLimit(this IResourceBuilder<SupervisedProjectResource> builder, int megabytes)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(megabytes, 1);
        builder.Resource.MemoryLimitMb = megabytes;
        return builder;
    }

    /// <summary>
    /// Gives <paramref name="builder"/> the address and token of <paramref name="supervised"/>'s control API as
    /// <c>Cluster__{name}__ControlUrl</c> and <c>Cluster__{name}__ControlToken</c>, for a front end that shows and commands the cluster.
    /// </summary>
    public static IResourceBuilder<T> WithSupervisorControl<T>(this IResourceBuilder<T> builder, IResourceBuilder<SupervisedProjectResource> supervised)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(supervised);
        if (supervised.Resource.ControlToken is null)
        {
            return builder; // publish mode: a deployment has no Supervisor control API to hand on
        }

        var name = supervised.Resource.Name;
        return builder
            .WithEnvironment($"Cluster__{name}__ControlUrl", ReferenceExpression.Create($"http://127.0.0.1:{supervised.Resource.ControlEndpoint.Property(EndpointProperty.Port)}"))
            .WithEnvironment(context => context.EnvironmentVariables[$"Cluster__{name}__ControlToken"] = supervised.Resource.ControlToken);
    }

    private static async Task WriteWorkerProjectAsync(ManifestPublishingContext context, SupervisedProjectResource resource)
    {
        context.Writer.WriteString("type", "project.v0");
        context.Writer.WriteString("path", context.GetManifestRelativePath(resource.WorkerProjectPath));
        await context.WriteEnvironmentVariablesAsync(resource);
        context.WriteBindings(resource);
    }

    private static void AddSupervisorArguments(CommandLineArgsCallbackContext context, SupervisedProjectResource resource)
    {
        if (SupervisorExecutable.Missing() is { } missing)
        {
            throw new DistributedApplicationException($"{resource.Name}: {missing}");
        }

        foreach (var argument in SupervisorExecutable.Binary!.Arguments)
        {
            context.Args.Add(argument);
        }

        object[] arguments =
        [
            "--app", resource.WorkerProjectPath,
            "--name", resource.Name,
            "--port", resource.HttpEndpoint.Property(EndpointProperty.TargetPort),
            "--control-port", resource.ControlEndpoint.Property(EndpointProperty.TargetPort),
            // Resolved here, not "auto": never more workers than the dashboard has rows for.
            "--workers", resource.Workers.Resolve().ToString(CultureInfo.InvariantCulture),
            "--balancing", resource.Balancing.ToString(),
            // The dashboard names a telemetry source service.name-service.instance.id: "api" + "0" is the child resource api-0.
            "--Supervisor:WorkerInstanceId", "{index}",
        ];
        foreach (var argument in arguments)
        {
            context.Args.Add(argument);
        }

        if (resource.MemoryLimitMb is { } limit)
        {
            context.Args.Add("--memory-limit-mb");
            context.Args.Add(limit.ToString(CultureInfo.InvariantCulture));
        }
    }
}
