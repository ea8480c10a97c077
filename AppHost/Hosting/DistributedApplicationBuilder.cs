using Microsoft.Extensions.Options;
using ReferenceApp.AppHost.Dashboard;
using ReferenceApp.AppHost.Hosting.ApplicationModel;
using ReferenceApp.AppHost.Hosting.CommandLine;
using ReferenceApp.AppHost.Hosting.ConsoleLogs;
using ReferenceApp.AppHost.Hosting.Monitoring;
using ReferenceApp.AppHost.Hosting.Orchestration;
using ReferenceApp.AppHost.Hosting.Ports;
using ReferenceApp.AppHost.Hosting.Projects;
using ReferenceApp.AppHost.Hosting.Redis;
using ReferenceApp.AppHost.Hosting.Supervision;

namespace ReferenceApp.AppHost.Hosting;

/// <summary>Builds the app model and the AppHost around it, in the shape of Aspire's <c>IDistributedApplicationBuilder</c>.</summary>
public sealed class DistributedApplicationBuilder
{
    private readonly WebApplicationBuilder _host;
    private readonly List<Resource> _resources = [];
    private readonly string[] _arguments;
    private readonly bool _showHelp;

    internal DistributedApplicationBuilder(string[] args)
    {
        _showHelp = args.Any(AppHostCommandLine.IsHelp);
        _arguments = args.Where(argument => !AppHostCommandLine.IsHelp(argument)).ToArray();
                // The AppHost's own settings sit next to its dll, wherever it is started from.
        _host = WebApplication.CreateBuilder(new WebApplicationOptions { Args = _arguments, ContentRootPath = AppContext.BaseDirectory });
        _host.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });
    }

    public ConfigurationManager Configuration => _host.Configuration;

    public IWebHostEnvironment Environment => _host.Environment;

    public IServiceCollection Services => _host.Services;

    public IReadOnlyList<Resource> Resources => _resources;

    public IResourceBuilder<T> AddResource<T>(T resource) where T : Resource
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (_resources.Any(r => r.Name.Equals(resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"A resource named '{resource.Name}' already exists; every resource needs its own name.");
        }

        _resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }

    /// <summary>
    /// Applies the command line and configuration to the model, checks the model (a dependency cycle throws), and builds the
    /// host. Configuration problems do not throw: <see cref="DistributedApplication.RunAsync"/> reports them and exits with 2.
    /// </summary>
    public DistributedApplication Build()
    {
        var model = new DistributedApplicationModel(_resources.ToArray());
        var switches = AppHostCommandLine.Switches(_resources);
        var problems = new List<string>();
        problems.AddRange(AppHostCommandLine.UnknownOptions(_arguments, switches)
            .Select(option => $"Unknown option {option}. See --help for the options."));
        Configuration.AddCommandLine(_arguments, AppHostCommandLine.SwitchMappings(switches));
        GenerateMissingSecrets();
        problems.AddRange(ModelConfiguration.Apply(Configuration, _resources));

        AddHostingServices(model);
        _host.AddDashboard();
        var app = _host.Build();
        app.MapDashboard();
        return new DistributedApplication(app, _showHelp ? AppHostCommandLine.Help(_resources, switches) : null, problems);
    }

    /// <summary>Tokens not given in configuration are generated for this run, once, so every reader sees the same value.</summary>
    private void GenerateMissingSecrets()
    {
        var generated = new Dictionary<string, string?>();
        foreach (var key in new[] { nameof(DashboardOptions.BrowserToken), nameof(DashboardOptions.OtlpApiKey) })
        {
            var path = $"{DashboardOptions.SectionName}:{key}";
            if (string.IsNullOrWhiteSpace(Configuration[path]))
            {
                generated[path] = DashboardOptions.GenerateToken();
            }
        }

        Configuration.AddInMemoryCollection(generated);
    }

    private void AddHostingServices(DistributedApplicationModel model)
    {
        Services.AddOptions<AppHostOptions>().BindConfiguration(AppHostOptions.SectionName).ValidateDataAnnotations();
        Services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.SectionName).ValidateDataAnnotations();
        Services.AddOptions<HostOptions>().Configure<IOptions<AppHostOptions>>((host, appHost) =>
            host.ShutdownTimeout = appHost.Value.StopTimeout + TimeSpan.FromSeconds(10));

        Services.AddSingleton(model);
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<ResourceMonitor>();
        Services.AddSingleton<IResourceMonitor>(services => services.GetRequiredService<ResourceMonitor>());
        Services.AddSingleton<ConsoleLogStore>();
        Services.AddSingleton<IConsoleLogs>(services => services.GetRequiredService<ConsoleLogStore>());
        Services.AddSingleton<PortAllocator>();
        Services.AddSingleton<ProjectLocator>();
        Services.AddSingleton<RedisServerLauncher>();
        Services.AddSingleton<LaunchPlanner>();
        Services.AddSingleton<StartupReport>();
        Services.AddHttpClient(LaunchPlanner.ProbeHttpClient, http => http.Timeout = TimeSpan.FromSeconds(3));
        Services.AddHttpClient<SupervisorControlClient>(SupervisorControlClient.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(3));
        Services.AddSingleton<Orchestrator>();
        Services.AddSingleton<IResourceCommands>(services => services.GetRequiredService<Orchestrator>());
        Services.AddHostedService(services => services.GetRequiredService<Orchestrator>());
    }
}
