using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ReferenceApp.AppHost.Dashboard.Authentication;
using ReferenceApp.AppHost.Dashboard.Components;
using ReferenceApp.AppHost.Dashboard.Listeners;
using ReferenceApp.AppHost.Dashboard.Otlp;
using ReferenceApp.AppHost.Dashboard.Telemetry;

namespace ReferenceApp.AppHost.Dashboard;

/// <summary>
/// The dashboard in the AppHost: a Blazor Server UI on its port behind the browser token, the OTLP receiver on two more
/// behind the API key, and the telemetry kept in memory. The AppHost's resource services (IResourceMonitor,
/// IConsoleLogs, IResourceCommands, and the SupervisorControlClient for the Supervisors' workers) are registered by the
/// hosting layer.
/// </summary>
public static class DashboardExtensions
{
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.SectionName).ValidateOnStart();
        services.TryAddSingleton<DashboardOptionsSetup>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<DashboardOptions>, DashboardOptionsSetup>(provider => provider.GetRequiredService<DashboardOptionsSetup>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DashboardOptions>, DashboardOptionsSetup>(provider => provider.GetRequiredService<DashboardOptionsSetup>()));

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TelemetryStore>();
        services.AddDashboardListeners();
        services.AddDashboardAuthentication();
        services.AddOtlpReceiver();
        services.AddRazorComponents().AddInteractiveServerComponents();

        // Blazor's script and the scoped styles are static web assets. Run from the build output outside Development,
        // the host would not look for them; this reads the build's manifest when there is one (publish output has none
        // and needs none).
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRouting();
        app.UseMiddleware<ListenerIsolationMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapOtlpReceiver();
        app.MapDashboardLogin();
        if (StaticAssetsManifest() is { } manifest)
        {
            app.MapStaticAssets(manifest);
        }

        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .RequireAuthorization(DashboardAuthentication.BrowserPolicy);
        return app;
    }

    /// <summary>The AppHost's static asset manifest; absent only when the dashboard is hosted by a test.</summary>
    private static string? StaticAssetsManifest()
    {
        var path = Path.Combine(AppContext.BaseDirectory, typeof(App).Assembly.GetName().Name + ".staticwebassets.endpoints.json");
        return File.Exists(path) ? path : null;
    }
}
