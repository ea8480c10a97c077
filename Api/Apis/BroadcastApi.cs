using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using ReferenceApp.Api.Broadcasts;

namespace ReferenceApp.Api.Apis;

/// <summary>Publishes a message to every client of every RealtimeHub worker.</summary>
public static class BroadcastApi
{
    public const int MaxTextLength = 1000;

    public static IEndpointRouteBuilder MapBroadcastApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/broadcast", PublishAsync)
            .WithName("Broadcast")
            .WithTags("Realtime")
            .WithSummary("Sends { \"text\": \"...\" } to every RealtimeHub client on every hub worker, through Redis. 503 while Redis is unavailable.")
            .WithMetadata(new RequestSizeLimitAttribute(8 * 1024))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static async Task<Results<Accepted<BroadcastReceipt>, ValidationProblem>> PublishAsync(
        BroadcastRequest request,
        BroadcastPublisher publisher,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Text) || request.Text.Length > MaxTextLength)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["text"] = [$"text must be 1 to {MaxTextLength} characters, not only white space."] },
                title: "Invalid broadcast");
        }

        // 202: Redis has taken the message; each hub worker delivers it to its own clients as it arrives.
        return TypedResults.Accepted((string?)null, await publisher.PublishAsync(request.Text, cancellationToken));
    }
}

/// <summary>The body of <c>POST /api/broadcast</c>.</summary>
public sealed record BroadcastRequest(string? Text);
