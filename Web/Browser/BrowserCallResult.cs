using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ReferenceApp.Web.Browser;

/// <summary>
/// What the browser saw for one call: the status, who served it (the body's <c>pid</c>, or the <c>X-Served-By</c> header the
/// Api exposes through CORS), the raw body, the trace id the browser put in its own <c>traceparent</c>, the time taken,
/// how many attempts it needed, and the network error if it never got an answer.
/// </summary>
public sealed partial record BrowserCallResult(
    int Status,
    int? Pid,
    string? ServedBy,
    string? Body,
    string TraceId,
    double DurationMs,
    int Attempts,
    string? Error)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public bool Ok => Status is >= 200 and < 300;

    /// <summary>The worker's name (<c>api-1</c>) from <c>X-Served-By: api/api-1 pid=4242</c>.</summary>
    public string? Instance => ServedBy is { } servedBy && ServedByPattern().Match(servedBy) is { Success: true } match
        ? match.Groups["instance"].Value
        : null;

    /// <summary>One line: "503 Redis is unavailable", "network error: Failed to fetch", "200 OK".</summary>
    public string Summary => Status == 0
        ? $"no answer ({Error ?? "network error"})"
        : $"{Status.ToString(CultureInfo.InvariantCulture)} {ProblemTitle ?? (Ok ? "OK" : "error")}";

    public string? ProblemTitle => Problem?.Title;

    public string? ProblemDetail => Problem?.Detail ?? Problem?.ValidationErrors;

    public T? Read<T>() where T : class
    {
        if (!Ok || string.IsNullOrWhiteSpace(Body))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(Body, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private ProblemView? Problem => Ok || string.IsNullOrWhiteSpace(Body) ? null : ProblemView.Parse(Body);

    [GeneratedRegex(@"^[^/\s]+/(?<instance>\S+) pid=\d+$")]
    private static partial Regex ServedByPattern();

    private sealed record ProblemView(string? Title, string? Detail, string? ValidationErrors)
    {
        public static ProblemView? Parse(string body)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                var errors = root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object
                    ? string.Join(" ", e.EnumerateObject().SelectMany(field => field.Value.EnumerateArray().Select(message => message.GetString())))
                    : null;
                return new ProblemView(Text(root, "title"), Text(root, "detail"), string.IsNullOrWhiteSpace(errors) ? null : errors);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
