using Microsoft.JSInterop;

namespace ReferenceApp.Web.Browser;

/// <summary>
/// Makes the browser call a service (wwwroot/js/http-calls.js): the request leaves the person's browser, not this server,
/// so it meets the real CORS rules, cookies, connection reuse and balancing. Scoped to one circuit.
/// </summary>
public sealed class BrowserHttp(IJSRuntime js) : IAsyncDisposable
{
    private Task<IJSObjectReference>? _module;

    public async Task<BrowserCallResult> SendAsync(Uri baseUrl, BrowserRequest request, CancellationToken cancellationToken = default)
    {
        var module = await ModuleAsync();
        return await module.InvokeAsync<BrowserCallResult>("send", cancellationToken, baseUrl.AbsoluteUri, request);
    }

    /// <summary>Sends every request at once from the browser; <paramref name="onCompleted"/> runs for each as it completes.</summary>
    public async Task BurstAsync(
        Uri baseUrl,
        IReadOnlyList<BrowserRequest> requests,
        Action<int, BrowserCallResult> onCompleted,
        CancellationToken cancellationToken = default)
    {
        var module = await ModuleAsync();
        using var receiver = DotNetObjectReference.Create(new BurstReceiver(onCompleted));
        await module.InvokeVoidAsync("burst", cancellationToken, baseUrl.AbsoluteUri, requests, receiver);
    }

    public async ValueTask DisposeAsync()
    {
        if (_module is { IsCompletedSuccessfully: true })
        {
            try
            {
                await (await _module).DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone, and the module with it.
            }
        }
    }

    private Task<IJSObjectReference> ModuleAsync() =>
        _module ??= js.InvokeAsync<IJSObjectReference>("import", "./js/http-calls.js").AsTask();

    /// <summary>The .NET side of a burst: the browser reports each completed call here.</summary>
    private sealed class BurstReceiver(Action<int, BrowserCallResult> onCompleted)
    {
        [JSInvokable("OnCompleted")]
        public void OnCompleted(int index, BrowserCallResult result) => onCompleted(index, result);
    }
}
