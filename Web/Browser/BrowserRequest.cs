namespace ReferenceApp.Web.Browser;

/// <summary>
/// One HTTP call for the browser to make. <paramref name="Retries"/> applies to network failures only (a connection
/// reset by a worker that died), never to an HTTP error status, and only for methods that are safe to repeat.
/// </summary>
public sealed record BrowserRequest(string Method, string Path, object? Body = null, int Retries = 0, int TimeoutMs = 20_000)
{
    public static BrowserRequest Get(string path, int retries = 0) => new("GET", path, Retries: retries);

    public static BrowserRequest Post(string path, object? body = null) => new("POST", path, body);

    public static BrowserRequest Delete(string path) => new("DELETE", path);
}
