using Microsoft.Extensions.Options;

namespace ReferenceApp.Web.Discovery;

/// <summary>
/// Fills <see cref="BrowserEndpointsOptions"/> from service discovery configuration (<c>services:{name}:{endpoint}:0</c>,
/// https preferred, as Aspire's <c>https+http://</c> scheme does) unless the <c>Web</c> section sets an address itself,
/// and checks at start-up that the browser has somewhere to go.
/// </summary>
internal sealed class BrowserEndpointsSetup(IConfiguration configuration) :
    IPostConfigureOptions<BrowserEndpointsOptions>, IValidateOptions<BrowserEndpointsOptions>
{
    public const string ApiService = "api";
#if (!NoRealtime)
    public const string RealtimeService = "realtime";
#endif
    public const string DashboardService = "dashboard";

    public void PostConfigure(string? name, BrowserEndpointsOptions options)
    {
        options.ApiUrl ??= Discover(ApiService);
#if (!NoRealtime)
        options.RealtimeUrl ??= Discover(RealtimeService);
#endif
        options.DashboardUrl ??= Discover(DashboardService);
    }

    public ValidateOptionsResult Validate(string? name, BrowserEndpointsOptions options)
    {
        var failures = new List<string>();
        Require(options.ApiUrl, ApiService, nameof(options.ApiUrl), failures);
#if (!NoRealtime)
        Require(options.RealtimeUrl, RealtimeService, nameof(options.RealtimeUrl), failures);
        if (!options.HubPath.StartsWith('/'))
        {
            failures.Add($"Web:HubPath must start with '/', but was '{options.HubPath}'.");
        }
#endif
        if (options.DashboardUrl is { } dashboard && !IsHttp(dashboard))
        {
            failures.Add($"Web:DashboardUrl must be an absolute http(s) URL, but was '{dashboard}'.");
        }

        if (!options.DashboardTracePath.Contains("{traceId}", StringComparison.Ordinal))
        {
            failures.Add($"Web:DashboardTracePath must contain '{{traceId}}', but was '{options.DashboardTracePath}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private Uri? Discover(string service)
    {
        foreach (var endpoint in new[] { "https", "http" })
        {
            if (Uri.TryCreate(configuration[$"services:{service}:{endpoint}:0"], UriKind.Absolute, out var uri))
            {
                return uri;
            }
        }

        return null;
    }

    private static void Require(Uri? uri, string service, string property, List<string> failures)
    {
        if (uri is null)
        {
            failures.Add($"The browser needs the {service} service's address: set services__{service}__http__0 " +
                $"(an AppHost does) or Web__{property}.");
        }
        else if (!IsHttp(uri))
        {
            failures.Add($"The {service} service's address must be an absolute http(s) URL, but was '{uri}'.");
        }
    }

    private static bool IsHttp(Uri uri) => uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
