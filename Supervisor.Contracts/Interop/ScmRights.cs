using System.Runtime.InteropServices;

namespace ReferenceApp.Supervisor.Contracts.Interop;

/// <summary>
/// Passes open file descriptors between processes over a Unix domain socket (SCM_RIGHTS ancillary data), as Node's
/// cluster module passes accepted connections to its workers. Linux, LP64 layouts. See unix(7), cmsg(3), sendmsg(2),
/// recvmsg(2).
/// </summary>
internal static unsafe partial class ScmRights
{
    /// <summary>The kernel's cap on descriptors in one SCM_RIGHTS message (SCM_MAX_FD in include/net/scm.h).</summary>
    public const int MaxDescriptorsPerMessage = 253;

    private const int SolSocket = 1;        // SOL_SOCKET
    private const int ScmRightsType = 1;    // SCM_RIGHTS
    private const int MsgDontWait = 0x40;   // MSG_DONTWAIT
    private const int MsgCtrunc = 0x8;      // MSG_CTRUNC: the control buffer was too small and the kernel closed the rest
    private const int MsgNoSignal = 0x4000; // MSG_NOSIGNAL: a dead peer is EPIPE, not SIGPIPE
    private const int MsgCmsgCloexec = 0x40000000; // MSG_CMSG_CLOEXEC: received descriptors do not leak into our children

    private const int Eintr = 4;
    private const int Eagain = 11;

    /// <summary>Outcome of a non-blocking send or receive.</summary>
    public enum Status
    {
        Done,
        WouldBlock,
        PeerClosed,
    }

    /// <summary>
    /// Sends <paramref name="payload"/> with <paramref name="descriptors"/> attached, without blocking. The caller keeps
    /// its own copies of the descriptors and closes them after a successful send; on failure nothing was passed.
    /// </summary>
    /// <exception cref="IOException">The send failed for a reason other than a full buffer or a gone peer.</exception>
    public static Status Send(SafeHandle socket, ReadOnlySpan<byte> payload, ReadOnlySpan<int> descriptors)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (payload.IsEmpty)
        {
            throw new ArgumentException("At least one byte of payload must carry the ancillary data.", nameof(payload));
        }

        if (descriptors.Length is 0 or > MaxDescriptorsPerMessage)
        {
            throw new ArgumentOutOfRangeException(nameof(descriptors), descriptors.Length, $"1 to {MaxDescriptorsPerMessage} descriptors per message.");
        }

        var controlLength = ControlSpace(descriptors.Length);
        var control = stackalloc byte[controlLength];
        new Span<byte>(control, controlLength).Clear();
        var header = (CmsgHdr*)control;
        header->Length = ControlLength(descriptors.Length);
        header->Level = SolSocket;
        header->Type = ScmRightsType;
        descriptors.CopyTo(new Span<int>(control + HeaderSize, descriptors.Length));

