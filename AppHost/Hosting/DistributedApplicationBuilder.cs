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
using ReferenceApp.Supervisor.Contracts;

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
        problems.AddRange(OptionProblems<AppHostOptions>(AppHostOptions.SectionName));
        problems.AddRange(OptionProblems<DashboardOptions>(DashboardOptions.SectionName));
        var help = _showHelp ? AppHostCommandLine.Help(_resources, switches) : null;
        if (help is not null || problems.Count > 0)
        {
            // No host: building it would already read the invalid settings (Kestrel's endpoints, for one).
            return new DistributedApplication(null, help, problems);
        }

        AddHostingServices(model);
        _host.AddDashboard();
        var app = _host.Build();
        app.MapDashboard();
        return new DistributedApplication(app, null, []);
    }

    /// <summary>Binds and validates one options section as the host will, so a bad value is a message, not a crash.</summary>
    private IEnumerable<string> OptionProblems<TOptions>(string section) where TOptions : class, new()
    {
        TOptions options;
        try
        {
            options = Configuration.GetSection(section).Get<TOptions>() ?? new TOptions();
        }
        catch (InvalidOperationException exception)
        {
            // The binder's message names the key and the value it could not convert.
            return [$"{exception.Message} See --help for the accepted values."];
        }

        var result = new DataAnnotationsValidation<TOptions>().Validate(null, options);
        return result.Failed ? result.Failures : [];
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
        Services.AddOptions<AppHostOptions>().BindConfiguration(AppHostOptions.SectionName);
        Services.AddSingleton<IValidateOptions<AppHostOptions>, DataAnnotationsValidation<AppHostOptions>>();
        Services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.SectionName);
        Services.AddSingleton<IValidateOptions<DashboardOptions>, DataAnnotationsValidation<DashboardOptions>>();
        // The host must outlast the AppHost's own stop deadline. Read leniently: the host is built before the AppHost's
        // options are validated, and an invalid value is reported by that validation, not by a crash here.
        var stopSeconds = int.TryParse(Configuration[$"{AppHostOptions.SectionName}:{nameof(AppHostOptions.StopTimeoutSeconds)}"],
            System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? Math.Clamp(seconds, 1, 600) : new AppHostOptions().StopTimeoutSeconds;
        Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(stopSeconds + 10));

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
        // The orchestrator's probes and the dashboard's workers table and actions. No retry handler: a retried kill or
        // scale would act twice. The probes keep a shorter deadline of their own.
        Services.AddHttpClient<SupervisorControlClient>(http => http.Timeout = TimeSpan.FromSeconds(10));
        Services.AddSingleton<Orchestrator>();
        Services.AddSingleton<IResourceCommands>(services => services.GetRequiredService<Orchestrator>());
        Services.AddHostedService(services => services.GetRequiredService<Orchestrator>());
    }
}
