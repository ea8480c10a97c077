using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using ReferenceApp.AppHost.Dashboard;
using ReferenceApp.AppHost.Hosting.Monitoring;

namespace ReferenceApp.AppHost.Hosting.Orchestration;

/// <summary>The summary the AppHost prints once every resource has settled: a table of resources and where to look.</summary>
internal sealed class StartupReport(ResourceMonitor monitor, IOptions<DashboardOptions> dashboard, TimeProvider time)
{
    /// <summary>The line that ends a successful start-up; scripts and tests wait for it.</summary>
    public const string AllRunningMarker = "AppHost: all resources running";

    public void Print(bool allRunning)
    {
        var resources = monitor.GetResources();
        string[] header = ["NAME", "TYPE", "STATE", "ENDPOINTS", "PIDS", "DETAILS"];
        var rows = resources
            .Select(r => new[]
            {
                r.Name, r.Type, r.State.ToString(), string.Join(" ", r.Endpoints), string.Join(",", r.Pids), r.Description ?? string.Empty,
            })
            .ToArray();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Length == 0 ? 0 : rows.Max(row => row[i].Length))).ToArray();

        var text = new StringBuilder().AppendLine();
        foreach (var row in rows.Prepend(header))
        {
            text.Append("  ").AppendLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }

        var elapsed = time.GetLocalNow() - new DateTimeOffset(Process.GetCurrentProcess().StartTime);
        text.AppendLine()
            .Append("  Dashboard: ").AppendLine(dashboard.Value.LoginUrl)
            .AppendLine()
            .AppendLine(allRunning
                ? string.Create(CultureInfo.InvariantCulture, $"{AllRunningMarker} ({resources.Count}), {elapsed.TotalSeconds:F1} s after the AppHost started. Ctrl+C stops everything.")
                : $"AppHost: not every resource started: {string.Join(", ", resources.Where(r => r.State != ResourceState.Running).Select(r => $"{r.Name} is {r.State} ({r.Description})"))}. The rest keep running; Ctrl+C stops everything.");
        Console.Out.Write(text.ToString());
    }
}
