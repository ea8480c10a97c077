using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ReferenceApp.ServiceDefaults.Redis;

/// <summary>
/// Turns "Redis is down" into a 503 problem response instead of a 500, for every endpoint that needs Redis.
/// It is both the production exception handler and a filter of the developer exception page, so the answer is the same in every environment.
/// </summary>
internal sealed partial class RedisUnavailableExceptionHandler(
    IProblemDetailsService problemDetails,
    ILogger<RedisUnavailableExceptionHandler> logger) : IExceptionHandler, IDeveloperPageExceptionFilter
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken) =>
        RedisUnavailable.IsCause(exception) && await WriteProblemAsync(httpContext, exception);

    public async Task HandleExceptionAsync(ErrorContext errorContext, Func<ErrorContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(errorContext);
        ArgumentNullException.ThrowIfNull(next);
        if (!RedisUnavailable.IsCause(errorContext.Exception) || !await WriteProblemAsync(errorContext.HttpContext, errorContext.Exception))
        {
            await next(errorContext);
        }
    }

    private async Task<bool> WriteProblemAsync(HttpContext httpContext, Exception exception)
    {
        Log.RedisUnavailable(logger, httpContext.Request.Path, exception.GetType().Name);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Redis is unavailable",
                Detail = "This endpoint keeps its state in Redis, which cannot be reached right now. Retry shortly.",
                Type = "https://tools.ietf.org/html/rfc9110#section-15.6.4",
            },
        });
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.RedisUnavailable, EventName = nameof(EventIds.RedisUnavailable), Level = LogLevel.Warning,
            Message = "Request to {Path} needs Redis, which is unavailable ({ExceptionType}); answered 503")]
        public static partial void RedisUnavailable(ILogger logger, PathString path, string exceptionType);
    }
}
