// Starts Blazor with its circuit's SignalR client logging warnings and errors only: the console stays for real problems.
Blazor.start({
    circuit: {
        configureSignalR: (builder) => builder.configureLogging("warning"),
    },
});
