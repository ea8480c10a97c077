using System.Globalization;

namespace ReferenceApp.Testing.Proxies;

/// <summary>
/// Debian's nginx as a reverse proxy in front of one upstream port, with an upstream <c>keepalive</c> pool: the setup the
/// README advises for TLS, and the one that carries many clients' requests on a few pooled connections. It runs from a
/// temp directory with a config written here (no root paths, no daemon) and is killed by PID on dispose.
/// </summary>
public sealed class NginxProcess : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/nginx";

    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(20);

    private readonly ChildProcess _process;

    private NginxProcess(ChildProcess process, string directory, int port)
    {
        _process = process;
        Directory = directory;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
    }

    public static bool IsInstalled => File.Exists(Executable);

    public string Directory { get; }

    public int Port { get; }

    public int Pid => _process.Pid;

    public Uri BaseAddress { get; }

    public string ErrorLog => File.Exists(Path.Combine(Directory, "error.log")) ? File.ReadAllText(Path.Combine(Directory, "error.log")) : string.Empty;

    /// <summary>Starts nginx on a free port proxying to <c>127.0.0.1:<paramref name="upstreamPort"/></c> with <paramref name="keepalive"/> pooled connections per worker.</summary>
    public static async Task<NginxProcess> StartAsync(int upstreamPort, int keepalive = 4)
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException($"{Executable} is not installed: apt-get install -y nginx (test.sh and .ci/run do).");
        }

        var directory = System.IO.Directory.CreateTempSubdirectory("referenceapp-nginx-").FullName;
        var port = FreePort.Next();
        var config = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, Config(directory, port, upstreamPort, keepalive));

        var process = ChildProcess.Start("nginx", Executable,
            ["-e", Path.Combine(directory, "error.log"), "-p", directory, "-c", config, "-g", $"daemon off; pid {Path.Combine(directory, "nginx.pid")};"],
            workingDirectory: directory);
        var nginx = new NginxProcess(process, directory, port);
        try
        {
            await Eventually.TrueAsync(() => process.HasExited || FreePort.IsListening(port), ReadyDeadline, $"nginx to listen on {port}");
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with {process.ExitCode}: {process.Output}{Environment.NewLine}{nginx.ErrorLog}");
            }
        }
        catch
        {
            await nginx.DisposeAsync();
            throw;
        }

        return nginx;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by an exiting worker: the temp folder is cleaned by the OS.
        }
    }

    // One worker process so the keepalive pool is small and shared by every client: the case sticky routing must survive.
    // Buffering off, so server-sent events and long polls stream; Upgrade passed through for WebSockets.
    private static string Config(string directory, int port, int upstreamPort, int keepalive) => $$"""
        worker_processes 1;
        error_log {{directory}}/error.log warn;
        events { worker_connections 1024; }
        http {
            access_log off;
            client_body_temp_path {{directory}}/client_body;
            proxy_temp_path {{directory}}/proxy;
            fastcgi_temp_path {{directory}}/fastcgi;
            uwsgi_temp_path {{directory}}/uwsgi;
            scgi_temp_path {{directory}}/scgi;
            map $http_upgrade $connection_upgrade { default upgrade; '' ''; }
            upstream sticky {
                server 127.0.0.1:{{upstreamPort}};
                keepalive {{keepalive}};
            }
            server {
                listen 127.0.0.1:{{port}};
                client_max_body_size 0;
                location / {
                    proxy_pass http://sticky;
                    proxy_http_version 1.1;
                    proxy_set_header Host $http_host;
                    proxy_set_header Upgrade $http_upgrade;
                    proxy_set_header Connection $connection_upgrade;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_buffering off;
                    proxy_request_buffering off;
                    proxy_read_timeout 300s;
                }
            }
        }
        """;
}
