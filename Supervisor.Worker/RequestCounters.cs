using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Worker;

/// <summary>Requests in flight and served by this worker, reported to the Supervisor in every heartbeat.</summary>
internal sealed class RequestCounters
{
    private long _inFlight;
    private long _served;

    public long InFlight => Interlocked.Read(ref _inFlight);

    public long Served => Interlocked.Read(ref _served);

    public void Started() => Interlocked.Increment(ref _inFlight);

    public void Finished()
    {
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref _served);
    }
}

/// <summary>Counts every request (health probes included: they are requests the worker served).</summary>
internal sealed class RequestCountingMiddleware(RequestDelegate next, RequestCounters counters)
{
    public async Task InvokeAsync(HttpContext context)
    {
        counters.Started();
        try
        {
            await next(context);
        }
        finally
        {
            counters.Finished();
        }
    }
}
