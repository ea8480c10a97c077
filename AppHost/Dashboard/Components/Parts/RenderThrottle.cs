namespace ReferenceApp.AppHost.Dashboard.Components.Parts;

/// <summary>
/// Coalesces bursts of changes into one render per interval: a busy cluster exports many times a second, and a page
/// re-rendering for each export would spend the AppHost's CPU on diffs nobody can read that fast.
/// </summary>
public sealed class RenderThrottle(Func<Task> render, TimeSpan interval) : IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private int _scheduled;

    /// <summary>Asks for a render; the first request in an interval schedules it, the others ride along.</summary>
    public void Request()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            _ = RenderLaterAsync();
        }
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    private async Task RenderLaterAsync()
    {
        try
        {
            await Task.Delay(interval, _disposed.Token);
            Volatile.Write(ref _scheduled, 0);
            await render();
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
        {
            // The page went away (navigation, closed tab); nothing left to render.
        }
    }
}
