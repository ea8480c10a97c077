using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ReferenceApp.Api.Sessions;
using ReferenceApp.ServiceDefaults.Hosting;

namespace ReferenceApp.Api.Apis;

/// <summary>A visitor's session in Redis: a visit counter and a cart, the same whichever worker answers.</summary>
public static partial class SessionApi
{
    /// <summary>Largest body <c>POST /api/session/cart</c> accepts: a cart line is a few dozen bytes.</summary>
    public const int MaxCartRequestBytes = 1024;

    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder endpoints)
    {
        var session = endpoints.MapGroup("/api/session")
            .WithTags("Session")
            .RequireSessionState()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        session.MapGet("/", GetAsync)
            .WithName("GetSession")
            .WithSummary("The visitor's session (visits and cart), its id, and the worker that served the request. Changes nothing.");

        session.MapPost("/visits", RecordVisitAsync)
            .WithName("RecordVisit")
            .WithSummary("Counts one more visit in the session, starting it (and issuing its cookie) if needed.");

        session.MapGet("/cart", GetAsync)
            .WithName("GetCart")
            .WithSummary("The session with its cart.");

        session.MapPost("/cart", AddToCartAsync)
            .WithName("AddToCart")
            .WithSummary($"Adds an item to the cart: {{ \"sku\": \"tea-01\", \"quantity\": 2 }}. Bodies over {MaxCartRequestBytes} bytes get 413.")
            .WithMetadata(new RequestSizeLimitAttribute(MaxCartRequestBytes))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        session.MapDelete("/cart", ClearCartAsync)
            .WithName("ClearCart")
            .WithSummary("Empties the cart.");

        return endpoints;
    }

    private static async Task<Ok<SessionView>> GetAsync(HttpContext context, WorkerIdentity identity, CancellationToken cancellationToken)
    {
        var session = await VisitorSession.LoadAsync(context, cancellationToken);
        return TypedResults.Ok(session.ToView(identity));
    }

    private static async Task<Ok<SessionView>> RecordVisitAsync(HttpContext context, WorkerIdentity identity, CancellationToken cancellationToken)
    {
        var session = await VisitorSession.LoadAsync(context, cancellationToken);
        session.RecordVisit();
        await session.CommitAsync(cancellationToken);
        return TypedResults.Ok(session.ToView(identity));
    }

    private static async Task<Results<Ok<SessionView>, ValidationProblem, ProblemHttpResult>> AddToCartAsync(
        AddToCartRequest request,
        HttpContext context,
        WorkerIdentity identity,
        IOptions<SessionStateOptions> options,
        CancellationToken cancellationToken)
    {
        if (Validate(request) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid cart item");
        }

        var session = await VisitorSession.LoadAsync(context, cancellationToken);
        if (session.TryAddToCart(request.Sku!, request.Quantity!.Value, options.Value.MaxCartLines) is { } refusal)
        {
            return TypedResults.Problem(refusal, statusCode: StatusCodes.Status409Conflict, title: "The cart cannot take this item");
        }

        await session.CommitAsync(cancellationToken);
        return TypedResults.Ok(session.ToView(identity));
    }

    private static async Task<Ok<SessionView>> ClearCartAsync(HttpContext context, WorkerIdentity identity, CancellationToken cancellationToken)
    {
        var session = await VisitorSession.LoadAsync(context, cancellationToken);
        session.ClearCart();
        await session.CommitAsync(cancellationToken);
        return TypedResults.Ok(session.ToView(identity));
    }

    private static Dictionary<string, string[]> Validate(AddToCartRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Sku is null || !SkuPattern().IsMatch(request.Sku))
        {
            errors["sku"] = ["sku must be 1-40 letters, digits, '-' or '_', starting with a letter or digit."];
        }

        if (request.Quantity is not (>= 1 and <= VisitorSession.MaxQuantityPerLine))
        {
            errors["quantity"] = [$"quantity must be a whole number from 1 to {VisitorSession.MaxQuantityPerLine}."];
        }

        return errors;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")]
    private static partial Regex SkuPattern();
}

/// <summary>The body of <c>POST /api/session/cart</c>.</summary>
public sealed record AddToCartRequest(string? Sku, int? Quantity);
