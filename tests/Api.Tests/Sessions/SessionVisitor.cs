using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ReferenceApp.Api.Tests.Sessions;

/// <summary>
/// A visitor with a cookie jar who opens a new TCP connection for every request, as separate page loads may: nothing
/// but the cookie ties the requests together, so whichever worker answers must find the session in Redis.
/// </summary>
internal sealed class SessionVisitor
{
    public CookieContainer Cookies { get; } = new();

    public async Task<SessionAnswer> SendAsync(Uri baseAddress, HttpMethod method, string path, object? body = null)
    {
        using var handler = new SocketsHttpHandler { CookieContainer = Cookies, UseCookies = true };
        using var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = body as HttpContent ?? JsonContent.Create(body);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var isJson = mediaType?.EndsWith("json", StringComparison.Ordinal) == true;
        return new SessionAnswer(
            response.StatusCode,
            isJson && text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default,
            mediaType,
            response.Headers);
    }

    public Task<SessionAnswer> PostAsync(Uri baseAddress, string path, object? body = null) => SendAsync(baseAddress, HttpMethod.Post, path, body);

    public Task<SessionAnswer> GetAsync(Uri baseAddress, string path) => SendAsync(baseAddress, HttpMethod.Get, path);
}

internal sealed record SessionAnswer(HttpStatusCode Status, JsonElement Body, string? MediaType, HttpResponseHeaders Headers)
{
    public string? SessionId => Body.GetProperty("sessionId").GetString();

    public int Visits => Body.GetProperty("visits").GetInt32();

    public int Pid => Body.GetProperty("pid").GetInt32();

    public SessionAnswer EnsureOk()
    {
        Assert.True(Status == HttpStatusCode.OK, $"expected 200, got {(int)Status}: {Body}");
        return this;
    }
}
