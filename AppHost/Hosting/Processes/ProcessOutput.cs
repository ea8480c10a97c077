using ReferenceApp.AppHost.Hosting.ConsoleLogs;

namespace ReferenceApp.AppHost.Hosting.Processes;

/// <summary>Where a resource's console lines go: its bounded log buffer, and the AppHost's console prefixed <c>[resource]</c>.</summary>
internal sealed class ProcessOutput(string resource, ConsoleLogStore logs, bool echo)
{
    public string Resource { get; } = resource;

    public void Write(bool isError, string? line)
    {
        if (line is null)
        {
            return; // end of stream
        }

        logs.Add(Resource, isError, line);
        if (echo)
        {
            // Console.Out is synchronised: whole lines from concurrent children never interleave.
            Console.Out.WriteLine($"[{Resource}] {line}");
        }
    }
}
