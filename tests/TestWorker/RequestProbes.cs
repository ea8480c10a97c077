using System.Diagnostics;
using System.Security.Cryptography;

namespace ReferenceApp.TestWorker;

/// <summary>Endpoints that report what the worker saw of a request, for the tests of per-request sticky forwarding.</summary>
internal static class RequestProbes
{
    public static IEndpointRouteBuilder MapRequestProbes(this IEndpointRouteBuilder endpoints)
    {
        // The SHA-256 of the body as it arrived, however large, read as a stream.
        endpoints.MapPost("/hash", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[64 * 1024];
            long length = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                length += read;
            }

            return Results.Ok(new { pid = Environment.ProcessId, length, sha256 = Convert.ToHexStringLower(sha.GetHashAndReset()) });
        });

        // The client as the app sees it: address, scheme, host and the forwarding headers that reached it.
        endpoints.MapGet("/request-info", (HttpContext context) => Results.Ok(new
        {
            pid = Environment.ProcessId,
            remoteAddress = context.Connection.RemoteIpAddress?.ToString(),
            scheme = context.Request.Scheme,
            host = context.Request.Host.Value,
            forwardedFor = context.Request.Headers["X-Forwarded-For"].ToString(),
            forwardedProto = context.Request.Headers["X-Forwarded-Proto"].ToString(),
            secretHeader = context.Request.Headers.ContainsKey("X-ReferenceApp-Forward-Secret"),
            forwardListen = Environment.GetEnvironmentVariable("SUPERVISOR_FORWARD_LISTEN"),
            traceId = Activity.Current?.TraceId.ToString(),
            parentSpanId = Activity.Current?.ParentSpanId.ToString(),
        }));

        // A response written in pieces with a flush after each, so a test sees whether it streams through.
        endpoints.MapGet("/stream", async (HttpResponse response, int chunks, CancellationToken cancellationToken) =>
        {
            response.ContentType = "text/plain";
            for (var i = 0; i < Math.Clamp(chunks, 1, 1000); i++)
            {
                await response.WriteAsync($"chunk {i} from {Environment.ProcessId}\n", cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
            }
        });

        // A WebSocket that says which process accepted it, then closes.
        endpoints.Map("/ws", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                return Results.BadRequest();
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await socket.SendAsync(pid, System.Net.WebSockets.WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
            await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted);
            return Results.Empty;
        });

        return endpoints;
    }
}
