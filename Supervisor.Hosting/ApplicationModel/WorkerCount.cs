using System.Globalization;

namespace Aspire.Hosting;

/// <summary>How many workers a Supervisor runs: a number, or <see cref="Auto"/> (one per CPU the Supervisor may use).</summary>
public readonly record struct WorkerCount
{
    private WorkerCount(int? count) => Count = count;

    /// <summary>One worker per CPU, as Node's cluster examples and PM2's <c>-i max</c> do.</summary>
    public static WorkerCount Auto { get; } = new(null);

    /// <summary>The fixed number, or null for <see cref="Auto"/>.</summary>
    public int? Count { get; }

    public static WorkerCount Fixed(int count) =>
        count is >= 1 and <= SupervisedProjectBuilderExtensions.MaxWorkerSlots
            ? new(count)
            : throw new ArgumentOutOfRangeException(nameof(count), count, $"A Supervisor runs 1 to {SupervisedProjectBuilderExtensions.MaxWorkerSlots} workers.");

    public static implicit operator WorkerCount(int count) => Fixed(count);

    /// <summary>Reads <c>auto</c> or a number, as the Supervisor's <c>--workers</c> does.</summary>
    public static WorkerCount Parse(string? text) =>
        string.IsNullOrWhiteSpace(text) || text.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase) ? Auto
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? Fixed(count)
        : throw new FormatException($"A worker count is 'auto' or a number from 1 to {SupervisedProjectBuilderExtensions.MaxWorkerSlots}, but was '{text}'.");

    /// <summary>The count this machine gives: <see cref="Auto"/> is the processor count, capped at the slots.</summary>
    public int Resolve() => Count ?? Math.Clamp(Environment.ProcessorCount, 1, SupervisedProjectBuilderExtensions.MaxWorkerSlots);

    /// <summary><c>auto</c> or the number, as <see cref="Parse"/> reads it.</summary>
    public override string ToString() => Count?.ToString(CultureInfo.InvariantCulture) ?? "auto";

    public static WorkerCount FromInt32(int count) => Fixed(count);
}
