//! A real SMTP server on loopback that keeps what it receives, for tests.

use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, Mutex};

#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub data: String,
}

impl Mail {
    /// The first run of six digits in the message: a verification code.
    pub fn code(&self) -> String {
        let re = regex::Regex::new(r"\b(\d{6})\b").unwrap();
        re.captures(&self.body()).map(|c| c[1].to_owned()).expect("a six-digit code in the message")
    }

    pub fn body(&self) -> String {
        self.data.split("\r\n\r\n").skip(1).collect::<Vec<_>>().join("\r\n\r\n")
    }

    pub fn subject(&self) -> String {
        self.data.lines().find_map(|l| l.strip_prefix("Subject: ")).unwrap_or_default().to_owned()
    }
}

pub struct SmtpSink {
    pub port: u16,
    rx: Mutex<mpsc::UnboundedReceiver<Mail>>,
}

impl SmtpSink {
    /// A sink that receives nothing (for servers that send mail elsewhere).
    pub fn detached() -> Arc<SmtpSink> {
        let (_tx, rx) = mpsc::unbounded_channel();
        Arc::new(SmtpSink { port: 0, rx: Mutex::new(rx) })
    }

    pub async fn start() -> Arc<SmtpSink> {
        Self::start_on(0).await
    }

    /// A sink on a given port (0: any free port).
    pub async fn start_on(port: u16) -> Arc<SmtpSink> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let tx = tx.clone();
                tokio::spawn(async move {
                    let (r, mut w) = sock.into_split();
                    let mut lines = BufReader::new(r);
                    let _ = w.write_all(b"220 sink ESMTP\r\n").await;
                    let mut to = Vec::new();
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                            break;
                        }
                        let cmd = line.trim_end().to_ascii_uppercase();
                        let reply: &[u8] = if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                            b"250 sink\r\n"
                        } else if cmd.starts_with("RCPT TO:") {
                            to.push(line.trim_end()[8..].trim().trim_matches(|c| c == '<' || c == '>').to_owned());
                            b"250 OK\r\n"
                        } else if cmd.starts_with("DATA") {
                            let _ = w.write_all(b"354 go ahead\r\n").await;
                            let mut data = String::new();
                            loop {
                                line.clear();
                                if lines.read_line(&mut line).await.unwrap_or(0) == 0 || line == ".\r\n" {
                                    break;
                                }
                                data.push_str(&line);
                            }
                            let _ = tx.send(Mail { to: std::mem::take(&mut to), data });
                            b"250 queued\r\n"
                        } else if cmd.starts_with("QUIT") {
                            let _ = w.write_all(b"221 bye\r\n").await;
                            break;
                        } else {
                            b"250 OK\r\n"
                        };
                        let _ = w.write_all(reply).await;
                    }
                });
            }
        });
        Arc::new(SmtpSink { port, rx: Mutex::new(rx) })
    }

    /// The next message (waits for it, bounded so a missing message fails the test).
    pub async fn next(&self) -> Mail {
        let mut rx = self.rx.lock().await;
        tokio::time::timeout(std::time::Duration::from_secs(15), rx.recv())
            .await
            .expect("a message reached the SMTP sink in time")
            .expect("sink open")
    }

    /// The next message sent to `to`.
    pub async fn next_to(&self, to: &str) -> Mail {
        loop {
            let m = self.next().await;
            if m.to.iter().any(|t| t == to) {
                return m;
            }
        }
    }
}
