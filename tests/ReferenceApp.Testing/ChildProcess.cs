using System.Collections.Concurrent;
using System.Diagnostics;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Testing.Interop;

namespace ReferenceApp.Testing;

/// <summary>A real process a test starts: output captured, killed with its whole tree on dispose.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    public IReadOnlyCollection<string> OutputLines => _output.ToArray();

    /// <summary>Starts <paramref name="fileName"/>; with <paramref name="keepStdinOpen"/> the child sees EOF on stdin only when this process dies.</summary>
    public static ChildProcess Start(
        string name,
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        bool keepStdinOpen = false,
        string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = keepStdinOpen,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepositoryPaths.Root,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Tests must not inherit a developer's telemetry or environment choices unless they ask for them.
        startInfo.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(key);
            }
            else
            {
                startInfo.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child.Capture(e.Data);
        process.ErrorDataReceived += (_, e) => child.Capture(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{name} did not start ({fileName}).");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs a built project of this solution with <c>dotnet exec</c>.</summary>
    public static ChildProcess StartProject(
        string project,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        bool keepStdinOpen = false,
        string? workingDirectory = null) =>
        Start(project, "dotnet", new[] { "exec", RepositoryPaths.BuiltAssembly(project) }.Concat(arguments), environment, keepStdinOpen, workingDirectory);

    /// <summary>
    /// Runs the Supervisor as the AppHost does: its native executable when <c>dotnet publish Supervisor -c Release</c> has
    /// written an up-to-date one (as <c>./test.sh</c> does), else its JIT build.
    /// </summary>
    /// <param name="ignoredByLauncher">Signals (e.g. <c>HUP INT</c>) the launching shell ignores, as <c>nohup</c> or a
    /// background job does; the Supervisor inherits that through <c>exec</c>.</param>
    /// <param name="binary">Another Supervisor than this repository's build, e.g. the packed .NET tool.</param>
    public static ChildProcess StartSupervisor(
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        bool keepStdinOpen = false,
        string? ignoredByLauncher = null,
        SupervisorBinary? binary = null)
    {
        binary ??= RepositoryPaths.Supervisor;
        var command = binary.Arguments.Concat(arguments);
        return ignoredByLauncher is null
            ? Start("Supervisor", binary.FileName, command, environment, keepStdinOpen)
            : Start("Supervisor", "/bin/sh", ["-c", $"trap '' {ignoredByLauncher}; exec \"$0\" \"$@\"", binary.FileName, .. command], environment, keepStdinOpen);
    }

    public bool Signal(int signal) => Signals.Send(Pid, signal);

    /// <summary>Waits for exit up to a deadline; true when the process exited.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Closes the child's stdin, as the death of its parent would.</summary>
    public void CloseStandardInput() => _process.StandardInput.Close();

    public async Task WaitForOutputAsync(string text, TimeSpan deadline) =>
        await Eventually.TrueAsync(
            () => _output.Any(line => line.Contains(text, StringComparison.Ordinal)) || HasExited,
            deadline,
            $"'{text}' in the output of {Name}");

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await WaitForExitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    public override string ToString() => $"{Name} (pid {Pid})";

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        // Bounded: a chatty process must not grow a test's memory without limit.
        while (_output.Count > 5000 && _output.TryDequeue(out _))
        {
        }
    }
}
