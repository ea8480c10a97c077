using System.Net;

namespace ReferenceApp.Supervisor.Contracts;

/// <summary>
/// A control API call that failed: the Supervisor refused it (<see cref="StatusCode"/> says how: 401 for a wrong token,
/// 404 for no such worker, 409 for a reload already running or a slot without a process), or it did not answer at all
/// (<see cref="StatusCode"/> is null: connection refused, timeout).
/// </summary>
public sealed class SupervisorControlException : Exception
{
    public SupervisorControlException()
        : this("The Supervisor's control API call failed.")
    {
    }

    public SupervisorControlException(string message)
        : this(message, innerException: null)
    {
    }

    public SupervisorControlException(string message, Exception? innerException)
        : this(message, message, statusCode: null, innerException)
    {
    }

    private SupervisorControlException(string message, string problem, HttpStatusCode? statusCode, Exception? innerException)
        : base(message, innerException)
    {
        Problem = problem;
        StatusCode = statusCode;
    }

    /// <summary>The Supervisor's answer; null when there was none.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>What went wrong, in one line: the problem details' "title: detail", or why no answer came.</summary>
    public string Problem { get; }

    internal static SupervisorControlException NoAnswer(Exception cause) =>
        new($"The Supervisor's control API did not answer: {cause.Message}", cause.Message, statusCode: null, cause);

    internal static SupervisorControlException Answered(HttpStatusCode statusCode, string? reasonPhrase, string problem, Exception? cause = null) =>
        new($"The Supervisor answered {(int)statusCode} {reasonPhrase}: {problem}", problem, statusCode, cause);
}
