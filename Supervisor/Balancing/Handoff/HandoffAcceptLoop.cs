using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Balancing.Sticky;
using ReferenceApp.Supervisor.Interop;

namespace ReferenceApp.Supervisor.Balancing.Handoff;

/// <summary>
/// The Supervisor's accept loop for the handoff policies: one dedicated thread that accepts on the public port and passes
/// each connection to the next routable worker, round-robin. Under sticky balancing it first peeks at the request head of
/// every new connection, without consuming it, to route by the affinity cookie; those connections wait in a bounded set
/// watched by the same poll(2), so a slow or silent client never holds up the loop or anyone else's connection.
/// Nothing here blocks except poll(2) itself. While no worker can take a connection the loop stops accepting, so new
/// clients wait in the kernel's listen backlog instead of being reset.
/// </summary>
internal sealed partial class HandoffAcceptLoop : IDisposable
{
    private const int MaxAcceptsPerWakeup = 64;

    // A connection accepted just as every worker went away waits this long for one to come back before it is closed.
    private static readonly long NoWorkerGraceMilliseconds = (long)TimeSpan.FromSeconds(30).TotalMilliseconds;

    private readonly Socket _listener;
    private readonly Func<HandoffRoutes> _routes;
    private readonly StickyOptions? _sticky;
    private readonly ILogger _logger;
    private readonly SafeFileHandle _wakeup = AcceptedSockets.CreateWakeup();
    private readonly Thread _thread;
    private readonly List<Waiting> _peeking = [];
    private readonly List<Waiting> _parked = [];
    private readonly byte[] _peekBuffer;
    private readonly SafeHandle[] _single = new SafeHandle[1];
    private List<SafeHandle>?[] _batches = [];
    private long _retryParkedAfter;
    private volatile bool _stopping;
    private uint _cursor;

    // Whether the last connection routed by turn held the turn (see Route).
    private bool _cursorHeld;
    private long _acceptPausedUntil;
    private long _handedOff;

    public HandoffAcceptLoop(Socket listener, Func<HandoffRoutes> routes, StickyOptions? sticky, ILogger logger)
    {
        _listener = listener;
        _routes = routes;
        _sticky = sticky;
        _logger = logger;
        _peekBuffer = new byte[sticky?.MaxHeadBytes ?? 0];
        _listener.Blocking = false;
        _thread = new Thread(Run) { IsBackground = true, Name = "Handoff accept loop" };
    }

    /// <summary>Connections passed to a worker so far.</summary>
    public long HandedOff => Interlocked.Read(ref _handedOff);

    public void Start() => _thread.Start();

    /// <summary>The set of routable workers changed: look again (resume accepting, retry parked connections).</summary>
    public void Wake() => AcceptedSockets.Wake(_wakeup);

    /// <summary>Stops accepting; connections still being peeked at are handed over round-robin if a worker can take them.</summary>
    public void Stop(TimeSpan timeout)
    {
        _stopping = true;
        Wake();
        if (_thread.IsAlive && !_thread.Join(timeout))
        {
            Log.LoopDidNotStop(_logger, timeout.TotalSeconds);
        }
    }

    public void Dispose() => _wakeup.Dispose();