        var added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            fixed (byte* data = payload)
            {
                var vector = new IoVec { Base = data, Length = payload.Length };
                var message = new MsgHdr { Iov = &vector, IovLength = 1, Control = control, ControlLength = controlLength };
                while (true)
                {
                    var sent = SendMessage((int)socket.DangerousGetHandle(), &message, MsgDontWait | MsgNoSignal);
                    if (sent >= 0)
                    {
                        return Status.Done;
                    }

                    var errno = Marshal.GetLastPInvokeError();
                    switch (errno)
                    {
                        case Eintr:
                            continue;
                        case Eagain:
                            return Status.WouldBlock;
                        case 32 /* EPIPE */ or 104 /* ECONNRESET */ or 107 /* ENOTCONN */ or 111 /* ECONNREFUSED */:
                            return Status.PeerClosed;
                        default:
                            throw new IOException($"sendmsg with SCM_RIGHTS failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
                    }
                }
            }
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Receives one message without blocking. Descriptors arrive close-on-exec and belong to the caller from then on.
    /// Any descriptor that does not fit <paramref name="descriptors"/> is closed here rather than leaked.
    /// </summary>
    /// <returns><see cref="Status.PeerClosed"/> at end of stream.</returns>
    public static Status Receive(SafeHandle socket, Span<byte> payload, Span<int> descriptors, out int payloadLength, out int descriptorCount)
    {
        ArgumentNullException.ThrowIfNull(socket);
        payloadLength = 0;
        descriptorCount = 0;
        var controlLength = ControlSpace(MaxDescriptorsPerMessage);
        var control = stackalloc byte[controlLength];

        var added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            fixed (byte* data = payload)
            {
                var vector = new IoVec { Base = data, Length = payload.Length };
                var message = new MsgHdr { Iov = &vector, IovLength = 1, Control = control, ControlLength = controlLength };
                nint received;
                while (true)
                {
                    received = ReceiveMessage((int)socket.DangerousGetHandle(), &message, MsgDontWait | MsgCmsgCloexec);
                    if (received >= 0)
                    {
                        break;
                    }

                    var errno = Marshal.GetLastPInvokeError();
                    switch (errno)
                    {
                        case Eintr:
                            continue;
                        case Eagain:
                            return Status.WouldBlock;
                        case 104 /* ECONNRESET */ or 107 /* ENOTCONN */:
                            return Status.PeerClosed;
                        default:
                            throw new IOException($"recvmsg with SCM_RIGHTS failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
                    }
                }

                // Walk every control message (CMSG_FIRSTHDR / CMSG_NXTHDR) so that no descriptor is ever left open unseen.
                var end = control + (int)message.ControlLength;
                for (var cursor = control; cursor + HeaderSize <= end;)
                {
                    var header = (CmsgHdr*)cursor;
                    if (header->Length < HeaderSize || cursor + header->Length > end)
                    {
                        break;
                    }

                    if (header->Level == SolSocket && header->Type == ScmRightsType)
                    {
                        var count = (int)(header->Length - HeaderSize) / sizeof(int);
                        var fds = new ReadOnlySpan<int>(cursor + HeaderSize, count);
                        foreach (var fd in fds)
                        {
                            if (descriptorCount < descriptors.Length)
                            {
                                descriptors[descriptorCount++] = fd;
                            }
                            else
                            {
                                _ = Close(fd);
                            }
                        }
                    }

                    cursor += Align((int)header->Length);
                }

                if (received == 0 && descriptorCount == 0 && (message.Flags & MsgCtrunc) == 0)
                {
                    return Status.PeerClosed;
                }

                payloadLength = (int)received;
                return Status.Done;
            }
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    /// <summary>Closes a descriptor this process owns and has not wrapped in a SafeHandle. See close(2).</summary>
    public static void CloseDescriptor(int fd) => _ = Close(fd);

    private static int HeaderSize => Align(sizeof(CmsgHdr));

    // CMSG_ALIGN: control data is aligned to sizeof(size_t).
    private static int Align(int length) => (length + sizeof(nint) - 1) & ~(sizeof(nint) - 1);

    // CMSG_LEN(n) and CMSG_SPACE(n).
    private static nint ControlLength(int descriptors) => HeaderSize + (descriptors * sizeof(int));

    private static int ControlSpace(int descriptors) => HeaderSize + Align(descriptors * sizeof(int));

    // ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags);  -- sendmsg(2)
    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    private static partial nint SendMessage(int socket, MsgHdr* message, int flags);

    // ssize_t recvmsg(int sockfd, struct msghdr *msg, int flags);  -- recvmsg(2)
    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static partial nint ReceiveMessage(int socket, MsgHdr* message, int flags);

    // int close(int fd);  -- close(2)
    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    // struct iovec  -- readv(2)
    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public byte* Base;
        public nint Length;
    }

    // struct msghdr  -- recvmsg(2)
    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nint IovLength;
        public byte* Control;
        public nint ControlLength;
        public int Flags;
    }

    // struct cmsghdr  -- cmsg(3); the data follows at CMSG_ALIGN(sizeof(struct cmsghdr)).
    [StructLayout(LayoutKind.Sequential)]
    private struct CmsgHdr
    {
        public nint Length;
        public int Level;
        public int Type;
    }
}
