// The browser connects to the SignalR hub itself, over the transport the person chose, through the hub's public port.
// Sticky routing is the Supervisor's job: negotiate and the transport's requests must reach the same worker.

let clientLoading = null;

/** Loads the vendored SignalR client (wwwroot/lib/signalr) once, on first use, so other pages never pay for it. */
function loadSignalR() {
    if (window.signalR) {
        return Promise.resolve(window.signalR);
    }
    clientLoading ??= new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = new URL("../lib/signalr/signalr.min.js", import.meta.url).href;
        script.onload = () => resolve(window.signalR);
        script.onerror = () => {
            clientLoading = null;
            reject(new Error("The SignalR client script could not be loaded."));
        };
        document.head.appendChild(script);
    });
    return clientLoading;
}

/** Calls into .NET, ignoring a circuit that is already gone (the page was left while a message was in flight). */
function notify(receiver, method, ...args) {
    receiver.invokeMethodAsync(method, ...args).catch(() => { });
}

/** One hub connection, handed to .NET as an object reference. */
class HubSession {
    constructor(connection) {
        this.connection = connection;
    }

    invoke(method, args) {
        return this.connection.invoke(method, ...(args ?? []));
    }

    get connectionId() {
        return this.connection.connectionId;
    }

    async stop() {
        await this.connection.stop();
    }
}

/**
 * Connects to hubUrl over one transport ("WebSockets", "ServerSentEvents" or "LongPolling") and reports messages,
 * broadcasts, state changes and the client's own warnings to receiver. The client logs to the page, not the console:
 * a connection dropped by a killed worker is part of the demo, not an error of the page.
 */
export async function connect(hubUrl, transport, clientMethods, receiver) {
    const signalR = await loadSignalR();
    const logger = {
        log(level, message) {
            if (level >= signalR.LogLevel.Warning) {
                notify(receiver, "OnLog", level >= signalR.LogLevel.Error ? "error" : "warning", String(message));
            }
        },
    };
    const connection = new signalR.HubConnectionBuilder()
        .withUrl(hubUrl, { transport: signalR.HttpTransportType[transport], withCredentials: true })
        .withAutomaticReconnect([0, 1000, 2000, 5000, 10000, 10000])
        .configureLogging(logger)
        .build();

    connection.on(clientMethods.message, (message) => notify(receiver, "OnMessage", message));
    connection.on(clientMethods.roomMessage, (message) => notify(receiver, "OnMessage", message));
    connection.on(clientMethods.broadcast, (delivery) => notify(receiver, "OnBroadcast", delivery));
    connection.onreconnecting((error) => notify(receiver, "OnState", "Reconnecting", error?.message ?? null));
    connection.onreconnected(() => notify(receiver, "OnState", "Connected", null));
    connection.onclose((error) => notify(receiver, "OnState", "Disconnected", error?.message ?? null));

    await connection.start();
    return new HubSession(connection);
}