    private void Run()
    {
        var fds = new List<PollFd>();
        try
        {
            while (!_stopping)
            {
                try
                {
                    RunOnce(fds);
                }
#pragma warning disable CA1031 // the loop is the Supervisor's only path for connections: report and carry on, never die silently
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    // One connection's or one worker's unexpected failure must not end the accept loop for everyone;
                    // pausing accepts briefly keeps a persistent failure from spinning.
                    Log.LoopIterationFailed(_logger, exception);
                    _acceptPausedUntil = Environment.TickCount64 + 100;
                }
            }
        }
        finally
        {
            Drain();
        }
    }

    private void RunOnce(List<PollFd> fds)
    {
        var routes = _routes();
        var now = Environment.TickCount64;
        var accepting = routes.AnyRoutable && now >= _acceptPausedUntil;

        fds.Clear();
        fds.Add(new PollFd { Fd = (int)_wakeup.DangerousGetHandle(), Events = AcceptedSockets.PollIn });
        fds.Add(new PollFd { Fd = accepting ? (int)_listener.SafeHandle.DangerousGetHandle() : -1, Events = AcceptedSockets.PollIn });
        foreach (var waiting in _peeking)
        {
            fds.Add(new PollFd { Fd = (int)waiting.Connection.DangerousGetHandle(), Events = AcceptedSockets.PollIn | AcceptedSockets.PollRdHup });
        }

        AcceptedSockets.Poll(CollectionsMarshal.AsSpan(fds), TimeoutMilliseconds(now, routes));
        if (_stopping)
        {
            return;
        }

        if (fds[0].ReturnedEvents != 0)
        {
            AcceptedSockets.ClearWakeup(_wakeup);
        }

        routes = _routes();
        try
        {
            for (var i = 0; i < _peeking.Count; i++)
            {
                if (fds[i + 2].ReturnedEvents != 0)
                {
                    Inspect(_peeking[i], fds[i + 2].ReturnedEvents, routes);
                }
            }

            ExpireAndRetry(routes);
            if (accepting && fds[1].ReturnedEvents != 0)
            {
                AcceptPending(routes);
            }
        }
        finally
        {
            _peeking.RemoveAll(waiting => waiting.Done);
        }
    }

    private int TimeoutMilliseconds(long now, HandoffRoutes routes)
    {
        var next = long.MaxValue;
        if (_peeking.Count > 0)
        {
            next = _peeking[0].Deadline;
        }

        if (_parked.Count > 0 && routes.AnyRoutable)
        {
            return (int)Math.Clamp(_retryParkedAfter - now, 0, int.MaxValue);
        }

        if (_parked.Count > 0)
        {
            next = Math.Min(next, _parked[0].Deadline);
        }

        if (_acceptPausedUntil > now)
        {
            next = Math.Min(next, _acceptPausedUntil);
        }

        return next == long.MaxValue ? -1 : (int)Math.Clamp(next - now, 0, int.MaxValue);
    }

    private void AcceptPending(HandoffRoutes routes)
    {
        for (var i = 0; i < MaxAcceptsPerWakeup; i++)
        {
            SafeSocketHandle? connection;
            try
            {
                connection = AcceptedSockets.Accept(_listener.SafeHandle);
            }
            catch (SocketException exception)
            {
                // Out of descriptors, most likely: leave the clients in the backlog and try again shortly rather than spin.
                Log.AcceptFailed(_logger, exception.SocketErrorCode);
                _acceptPausedUntil = Environment.TickCount64 + 100;
                break;
            }

            if (connection is null)
            {
                break;
            }

            if (_sticky is null)
            {
                Assign(connection, routes);
                continue;
            }

            if (_peeking.Count >= _sticky.MaxPendingConnections)
            {
                // Connections decided during this wakeup are still in the set: sweep them first. If it is still full, the
                // oldest undecided connection goes round-robin now: the set stays bounded, whatever clients do.
                _peeking.RemoveAll(waiting => waiting.Done);
                if (_peeking.Count >= _sticky.MaxPendingConnections)
                {
                    Decide(_peeking[0], affinityId: null, routes);
                    _peeking.RemoveAll(waiting => waiting.Done);
                }
            }

            var peeking = new Waiting(connection, Environment.TickCount64 + (long)_sticky.PeekTimeout.TotalMilliseconds);
            _peeking.Add(peeking);
            Inspect(peeking, returnedEvents: 0, routes);
        }

        FlushBatches(routes);
    }

    /// <summary>
    /// Round-robin without a peek: the connection joins the batch of the next routable worker, and each batch goes out in
    /// one sendmsg(2) after the accepts of this wakeup, which saves a syscall per connection under connection storms.
    /// </summary>
    private void Assign(SafeSocketHandle connection, HandoffRoutes routes)
    {
        var workers = routes.Workers;
        if (_batches.Length != workers.Length)
        {
            FlushBatches(routes);
            _batches = new List<SafeHandle>[workers.Length];
        }

        if (NextRoutable(workers, out var turn) is { } worker)
        {
            var position = (int)(turn % (uint)workers.Length);
            var batch = _batches[position] ??= [];
            batch.Add(connection);
            if (batch.Count == HandoffProtocol.MaxConnectionsPerMessage)
            {
                Flush(worker, batch, routes);
            }

            return;
        }

        Park(connection, affinityId: null);
    }

    /// <summary>
    /// The one round-robin turn, for batched and single handoffs alike: moves the cursor past the next routable worker and
    /// returns it with the turn it took, or null when no worker is routable.
    /// </summary>
    private HandoffWorker? NextRoutable(HandoffWorker[] workers, out uint turn)
    {
        for (var attempt = 0; attempt < workers.Length; attempt++)
        {
            turn = _cursor++;
            var worker = workers[(int)(turn % (uint)workers.Length)];
            if (worker.IsRoutable)
            {
                return worker;
            }
        }

        turn = 0;
        return null;
    }

    private void FlushBatches(HandoffRoutes routes)
    {
        for (var position = 0; position < _batches.Length; position++)
        {
            if (_batches[position] is { Count: > 0 } batch)
            {
                // A batch belongs to the snapshot it was built on; if the snapshot changed, route its connections anew.
                if (position < routes.Workers.Length)
                {
                    Flush(routes.Workers[position], batch, routes);
                }
                else
                {
                    RouteEach(batch, routes);
                }
            }
        }
    }

    private void Flush(HandoffWorker worker, List<SafeHandle> batch, HandoffRoutes routes)
    {
        var result = worker.Send(CollectionsMarshal.AsSpan(batch));
        if (result == HandoffResult.Done)
        {
            // The worker holds its own descriptors now; ours must go, or the Supervisor would leak one per connection.
            foreach (var connection in batch)
            {
                connection.Dispose();
            }

            Interlocked.Add(ref _handedOff, batch.Count);
            batch.Clear();
            return;
        }

        if (result == HandoffResult.Closed)
        {
            Log.WorkerRefusedHandoff(_logger, worker.Worker.InstanceName, worker.Worker.ProcessId);
        }

        RouteEach(batch, routes);
    }

    private void RouteEach(List<SafeHandle> batch, HandoffRoutes routes)
    {
        var connections = batch.ToArray();
        batch.Clear();
        foreach (var connection in connections)
        {
            Route((SafeSocketHandle)connection, affinityId: null, routes);
        }
    }

    private void Inspect(Waiting waiting, short returnedEvents, HandoffRoutes routes)
    {
        int peeked;
        try
        {
            peeked = AcceptedSockets.Peek(waiting.Connection, _peekBuffer);
        }
        catch (SocketException)
        {
            Close(waiting);
            return;
        }

        if (peeked < 0)
        {
            return;
        }

        if (peeked == 0)
        {
            // The client left before sending anything: nothing to route.
            Close(waiting);
            return;
        }

        var inspection = HttpHeadPeek.Inspect(_peekBuffer.AsSpan(0, peeked), HandoffProtocol.AffinityCookieName);
        var noMoreComing = (returnedEvents & (AcceptedSockets.PollRdHup | AcceptedSockets.PollHup | AcceptedSockets.PollErr)) != 0;
        if (inspection.Verdict == HeadVerdict.NeedMore && peeked < _peekBuffer.Length && !noMoreComing)
        {
            // Wake again only when more of the head has arrived, not for the bytes already seen.
            if (!AcceptedSockets.SetReceiveLowWatermark(waiting.Connection, peeked + 1))
            {
                Decide(waiting, affinityId: null, routes);
                return;
            }

            waiting.LowWatermark = peeked + 1;
            return;
        }

        Decide(waiting, inspection.AffinityId, routes, advancesRoundRobin: !inspection.IsOptions);
    }

    private void Decide(Waiting waiting, string? affinityId, HandoffRoutes routes, bool advancesRoundRobin = true)
    {
        waiting.Done = true;
        // The worker shares this socket: it must not inherit a raised watermark, or small requests would never wake it.
        if (waiting.LowWatermark > 1 && !AcceptedSockets.SetReceiveLowWatermark(waiting.Connection, 1))
        {
            waiting.Connection.Dispose();
            return;
        }

        Route(waiting.Connection, affinityId, routes, advancesRoundRobin);
    }

    private void ExpireAndRetry(HandoffRoutes routes)
    {
        var now = Environment.TickCount64;
        foreach (var waiting in _peeking)
        {
            if (waiting.Deadline > now)
            {
                break;
            }

            if (!waiting.Done)
            {
                // Slow or silent: the worker's own request timeouts take it from here.
                Decide(waiting, affinityId: null, routes);
            }
        }

        if (_parked.Count == 0)
        {
            return;
        }

        if (routes.AnyRoutable && now < _retryParkedAfter)
        {
            return;
        }

        var parked = _parked.ToArray();
        _parked.Clear();
        foreach (var waiting in parked)
        {
            if (routes.AnyRoutable)
            {
                Route(waiting.Connection, waiting.AffinityId, routes);
            }
            else if (waiting.Deadline <= now)
            {
                Log.NoWorkerForConnection(_logger, NoWorkerGraceMilliseconds / 1000);
                waiting.Connection.Dispose();
            }
            else
            {
                _parked.Add(waiting);
            }
        }

        // Every worker's queue was full: give them a moment to catch up rather than retry in a busy loop.
        _retryParkedAfter = _parked.Count > 0 ? now + 5 : 0;
    }

    /// <summary>
    /// Hands a connection to the worker its affinity id names, else to the next routable worker in turn. A connection that
    /// does not advance round-robin (a CORS preflight) goes to the worker the next connection will reach, which is where
    /// the browser's real request, on a connection of its own, lands right after it. Only one connection in a row may hold
    /// the turn, so a stream of preflights alone still spreads over the workers. Parks the connection if none can take it.
    /// </summary>
    private void Route(SafeSocketHandle connection, string? affinityId, HandoffRoutes routes, bool advancesRoundRobin = true)
    {
        if (affinityId is not null && routes.ByAffinity.TryGetValue(affinityId, out var preferred) && preferred.IsRoutable
            && TrySend(preferred, connection))
        {
            return;
        }

        var workers = routes.Workers;
        for (var attempt = 0; attempt < workers.Length && NextRoutable(workers, out var turn) is { } worker; attempt++)
        {
            if (TrySend(worker, connection))
            {
                _cursorHeld = !advancesRoundRobin && !_cursorHeld;
                if (_cursorHeld)
                {
                    _cursor = turn;
                }

                return;
            }
        }

        Park(connection, affinityId);
    }

    private void Park(SafeSocketHandle connection, string? affinityId) =>
        _parked.Add(new Waiting(connection, Environment.TickCount64 + NoWorkerGraceMilliseconds) { AffinityId = affinityId, Done = true });

    private bool TrySend(HandoffWorker worker, SafeSocketHandle connection)
    {
        _single[0] = connection;
        var result = worker.Send(_single);
        _single[0] = null!;
        switch (result)
        {
            case HandoffResult.Done:
                // The worker holds its own descriptor now; ours must go, or the Supervisor would leak one per connection.
                connection.Dispose();
                Interlocked.Increment(ref _handedOff);
                return true;
            case HandoffResult.Closed:
                Log.WorkerRefusedHandoff(_logger, worker.Worker.InstanceName, worker.Worker.ProcessId);
                return false;
            default:
                // Its queue is full (it is not accepting fast enough): the next worker gets this one.
                return false;
        }
    }

    private static void Close(Waiting waiting)
    {
        waiting.Done = true;
        waiting.Connection.Dispose();
    }

    private void Drain()
    {
        var routes = _routes();
        foreach (var waiting in _peeking.Where(waiting => !waiting.Done))
        {
            Decide(waiting, affinityId: null, routes);
        }

        _peeking.Clear();
        foreach (var waiting in _parked)
        {
            waiting.Connection.Dispose();
        }

        _parked.Clear();
    }

    private sealed class Waiting(SafeSocketHandle connection, long deadline)
    {
        public SafeSocketHandle Connection { get; } = connection;

        public long Deadline { get; } = deadline;

        public string? AffinityId { get; init; }

        public int LowWatermark { get; set; }

        public bool Done { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.HandoffLoopIterationFailed, EventName = nameof(EventIds.HandoffLoopIterationFailed), Level = LogLevel.Error,
            Message = "The connection accept loop hit an unexpected error; it carries on after a short pause")]
        public static partial void LoopIterationFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = EventIds.AcceptFailed, EventName = nameof(EventIds.AcceptFailed), Level = LogLevel.Warning,
            Message = "Accepting a connection failed ({Error}); pausing accepts briefly")]
        public static partial void AcceptFailed(ILogger logger, SocketError error);

        [LoggerMessage(EventId = EventIds.WorkerRefusedHandoff, EventName = nameof(EventIds.WorkerRefusedHandoff), Level = LogLevel.Information,
            Message = "Worker {Instance} (pid {Pid}) no longer takes connections; routing to the next one")]
        public static partial void WorkerRefusedHandoff(ILogger logger, string instance, int pid);

        [LoggerMessage(EventId = EventIds.NoWorkerForConnection, EventName = nameof(EventIds.NoWorkerForConnection), Level = LogLevel.Warning,
            Message = "No worker could take a connection within {Seconds} s; it was closed")]
        public static partial void NoWorkerForConnection(ILogger logger, long seconds);

        [LoggerMessage(EventId = EventIds.HandoffLoopDidNotStop, EventName = nameof(EventIds.HandoffLoopDidNotStop), Level = LogLevel.Warning,
            Message = "The accept loop did not stop within {Seconds} s")]
        public static partial void LoopDidNotStop(ILogger logger, double seconds);
    }
}
