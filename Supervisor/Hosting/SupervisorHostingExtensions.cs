using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Instrumentation.AspNetCore;
using ReferenceApp.ServiceDefaults.Hosting;
using ReferenceApp.ServiceDefaults.Telemetry;
using ReferenceApp.Supervisor.Balancing;
using ReferenceApp.Supervisor.Configuration;
using ReferenceApp.Supervisor.Contracts.Hosting;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Supervisor.Control;
using ReferenceApp.Supervisor.Policies;
using ReferenceApp.Supervisor.Telemetry;
using ReferenceApp.Supervisor.Workers;

namespace ReferenceApp.Supervisor.Hosting;

/// <summary>Wires the Supervisor: command line, settings, workers, policies, control API endpoint and telemetry.</summary>
public static class SupervisorHostingExtensions
{
    /// <summary>
    /// Reads the settings once, before anything is built: the command line (added to configuration, above the environment
    /// and appsettings.json), bound and checked by <see cref="SupervisorSettings.Read"/>. Returns the exit code to end with
    /// now (0 after --help; 2 after printing every problem, one line each), or null with <paramref name="settings"/> set.
    /// </summary>
    public static int? ReadSupervisorSettings(this WebApplicationBuilder builder, string[] args, out SupervisorSettings? settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        settings = null;
        var parsed = CommandLineSwitches.Parse(args);
        if (parsed.HelpRequested)
        {
            Console.Out.WriteLine(CommandLineSwitches.Usage);
            return 0;
        }

        if (parsed.Errors.Count > 0)
        {
            return Fail(parsed.Errors);
        }

        builder.Configuration.AddInMemoryCollection(parsed.Settings);
        settings = SupervisorSettings.Read(builder.Configuration, out var problems);
        return settings is null ? Fail(problems) : null;
    }

    private static bool IsStatusPoll(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Path.StartsWithSegments("/status", StringComparison.OrdinalIgnoreCase);

    /// <param name="settings">From <see cref="ReadSupervisorSettings"/>: read and checked once, used as they are.</param>
    public static WebApplicationBuilder AddSupervisor(this WebApplicationBuilder builder, SupervisorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        var services = builder.Services;
        var options = settings.Options;

        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        // One line per control request would drown the workers' own output on the Supervisor's console.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.ConfigureOpenTelemetry(SupervisorIdentity(settings.ServiceName));
        // The AppHost and the dashboard poll GET /status every second: tracing it would bury every real trace.
        services.Configure<AspNetCoreTraceInstrumentationOptions>(tracing =>
        {
            var inner = tracing.Filter;
            tracing.Filter = context => !IsStatusPoll(context.Request) && (inner?.Invoke(context) ?? true);
        });
        builder.AddParentWatchdog();

        services.AddSingleton(settings);
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(settings.App);
        services.Configure<HostOptions>(host => host.ShutdownTimeout = options.DrainTimeout + TimeSpan.FromSeconds(10));

        services.TryAddTimeProvider();
        services.AddSingleton<RuntimeDirectory>();
        services.AddSingleton<WorkerLauncher>();
        services.AddSingleton<IWorkerFactory, WorkerFactory>();
        services.AddSingleton<WorkerPool>();
        services.AddSingleton<RollingReload>();
        services.AddWorkerHealthPolicies();
        services.AddSingleton<WorkerWatchdog>();
        services.AddSingleton<SupervisorMetrics>();
        services.AddSingleton<ControlToken>();
        services.AddBalancingPolicy(options.Balancing, options.Sticky);
        services.AddHostedService<SupervisorService>();

        // The control API: loopback only, on the configured port (0 = any free one), whatever ASPNETCORE_URLS says.
        builder.WebHost.UseUrls();
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Listen(IPAddress.Loopback, options.ControlPort));
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, SupervisorControlJson.Default));
        return builder;
    }

    /// <summary>
    /// Prepares the public port through the balancing policy before any worker starts; a port held by another process
    /// ends the Supervisor with a clear message. Returns the exit code then, null when the Supervisor may run.
    /// </summary>
    public static async Task<int?> PrepareSupervisorAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<SupervisorOptions>>().Value;
        try
        {
            var context = new BalancingContext(IPAddress.Parse(options.Address), options.Port, app.Services.GetRequiredService<RuntimeDirectory>().Path);
            await app.Services.GetRequiredService<IBalancingPolicy>().StartAsync(context, app.Lifetime.ApplicationStopping);
            return null;
        }
        catch (BalancingException exception)
        {
            await app.DisposeAsync();
            return Fail([exception.Message]);
        }
    }

    private static int Fail(IEnumerable<string> problems)
    {
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"Supervisor: {problem}");
        }

        return ExitCodes.InvalidSettings;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    /// <summary>The Supervisor reports as the service it supervises, instance <c>name-supervisor</c>, beside its workers.</summary>
    private static WorkerIdentity SupervisorIdentity(string name)
    {
        using var self = Process.GetCurrentProcess();
        return new WorkerIdentity(name, $"{name}-supervisor", null, null, Environment.ProcessId,
            new DateTimeOffset(self.StartTime.ToUniversalTime(), TimeSpan.Zero));
    }
}
