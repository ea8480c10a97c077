using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ReferenceApp.AppHost.Dashboard.Authentication;
using ReferenceApp.AppHost.Dashboard.Listeners;
using ReferenceApp.AppHost.Dashboard.Otlp;
using ReferenceApp.AppHost.Dashboard.Telemetry;

namespace ReferenceApp.AppHost.Dashboard;

/// <summary>The dashboard in the AppHost: UI on its port, the OTLP receiver on two more, telemetry kept in memory.</summary>
public static class DashboardExtensions
{
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.SectionName).ValidateOnStart();
        services.AddSingleton<DashboardOptionsSetup>();
        services.AddSingleton<IPostConfigureOptions<DashboardOptions>>(provider => provider.GetRequiredService<DashboardOptionsSetup>());
        services.AddSingleton<IValidateOptions<DashboardOptions>>(provider => provider.GetRequiredService<DashboardOptionsSetup>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TelemetryStore>();
        services.AddDashboardListeners();
        services.AddDashboardAuthentication();
        services.AddOtlpReceiver();
        return builder;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRouting();
        app.UseMiddleware<ListenerIsolationMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOtlpReceiver();
        app.MapDashboardLogin();
        return app;
    }
}
