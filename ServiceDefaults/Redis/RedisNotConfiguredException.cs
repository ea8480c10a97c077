namespace ReferenceApp.ServiceDefaults.Redis;

/// <summary>Thrown by state endpoints when no <c>ConnectionStrings:redis</c> was given; answered as 503.</summary>
public sealed class RedisNotConfiguredException : InvalidOperationException
{
    public RedisNotConfiguredException()
        : base($"No Redis connection string is configured (set ConnectionStrings__{RedisExtensions.ConnectionName}).")
    {
    }

    public RedisNotConfiguredException(string message) : base(message)
    {
    }

    public RedisNotConfiguredException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
