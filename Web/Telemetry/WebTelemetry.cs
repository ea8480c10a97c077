using System.Diagnostics;

namespace ReferenceApp.Web.Telemetry;

/// <summary>The Web's own spans: one per action a person takes on the cluster, so each action links to its trace.</summary>
public static class WebTelemetry
{
    /// <summary>Matches ServiceDefaults' <c>ReferenceApp.*</c> wildcard, so the spans are exported without more wiring.</summary>
    public const string SourceName = "ReferenceApp.Web";

    public static readonly ActivitySource Source = new(SourceName);
}
