using StackExchange.Redis;

namespace ReferenceApp.AppHost.Hosting.Redis;

/// <summary>Readiness of a Redis resource: a real, authenticated PING over the resource's connection string.</summary>
internal sealed class RedisProbe(string connectionString) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ConnectionMultiplexer? _connection;

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is null)
            {
                var options = ConfigurationOptions.Parse(connectionString);
                options.AbortOnConnectFail = true; // fail this probe now; the next probe connects afresh
                options.BacklogPolicy = BacklogPolicy.FailFast;
                options.ConnectTimeout = 2000;
                options.AsyncTimeout = 2000;
                options.ConnectRetry = 1;
                options.ClientName = "apphost-probe";
                _connection = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(cancellationToken);
            }

            await _connection.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            await DropConnectionAsync();
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DropConnectionAsync();
        _gate.Dispose();
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }
    }
}
