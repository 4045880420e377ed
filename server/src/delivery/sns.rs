//! SMS through Amazon SNS's `Publish` action (the Query protocol, SigV4 for service
//! `sns`), at a configurable endpoint, so that AWS itself or any SNS-compatible service
//! (LocalStack, moto) sends the texts. One client with kept-alive connections.

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use domain::secret::SecretString;
use std::time::{Duration, SystemTime};
use url::Url;

/// The SNS sender.
#[derive(Clone)]
pub struct SnsSender {
    http: reqwest::Client,
    endpoint: Url,
    region: String,
    credentials: Option<(String, SecretString)>,
}

impl SnsSender {
    /// A sender for `endpoint` (e.g. `https://sns.us-east-1.amazonaws.com`); requests are
    /// signed when credentials are given.
    pub fn new(endpoint: Url, region: String, credentials: Option<(String, SecretString)>) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(SnsSender { http, endpoint, region, credentials })
    }

    /// Publishes `message` to the phone number `to` as a transactional SMS; returns the
    /// `MessageId` SNS gave it.
    pub async fn send(&self, to: &str, message: &str) -> Result<String, String> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("Action", "Publish")
            .append_pair("Version", "2010-03-31")
            .append_pair("PhoneNumber", to)
            .append_pair("Message", message)
            .append_pair("MessageAttributes.entry.1.Name", "AWS.SNS.SMS.SMSType")
            .append_pair("MessageAttributes.entry.1.Value.DataType", "String")
            .append_pair("MessageAttributes.entry.1.Value.StringValue", "Transactional")
            .finish();
        let host = match (self.endpoint.host_str(), self.endpoint.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => return Err("SNS endpoint has no host".into()),
        };
        let content_type = "application/x-www-form-urlencoded; charset=utf-8";
        let mut request =
            self.http.post(self.endpoint.clone()).header("content-type", content_type).header("host", &host);
        if let Some((id, secret)) = &self.credentials {
            let identity: Identity = Credentials::new(id, secret.secret(), None, None, "cognate").into();
            let params = v4::SigningParams::builder()
                .identity(&identity)
                .region(&self.region)
                .name("sns")
                .time(SystemTime::now())
                .settings(SigningSettings::default())
                .build()
                .map_err(|e| e.to_string())?
                .into();
            let path = self.endpoint.path().to_owned();
            let headers = [("content-type", content_type), ("host", host.as_str())];
            let signable =
                SignableRequest::new("POST", &path, headers.into_iter(), SignableBody::Bytes(body.as_bytes()))
                    .map_err(|e| e.to_string())?;
            let (instructions, _) = sign(signable, &params).map_err(|e| e.to_string())?.into_parts();
            for (name, value) in instructions.headers() {
                request = request.header(name, value);
            }
        }
        let response = request.body(body).send().await.map_err(|e| format!("SNS unreachable: {e}"))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            let code = between(&text, "<Code>", "</Code>").unwrap_or("error");
            let why = between(&text, "<Message>", "</Message>").unwrap_or("");
            return Err(format!("SNS answered {status}: {code} {why}"));
        }
        between(&text, "<MessageId>", "</MessageId>")
            .map(str::to_owned)
            .ok_or_else(|| "SNS answered without a MessageId".into())
    }
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let end = text[start..].find(close)? + start;
    Some(&text[start..end])
}
