//! Reliability under hostile clients and failing dependencies (SECURITY.md REL-04,
//! REL-12): slow clients are cut off without starving others, and a database that goes
//! away makes requests fail fast instead of hanging, with service back by itself.

use crate::helpers::*;
use serde_json::{json, Value};
use std::process::Command;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Writes a request head one byte at a time, `gap` apart, until the server closes the
/// connection or `limit` passes; whether it was closed.
async fn trickle(address: &str, gap: Duration, limit: Duration) -> bool {
    let host = address.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = b"POST / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let started = Instant::now();
    let mut buf = [0u8; 512];
    for b in head.iter().cycle() {
        if started.elapsed() > limit {
            return false;
        }
        if tcp.write_all(&[*b]).await.is_err() {
            return true;
        }
        // Whatever the server sends (a 408, or nothing) it must then close.
        match tokio::time::timeout(gap, tcp.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => {
                let rest = tokio::time::timeout(Duration::from_secs(2), tcp.read(&mut buf)).await;
                return matches!(rest, Ok(Ok(0)) | Ok(Err(_)));
            }
            Err(_) => {}
        }
    }
    false
}

#[tokio::test]
async fn rel12_clients_trickling_headers_are_cut_off_and_others_are_still_served() {
    let app = spawn_with(Options {
        configure: Some(Box::new(|s| s.header_read_timeout = Duration::from_secs(1))),
        ..Options::default()
    })
    .await;
    let mut slow = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let address = app.address.clone();
        slow.spawn(async move { trickle(&address, Duration::from_millis(200), Duration::from_secs(10)).await });
    }
    // While they trickle, everyone else is served.
    for _ in 0..5 {
        let r = reqwest::get(app.url("/health")).await.unwrap();
        assert_eq!(r.status(), 200);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let closed = slow.join_all().await;
    assert!(closed.iter().all(|c| *c), "every trickling connection was closed: {closed:?}");
}

/// A PostgreSQL cluster of the test's own, on a free port, that it can stop and start.
struct Cluster {
    bin: std::path::PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

impl Cluster {
    fn start_new() -> Cluster {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .and_then(|d| d.filter_map(Result::ok).map(|e| e.path().join("bin")).find(|p| p.join("initdb").exists()))
            .expect("REL-04 needs the PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin");
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let c = Cluster { bin, dir, port };
        Command::new("chown").args(["-R", "postgres:postgres"]).arg(c.dir.path()).status().unwrap();
        c.pg(&["initdb", "-D", &c.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8"]);
        c.start();
        c
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn pg(&self, args: &[&str]) {
        let tool = self.bin.join(args[0]).display().to_string();
        let as_postgres = nix_is_root();
        let status = if as_postgres {
            Command::new("runuser").args(["-u", "postgres", "--", &tool]).args(&args[1..]).output().unwrap()
        } else {
            Command::new(&tool).args(&args[1..]).output().unwrap()
        };
        assert!(status.status.success(), "{args:?}: {}", String::from_utf8_lossy(&status.stderr));
    }

    fn start(&self) {
        let opts = format!("-p {} -k {} -c listen_addresses=127.0.0.1", self.port, self.dir.path().display());
        self.pg(&[
            "pg_ctl",
            "-D",
            &self.data(),
            "-o",
            &opts,
            "-l",
            &format!("{}/log", self.dir.path().display()),
            "-w",
            "start",
        ]);
    }

    fn stop(&self) {
        self.pg(&["pg_ctl", "-D", &self.data(), "-m", "immediate", "-w", "stop"]);
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = std::panic::catch_unwind(|| self.stop());
    }
}

fn nix_is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

#[tokio::test]
async fn rel04_requests_fail_fast_while_the_database_is_down_and_service_comes_back() {
    let cluster = Cluster::start_new();
    let dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let app = spawn_with(Options { reuse: Some((dir, Some(cluster.url()))), ..Options::default() }).await;
    let pool =
        app.cognito().create_user_pool().pool_name("Outage").send().await.unwrap().user_pool.unwrap().id.unwrap();
    let probe = json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "nosuchclient00000000000000",
        "AuthParameters": {"USERNAME": "a", "PASSWORD": "b"}})
    .to_string();
    let (status, _) = app.cognito_raw("InitiateAuth", &probe).await;
    assert_eq!(status, 400, "the database answers: an unknown client");

    cluster.stop();
    // Answered, not hung: an InternalErrorException once the connection wait (2 s) is over.
    for _ in 0..3 {
        let (status, body): (u16, Value) =
            tokio::time::timeout(Duration::from_secs(15), app.cognito_raw("InitiateAuth", &probe))
                .await
                .expect("the request is answered while the database is down");
        assert_eq!(status, 500, "{body}");
        assert_eq!(body["__type"], "InternalErrorException", "{body}");
        assert!(!body["message"].as_str().unwrap_or_default().contains("127.0.0.1"), "no internals: {body}");
    }
    let ready = tokio::time::timeout(Duration::from_secs(15), reqwest::get(app.url("/ready"))).await.unwrap().unwrap();
    assert_eq!(ready.status(), 503);

    cluster.start();
    let mut back = false;
    for _ in 0..40 {
        let (status, _) = app.cognito_raw("InitiateAuth", &probe).await;
        if status == 400 {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(back, "service resumed by itself when the database returned");
    let d = app.cognito().describe_user_pool().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(d.user_pool.unwrap().name.as_deref(), Some("Outage"));
    assert_eq!(reqwest::get(app.url("/ready")).await.unwrap().status(), 200);
}
