using System.Diagnostics;
using System.Globalization;
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
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Supervisor.Control;
using ReferenceApp.Supervisor.Policies;
using ReferenceApp.Supervisor.Telemetry;
using ReferenceApp.Supervisor.Workers;

namespace ReferenceApp.Supervisor.Hosting;

/// <summary>Wires the Supervisor: command line, settings, workers, policies, control API endpoint and telemetry.</summary>
public static class SupervisorHostingExtensions
{
    /// <summary>Adds the command line to configuration; an exit code when the process should end now (--help, bad arguments).</summary>
    public static int? AddSupervisorCommandLine(this WebApplicationBuilder builder, string[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
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
        return null;
    }

    /// <summary>
    /// Checks every setting before anything is built or started: one message per problem on stderr, and the exit code
    /// to end with; null when the settings are valid. Unknown settings (a typo in Supervisor__Wokers) are problems too.
    /// </summary>
    public static int? ValidateSupervisorSettings(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new SupervisorOptions();
        try
        {
            builder.Configuration.GetSection(SupervisorOptions.SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException exception) when (exception.Message.Contains(nameof(BinderOptions.ErrorOnUnknownConfiguration), StringComparison.Ordinal))
        {
            var unknown = exception.Message[(exception.Message.LastIndexOf(": ", StringComparison.Ordinal) + 2)..];
            return Fail([$"Unknown Supervisor setting(s) {unknown}: check the spelling (Supervisor__<Setting>, or the Supervisor section of appsettings.json)."]);
        }
        catch (InvalidOperationException exception)
        {
            return Fail([exception.InnerException?.InnerException is { } cause ? $"{exception.Message} {cause.Message}" : exception.Message]);
        }

        var result = new SupervisorOptionsValidator().Validate(null, options);
        return result.Failed ? Fail(result.Failures) : null;
    }

    private static bool IsStatusPoll(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Path.StartsWithSegments("/status", StringComparison.OrdinalIgnoreCase);

    public static WebApplicationBuilder AddSupervisor(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        // One line per control request would drown the workers' own output on the Supervisor's console.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.ConfigureOpenTelemetry(SupervisorIdentity(builder.Configuration));
        // The AppHost and the dashboard poll GET /status every second: tracing it would bury every real trace.
        services.Configure<AspNetCoreTraceInstrumentationOptions>(tracing =>
        {
            var inner = tracing.Filter;
            tracing.Filter = context => !IsStatusPoll(context.Request) && (inner?.Invoke(context) ?? true);
        });
        builder.AddParentWatchdog();

        services.AddOptions<SupervisorOptions>()
            .BindConfiguration(SupervisorOptions.SectionName, binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SupervisorOptions>, SupervisorOptionsValidator>();
        // Read raw: the host needs this while it is built, before the settings are validated (PrepareSupervisorAsync).
        var drainTimeout = TimeSpan.TryParse(builder.Configuration[$"{SupervisorOptions.SectionName}:{nameof(SupervisorOptions.DrainTimeout)}"],
            CultureInfo.InvariantCulture, out var configured) ? configured : new SupervisorOptions().DrainTimeout;
        services.Configure<HostOptions>(host => host.ShutdownTimeout = drainTimeout + TimeSpan.FromSeconds(10));

        services.TryAddTimeProvider();
        services.AddSingleton(provider =>
        {
            var app = provider.GetRequiredService<IOptions<SupervisorOptions>>().Value.App!;
            return WorkerApplication.TryResolve(app, out var resolved, out var problem) ? resolved : throw new InvalidOperationException(problem);
        });
        services.AddSingleton<RuntimeDirectory>();
        services.AddSingleton<WorkerLauncher>();
        services.AddSingleton<IWorkerFactory, WorkerFactory>();
        services.AddSingleton<WorkerPool>();
        services.AddSingleton<RollingReload>();
        services.AddWorkerHealthPolicies();
        services.AddSingleton<WorkerWatchdog>();
        services.AddSingleton<SupervisorMetrics>();
        services.AddSingleton<ControlToken>();
        services.AddBalancingPolicy(provider => provider.GetRequiredService<IOptions<SupervisorOptions>>().Value.Balancing);
        services.AddHostedService<SupervisorService>();

        // The control API: loopback only, on the configured port (0 = any free one), whatever ASPNETCORE_URLS says.
        builder.WebHost.UseUrls();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<SupervisorOptions>>((kestrel, supervisor) =>
            kestrel.Listen(IPAddress.Loopback, supervisor.Value.ControlPort));
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

    /// <summary>
    /// The Supervisor reports as the service it supervises, instance <c>name-supervisor</c>, beside its workers: the same
    /// name by the same rule (<see cref="ServiceNames.Resolve"/>), from the same app.
    /// </summary>
    private static WorkerIdentity SupervisorIdentity(ConfigurationManager configuration)
    {
        // An --app that does not resolve is reported by the options' validation; the name only needs a fallback until then.
        var appPath = configuration[$"{SupervisorOptions.SectionName}:{nameof(SupervisorOptions.App)}"];
        var assemblyName = appPath is { Length: > 0 } && WorkerApplication.TryResolve(appPath, out var app, out _) ? app.AssemblyName : "supervisor";
        var name = ServiceNames.Resolve(configuration[$"{SupervisorOptions.SectionName}:{nameof(SupervisorOptions.Name)}"],
            configuration[ServiceNames.Variable], assemblyName);
        using var self = Process.GetCurrentProcess();
        return new WorkerIdentity(name, $"{name}-supervisor", null, null, Environment.ProcessId,
            new DateTimeOffset(self.StartTime.ToUniversalTime(), TimeSpan.Zero));
    }
}
