using System.ComponentModel.DataAnnotations;

namespace ReferenceApp.Api.Sessions;

/// <summary>The visitor session, bound from the <c>Api:Session</c> configuration section.</summary>
public sealed class SessionStateOptions
{
    public const string SectionName = "Api:Session";

    /// <summary>Name of the session cookie.</summary>
    [Required(ErrorMessage = "Api:Session:CookieName must be set.")]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "Api:Session:CookieName must be 1-64 letters, digits, '.', '_' or '-'.")]
    public string CookieName { get; set; } = "referenceapp-session";

    /// <summary>A session unused for this long expires in Redis (sliding expiration).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00", ErrorMessage = "Api:Session:IdleTimeout must be between 00:01:00 and 7.00:00:00 (7 days).")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>
    /// Longest wait for Redis when loading or saving a session. The Redis client already fails fast while disconnected;
    /// this bounds the other case, a Redis that accepts the command and then stalls, so a request never hangs on it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ErrorMessage = "Api:Session:IoTimeout must be between 00:00:01 and 00:01:00.")]
    public TimeSpan IoTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Most distinct items one cart holds.</summary>
    [Range(1, 1000, ErrorMessage = "Api:Session:MaxCartLines must be between 1 and 1000.")]
    public int MaxCartLines { get; set; } = 20;
}
