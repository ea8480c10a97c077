using System.Diagnostics;
using ReferenceApp.AppHost.Hosting.EnvironmentContract;
using ReferenceApp.AppHost.Interop;

namespace ReferenceApp.AppHost.Hosting.Processes;

/// <summary>
/// One child process of a resource. Its stdin is a pipe the AppHost never writes to, so the child sees EOF exactly when the
/// AppHost dies, however it dies; every line it writes goes to <see cref="ProcessOutput"/>. The child runs in a session of
/// its own (setsid), so a Ctrl+C in the terminal reaches only the AppHost, which then stops everything in dependency order.
/// </summary>
internal sealed class ResourceProcess : IAsyncDisposable
{
    private static readonly Lazy<string?> SetsidPath = new(() => FindOnPath("setsid"));

    private readonly Process _process;
    private readonly Task<int> _exited;
    private int _disposed;

    private ResourceProcess(Process process, DateTimeOffset startedAt)
    {
        _process = process;
        Pid = process.Id;
        StartedAt = startedAt;
        _exited = WaitForExitCodeAsync(process);
    }

    public int Pid { get; }

    public DateTimeOffset StartedAt { get; }

    public bool HasExited => _exited.IsCompleted;

    /// <summary>Completes with the exit code when the process has ended and its output is read to the end.</summary>
    public Task<int> Exited => _exited;

    /// <summary>Starts the process; throws when it cannot be launched (missing program, permissions).</summary>
    public static ResourceProcess Start(ProcessSpec spec, ProcessOutput output, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(output);

        var startInfo = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory,
        };
        if (SetsidPath.Value is { } setsid)
        {
            // setsid(1) calls setsid(2) and execs the program: same PID, no extra process.
            startInfo.FileName = setsid;
            startInfo.ArgumentList.Add(spec.FileName);
        }
        else
        {
            startInfo.FileName = spec.FileName;
        }

        foreach (var argument in spec.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var name in startInfo.Environment.Keys.Where(AspireEnvironment.IsRemoved).ToArray())
        {
            startInfo.Environment.Remove(name);
        }

        foreach (var (name, value) in spec.Environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => output.Write(isError: false, e.Data);
        process.ErrorDataReceived += (_, e) => output.Write(isError: true, e.Data);
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ResourceProcess(process, time.GetUtcNow());
    }

    /// <summary>
    /// SIGTERM, then up to <paramref name="deadline"/> for a graceful exit, then SIGKILL to the whole tree.
    /// Returns the exit code, and whether the process had to be killed.
    /// </summary>
    public async Task<(int ExitCode, bool Killed)> StopAsync(TimeSpan deadline)
    {
        if (!HasExited && deadline > TimeSpan.Zero)
        {
            Signals.Send(Pid, Signals.SIGTERM);
            using var timeout = new CancellationTokenSource(deadline);
            try
            {
                return (await _exited.WaitAsync(timeout.Token), false);
            }
            catch (OperationCanceledException)
            {
                // Deadline passed: kill below.
            }
        }

        if (HasExited)
        {
            return (await _exited, false);
        }

        Kill();
        return (await _exited, true);
    }

    /// <summary>SIGKILL to the process and every descendant it has.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!HasExited)
        {
            Kill();
        }

        // Reap first, then close stdin: a stdin watcher (see RedisServerLauncher) must not signal a PID that could be reused.
        await _exited;
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The pipe is already broken.
        }

        _process.Dispose();
    }

    private static async Task<int> WaitForExitCodeAsync(Process process)
    {
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    internal static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}
