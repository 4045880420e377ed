//! Email over SMTP with lettre: `smtps://user:pass@host[:port]` uses implicit TLS with
//! certificate checks; `smtp://host:port` is plain SMTP, meant for a relay on the same
//! host or network (and for the test suite's sink).

use domain::message::OutboundMessage;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use url::Url;

/// An SMTP sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
}

impl Mailer {
    /// From a `smtp://` / `smtps://` URL and a From address.
    pub fn new(url: &Url, from: &str) -> Result<Mailer, String> {
        let host = url.host_str().ok_or("the SMTP URL has no host")?;
        let mut builder = match url.scheme() {
            "smtps" => AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(|e| e.to_string())?,
            // Plain SMTP, no TLS: only for a local relay (see the module note).
            _ => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        };
        if let Some(port) = url.port() {
            builder = builder.port(port);
        }
        if !url.username().is_empty() {
            let user = percent_decode(url.username());
            let pass = percent_decode(url.password().unwrap_or(""));
            builder = builder.credentials(Credentials::new(user, pass));
        }
        let from = from.parse().map_err(|e| format!("COGNATE_EMAIL_FROM: {e}"))?;
        Ok(Mailer { transport: builder.build(), from })
    }

    /// Sends one message.
    pub async fn send(&self, m: &OutboundMessage) -> Result<(), String> {
        let to = m.to.parse().map_err(|e| format!("recipient address: {e}"))?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(m.body.clone())
            .map_err(|e| e.to_string())?;
        self.transport.send(email).await.map(|_| ()).map_err(|e| e.to_string())
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
