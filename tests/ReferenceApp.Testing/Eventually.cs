using System.Diagnostics;

namespace ReferenceApp.Testing;

/// <summary>Waits for a condition with a deadline: the only way tests synchronise with other processes.</summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static async Task<T> ReturnsAsync<T>(Func<Task<T?>> probe, TimeSpan deadline, string what) where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        var stopwatch = Stopwatch.StartNew();
        Exception? last = null;
        while (stopwatch.Elapsed < deadline)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
#pragma warning disable CA1031 // a probe may fail in any way until the condition holds
            catch (Exception exception)
#pragma warning restore CA1031
            {
                last = exception;
            }

            await Task.Delay(PollInterval);
        }

        throw new TimeoutException($"Timed out after {deadline.TotalSeconds:F1} s waiting for {what}.", last);
    }

    public static Task TrueAsync(Func<Task<bool>> condition, TimeSpan deadline, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return ReturnsAsync<object>(async () => await condition() ? true : null, deadline, what);
    }

    public static Task TrueAsync(Func<bool> condition, TimeSpan deadline, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return TrueAsync(() => Task.FromResult(condition()), deadline, what);
    }

    /// <summary>
    /// Checks that <paramref name="condition"/> keeps holding for the whole of <paramref name="duration"/> (for "it does not
    /// happen again" assertions); throws at the first observation where it does not.
    /// </summary>
    public static async Task HoldsForAsync(Func<Task<bool>> condition, TimeSpan duration, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var stopwatch = Stopwatch.StartNew();
        do
        {
            if (!await condition())
            {
                throw new InvalidOperationException($"Expected {what} to hold for {duration.TotalSeconds:F1} s, but it stopped holding after {stopwatch.Elapsed.TotalSeconds:F1} s.");
            }

            await Task.Delay(PollInterval);
        }
        while (stopwatch.Elapsed < duration);
    }
}
