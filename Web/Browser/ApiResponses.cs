namespace ReferenceApp.Web.Browser;

// The Api's response bodies, as the browser hands them over. The Web keeps its own copies: it never references the
// Api's assembly, exactly as a browser client would not.

/// <summary><c>GET /api/whoami</c>.</summary>
public sealed record WhoAmIResponse(string Service, string Instance, int? WorkerIndex, int Pid, DateTimeOffset StartedAt, double UptimeSeconds);

/// <summary><c>GET /api/work?ms=N</c>.</summary>
public sealed record WorkResponse(int RequestedMs, double ElapsedMs, long Spins, int Pid);

/// <summary><c>POST /api/counters/local</c> and <c>/shared</c>.</summary>
public sealed record CounterResponse(string Counter, long Value, int Pid);

/// <summary>Every <c>/api/session</c> endpoint. <c>SessionId</c> is null until something is stored.</summary>
public sealed record SessionResponse(string? SessionId, int Visits, IReadOnlyList<CartLineResponse> Cart, int CartQuantity, string Instance, int Pid);

/// <summary>One cart line of a session.</summary>
public sealed record CartLineResponse(string Sku, int Quantity);

#if (!NoRealtime)
/// <summary><c>POST /api/broadcast</c> (202).</summary>
public sealed record BroadcastReceiptResponse(string Id, string Instance, int Pid, DateTimeOffset SentAt, long HubWorkers);
#endif
