namespace ReferenceApp.Supervisor.Contracts.Wire;

/// <summary>
/// The one rule for a supervised service's name, which its Supervisor and every worker report as OpenTelemetry's
/// <c>service.name</c>: <c>--name</c>, else <c>OTEL_SERVICE_NAME</c>, else the app's assembly name in lower case. The
/// Supervisor resolves it once and hands it to its workers as <c>OTEL_SERVICE_NAME</c>, so both sides always agree.
/// </summary>
public static class ServiceNames
{
    /// <summary>OpenTelemetry's variable for <c>service.name</c>, which Aspire sets to the resource's name.</summary>
    public const string Variable = "OTEL_SERVICE_NAME";

    public static string Resolve(string? configured, string? otelServiceName, string assemblyName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(assemblyName);
        return NonEmpty(configured) ?? NonEmpty(otelServiceName) ?? assemblyName.Trim().ToLowerInvariant();
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
