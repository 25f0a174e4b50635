//! A server a test starts: on a free loopback port, in a process group of its own (so that the
//! processes it starts go with it), its output in a log file; stopped with its whole group when
//! dropped, also when an assertion fails.

use std::fs;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// How long a stopped server's group may take to end before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(10);

pub(crate) struct Server {
    child: Child,
    pub(crate) port: u16,
    log: PathBuf,
}

impl Server {
    /// Starts `what`, the command `command` makes for a free port, and waits up to `timeout`
    /// for it to listen there.
    pub(crate) fn start(what: &str, timeout: Duration, command: impl FnOnce(u16) -> Command) -> Server {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let name = what.replace(' ', "-");
        let log = std::env::temp_dir().join(format!("firehose-local-{name}-{}-{port}.log", std::process::id()));
        let output = fs::File::create(&log).unwrap();
        let child = command(port)
            .stdin(Stdio::null())
            .stdout(output.try_clone().unwrap())
            .stderr(output)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {what}: {error}"));
        let server = Server { child, port, log };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < timeout,
                "{what} did not listen on port {port}; its log:\n{}",
                server.log_text()
            );
            sleep(Duration::from_millis(100));
        }
        server
    }

    pub(crate) fn log_text(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let kill = |signal: &str| Command::new("kill").args([signal, "--", &group]).stderr(Stdio::null()).status();
        let _ = kill("-TERM");
        let deadline = Instant::now() + STOP_GRACE;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            sleep(Duration::from_millis(50));
        }
        // Whatever of the group is still there (the processes it started).
        let _ = kill("-KILL");
        let _ = self.child.wait();
        let _ = fs::remove_file(&self.log);
    }
}
