using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace ReferenceApp.AppHost;

/// <summary>Tells a front end where the Aspire dashboard is, so it can link a call to its trace there.</summary>
internal static class DashboardLinkExtensions
{
    /// <summary>
    /// <c>services__dashboard__http__0</c>: the dashboard's first address (the launch profile's <c>applicationUrl</c>), without
    /// its browser token. Nothing when the dashboard has no fixed address, as under Aspire.Hosting.Testing.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDashboardLinks(this IResourceBuilder<ProjectResource> builder)
    {
        var urls = builder.ApplicationBuilder.Configuration["ASPNETCORE_URLS"];
        var dashboard = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return Uri.TryCreate(dashboard, UriKind.Absolute, out var url) && url.Port > 0
            ? builder.WithEnvironment("services__dashboard__http__0", url.GetLeftPart(UriPartial.Authority))
            : builder;
    }
}
