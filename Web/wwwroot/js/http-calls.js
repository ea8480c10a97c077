// The browser calls the Api itself, as any real client does: cross-origin, with its cookies, through the Api's one public
// port. Each call carries a W3C traceparent made here, so the page can link the call to its trace in the dashboard.

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

function newTraceparent() {
    const traceId = hex(crypto.getRandomValues(new Uint8Array(16)));
    const spanId = hex(crypto.getRandomValues(new Uint8Array(8)));
    return { traceId, traceparent: `00-${traceId}-${spanId}-01` };
}

function pidOf(servedBy, body) {
    try {
        const parsed = body ? JSON.parse(body) : null;
        if (parsed && typeof parsed.pid === "number") {
            return parsed.pid;
        }
    } catch {
        // Not JSON: fall back to the header.
    }
    const match = /pid=(\d+)/.exec(servedBy ?? "");
    return match ? Number(match[1]) : null;
}

const safeToRepeat = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Sends one request. Network failures (a connection reset because the worker holding it was killed) are retried up to
 * request.retries times for methods that are safe to repeat; HTTP error statuses are answers and are never retried.
 */
export async function send(baseUrl, request) {
    const method = (request.method ?? "GET").toUpperCase();
    const { traceId, traceparent } = newTraceparent();
    const headers = { traceparent };
    let body;
    if (request.body !== null && request.body !== undefined) {
        headers["Content-Type"] = "application/json";
        body = JSON.stringify(request.body);
    }

    const maxAttempts = 1 + (safeToRepeat.has(method) ? Math.max(0, request.retries ?? 0) : 0);
    const started = performance.now();
    let lastError = null;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        try {
            const response = await fetch(new URL(request.path, baseUrl), {
                method,
                headers,
                body,
                credentials: "include",
                cache: "no-store",
                signal: AbortSignal.timeout(request.timeoutMs ?? 20000),
            });
            const text = await response.text();
            const servedBy = response.headers.get("X-Served-By");
            return {
                status: response.status,
                pid: pidOf(servedBy, text),
                servedBy,
                body: text,
                traceId,
                durationMs: Math.round((performance.now() - started) * 10) / 10,
                attempts: attempt,
                error: null,
            };
        } catch (error) {
            lastError = error?.name === "TimeoutError" ? "timed out" : String(error?.message ?? error);
        }
    }

    return {
        status: 0,
        pid: null,
        servedBy: null,
        body: null,
        traceId,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        attempts: maxAttempts,
        error: lastError,
    };
}

/** Sends every request at once and reports each result to receiver.onCompleted(index, result) as it arrives. */
export async function burst(baseUrl, requests, receiver) {
    await Promise.all(requests.map(async (request, index) => {
        const result = await send(baseUrl, request);
        await receiver.invokeMethodAsync("OnCompleted", index, result);
    }));
}
