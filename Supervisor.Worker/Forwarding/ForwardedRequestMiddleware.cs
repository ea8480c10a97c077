using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Worker.Forwarding;

/// <summary>
/// The receiving side of forwarding. A request on this worker's private forwarding socket must carry this worker's secret
/// (else 403); then, and only then, the client's address and scheme are taken from the last <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> entries the forwarding peer appended, which are removed again, so the app sees the request as
/// the arriving worker did. Requests from the public side pass untouched: their forwarding headers are never trusted here.
/// </summary>
internal sealed partial class ForwardedRequestMiddleware(RequestDelegate next, ForwardingSecret secret, ILogger<ForwardedRequestMiddleware> logger)
{
    private readonly byte[] _secret = Encoding.ASCII.GetBytes(secret.Value);

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<PeerConnectionFeature>() is null)
        {
            return next(context);
        }

        var headers = context.Request.Headers;
        var presented = headers[ForwardingProtocol.SecretHeader].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(presented), _secret))
        {
            Log.Rejected(logger, context.Request.Path);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }

        headers.Remove(ForwardingProtocol.SecretHeader);
        if (PopLast(headers, PeerRequestTransformer.ForwardedFor) is { } client && IPAddress.TryParse(client, out var address))
        {
            context.Connection.RemoteIpAddress = address;
            context.Connection.RemotePort = 0;
        }

        if (PopLast(headers, PeerRequestTransformer.ForwardedProto) is { Length: > 0 } scheme)
        {
            context.Request.Scheme = scheme;
        }

        return next(context);
    }

    /// <summary>Removes and returns the last comma-separated entry of a header.</summary>
    internal static string? PopLast(IHeaderDictionary headers, string name)
    {
        var value = headers[name].ToString();
        if (value.Length == 0)
        {
            return null;
        }

        var comma = value.LastIndexOf(',');
        if (comma < 0)
        {
            headers.Remove(name);
            return value.Trim();
        }

        headers[name] = new StringValues(value[..comma].TrimEnd());
        return value[(comma + 1)..].Trim();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ForwardedRequestRejected, EventName = nameof(EventIds.ForwardedRequestRejected), Level = LogLevel.Warning,
            Message = "Rejected a request for {Path} on the private forwarding socket: it did not carry this worker's secret")]
        public static partial void Rejected(ILogger logger, PathString path);
    }
}

/// <summary>This worker's forwarding secret, which peers present on its forwarding socket.</summary>
internal sealed record ForwardingSecret(string Value)
{
    // Never in a log.
    public override string ToString() => nameof(ForwardingSecret);
}
