using Microsoft.AspNetCore.Components;
using ReferenceApp.AppHost.Dashboard.Telemetry;

namespace ReferenceApp.AppHost.Dashboard.Components.Parts;

/// <summary>
/// A page that shows part of the telemetry store and keeps it current: it re-queries when the store reports a change
/// it cares about, at most a few times a second, with no reload.
/// </summary>
public abstract class TelemetryPage : ComponentBase, IDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(250);

    private IDisposable? _subscription;
    private RenderThrottle? _throttle;

    [Inject]
    protected TelemetryStore Store { get; set; } = null!;

    [Inject]
    protected NavigationManager Navigation { get; set; } = null!;

    /// <summary>The kinds of change that make this page re-query.</summary>
    protected abstract TelemetryChange Interest { get; }

    /// <summary>Whether live updates are on; a person reading a detail may pause them.</summary>
    protected bool Live { get; set; } = true;

    /// <summary>Re-reads what the page shows from the store.</summary>
    protected abstract void Query();

    protected override void OnInitialized()
    {
        _throttle = new RenderThrottle(() => InvokeAsync(() =>
        {
            Query();
            StateHasChanged();
        }), RefreshInterval);
        _subscription = Store.Subscribe(change =>
        {
            if (Live && (change & Interest) != 0)
            {
                _throttle.Request();
            }
        });
    }

    protected override void OnParametersSet() => Query();

    /// <summary>Replaces the page's query string, so filters survive a reload and can be shared as links.</summary>
    protected void SetQuery(IReadOnlyDictionary<string, object?> parameters) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(parameters), replace: true);

    public void Dispose()
    {
        _subscription?.Dispose();
        _throttle?.Dispose();
        GC.SuppressFinalize(this);
    }
}
