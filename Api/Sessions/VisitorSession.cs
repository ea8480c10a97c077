using System.Text.Json;
using System.Text.Json.Serialization;
using ReferenceApp.ServiceDefaults.Hosting;

namespace ReferenceApp.Api.Sessions;

/// <summary>
/// What the Api keeps in a visitor's session: a visit counter and a small cart. Loaded and committed explicitly, so a
/// Redis failure surfaces as an exception (answered 503 by ServiceDefaults) instead of the session middleware's defaults:
/// an empty session on load, and a silently lost update on commit.
/// </summary>
public sealed class VisitorSession
{
    private const string VisitsKey = "visits";
    private const string CartKey = "cart";

    /// <summary>Most of one item a cart holds.</summary>
    public const int MaxQuantityPerLine = 99;

    private readonly ISession _session;

    private VisitorSession(ISession session) => _session = session;

    /// <summary>True once the session holds something, i.e. once a cookie has been issued for it.</summary>
    public bool IsEstablished => _session.Keys.Any();

    public int Visits => _session.GetInt32(VisitsKey) ?? 0;

    public IReadOnlyList<CartLine> Cart =>
        _session.Get(CartKey) is { } json ? JsonSerializer.Deserialize(json, SessionJson.Default.ListCartLine) ?? [] : [];

    /// <summary>Loads the session from Redis; throws when Redis cannot be reached.</summary>
    public static async Task<VisitorSession> LoadAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await context.Session.LoadAsync(cancellationToken);
        return new VisitorSession(context.Session);
    }

    public int RecordVisit()
    {
        var visits = Visits + 1;
        _session.SetInt32(VisitsKey, visits);
        return visits;
    }

    /// <summary>Adds <paramref name="quantity"/> of <paramref name="sku"/>; null when done, else why not (nothing changed).</summary>
    public string? TryAddToCart(string sku, int quantity, int maxLines)
    {
        var lines = Cart.ToList();
        var index = lines.FindIndex(line => line.Sku == sku);
        if (index < 0)
        {
            if (lines.Count >= maxLines)
            {
                return $"The cart already holds {maxLines} different items, the most it can.";
            }

            lines.Add(new CartLine(sku, quantity));
        }
        else
        {
            var total = lines[index].Quantity + quantity;
            if (total > MaxQuantityPerLine)
            {
                return $"The cart would hold {total} of '{sku}'; at most {MaxQuantityPerLine} of one item.";
            }

            lines[index] = lines[index] with { Quantity = total };
        }

        _session.Set(CartKey, JsonSerializer.SerializeToUtf8Bytes(lines, SessionJson.Default.ListCartLine));
        return null;
    }

    public void ClearCart() => _session.Remove(CartKey);

    /// <summary>Saves the changes to Redis before the response is written; throws when Redis cannot be reached.</summary>
    public Task CommitAsync(CancellationToken cancellationToken) => _session.CommitAsync(cancellationToken);

    /// <summary>The response body of every session endpoint: the state, and who served it.</summary>
    public SessionView ToView(WorkerIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var cart = Cart;
        // A session that holds nothing has no stable id yet: ISession invents a new one on every request until it is saved.
        return new SessionView(
            IsEstablished ? _session.Id : null,
            Visits,
            cart,
            cart.Sum(line => line.Quantity),
            identity.InstanceId,
            identity.ProcessId);
    }
}

/// <summary>One item of the cart.</summary>
public sealed record CartLine(string Sku, int Quantity);

/// <summary>The session as the endpoints answer it.</summary>
/// <param name="SessionId">The session's id, or null before anything was stored in it.</param>
/// <param name="Instance">The worker that served this request.</param>
/// <param name="Pid">Its process id.</param>
public sealed record SessionView(string? SessionId, int Visits, IReadOnlyList<CartLine> Cart, int CartQuantity, string Instance, int Pid);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<CartLine>))]
internal sealed partial class SessionJson : JsonSerializerContext;
