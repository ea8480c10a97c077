using System.Diagnostics;

namespace ReferenceApp.ServiceDefaults.Redis;

/// <summary>
/// Spans for Redis calls. OpenTelemetry's StackExchange.Redis instrumentation is not obtainable here,
/// so our own code wraps each call it makes: <c>using var span = RedisTelemetry.StartCommand("INCR", key);</c>.
/// </summary>
public static class RedisTelemetry
{
    public const string ActivitySourceName = "ReferenceApp.Redis";

    private static readonly ActivitySource Source = new(ActivitySourceName);

    /// <summary>Starts a client span following the OpenTelemetry database semantic conventions, or null when nobody listens.</summary>
    public static Activity? StartCommand(string command, string? key = null)
    {
        var activity = Source.StartActivity(command, ActivityKind.Client);
        if (activity is null)
        {
            return null;
        }

        activity.SetTag("db.system.name", "redis");
        activity.SetTag("db.operation.name", command);
        if (key is not null)
        {
            activity.SetTag("db.query.summary", $"{command} {key}");
        }

        return activity;
    }

    /// <summary>Marks a span failed with the exception's type, as the semantic conventions ask.</summary>
    public static void RecordFailure(this Activity? activity, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity?.SetTag("error.type", exception.GetType().FullName);
    }
}
