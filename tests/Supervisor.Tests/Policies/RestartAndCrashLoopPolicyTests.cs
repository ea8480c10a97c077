using ReferenceApp.Supervisor.Configuration;
using ReferenceApp.Supervisor.Policies;

namespace ReferenceApp.Supervisor.Tests.Policies;

[Trait("Tier", "Unit")]
public sealed class RestartAndCrashLoopPolicyTests
{
    private static readonly RestartOptions Restart = new()
    {
        InitialDelay = TimeSpan.FromSeconds(1),
        Multiplier = 2,
        MaxDelay = TimeSpan.FromSeconds(5),
        StableAfter = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public void Restart_delay_grows_exponentially_up_to_the_maximum()
    {
        var policy = new RestartPolicy(Restart);
        var delays = Enumerable.Range(0, 5).Select(_ => policy.NextDelay(TimeSpan.FromSeconds(1)).TotalSeconds).ToArray();
        Assert.Equal([1, 2, 4, 5, 5], delays);
    }

    [Fact]
    public void Restart_delay_starts_over_after_a_stable_run()
    {
        var policy = new RestartPolicy(Restart);
        policy.NextDelay(TimeSpan.FromSeconds(1));
        policy.NextDelay(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(1), policy.NextDelay(TimeSpan.FromMinutes(5)));
        Assert.Equal(TimeSpan.FromSeconds(2), policy.NextDelay(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Crash_loop_needs_enough_unstable_exits_within_the_window()
    {
        var policy = new CrashLoopPolicy(new CrashLoopOptions { MaxUnstableExits = 3, Window = TimeSpan.FromMinutes(1) }, Restart.StableAfter);
        var start = DateTimeOffset.UnixEpoch;
        var quick = TimeSpan.FromSeconds(2);

        Assert.False(policy.RecordExit(quick, start));
        Assert.False(policy.RecordExit(quick, start.AddSeconds(10)));
        // The first exit has left the window: still two in it.
        Assert.False(policy.RecordExit(quick, start.AddSeconds(65)));
        Assert.True(policy.RecordExit(quick, start.AddSeconds(70)));
    }

    [Fact]
    public void Stable_exit_clears_the_crash_loop_count()
    {
        var policy = new CrashLoopPolicy(new CrashLoopOptions { MaxUnstableExits = 2, Window = TimeSpan.FromMinutes(1) }, Restart.StableAfter);
        var now = DateTimeOffset.UnixEpoch;
        Assert.False(policy.RecordExit(TimeSpan.FromSeconds(1), now));
        Assert.False(policy.RecordExit(TimeSpan.FromMinutes(10), now.AddSeconds(1)));
        Assert.False(policy.RecordExit(TimeSpan.FromSeconds(1), now.AddSeconds(2)));
        Assert.True(policy.RecordExit(TimeSpan.FromSeconds(1), now.AddSeconds(3)));
    }
}
