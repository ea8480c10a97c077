using System.Globalization;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Web.Cluster;

namespace ReferenceApp.Web.Components.Display;

/// <summary>A box of the system diagram: a process or a group of processes, with its live state.</summary>
public sealed record DiagramNode(string Id, double X, double Y, double Width, double Height, string Title, IReadOnlyList<string> Lines, string Tone, int? Pid = null)
{
    public double CenterX => X + (Width / 2);

    public double Bottom => Y + Height;
}

/// <summary>A connection between two boxes: who talks to whom, and over what.</summary>
public sealed record DiagramEdge(string From, string To, string Label, bool Dashed = false);

/// <summary>An edge drawn: an SVG path and where its label goes.</summary>
public sealed record DiagramRoute(string Path, double LabelX, double LabelY, string Label, bool Dashed);

/// <summary>
/// Lays the system out twice: wide (columns, for desktop) and tall (one column, for a phone), from the same live
/// snapshot, so the diagram stays legible at any width instead of shrinking its text to nothing.
/// </summary>
public sealed class SystemDiagram
{
    public const double WideWidth = 1000;
    public const double TallWidth = 360;

    private const double WorkerWidth = 74;
    private const double WorkerHeight = 54;
    private const double WorkerGap = 8;

    private SystemDiagram(double width, double height, IReadOnlyList<DiagramNode> nodes, IReadOnlyList<DiagramRoute> routes, (double X, double Y, double W, double H) enclosure)
    {
        Width = width;
        Height = height;
        Nodes = nodes;
        Routes = routes;
        Enclosure = enclosure;
    }

    public double Width { get; }

    public double Height { get; }

    public IReadOnlyList<DiagramNode> Nodes { get; }

    public IReadOnlyList<DiagramRoute> Routes { get; }

    /// <summary>The AppHost's box around every resource it runs.</summary>
    public (double X, double Y, double W, double H) Enclosure { get; }

    /// <summary>The browser calls the Web, the Api and the hub itself; the workers of both services share Redis.</summary>
    private static readonly (string From, string To, string Label)[] BrowserEdges =
    [
        ("browser", "web", "page + circuit"),
        ("browser", "api", "REST · sessions"),
#if (!NoRealtime)
        ("browser", "realtime", "WebSocket · SSE · LP"),
#endif
    ];

    public static SystemDiagram Wide(ClusterSnapshot snapshot, DiagramInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(inputs);
        var nodes = new List<DiagramNode>
        {
            Browser(380, 16, 240, 58),
            Web(inputs, 30, 150, 190, 92),
            Supervisor(snapshot, "api", inputs.ApiUrl, 250, 150, 250, 92),
#if (!NoRealtime)
            Supervisor(snapshot, "realtime", inputs.RealtimeUrl, 530, 150, 250, 92),
#endif
            Redis(snapshot, 810, 150, 160, 92),
        };
        nodes.AddRange(Workers(snapshot, "api", 250, 270, 250, perRow: 3));
#if (!NoRealtime)
        nodes.AddRange(Workers(snapshot, "realtime", 530, 270, 250, perRow: 3));
#endif
        var workersBottom = nodes.Max(node => node.Bottom);
        var routes = BrowserEdges.Select(edge => Straight(nodes, edge.From, edge.To, edge.Label)).ToList();
        // Both groups of workers reach Redis along lanes under the workers, so no line crosses a box.
        var redis = nodes.First(node => node.Id == "redis");
        routes.Add(UnderLane(nodes.First(node => node.Id == "api-workers"), redis, workersBottom + 30, redis.CenterX - 30, "sessions · counters · publish"));
#if (!NoRealtime)
        routes.Add(UnderLane(nodes.First(node => node.Id == "realtime-workers"), redis, workersBottom + 16, redis.CenterX + 30, "backplane"));
#endif
        var bottom = workersBottom + 66;
        return new SystemDiagram(WideWidth, bottom + 10, nodes, routes, (10, 104, WideWidth - 20, bottom - 104));
    }

