namespace ReferenceApp.Web.Components.Display;

/// <summary>How many calls one process served (<see cref="Pid"/> null: calls that got no answer).</summary>
public sealed record PidCount(int? Pid, string? Instance, int Count)
{
    public static IReadOnlyList<PidCount> Of(IEnumerable<Browser.BrowserCallResult> calls) =>
        [.. calls
            .Where(call => call.Pid is not null)
            .GroupBy(call => call.Pid)
            .Select(group => new PidCount(group.Key, group.Select(call => call.Instance).FirstOrDefault(instance => instance is not null), group.Count()))
            .OrderBy(entry => entry.Instance, StringComparer.Ordinal)
            .ThenBy(entry => entry.Pid)];
}
