namespace ReferenceApp.Web.Discovery;

/// <summary>
/// The addresses the browser itself calls: the Api, the SignalR hub and the dashboard. They come from service discovery
/// configuration, as an Aspire-style AppHost injects it (<c>services__api__http__0</c>, <c>services__dashboard__http__0</c>,
/// and the hub's); the <c>Web</c> section overrides them. See <see cref="BrowserEndpointsSetup"/>.
/// </summary>
public sealed class BrowserEndpointsOptions
{
    public const string SectionName = "Web";

    /// <summary>Base address of the Api, as the browser reaches it. Required.</summary>
    public Uri? ApiUrl { get; set; }

#if (!NoRealtime)
    /// <summary>Base address of the SignalR hub's service, as the browser reaches it. Required.</summary>
    public Uri? RealtimeUrl { get; set; }

    /// <summary>Path of the chat hub on that service.</summary>
    public string HubPath { get; set; } = "/hubs/chat";

#endif
    /// <summary>Base address of the dashboard UI; without it, calls show their trace id but no link.</summary>
    public Uri? DashboardUrl { get; set; }

    /// <summary>Path of one trace in the dashboard; <c>{traceId}</c> is replaced by the 32-hex-digit W3C trace id.</summary>
    public string DashboardTracePath { get; set; } = "/traces/detail/{traceId}";

#if (!NoRealtime)
    public Uri HubUrl => new(Required(RealtimeUrl, nameof(RealtimeUrl)), HubPath);

#endif    /// <summary>The dashboard page of one trace, or null when no dashboard is configured.</summary>
    public Uri? TraceUrl(string? traceId) =>
        DashboardUrl is null || string.IsNullOrEmpty(traceId)
            ? null
            : new Uri(DashboardUrl, DashboardTracePath.Replace("{traceId}", traceId, StringComparison.Ordinal));
#if (!NoRealtime)

    private static Uri Required(Uri? uri, string name) =>
        uri ?? throw new InvalidOperationException($"Web:{name} is not configured.");
#endif
}
