using Microsoft.Extensions.Options;
using ReferenceApp.Web.Browser;
using ReferenceApp.Web.Cluster;
using ReferenceApp.Web.Components;
using ReferenceApp.Web.Discovery;

namespace ReferenceApp.Web.Hosting;

/// <summary>Wiring of the Web front end: Blazor, the addresses the browser calls, and the cluster monitor.</summary>
public static class WebFrontEndExtensions
{
    public static WebApplicationBuilder AddWebFrontEnd(this WebApplicationBuilder builder)
    {
        // Blazor's framework files (blazor.web.js) are mapped from the build's static web assets manifest. Only Development
        // loads it by default, so a built (not published) Web run in Production would answer 500 for them. Published output
        // has no such manifest, and this is then a no-op.
        builder.WebHost.UseStaticWebAssets();

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();

        builder.Services.AddOptions<BrowserEndpointsOptions>()
            .BindConfiguration(BrowserEndpointsOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<BrowserEndpointsSetup>();
        builder.Services.AddSingleton<IPostConfigureOptions<BrowserEndpointsOptions>>(services => services.GetRequiredService<BrowserEndpointsSetup>());
        builder.Services.AddSingleton<IValidateOptions<BrowserEndpointsOptions>>(services => services.GetRequiredService<BrowserEndpointsSetup>());

        builder.Services.AddOptions<ClusterControlOptions>().ValidateOnStart();
        builder.Services.AddSingleton<ClusterControlOptionsSetup>();
        builder.Services.AddSingleton<IConfigureOptions<ClusterControlOptions>>(services => services.GetRequiredService<ClusterControlOptionsSetup>());
        builder.Services.AddSingleton<IValidateOptions<ClusterControlOptions>>(services => services.GetRequiredService<ClusterControlOptionsSetup>());

        // Control commands must be sent exactly once (a retried kill would kill the replacement), and status polls are
        // better missed than late: no resilience handler on either client.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the supported way to opt one client out of the defaults
        builder.Services.AddHttpClient(ClusterControl.HttpClientName).RemoveAllResilienceHandlers();
        builder.Services.AddHttpClient(RedisProbe.ApiHealthClient).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        builder.Services.AddScoped<BrowserHttp>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ClusterControl>();
        builder.Services.AddSingleton<RedisProbe>();
        builder.Services.AddSingleton<ClusterMonitor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ClusterMonitor>());
        return builder;
    }

    public static WebApplication MapWebFrontEnd(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
