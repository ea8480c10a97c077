using System.Globalization;

namespace ReferenceApp.Testing.Http;

/// <summary>Reads the <c>X-Served-By: service/instance pid=N</c> header every service stamps on its responses.</summary>
public static class ServedBy
{
    public const string HeaderName = "X-Served-By";

    /// <summary>The header's value, e.g. <c>api/1 pid=4242</c>.</summary>
    public static string Header(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.TryGetValues(HeaderName, out var values)
            ? values.Single()
            : throw new InvalidOperationException($"{(int)response.StatusCode} response without {HeaderName}.");
    }

    /// <summary>The PID that served <paramref name="response"/>.</summary>
    public static int Pid(HttpResponseMessage response) => Pid(Header(response));

    public static int Pid(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var at = header.LastIndexOf("pid=", StringComparison.Ordinal);
        return at >= 0 && int.TryParse(header.AsSpan(at + 4), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : throw new FormatException($"{HeaderName} '{header}' names no pid.");
    }
}
