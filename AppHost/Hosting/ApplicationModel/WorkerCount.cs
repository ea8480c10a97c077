using System.Globalization;

namespace ReferenceApp.AppHost.Hosting.ApplicationModel;

/// <summary>How many workers a Supervisor runs: one per core, or a fixed number (1-64).</summary>
public readonly record struct WorkerCount
{
    public const int Maximum = 64;

    private WorkerCount(int? fixedCount) => Fixed = fixedCount;

    /// <summary>One worker per core, decided by the Supervisor (<c>--workers auto</c>).</summary>
    public static WorkerCount PerCore { get; }

    /// <summary>The fixed number of workers, or null for one per core.</summary>
    public int? Fixed { get; }

    public static WorkerCount Of(int count) => count is >= 1 and <= Maximum
        ? new WorkerCount(count)
        : throw new ArgumentOutOfRangeException(nameof(count), count, $"A supervised project runs 1-{Maximum} workers.");

    /// <summary>Parses <c>auto</c> or a number 1-64, as configuration and the command line give it.</summary>
    public static bool TryParse(string? text, out WorkerCount count)
    {
        count = PerCore;
        if (string.Equals(text?.Trim(), "auto", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= Maximum)
        {
            count = new WorkerCount(value);
            return true;
        }

        return false;
    }

    /// <summary>The value of the Supervisor's <c>--workers</c> option.</summary>
    public override string ToString() => Fixed?.ToString(CultureInfo.InvariantCulture) ?? "auto";
}
