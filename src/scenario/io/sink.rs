//! Where a cell's bytes go, and the receiver that checks them.
//!
//! - `tcp`: a listener on **127.0.0.1 only** (port 0: one the kernel picks,
//!   or the profile's), started by the cell. The sender connects; the
//!   receiver thread accepts **that connection only** (by the sender's
//!   address: any other is closed unread) and **closes the listener at
//!   once**, so nothing listens while the region runs, let alone after it.
//! - `pipe`: a pipe whose read end a receiver thread drains.
//!
//! The receiver is bounded in bytes (it reads at most one byte more than
//! the file holds: more is an error) and in time (a deadline on accepting
//! and on every read, through `poll(2)`). It hashes what it reads (xxh3-64)
//! and counts the bytes it copied into its own buffer: the receiving side's
//! copy, measured. [`Sink::finish`] closes the sender's end (the receiver
//! sees end of file) and returns what arrived.

use super::{IoError, Target};
use std::io::Read;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the receiver got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// Bytes received (= bytes the receiver copied into its own buffer).
    pub bytes: u64,
    /// xxh3-64 of them.
    pub checksum: u64,
    /// `read` calls the receiver made.
    pub reads: u64,
}

/// The sender's end of a target, with its receiver running.
#[derive(Debug)]
pub struct Sink {
    dst: Option<OwnedFd>,
    receiver: Option<JoinHandle<Result<Delivery, IoError>>>,
    port: Option<u16>,
}

/// Receiver buffer size: what one `read` takes at most.
const RECEIVE_BUFFER: usize = 256 * 1024;

impl Sink {
    /// Opens `target` for a send of `expected` bytes; the receiver gives up
    /// after `timeout` from now. `port` (TCP only): 0 for a free port.
    pub fn open(
        target: Target,
        expected: u64,
        port: u16,
        timeout: Duration,
    ) -> Result<Sink, IoError> {
        let deadline = Instant::now() + timeout;
        match target {
            Target::Tcp => open_tcp(expected, port, deadline),
            Target::Pipe => open_pipe(expected, deadline),
        }
    }

    /// The descriptor the sender writes to.
    pub fn fd(&self) -> i32 {
        self.dst.as_ref().map_or(-1, |f| f.as_raw_fd())
    }

    /// The loopback port the receiver accepted on (TCP).
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// Ends the send and waits for the receiver's verdict.
    ///
    /// TCP: `shutdown(SHUT_WR)` (the receiver reads to end of file), then,
    /// once the receiver is done, the socket is closed with `SO_LINGER` 0,
    /// so it leaves no `TIME_WAIT` entry behind: cells that send thousands
    /// of times (the flame graph lens) never run out of loopback ports.
    pub fn finish(mut self) -> Result<Delivery, IoError> {
        let tcp = match (self.dst.take(), self.port) {
            (Some(fd), Some(_)) => {
                // SAFETY: shutdown on our own connected socket.
                unsafe { libc::shutdown(fd.as_raw_fd(), libc::SHUT_WR) };
                Some(fd)
            }
            (pipe_end, _) => {
                drop(pipe_end); // the receiver sees end of file
                None
            }
        };
        let handle = self.receiver.take().expect("finish runs once");
        let result = handle.join().map_err(|_| IoError::ReceiverPanicked)?;
        if let Some(fd) = tcp {
            let linger = libc::linger {
                l_onoff: 1,
                l_linger: 0,
            };
            // SAFETY: a valid `linger` for SO_LINGER on our own socket.
            unsafe {
                libc::setsockopt(
                    fd.as_raw_fd(),
                    libc::SOL_SOCKET,
                    libc::SO_LINGER,
                    (&linger as *const libc::linger).cast(),
                    std::mem::size_of::<libc::linger>() as libc::socklen_t,
                )
            };
        }
        result
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.dst.take();
        if let Some(h) = self.receiver.take() {
            let _ = h.join();
        }
    }
}

fn open_tcp(expected: u64, port: u16, deadline: Instant) -> Result<Sink, IoError> {
    let listener = listen(port)?;
    let port = listener
        .local_addr()
        .map_err(IoError::os("receiver address"))?
        .port();
    let sender = connect(port, deadline)?;
    start_tcp_receiver(listener, port, sender, expected, deadline)
}

/// A non-blocking listener on 127.0.0.1:`port` (0: one the kernel picks).
fn listen(port: u16) -> Result<TcpListener, IoError> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let listener = TcpListener::bind(addr).map_err(|source| match source.kind() {
        std::io::ErrorKind::AddrInUse => IoError::PortInUse { port },
        _ => IoError::Listen { port, source },
    })?;
    listener
        .set_nonblocking(true)
        .map_err(IoError::os("receiver listener"))?;
    Ok(listener)
}

