using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ReferenceApp.Supervisor.Interop;

/// <summary>
/// The few socket calls the handoff accept loop makes on raw descriptors. It never lets .NET's socket engine touch an
/// accepted connection: that engine registers sockets in its epoll set, and an epoll registration outlives our close()
/// while the worker still holds the same open file description (epoll(7), "Questions and answers" 6), which would wake
/// the Supervisor for every byte the worker's client sends. Linux only.
/// </summary>
internal static unsafe partial class AcceptedSockets
{
    public const short PollIn = 0x001;     // POLLIN
    public const short PollErr = 0x008;    // POLLERR
    public const short PollHup = 0x010;    // POLLHUP
    public const short PollNval = 0x020;   // POLLNVAL
    public const short PollRdHup = 0x2000; // POLLRDHUP: the peer closed its writing half

    private const int SockCloexec = 0x80000;   // SOCK_CLOEXEC / EFD_CLOEXEC
    private const int EfdNonblock = 0x800;     // EFD_NONBLOCK
    private const int MsgPeek = 0x2;           // MSG_PEEK
    private const int MsgDontWait = 0x40;      // MSG_DONTWAIT
    private const int SolSocket = 1;           // SOL_SOCKET
    private const int SoRcvLowat = 18;         // SO_RCVLOWAT

    private const int Eintr = 4;
    private const int Eagain = 11;

    /// <summary>
    /// Accepts one pending connection from a non-blocking listener: null when none is pending. The connection is
    /// close-on-exec (workers must not inherit it) and blocking, as the receiving worker's runtime expects to decide.
    /// </summary>
    /// <exception cref="SocketException">The listener failed (it was shut down, or the process ran out of descriptors).</exception>
    public static SafeSocketHandle? Accept(SafeSocketHandle listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        while (true)
        {
            var fd = Accept4((int)listener.DangerousGetHandle(), null, null, SockCloexec);
            if (fd >= 0)
            {
                return new SafeSocketHandle(fd, ownsHandle: true);
            }

            var errno = Marshal.GetLastPInvokeError();
            switch (errno)
            {
                case Eintr:
                    continue;
                case Eagain:
                    return null;
                // The client gave up between SYN and accept: accept(2) says to treat these like EAGAIN and retry.
                case 103 /* ECONNABORTED */ or 71 /* EPROTO */ or 110 /* ETIMEDOUT */:
                    continue;
                default:
                    throw new SocketException(errno);
            }
        }
    }

    /// <summary>Peeks at what the client sent without consuming it: the byte count, 0 at end of stream, -1 when nothing is there yet.</summary>
    /// <exception cref="SocketException">The connection failed (reset by the client).</exception>
    public static int Peek(SafeSocketHandle connection, Span<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(connection);
        fixed (byte* data = buffer)
        {
            while (true)
            {
                var received = Recv((int)connection.DangerousGetHandle(), data, buffer.Length, MsgPeek | MsgDontWait);
                if (received >= 0)
                {
                    return (int)received;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno == Eintr)
                {
                    continue;
                }

                return errno == Eagain ? -1 : throw new SocketException(errno);
            }
        }
    }

    /// <summary>
    /// Sets SO_RCVLOWAT: poll(2) reports the connection readable only once this many bytes are queued, so a partial
    /// request head wakes the loop again only when more of it arrives. See socket(7).
    /// </summary>
    public static bool SetReceiveLowWatermark(SafeSocketHandle connection, int bytes)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return SetSockOpt((int)connection.DangerousGetHandle(), SolSocket, SoRcvLowat, &bytes, sizeof(int)) == 0;
    }

    /// <summary>Waits for any of <paramref name="fds"/> to be ready, up to <paramref name="timeoutMilliseconds"/> (-1: no limit); the number ready.</summary>
    public static int Poll(Span<PollFd> fds, int timeoutMilliseconds)
    {
        fixed (PollFd* pointer = fds)
        {
            var ready = PollCore(pointer, (nuint)fds.Length, timeoutMilliseconds);
            if (ready >= 0)
            {
                return ready;
            }

            var errno = Marshal.GetLastPInvokeError();
            return errno == Eintr ? 0 : throw new SocketException(errno);
        }
    }

    /// <summary>A non-blocking, close-on-exec eventfd(2): other threads wake the loop by writing to it.</summary>
    public static SafeFileHandle CreateWakeup()
    {
        var fd = EventFd(0, SockCloexec | EfdNonblock);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw new SocketException(Marshal.GetLastPInvokeError());
    }

    public static void Wake(SafeFileHandle wakeup)
    {
        ArgumentNullException.ThrowIfNull(wakeup);
        var one = 1UL;
        // EAGAIN only when the counter is saturated, which means a wakeup is already pending.
        _ = Write((int)wakeup.DangerousGetHandle(), &one, sizeof(ulong));
    }

    public static void ClearWakeup(SafeFileHandle wakeup)
    {
        ArgumentNullException.ThrowIfNull(wakeup);
        ulong value;
        _ = Read((int)wakeup.DangerousGetHandle(), &value, sizeof(ulong));
    }

    // int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);  -- accept(2)
    [LibraryImport("libc", EntryPoint = "accept4", SetLastError = true)]
    private static partial int Accept4(int socket, void* address, void* addressLength, int flags);

    // ssize_t recv(int sockfd, void *buf, size_t len, int flags);  -- recv(2)
    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static partial nint Recv(int socket, byte* buffer, nint length, int flags);

    // int setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen);  -- setsockopt(2)
    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int SetSockOpt(int socket, int level, int name, void* value, int length);

    // int poll(struct pollfd *fds, nfds_t nfds, int timeout);  -- poll(2)
    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int PollCore(PollFd* fds, nuint count, int timeout);

    // int eventfd(unsigned int initval, int flags);  -- eventfd(2)
    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    private static partial int EventFd(uint initial, int flags);

    // ssize_t read(int fd, void *buf, size_t count);  -- read(2)
    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, void* buffer, nint count);

    // ssize_t write(int fd, const void *buf, size_t count);  -- write(2)
    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, void* buffer, nint count);
}

/// <summary>struct pollfd, see poll(2). A negative <see cref="Fd"/> is ignored by the kernel.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    public int Fd;
    public short Events;
    public short ReturnedEvents;
}
