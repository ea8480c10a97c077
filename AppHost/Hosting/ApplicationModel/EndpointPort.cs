using System.Globalization;

namespace ReferenceApp.AppHost.Hosting.ApplicationModel;

/// <summary>
/// The TCP port of a resource: requested in code or configuration (0 = any free port), then allocated once at start-up.
/// </summary>
public sealed class EndpointPort
{
    /// <summary>The port asked for: 0 means "any free port".</summary>
    public int Requested { get; internal set; }

    /// <summary>The port the resource really uses; 0 until the AppHost has allocated it.</summary>
    public int Allocated { get; internal set; }

    /// <summary>A fixed port is a public promise (a URL people type): when taken, the AppHost fails rather than move it.</summary>
    public bool IsFixed => Requested != 0;

    public override string ToString() =>
        Allocated != 0 ? Allocated.ToString(CultureInfo.InvariantCulture) : IsFixed ? Requested.ToString(CultureInfo.InvariantCulture) : "free";
}