/// The sender's connection to the listener on 127.0.0.1:`port`. The kernel
/// completes the handshake into the listener's backlog, before anyone
/// accepts.
fn connect(port: u16, deadline: Instant) -> Result<TcpStream, IoError> {
    let left = deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(1));
    TcpStream::connect_timeout(&SocketAddr::from((Ipv4Addr::LOCALHOST, port)), left)
        .map_err(|source| IoError::Connect { port, source })
}

/// Starts the receiver thread on `listener` (on `port`) for the connection
/// `sender` made: it accepts that connection only (by its address) and
/// closes the listener.
fn start_tcp_receiver(
    listener: TcpListener,
    port: u16,
    sender: TcpStream,
    expected: u64,
    deadline: Instant,
) -> Result<Sink, IoError> {
    let peer = sender.local_addr().map_err(IoError::os("sender address"))?;
    let receiver = std::thread::Builder::new()
        .name("mapamp-io-receiver".into())
        .spawn(move || -> Result<Delivery, IoError> {
            let stream = accept_from(listener, peer, deadline)?;
            drain(stream, expected, deadline)
        })
        .map_err(IoError::os("cannot start the receiver thread"))?;
    Ok(Sink {
        dst: Some(OwnedFd::from(sender)),
        receiver: Some(receiver),
        port: Some(port),
    })
}

/// Accepts the connection from `peer`, then drops the listener (nothing
/// listens after). Any other connection is closed unread: while the port was
/// free before this listener took it, another process may have been about
/// to connect to it (another run's io cell probing the port its own receiver
/// had freed), and its connection must not be taken for the sender's.
fn accept_from(
    listener: TcpListener,
    peer: SocketAddr,
    deadline: Instant,
) -> Result<TcpStream, IoError> {
    loop {
        match listener.accept() {
            Ok((stream, from)) if from == peer => {
                drop(listener);
                stream
                    .set_nonblocking(false)
                    .map_err(IoError::os("receiver socket"))?;
                return Ok(stream);
            }
            Ok((stranger, _)) => drop(stranger),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    return Err(IoError::AcceptDeadline);
                }
                std::thread::sleep(Duration::from_micros(200));
            }
            Err(source) => {
                return Err(IoError::Os {
                    step: "accept",
                    source,
                })
            }
        }
    }
}

fn open_pipe(expected: u64, deadline: Instant) -> Result<Sink, IoError> {
    let (r, w) = pipe()?;
    let receiver = std::thread::Builder::new()
        .name("mapamp-io-receiver".into())
        .spawn(move || drain(std::fs::File::from(r), expected, deadline))
        .map_err(IoError::os("cannot start the receiver thread"))?;
    Ok(Sink {
        dst: Some(w),
        receiver: Some(receiver),
        port: None,
    })
}

/// A new pipe, close-on-exec: (read end, write end).
pub fn pipe() -> Result<(OwnedFd, OwnedFd), IoError> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(IoError::last_os("pipe2"));
    }
    // SAFETY: both descriptors were just created and are owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Reads to end of file, at most `expected + 1` bytes, each read waiting no
/// later than `deadline`.
fn drain(
    mut from: impl Read + AsRawFd,
    expected: u64,
    deadline: Instant,
) -> Result<Delivery, IoError> {
    let mut buf = vec![0u8; RECEIVE_BUFFER];
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let (mut bytes, mut reads) = (0u64, 0u64);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut pfd = libc::pollfd {
            fd: from.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = left.as_millis().min(i32::MAX as u128) as i32;
        // SAFETY: one valid pollfd.
        let r = unsafe { libc::poll(&mut pfd, 1, ms) };
        if r < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(IoError::Os {
                step: "receiver poll",
                source: e,
            });
        }
        if r == 0 {
            return Err(IoError::ReceiverTimeout { bytes, expected });
        }
        let room = (expected + 1 - bytes).min(buf.len() as u64) as usize;
        let n = match from.read(&mut buf[..room]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(source) => return Err(IoError::ReceiverRead { bytes, source }),
        };
        reads += 1;
        if n == 0 {
            return Ok(Delivery {
                bytes,
                checksum: hasher.digest(),
                reads,
            });
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
        if bytes > expected {
            return Err(IoError::TooManyBytes { expected });
        }
    }
}

