using System.Globalization;
using Microsoft.Extensions.Options;
using ReferenceApp.AppHost.Dashboard;
using ReferenceApp.AppHost.Hosting.ApplicationModel;
using ReferenceApp.AppHost.Hosting.ConsoleLogs;
using ReferenceApp.AppHost.Hosting.EnvironmentContract;
using ReferenceApp.AppHost.Hosting.Ports;
using ReferenceApp.AppHost.Hosting.Processes;
using ReferenceApp.AppHost.Hosting.Projects;
using ReferenceApp.AppHost.Hosting.Redis;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.AppHost.Hosting.Orchestration;

/// <summary>
/// The pre-flight, before anything listens or starts: allocates every port (failing clearly on a taken fixed port),
/// checks every project is built, generates the per-run secrets, and prepares one <see cref="ResourceRunner"/> per resource.
/// </summary>
internal sealed class LaunchPlanner(
    DistributedApplicationModel model,
    PortAllocator ports,
    ProjectLocator projects,
    IOptions<DashboardOptions> dashboardOptions,
    IOptions<AppHostOptions> appHostOptions,
    IHostEnvironment environment,
    RedisServerLauncher redisLauncher,
    ConsoleLogStore logs,
    IHttpClientFactory httpClients,
    SupervisorControlClient controlClient,
    TimeProvider time)
{
    public const string ProbeHttpClient = "probes";

    private IReadOnlyList<ResourceRunner>? _runners;

    /// <summary>The runners, in declaration order; available after a successful <see cref="Plan"/>.</summary>
    public IReadOnlyList<ResourceRunner> Runners => _runners ?? throw new InvalidOperationException("The launch has not been planned.");

    /// <summary>Plans the launch; returns one actionable message per problem (empty when everything can start).</summary>
    public IReadOnlyList<string> Plan()
    {
        var problems = new List<string>();
        var dashboard = dashboardOptions.Value;
        var options = appHostOptions.Value;

        ReserveFixed(dashboard.Port, "the dashboard UI", "--dashboard-port", "Dashboard__Port", problems);
        ReserveFixed(dashboard.OtlpGrpcPort, "the dashboard's OTLP/gRPC receiver", "--otlp-grpc-port", "Dashboard__OtlpGrpcPort", problems);
        ReserveFixed(dashboard.OtlpHttpPort, "the dashboard's OTLP/HTTP receiver", "--otlp-http-port", "Dashboard__OtlpHttpPort", problems);

        foreach (var resource in model.StartOrder)
        {
            switch (resource)
            {
                case RedisResource { ExternalConnectionString: null } redis:
                    redis.Port.Allocated = Allocate(redis.Port, redis.Name, "port", problems);
                    redis.Password = DashboardOptions.GenerateToken();
                    break;
                case SupervisedProjectResource supervised:
                    supervised.Port.Allocated = Allocate(supervised.Port, supervised.Name, "HTTP port", problems);
                    supervised.ControlPort.Allocated = ports.Free();
                    supervised.ControlToken = DashboardOptions.GenerateToken();
                    AddIfMissing(projects.MissingAssembly(supervised.Name, supervised.ProjectName), problems);
                    AddIfMissing(projects.MissingAssembly(supervised.Name, SupervisedProjectResource.SupervisorProject), problems);
                    break;
                case ProjectResource project:
                    project.Port.Allocated = Allocate(project.Port, project.Name, "HTTP port", problems);
                    AddIfMissing(projects.MissingAssembly(project.Name, project.ProjectName), problems);
                    break;
            }
        }

        if (problems.Count == 0)
        {
            _runners = model.Resources.Select(resource => CreateRunner(resource, dashboard, options)).ToArray();
        }

        return problems;
    }

    private ResourceRunner CreateRunner(Resource resource, DashboardOptions dashboard, AppHostOptions options)
    {
        var output = new ProcessOutput(resource.Name, logs, options.EchoConsole);
        var http = httpClients.CreateClient(ProbeHttpClient);
        switch (resource)
        {
            case RedisResource redis:
                return new RedisRunner(redis, RedisServerLauncher.Choose(redis, options.RedisServer), redisLauncher, output, time);
            case SupervisedProjectResource supervised:
            {
                var variables = new Dictionary<string, string>(AspireEnvironment.For(supervised, Context(supervised, dashboard)))
                {
                    ["Supervisor__ControlToken"] = supervised.ControlToken!,
                };
                string[] arguments =
                [
                    "exec", projects.AssemblyPath(SupervisedProjectResource.SupervisorProject),
                    "--app", projects.AssemblyPath(supervised.ProjectName),
                    "--port", Text(supervised.Port.Allocated),
                    "--workers", supervised.Workers.ToString(),
                    "--balancing", supervised.Balancing.ToString(),
                    "--control-port", Text(supervised.ControlPort.Allocated),
                    "--name", supervised.Name,
                ];
                var spec = new ProcessSpec("dotnet", arguments, variables, projects.ProjectDirectory(supervised.ProjectName), $"dotnet {string.Join(' ', arguments)}");
                return new SupervisedProjectRunner(supervised, spec, output, http, controlClient, time);
            }

            case ProjectResource project:
            {
                string[] arguments = ["exec", projects.AssemblyPath(project.ProjectName)];
                var spec = new ProcessSpec("dotnet", arguments, AspireEnvironment.For(project, Context(project, dashboard)),
                    projects.ProjectDirectory(project.ProjectName), $"dotnet {string.Join(' ', arguments)}");
                return new ProjectRunner(project, spec, output, http, time);
            }

            default:
                throw new InvalidOperationException($"The AppHost cannot run a {resource.Type} resource ({resource.Name}).");
        }
    }

    private ServiceEnvironmentContext Context(Resource resource, DashboardOptions dashboard) =>
        new(dashboard.OtlpGrpcEndpoint, dashboard.OtlpApiKey, environment.EnvironmentName, AspireEnvironment.NewInstanceId(resource.Name));

    private int Allocate(EndpointPort port, string resource, string what, List<string> problems)
    {
        if (!port.IsFixed)
        {
            return ports.Free();
        }

        var option = $"--{resource}-port";
        ReserveFixed(port.Requested, $"'{resource}' ({what})", option, $"AppHost__Ports__{resource}", problems);
        return port.Requested;
    }

    private void ReserveFixed(int port, string owner, string option, string variable, List<string> problems)
    {
        if (!ports.TryReserve(port))
        {
            problems.Add(
                $"Port {Text(port)} for {owner} is already in use. Stop whatever listens there (find it with: ss -ltnp 'sport = :{Text(port)}'), " +
                $"or choose another port: {option} <port>, or {variable}=<port> (0 = any free port).");
        }
    }

    private static void AddIfMissing(string? problem, List<string> problems)
    {
        if (problem is not null)
        {
            problems.Add(problem);
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
