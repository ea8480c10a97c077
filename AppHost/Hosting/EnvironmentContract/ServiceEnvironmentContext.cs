namespace ReferenceApp.AppHost.Hosting.EnvironmentContract;

/// <summary>What the AppHost knows when it writes a service's environment.</summary>
/// <param name="OtlpEndpoint">The dashboard's OTLP/gRPC receiver.</param>
/// <param name="OtlpApiKey">The key the receiver expects in <c>x-otlp-api-key</c>.</param>
/// <param name="EnvironmentName">The AppHost's environment (Development under <c>dotnet run</c>), given to every service.</param>
/// <param name="InstanceId">The resource's <c>service.instance.id</c> for this run, e.g. <c>web-k3j2h8d1</c>.</param>
public sealed record ServiceEnvironmentContext(Uri OtlpEndpoint, string OtlpApiKey, string EnvironmentName, string InstanceId)
{
    public bool IsDevelopment => string.Equals(EnvironmentName, "Development", StringComparison.OrdinalIgnoreCase);

    public override string ToString() => $"ServiceEnvironmentContext {{ OtlpEndpoint = {OtlpEndpoint}, EnvironmentName = {EnvironmentName}, InstanceId = {InstanceId} }}";
}