/// Whether this process still listens on 127.0.0.1:`port` (the receiver's
/// listener, which it closes once the sender has connected).
///
/// First a connection attempt: refused means nothing listens, in a few
/// microseconds on loopback (reading `/proc/net/tcp` costs time in
/// proportion to every socket on the machine: 8 ms with the thousand
/// connections a cell's sends leave in TIME_WAIT, after each of its
/// hundreds of sends). An attempt that connects is not yet proof: the port
/// is free once the receiver has closed its listener, and another process
/// (another run's io cell) may have bound it since. Only then are the
/// listening sockets of `/proc/net/tcp` matched against this process's own
/// file descriptors. A probe that connected to itself (TCP simultaneous
/// open, possible when the port is free) found nothing either.
pub fn listening_on(port: u16) -> Result<bool, IoError> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    match TcpStream::connect_timeout(&addr, Duration::from_secs(2)) {
        Ok(stream) if is_self_connection(&stream) => Ok(false),
        Ok(stream) => {
            drop(stream);
            own_listener_on(port)
        }
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => Ok(false),
        Err(source) => Err(IoError::Os {
            step: "probing the receiver's port for a listener",
            source,
        }),
    }
}

/// Whether a connected socket is connected to itself (its local and peer
/// addresses are the same).
fn is_self_connection(stream: &TcpStream) -> bool {
    matches!((stream.local_addr(), stream.peer_addr()), (Ok(l), Ok(p)) if l == p)
}

