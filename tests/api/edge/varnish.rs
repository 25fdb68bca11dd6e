//! A Varnish of the test's own: `varnishd` from Debian's `varnish` package with vmod xkey (from
//! `varnish-modules`), running `deploy/varnish/vitrine.vcl` in front of one test server, on a free
//! loopback port, with its working directory in a fresh temporary directory. It stops when
//! dropped. A machine without varnishd fails the test: `.ci/run` installs it.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use uuid::Uuid;

const VARNISHD: &str = "/usr/sbin/varnishd";
const VCL: &str = include_str!("../../../deploy/varnish/vitrine.vcl");

/// A running varnishd.
pub struct Varnish {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    child: Child,
    dir: PathBuf,
}

impl Varnish {
    /// Starts varnishd on `port` (from `free_port`) in front of `backend`
    /// (`http://127.0.0.1:<port>`) and waits until it accepts connections.
    pub fn start(port: u16, backend: &str) -> Varnish {
        assert!(
            std::path::Path::new(VARNISHD).exists(),
            "{VARNISHD} is missing: install Debian's varnish and varnish-modules (see .ci/run)"
        );
        let backend_port = backend.rsplit(':').next().expect("a backend port");
        let dir = std::env::temp_dir().join(format!("vitrine-varnish-{}", Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("create varnish's directory");
        // varnishd compiles the VCL as its unprivileged user.
        allow_everyone(&dir, 0o755);
        let vcl = dir.join("vitrine.vcl");
        let filled = VCL
            .replace("${VITRINE_BACKEND_HOST}", "127.0.0.1")
            .replace("${VITRINE_BACKEND_PORT}", backend_port);
        std::fs::write(&vcl, filled).expect("write the VCL");
        allow_everyone(&vcl, 0o644);
        let child = Command::new(VARNISHD)
            .arg("-F")
            .args(["-a", &format!("127.0.0.1:{port}")])
            .args(["-f", vcl.to_str().unwrap()])
            .args(["-n", dir.join("work").to_str().unwrap()])
            .args(["-s", "malloc,64m"])
            .args(["-p", "http_resp_hdr_len=65536"])
            .args(["-p", "http_resp_size=98304"])
            .args(["-p", "workspace_backend=256k"])
            // Varnish closes a client connection idle for `timeout_idle` (5 s by default); a
            // client reusing it at that moment gets a connection error. Idle client connections
            // are dropped by reqwest's pool after 90 s, so Varnish keeps them longer than that.
            .args(["-p", "timeout_idle=120"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start varnishd");
        let mut varnish = Varnish {
            address: format!("http://127.0.0.1:{port}"),
            child,
            dir,
        };
        varnish.wait_until_listening(port);
        varnish
    }

    fn wait_until_listening(&mut self, port: u16) {
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("varnishd exited at start ({status}); run it by hand to see why");
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "varnishd did not listen within 20 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Varnish {
    fn drop(&mut self) {
        // SIGTERM lets the manager stop its cache process; SIGKILL only if it does not.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A loopback port nothing listens on now: for a Varnish whose address the server must know
/// before Varnish can start in front of it.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("its address").port()
}

fn allow_everyone(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("set permissions");
}
