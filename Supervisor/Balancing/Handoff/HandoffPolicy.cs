using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Balancing.Sticky;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.Supervisor.Balancing.Handoff;

/// <summary>
/// What RoundRobin and Sticky share: the Supervisor owns the public port and accepts; each worker gets a private handoff
/// socket (beside its channel socket, so connection traffic never queues behind control messages) through which it
/// receives accepted connections as descriptors. After the handoff the Supervisor is out of the data path.
/// </summary>
internal abstract partial class HandoffPolicy : IBalancingPolicy, IAsyncDisposable
{
    // A worker that has not connected by then never will (the core's own start timeout is shorter).
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<long, HandoffWorker> _workers = new();
    private readonly StickyOptions? _sticky;
    private readonly ILogger _logger;
    private readonly Lock _routesLock = new();
    private HandoffRoutes _routes = HandoffRoutes.Empty;
    private BalancingContext? _context;
    private Socket? _listener;
    private HandoffAcceptLoop? _loop;

    protected HandoffPolicy(StickyOptions? sticky, ILogger logger)
    {
        _sticky = sticky;
        _logger = logger;
    }

    public abstract BalancingMode Mode { get; }

    /// <summary>Connections handed to workers so far.</summary>
    public long HandedOff => _loop?.HandedOff ?? 0;

    public ValueTask StartAsync(BalancingContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _listener = BindPublicPort(context.Address, context.Port);
        _loop = new HandoffAcceptLoop(_listener, () => Volatile.Read(ref _routes), _sticky, _logger);
        _loop.Start();
        Log.Started(_logger, Mode, context.Address, context.Port);
        return ValueTask.CompletedTask;
    }

    public void ConfigureWorker(BalancedWorker worker, IDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(environment);
        var context = _context ?? throw new InvalidOperationException("StartAsync must run before workers are configured.");
        if (!environment.TryGetValue(WorkerVariables.ChannelSecret, out var secret) || string.IsNullOrEmpty(secret))
        {
            throw new InvalidOperationException($"The worker environment must carry {WorkerVariables.ChannelSecret} before the balancing policy configures it.");
        }

        // Opaque and unguessable, never the pid: a client learns nothing from its cookie and cannot aim at a worker.
        var affinityId = _sticky is null ? null : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var path = Path.Combine(context.RuntimeDirectory, $"h{worker.LaunchId.ToString(CultureInfo.InvariantCulture)}.sock");
        var handoff = HandoffWorker.Listen(worker, path, secret, affinityId, ConnectTimeout);
        if (!_workers.TryAdd(worker.LaunchId, handoff))
        {
            handoff.Dispose();
            throw new InvalidOperationException($"Worker launch {worker.LaunchId} was configured twice.");
        }

        environment[WorkerVariables.Listen] = HandoffProtocol.FormatListenAddress(path);
        if (affinityId is not null)
        {
            environment[WorkerVariables.AffinityId] = affinityId;
            ConfigureStickyWorker(worker, affinityId, context, environment);
        }

        _ = ConnectedAsync(handoff);
    }

    /// <summary>Under sticky balancing, what else a worker needs besides its affinity id (its forwarding socket).</summary>
    protected virtual void ConfigureStickyWorker(BalancedWorker worker, string affinityId, BalancingContext context, IDictionary<string, string?> environment)
    {
    }

    /// <summary>A worker became ready (after the routes include it).</summary>
    protected virtual void OnWorkerReady(BalancedWorker worker)
    {
    }

    /// <summary>A worker is leaving (after the routes dropped it).</summary>
    protected virtual void OnWorkerLeaving(BalancedWorker worker)
    {
    }

    /// <summary>Completes when the worker has connected to its handoff socket (true), or never will (false).</summary>
    internal Task<bool> WorkerConnected(long launchId) =>
        _workers.TryGetValue(launchId, out var handoff) ? handoff.Connected : Task.FromResult(false);

    public void WorkerReady(BalancedWorker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        if (_workers.TryGetValue(worker.LaunchId, out var handoff))
        {
            handoff.MarkReady(worker);
            PublishRoutes();
            OnWorkerReady(worker);
        }
    }

    public void WorkerLeaving(BalancedWorker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        if (_workers.TryRemove(worker.LaunchId, out var handoff))
        {
            handoff.MarkLeaving();
            PublishRoutes();
        }

        OnWorkerLeaving(worker);
    }

    public ValueTask StopAsync(CancellationToken cancellationToken)
    {
        _loop?.Stop(StopTimeout);
        _listener?.Dispose();
        Log.Stopped(_logger, Mode, HandedOff);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        foreach (var handoff in _workers.Values)
        {
            handoff.Dispose();
        }

        _workers.Clear();
        _loop?.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task ConnectedAsync(HandoffWorker handoff)
    {
        if (await handoff.Connected)
        {
            PublishRoutes();
        }
        else if (_workers.ContainsKey(handoff.Worker.LaunchId))
        {
            Log.WorkerNeverConnected(_logger, handoff.Worker.InstanceName, handoff.SocketPath);
        }
    }

    private void PublishRoutes()
    {
        lock (_routesLock)
        {
            Volatile.Write(ref _routes, new HandoffRoutes([.. _workers.Values]));
        }

        _loop?.Wake();
    }

    private static Socket BindPublicPort(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(new IPEndPoint(address, port));
            // The kernel caps this at net.core.somaxconn; a deep backlog is what keeps clients waiting, not reset,
            // while every worker restarts at once.
            socket.Listen(int.MaxValue);
            return socket;
        }
        catch (SocketException exception)
        {
            socket.Dispose();
            throw exception.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => new BalancingException(
                    $"Port {port} on {address} is already in use by another process. Stop that process or choose another --port.", exception),
                SocketError.AccessDenied => new BalancingException(
                    $"Binding port {port} on {address} was denied. Ports below 1024 need CAP_NET_BIND_SERVICE; choose a port of 1024 or more.", exception),
                SocketError.AddressNotAvailable => new BalancingException(
                    $"Address {address} is not an address of this machine. Choose another --address.", exception),
                _ => new BalancingException($"Cannot listen on {address}:{port}: {exception.Message}", exception),
            };
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.HandoffBalancingStarted, EventName = nameof(EventIds.HandoffBalancingStarted), Level = LogLevel.Information,
            Message = "Balancing: {Mode}, the Supervisor accepts on {Address}:{Port} and hands each connection to a worker")]
        public static partial void Started(ILogger logger, BalancingMode mode, IPAddress address, int port);

        [LoggerMessage(EventId = EventIds.HandoffBalancingStopped, EventName = nameof(EventIds.HandoffBalancingStopped), Level = LogLevel.Information,
            Message = "Balancing: {Mode} stopped accepting after handing over {Connections} connections")]
        public static partial void Stopped(ILogger logger, BalancingMode mode, long connections);

        [LoggerMessage(EventId = EventIds.WorkerNeverConnectedForHandoff, EventName = nameof(EventIds.WorkerNeverConnectedForHandoff), Level = LogLevel.Warning,
            Message = "Worker {Instance} never connected to its handoff socket {Path}; it receives no connections")]
        public static partial void WorkerNeverConnected(ILogger logger, string instance, string path);
    }
}
