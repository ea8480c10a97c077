using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Worker.Handoff;

/// <summary>
/// Whether this worker is draining its handed-over connections, and how many are still open. While draining, every
/// HTTP/1.1 response says <c>Connection: close</c>, so a keep-alive client learns from its own next response to reconnect
/// (through the Supervisor, to a ready worker) instead of racing a server-side close of its idle connection, which is what
/// fails requests during reloads.
/// </summary>
internal sealed class HandoffDrain
{
    private readonly TaskCompletionSource _allClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _open;
    private volatile bool _draining;

    public bool IsDraining => _draining;

    public int OpenConnections => Volatile.Read(ref _open);

    public void Opened() => Interlocked.Increment(ref _open);

    public void Closed()
    {
        if (Interlocked.Decrement(ref _open) == 0 && _draining)
        {
            _allClosed.TrySetResult();
        }
    }

    /// <summary>Starts draining; completes when every connection closed or <paramref name="grace"/> passed.</summary>
    public async Task DrainAsync(TimeSpan grace)
    {
        _draining = true;
        if (OpenConnections == 0)
        {
            return;
        }

        await _allClosed.Task.WaitAsync(grace).ContinueWith(static _ => { }, TaskScheduler.Default);
    }
}

/// <summary>Adds <c>Connection: close</c> to responses while <see cref="HandoffDrain"/> is draining (upgrades excepted).</summary>
internal sealed class ConnectionCloseWhileDrainingMiddleware(RequestDelegate next, HandoffDrain drain)
{
    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var (response, drain) = ((HttpResponse, HandoffDrain))state;
            if (drain.IsDraining && response.StatusCode != StatusCodes.Status101SwitchingProtocols
                && response.HttpContext.Request.Protocol == HttpProtocol.Http11)
            {
                response.Headers.Connection = "close";
            }

            return Task.CompletedTask;
        }, (context.Response, drain));

        return next(context);
    }
}