    public static SystemDiagram Tall(ClusterSnapshot snapshot, DiagramInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(inputs);
        const double left = 24;
        const double width = TallWidth - 48;
        var nodes = new List<DiagramNode> { Browser(60, 12, TallWidth - 120, 54) };
        var y = 120.0;
        nodes.Add(Web(inputs, left, y, width, 78));
        y += 78 + 24;
#if (!NoRealtime)
        foreach (var service in new[] { ("api", inputs.ApiUrl), ("realtime", inputs.RealtimeUrl) })
#else
        foreach (var service in new[] { ("api", inputs.ApiUrl) })
#endif
        {
            nodes.Add(Supervisor(snapshot, service.Item1, service.Item2, left, y, width, 78));
            y += 78 + 12;
            var workers = Workers(snapshot, service.Item1, left, y, width, perRow: 4);
            nodes.AddRange(workers);
            y = workers.Max(worker => worker.Bottom) + 24;
        }

        nodes.Add(Redis(snapshot, left, y, width, 70));
        y += 70 + 34;
        // A phone has no room for labels beside the lines; the boxes' own text says what each one is.
        var routes = BrowserEdges.Select(edge => Beside(nodes, edge.From, edge.To)).ToList();
        var redis = nodes.First(node => node.Id == "redis");
        routes.Add(RightLane(nodes.First(node => node.Id == "api-workers"), redis, TallWidth - 8));
#if (!NoRealtime)
        routes.Add(RightLane(nodes.First(node => node.Id == "realtime-workers"), redis, TallWidth - 14));
#endif
        return new SystemDiagram(TallWidth, y + 10, nodes, routes, (10, 96, TallWidth - 20, y - 96));
    }

    private static DiagramRoute Straight(List<DiagramNode> nodes, string from, string to, string label)
    {
        var a = nodes.First(node => node.Id == from);
        var b = nodes.First(node => node.Id == to);
        var (x1, y1, x2, y2) = (a.CenterX, a.Bottom, b.CenterX, b.Y);
        return new DiagramRoute(Invariant($"M{x1:0.#},{y1:0.#} L{x2:0.#},{y2:0.#}"), (x1 + x2) / 2, ((y1 + y2) / 2) - 4, label, Dashed: false);
    }

    /// <summary>In the tall layout the browser sits above everything: its lines run down the left margin into each box.</summary>
    private static DiagramRoute Beside(List<DiagramNode> nodes, string from, string to)
    {
        var a = nodes.First(node => node.Id == from);
        var b = nodes.First(node => node.Id == to);
        var lane = 12.0;
        var entryY = b.Y + 18;
        return new DiagramRoute(Invariant($"M{a.X:0.#},{a.Y + (a.Height / 2):0.#} H{lane:0.#} V{entryY:0.#} H{b.X:0.#}"), 0, 0, string.Empty, Dashed: false);
    }

    private static DiagramRoute UnderLane(DiagramNode from, DiagramNode redis, double laneY, double redisX, string label) =>
        new(Invariant($"M{from.CenterX:0.#},{from.Bottom:0.#} V{laneY:0.#} H{redisX:0.#} V{redis.Bottom:0.#}"), (from.CenterX + redisX) / 2, laneY - 4, label, Dashed: true);

    private static DiagramRoute RightLane(DiagramNode from, DiagramNode redis, double laneX) =>
        new(Invariant($"M{from.X + from.Width:0.#},{from.Y + (from.Height / 2):0.#} H{laneX:0.#} V{redis.Y + (redis.Height / 2):0.#} H{redis.X + redis.Width:0.#}"),
            0, 0, string.Empty, Dashed: true);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static DiagramNode Browser(double x, double y, double w, double h) =>
        new("browser", x, y, w, h, "Your browser", ["calls every service itself"], "client");

    private static DiagramNode Web(DiagramInputs inputs, double x, double y, double w, double h) =>
        new("web", x, y, w, h, "web", ["Blazor front end", Host(inputs.WebUrl)], "ok", inputs.WebPid);

