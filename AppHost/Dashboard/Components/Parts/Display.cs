using System.Globalization;
using ReferenceApp.AppHost.Dashboard.Telemetry;
using ReferenceApp.AppHost.Hosting;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.AppHost.Dashboard.Components.Parts;

/// <summary>How the dashboard writes times, durations, sizes and states: one place, so every page reads the same.</summary>
public static class Display
{
    /// <summary>Wall-clock time in the AppHost's time zone, which on a developer's machine is the browser's.</summary>
    public static string Time(DateTimeOffset time) => time.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? time) => time is { } value ? Time(value) : "–";

    public static string Duration(TimeSpan duration) => duration.TotalMilliseconds switch
    {
        < 1 => $"{duration.TotalMicroseconds.ToString("0", CultureInfo.InvariantCulture)} µs",
        < 1000 => $"{duration.TotalMilliseconds.ToString("0.##", CultureInfo.InvariantCulture)} ms",
        < 60_000 => $"{duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s",
        _ => Uptime(duration),
    };

    public static string Uptime(TimeSpan uptime) => uptime switch
    {
        { TotalSeconds: < 0 } => "–",
        { TotalMinutes: < 1 } => $"{uptime.Seconds}s",
        { TotalHours: < 1 } => $"{uptime.Minutes}m {uptime.Seconds:00}s",
        { TotalDays: < 1 } => $"{(int)uptime.TotalHours}h {uptime.Minutes:00}m",
        _ => $"{(int)uptime.TotalDays}d {uptime.Hours:00}h",
    };

    public static string Since(DateTimeOffset? start, DateTimeOffset now) => start is { } value ? Uptime(now - value) : "–";

    public static string Bytes(long? bytes) => bytes switch
    {
        null => "–",
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{(bytes / 1024.0).Value.ToString("0.0", CultureInfo.InvariantCulture)} KiB",
        _ => $"{(bytes / (1024.0 * 1024)).Value.ToString("0.0", CultureInfo.InvariantCulture)} MiB",
    };

    public static string Number(double value) =>
        Math.Abs(value) >= 1e6 || (value != 0 && Math.Abs(value) < 1e-3)
            ? value.ToString("0.###e0", CultureInfo.InvariantCulture)
            : value.ToString("#,0.###", CultureInfo.InvariantCulture);

    public static string Number(long? value) => value?.ToString("#,0", CultureInfo.InvariantCulture) ?? "–";

    public static string Pid(int? pid) => pid?.ToString(CultureInfo.InvariantCulture) ?? "–";

    /// <summary>The badge class for a resource state.</summary>
    public static string Tone(ResourceState state, int? exitCode) => state switch
    {
        ResourceState.Running => "ok",
        ResourceState.Starting or ResourceState.Waiting => "info",
        ResourceState.Unhealthy or ResourceState.Stopping => "warn",
        ResourceState.FailedToStart => "bad",
        ResourceState.Exited when exitCode is not (null or 0) => "bad",
        _ => "idle",
    };

    /// <summary>The badge class for a worker state.</summary>
    public static string WorkerTone(WorkerState state) => state switch
    {
        WorkerState.Ready => "ok",
        WorkerState.Starting => "info",
        WorkerState.Draining or WorkerState.Stopping or WorkerState.Backoff => "warn",
        WorkerState.Failed => "bad",
        _ => "idle",
    };

    public static string Tone(LogSeverity severity) => severity switch
    {
        LogSeverity.Critical or LogSeverity.Error => "bad",
        LogSeverity.Warning => "warn",
        LogSeverity.Information => "info",
        _ => "idle",
    };

    /// <summary>A stable colour per service, so a service looks the same in every waterfall and chart.</summary>
    public static string Color(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        string[] palette = ["#0969da", "#8250df", "#1a7f37", "#bc4c00", "#bf3989", "#0a7ea4", "#9a6700", "#cf222e", "#57606a", "#116329"];
        var hash = 0u;
        foreach (var c in key)
        {
            hash = (hash * 31) + c;
        }

        return palette[hash % (uint)palette.Length];
    }
}