/// Whether one of this process's file descriptors is a socket listening on
/// `port` (IPv4 or IPv6), by the socket inodes of `/proc/net/tcp{,6}` and
/// `/proc/self/fd`.
fn own_listener_on(port: u16) -> Result<bool, IoError> {
    let mut listening = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = match std::fs::read_to_string(table) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => {
                return Err(IoError::Os {
                    step: "reading /proc/net/tcp for the receiver's listener",
                    source,
                })
            }
        };
        listening.extend(listening_inodes(&text, port));
    }
    if listening.is_empty() {
        return Ok(false);
    }
    let fds = std::fs::read_dir("/proc/self/fd").map_err(IoError::os(
        "reading /proc/self/fd for the receiver's listener",
    ))?;
    for fd in fds.flatten() {
        let Ok(link) = std::fs::read_link(fd.path()) else {
            continue;
        };
        let link = link.to_string_lossy();
        let inode = link
            .strip_prefix("socket:[")
            .and_then(|l| l.strip_suffix(']'))
            .and_then(|n| n.parse::<u64>().ok());
        if inode.is_some_and(|i| listening.contains(&i)) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The inodes of the sockets in LISTEN state (`st` 0A) on local port `port`
/// in a `/proc/net/tcp` or `tcp6` table.
fn listening_inodes(table: &str, port: u16) -> Vec<u64> {
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let local_port = f.get(1)?.rsplit(':').next()?;
            let listens = u16::from_str_radix(local_port, 16).ok()? == port && *f.get(3)? == "0A";
            listens.then(|| f.get(9)?.parse().ok()).flatten()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::chain;

    /// A TCP socket bound to a free loopback port and connected to that
    /// same address: connected to itself.
    fn self_connected() -> TcpStream {
        // SAFETY: socket(2) with constant arguments; the result is checked.
        let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0) };
        assert!(fd >= 0, "{}", std::io::Error::last_os_error());
        // SAFETY: `fd` is a new socket that nothing else owns; the stream
        // closes it when dropped.
        let stream = unsafe { TcpStream::from_raw_fd(fd) };
        let mut addr = libc::sockaddr_in {
            sin_family: libc::AF_INET as libc::sa_family_t,
            sin_port: 0,
            sin_addr: libc::in_addr {
                s_addr: u32::from(Ipv4Addr::LOCALHOST).to_be(),
            },
            sin_zero: [0; 8],
        };
        let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        let sa = std::ptr::addr_of_mut!(addr).cast::<libc::sockaddr>();
        // SAFETY: `sa` points at a sockaddr_in of `len` bytes that lives
        // across the calls; getsockname writes at most `len` bytes into it.
        unsafe {
            assert_eq!(
                libc::bind(fd, sa, len),
                0,
                "{}",
                std::io::Error::last_os_error()
            );
            let mut got = len;
            assert_eq!(libc::getsockname(fd, sa, &mut got), 0);
            assert_eq!(
                libc::connect(fd, sa, len),
                0,
                "{}",
                std::io::Error::last_os_error()
            );
        }
        stream
    }

    #[test]
    fn listeners_are_read_from_the_kernels_table() {
        let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:9E0F 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:9E0F 0100007F:C350 06 00000000:00000000 03:00000F9F 00000000     0        0 0 3 0000000000000000
   2: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 100 0 0 10 0";
        assert_eq!(listening_inodes(table, 0x9E0F), vec![4242]);
        assert_eq!(listening_inodes(table, 8080), vec![777]);
        assert!(listening_inodes(table, 80).is_empty());
    }

    #[test]
    fn another_process_listening_on_the_port_is_not_ours() {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // The port, free again, held by a child process: it accepts, but is
        // not ours.
        let mut child = std::process::Command::new("python3")
            .args([
                "-c",
                &format!(
                    "import socket,sys,time\ns=socket.socket()\ns.bind(('127.0.0.1',{port}))\ns.listen()\nprint('up',flush=True)\ntime.sleep(30)"
                ),
            ])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        let result = (line.trim() == "up").then(|| listening_on(port).unwrap());
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(result, Some(false), "child said {line:?}");
    }

    #[test]
    fn a_socket_connected_to_itself_is_no_listener() {
        let s = self_connected();
        assert_eq!(s.local_addr().unwrap(), s.peer_addr().unwrap());
        assert!(is_self_connection(&s));
        let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        assert!(!is_self_connection(&c));
    }

    fn send_all(sink: &Sink, data: &[u8]) {
        let mut f = std::mem::ManuallyDrop::new(
            // SAFETY: borrowed for the writes only; ManuallyDrop keeps it open.
            unsafe { std::fs::File::from_raw_fd(sink.fd()) },
        );
        std::io::Write::write_all(&mut *f, data).unwrap();
    }

    #[test]
    fn both_targets_deliver_and_checksum() {
        let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
        for target in [Target::Tcp, Target::Pipe] {
            let sink = Sink::open(target, data.len() as u64, 0, Duration::from_secs(20)).unwrap();
            send_all(&sink, &data);
            let d = sink.finish().unwrap();
            assert_eq!(d.bytes, data.len() as u64, "{target:?}");
            assert_eq!(d.checksum, xxhash_rust::xxh3::xxh3_64(&data), "{target:?}");
        }
    }

    #[test]
    fn connections_from_others_than_the_sender_are_turned_away() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 13 % 241) as u8).collect();
        let listener = listen(0).unwrap();
        let port = listener.local_addr().unwrap().port();
        let deadline = Instant::now() + Duration::from_secs(20);
        // Two strangers queue before the sender: one that hangs up at once
        // (read first, it would deliver 0 bytes) and one that stays silent
        // (read first, the receiver would wait out its deadline).
        drop(connect(port, deadline).unwrap());
        let silent = connect(port, deadline).unwrap();
        let sender = connect(port, deadline).unwrap();
        let sink = start_tcp_receiver(listener, port, sender, data.len() as u64, deadline).unwrap();
        send_all(&sink, &data);
        let d = sink.finish().unwrap();
        assert_eq!(d.bytes, data.len() as u64);
        assert_eq!(d.checksum, xxhash_rust::xxh3::xxh3_64(&data));
        // The silent stranger was closed by the receiver, unread.
        let mut byte = [0u8; 1];
        let got = std::io::Read::read(&mut &silent, &mut byte);
        assert!(
            matches!(got, Ok(0)) || got.is_err(),
            "the stranger's connection is still open: {got:?}"
        );
    }

    #[test]
    fn more_bytes_than_announced_is_an_error() {
        let sink = Sink::open(Target::Pipe, 10, 0, Duration::from_secs(20)).unwrap();
        send_all(&sink, &[1u8; 11]);
        let e = chain(&sink.finish().unwrap_err());
        assert!(e.contains("more than the 10 bytes"), "{e}");
    }

    #[test]
    fn a_silent_sender_times_out() {
        let sink = Sink::open(Target::Tcp, 10, 0, Duration::from_millis(200)).unwrap();
        let t = Instant::now();
        // Keep the sender's end open past the deadline.
        std::thread::sleep(Duration::from_millis(400));
        let e = chain(&sink.finish().unwrap_err());
        assert!(e.contains("timed out with 0 of 10 bytes"), "{e}");
        assert!(t.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn the_listener_closes_once_connected_and_a_busy_port_is_refused() {
        let sink = Sink::open(Target::Tcp, 1, 0, Duration::from_secs(20)).unwrap();
        let port = sink.port().unwrap();
        // The receiver accepts promptly; give its thread a moment.
        let t = Instant::now();
        while listening_on(port).unwrap() && t.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(!listening_on(port).unwrap(), "port {port} still listens");
        send_all(&sink, &[9]);
        assert_eq!(sink.finish().unwrap().bytes, 1);

        let busy = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = busy.local_addr().unwrap().port();
        let e = chain(&Sink::open(Target::Tcp, 1, port, Duration::from_secs(5)).unwrap_err());
        assert!(e.contains("is in use"), "{e}");
    }

    #[test]
    fn a_listener_is_seen_and_a_closed_port_is_not() {
        let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = l.local_addr().unwrap().port();
        assert!(listening_on(port).unwrap());
        assert!(own_listener_on(port).unwrap());
        drop(l);
        assert!(!listening_on(port).unwrap());
        assert!(!own_listener_on(port).unwrap());
    }
}
