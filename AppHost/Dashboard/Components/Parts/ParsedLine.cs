using System.Text.RegularExpressions;
using ReferenceApp.AppHost.Hosting;

namespace ReferenceApp.AppHost.Dashboard.Components.Parts;

/// <summary>A console line split into who wrote it and what: the Supervisor prefixes worker lines <c>[api-1 pid=4242] </c>.</summary>
public sealed partial record ParsedLine(ConsoleLine Line, string Source, string Text)
{
    /// <summary>The worker's name without its PID, so a replaced worker keeps its colour.</summary>
    public string Worker => Source.Split(' ')[0];

    public static ParsedLine From(ConsoleLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var match = WorkerPrefix().Match(line.Text);
        return match.Success
            ? new ParsedLine(line, $"{match.Groups["worker"].Value} pid={match.Groups["pid"].Value}", line.Text[match.Length..])
            : new ParsedLine(line, line.Resource, line.Text); // the resource's own process (a Supervisor itself)
    }

    [GeneratedRegex(@"^\[(?<worker>[^\s\]]+) pid=(?<pid>\d+)\] ?", RegexOptions.CultureInvariant)]
    private static partial Regex WorkerPrefix();
}
