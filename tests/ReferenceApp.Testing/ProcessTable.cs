using System.Globalization;

namespace ReferenceApp.Testing;

/// <summary>The processes of this machine as /proc shows them (Linux), to check for orphans and replacements.</summary>
public static class ProcessTable
{
    /// <summary>The PIDs whose parent is <paramref name="parentPid"/>, zombies excluded. See proc(5), /proc/[pid]/stat.</summary>
    public static IReadOnlyList<int> ChildrenOf(int parentPid) =>
        Directory.EnumerateDirectories("/proc")
            .Select(directory => int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0 && Stat(pid) is { } stat && stat.ParentPid == parentPid && stat.State != 'Z')
            .ToArray();

    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid) => Stat(pid) is { State: not 'Z' };

    /// <summary>The process's command line, arguments joined by spaces (/proc/[pid]/cmdline), or null when it is gone.</summary>
    public static string? CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Resident set size in bytes (VmRSS in /proc/[pid]/status), or null when the process is gone.</summary>
    public static long? ResidentBytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line["VmRSS:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static (char State, int ParentPid)? Stat(int pid)
    {
        try
        {
            // "pid (comm) state ppid ...": comm may contain spaces and parentheses, so parse after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[1], CultureInfo.InvariantCulture));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
