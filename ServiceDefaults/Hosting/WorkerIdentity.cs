using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;

using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.ServiceDefaults.Hosting;

/// <summary>Who this process is: service, instance, worker slot and PID, as every signal and response reports it.</summary>
public sealed class WorkerIdentity
{
    public WorkerIdentity(string serviceName, string instanceId, int? workerIndex, int? workerCount, int processId, DateTimeOffset startedAt)
    {
        ServiceName = serviceName;
        InstanceId = instanceId;
        WorkerIndex = workerIndex;
        WorkerCount = workerCount;
        ProcessId = processId;
        StartedAt = startedAt;
        ServedBy = $"{serviceName}/{instanceId} pid={processId.ToString(CultureInfo.InvariantCulture)}";
    }

    public string ServiceName { get; }

    /// <summary>The OpenTelemetry <c>service.instance.id</c>: the worker's name when supervised.</summary>
    public string InstanceId { get; }

    /// <summary>The worker slot, or null when no Supervisor launched this process.</summary>
    public int? WorkerIndex { get; }

    public int? WorkerCount { get; }

    public int ProcessId { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>The value of the <c>X-Served-By</c> response header.</summary>
    public string ServedBy { get; }

    public bool IsSupervised => WorkerIndex is not null;

    /// <summary>Reads the identity from the Aspire/OpenTelemetry environment contract and the worker contract.</summary>
    public static WorkerIdentity FromConfiguration(IConfiguration configuration, string applicationName)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // A worker's Supervisor sets OTEL_SERVICE_NAME by the same rule, so this resolves to the name it reports too.
        var serviceName = ServiceNames.Resolve(configured: null, configuration[ServiceNames.Variable], applicationName);
        var workerIndex = ParseNonNegative(configuration[WorkerVariables.WorkerIndex], WorkerVariables.WorkerIndex);
        var workerCount = ParseNonNegative(configuration[WorkerVariables.WorkerCount], WorkerVariables.WorkerCount);
        var processId = Environment.ProcessId;

        var instanceId = ResourceAttribute(configuration["OTEL_RESOURCE_ATTRIBUTES"], "service.instance.id")
            ?? (workerIndex is { } index
                ? $"{serviceName}-{index.ToString(CultureInfo.InvariantCulture)}"
                : $"{serviceName}-{processId.ToString(CultureInfo.InvariantCulture)}");

        var startedAt = new DateTimeOffset(Process.GetCurrentProcess().StartTime.ToUniversalTime(), TimeSpan.Zero);
        return new WorkerIdentity(serviceName, instanceId, workerIndex, workerCount, processId, startedAt);
    }

    /// <summary>Finds one key in an <c>OTEL_RESOURCE_ATTRIBUTES</c> list (<c>k1=v1,k2=v2</c>, values percent-encoded).</summary>
    internal static string? ResourceAttribute(string? attributes, string key)
    {
        if (string.IsNullOrWhiteSpace(attributes))
        {
            return null;
        }

        foreach (var pair in attributes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            if (separator > 0 && pair.AsSpan(0, separator).Trim().SequenceEqual(key))
            {
                return NonEmpty(Uri.UnescapeDataString(pair[(separator + 1)..].Trim()));
            }
        }

        return null;
    }

    private static int? ParseNonNegative(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new InvalidOperationException($"{name} must be a non-negative integer, but was '{value}'.");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