    private static DiagramNode Supervisor(ClusterSnapshot snapshot, string name, Uri? url, double x, double y, double w, double h)
    {
        var service = snapshot.Service(name);
        if (service?.Status is not { } status)
        {
            var why = !snapshot.IsLoaded ? "loading…" : service is null ? "no control API configured" : "unreachable";
            return new DiagramNode(name, x, y, w, h, name, [$"Supervisor · {Host(url)}", why], service is null && snapshot.IsLoaded ? "neutral" : snapshot.IsLoaded ? "error" : "warn");
        }

        var ready = status.ReadyWorkers;
        var tone = ready == 0 ? "error" : ready < status.DesiredWorkers ? "warn" : "ok";
        return new DiagramNode(name, x, y, w, h, name,
        [
            $"Supervisor · {status.Policy} · :{status.Port.ToString(CultureInfo.InvariantCulture)}",
            $"{ready.ToString(CultureInfo.InvariantCulture)}/{status.DesiredWorkers.ToString(CultureInfo.InvariantCulture)} workers ready",
        ], tone);
    }

    private static List<DiagramNode> Workers(ClusterSnapshot snapshot, string name, double x, double y, double width, int perRow)
    {
        var workers = snapshot.Service(name)?.Status?.Workers ?? [];
        var nodes = new List<DiagramNode>();
        var columns = Math.Max(1, Math.Min(perRow, (int)((width + WorkerGap) / (WorkerWidth + WorkerGap))));
        var cellWidth = (width - ((columns - 1) * WorkerGap)) / columns;
        for (var i = 0; i < workers.Count; i++)
        {
            var worker = workers[i];
            var column = i % columns;
            var row = i / columns;
            nodes.Add(new DiagramNode(
                $"{name}-worker-{worker.Index.ToString(CultureInfo.InvariantCulture)}",
                x + (column * (cellWidth + WorkerGap)),
                y + (row * (WorkerHeight + WorkerGap)),
                cellWidth,
                WorkerHeight,
                $"{name}-{worker.Index.ToString(CultureInfo.InvariantCulture)}",
                [worker.State.ToString()],
                WorkerTone(worker.State),
                worker.Pid));
        }

        // An invisible anchor for the edge to Redis, so the line leaves the group of workers rather than one of them.
        var bottom = nodes.Count == 0 ? y + WorkerHeight : nodes.Max(node => node.Bottom);
        if (nodes.Count == 0)
        {
            nodes.Add(new DiagramNode($"{name}-worker-none", x, y, width, WorkerHeight, "no workers", [snapshot.IsLoaded ? "—" : "loading…"], "neutral"));
        }

        nodes.Add(new DiagramNode($"{name}-workers", x, y, width, bottom - y, string.Empty, [], "anchor"));
        return nodes;
    }

    private static DiagramNode Redis(ClusterSnapshot snapshot, double x, double y, double w, double h) =>
        new("redis", x, y, w, h, "redis", [snapshot.Redis.Health switch
        {
            RedisHealth.Up => "up",
            RedisHealth.Down => "DOWN",
            _ => snapshot.IsLoaded ? "unknown" : "loading…",
        }, "state · keys · backplane"], snapshot.Redis.Health switch
        {
            RedisHealth.Up => "ok",
            RedisHealth.Down => "error",
            _ => "warn",
        });

    public static string WorkerTone(WorkerState state) => state switch
    {
        WorkerState.Ready => "ok",
        WorkerState.Exited or WorkerState.Failed => "error",
        _ => "warn",
    };

    private static string Host(Uri? url) => url is null ? "not configured" : url.Authority;
}

/// <summary>What the diagram needs besides the cluster snapshot.</summary>
public sealed record DiagramInputs(Uri? WebUrl, int WebPid, Uri? ApiUrl)
{
#if (!NoRealtime)
    public Uri? RealtimeUrl { get; init; }
#endif
}
