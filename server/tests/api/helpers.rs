//! `spawn_app()` and typed helpers for driving the server as a browser would.

use cognate_server::{Application, Settings};
use domain::clock::{Clock, FixedClock, SystemClock};
use domain::secret::Password;
use reqwest::header::{HeaderMap, HeaderValue, ORIGIN};
use reqwest::redirect::Policy;
use std::path::PathBuf;
use std::sync::Arc;

pub const OPERATOR_EMAIL: &str = "ops@example.com";
pub const OPERATOR_PASSWORD: &str = "correct horse battery staple";
pub const ACCESS_KEY_ID: &str = "AKIACOGNATETEST00001";
pub const SECRET_ACCESS_KEY: &str = "cognate-test-secret-access-key-0001";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub setup_token: Option<String>,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    /// The server's clock: starts at the wall-clock time and moves only when told.
    pub clock: Arc<FixedClock>,
    /// Mail the server sent.
    pub smtp: Arc<crate::smtp_sink::SmtpSink>,
    /// The port the server sends mail to.
    pub smtp_port: u16,
    _dir: Arc<tempfile::TempDir>,
}

/// A change to the settings a test server starts with.
pub type Configure = Box<dyn FnOnce(&mut Settings) + Send>;

pub struct Options {
    pub bootstrap: bool,
    /// Point the server at an SMTP port where nothing listens yet (`TestApp::smtp_port`).
    pub smtp_down: bool,
    /// No SMTP at all: development mode, every message goes to the mailbox.
    pub no_smtp: bool,
    pub reuse: Option<(Arc<tempfile::TempDir>, Option<String>)>,
    /// argon2 workers and wait budget; the pool is process-wide, so only the first
    /// application of a test binary sizes it.
    pub hash_pool: Option<(usize, std::time::Duration)>,
    /// Any other settings a test needs (rate limits, trusted proxies, timeouts).
    pub configure: Option<Configure>,
}

impl Default for Options {
    fn default() -> Self {
        Options { bootstrap: true, smtp_down: false, no_smtp: false, reuse: None, hash_pool: None, configure: None }
    }
}

/// Rate limits high enough that tests which sign up or fail many times from 127.0.0.1
/// under a clock that stands still never meet them; the tests of the limits themselves
/// set the defaults back.
pub fn roomy_limits() -> domain::limits::LimitSettings {
    domain::limits::LimitSettings {
        failed_sign_ins_per_source: 60_000,
        failed_sign_ins_global: 60_000,
        code_requests_per_source: 60_000,
        code_requests_global: 60_000,
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_with(Options::default()).await
}

pub async fn spawn_with(opts: Options) -> TestApp {
    let filter = std::env::var("COGNATE_TEST_LOG").unwrap_or_else(|_| "error".into());
    cognate_server::telemetry::init(&filter, cognate_server::config::LogFormat::Text);
    let (dir, database_url) = match opts.reuse {
        Some(r) => r,
        None => {
            let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
            let db = match store::testing::postgres_url_from_env() {
                Some(admin) => Some(store::testing::fresh_postgres_url(&admin).await.expect("fresh postgres database")),
                None => None,
            };
            (dir, db)
        }
    };
    let mut settings = Settings::for_tests(dir.path().to_path_buf(), database_url.clone());
    settings.public_url = url::Url::parse("http://127.0.0.1:0").unwrap();
    settings.master_key = None; // exercise the generated key file
    let smtp = crate::smtp_sink::SmtpSink::start().await;
    let smtp_port = if opts.smtp_down {
        std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
    } else {
        smtp.port
    };
    settings.smtp_url = (!opts.no_smtp)
        .then(|| cognate_server::config::SmtpUrl(url::Url::parse(&format!("smtp://127.0.0.1:{smtp_port}")).unwrap()));
    settings.email_from = Some("no-reply@cognate.test".into());
    settings.bootstrap_admin_key = Some((ACCESS_KEY_ID.into(), domain::secret::SecretString::new(SECRET_ACCESS_KEY)));
    if opts.bootstrap {
        settings.bootstrap_operator = Some((OPERATOR_EMAIL.into(), Password::new(OPERATOR_PASSWORD)));
    }
    if let Some((workers, budget)) = opts.hash_pool {
        settings.password_hash_workers = workers;
        settings.password_hash_wait_budget = budget;
    }
    settings.limits = roomy_limits();
    if let Some(configure) = opts.configure {
        configure(&mut settings);
    }
    let clock = Arc::new(FixedClock::new(SystemClock.now()));
    let app = Application::build_with_clock(settings, clock.clone()).await.expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let setup_token = app.setup_token.clone();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    TestApp {
        client: browser_client(&address),
        address,
        setup_token,
        data_dir: dir.path().to_path_buf(),
        database_url,
        clock,
        smtp,
        smtp_port,
        _dir: dir,
    }
}

/// A client that keeps cookies, does not follow redirects, and sends the `Origin` a
/// browser sends with same-origin form posts.
pub fn browser_client(address: &str) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert(ORIGIN, HeaderValue::from_str(address).unwrap());
    reqwest::Client::builder().cookie_store(true).redirect(Policy::none()).default_headers(headers).build().unwrap()
}

impl TestApp {
    /// A handle on a server started elsewhere (a child process): only its address is
    /// real; the clock, mail sink and directory are unused placeholders.
    pub fn remote(address: &str) -> TestApp {
        let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
        TestApp {
            address: address.to_owned(),
            client: browser_client(address),
            setup_token: None,
            data_dir: dir.path().to_path_buf(),
            database_url: None,
            clock: Arc::new(FixedClock::new(SystemClock.now())),
            smtp: crate::smtp_sink::SmtpSink::detached(),
            smtp_port: 0,
            _dir: dir,
        }
    }

    /// The AWS SDK's Cognito client, pointed at this server and signing with the
    /// bootstrap admin key.
    pub fn cognito(&self) -> aws_sdk_cognitoidentityprovider::Client {
        self.cognito_with(ACCESS_KEY_ID, SECRET_ACCESS_KEY)
    }

    /// The SDK client signing with any key pair.
    pub fn cognito_with(&self, key: &str, secret: &str) -> aws_sdk_cognitoidentityprovider::Client {
        use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
        let config = aws_sdk_cognitoidentityprovider::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(&self.address)
            .credentials_provider(Credentials::new(key, secret, None, None, "tests"))
            .build();
        aws_sdk_cognitoidentityprovider::Client::from_conf(config)
    }

    /// The server's database, opened a second time (SQLite in WAL mode allows it).
    pub async fn store(&self) -> store::SqlStore {
        let url = self
            .database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("cognate.db").display()));
        store::SqlStore::open(&url).await.expect("second handle on the test database")
    }

    /// A raw JSON 1.1 call, unsigned: status and parsed body.
    pub async fn cognito_raw(&self, action: &str, body: &str) -> (u16, serde_json::Value) {
        let r = reqwest::Client::new()
            .post(self.url("/"))
            .header("x-amz-target", format!("AWSCognitoIdentityProviderService.{action}"))
            .header("content-type", "application/x-amz-json-1.1")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn reuse(&self) -> Options {
        Options { reuse: Some((self._dir.clone(), self.database_url.clone())), ..Options::default() }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client.post(self.url(path)).form(form).send().await.unwrap()
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_form("/admin/login", &[("email", email), ("password", password)]).await
    }

    pub async fn sign_in_as_operator(&self) {
        let r = self.sign_in(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/admin");
    }

    /// Calls a server function the way the hydrated page does; returns status and body.
    pub async fn server_fn(&self, name: &str, form: &[(&str, &str)]) -> (u16, String) {
        let r = self
            .client
            .post(self.url(&format!("/api/{name}")))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// The sign-in page's HTML.
    pub async fn login_page(&self) -> String {
        let r = self.get("/admin/login").await;
        assert_eq!(r.status(), 200, "sign-in page");
        r.text().await.unwrap()
    }
}

pub fn location(r: &reqwest::Response) -> String {
    r.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

pub fn cookie_value(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers().get_all("set-cookie").iter().find_map(|v| {
        let s = v.to_str().ok()?;
        let (pair, _) = s.split_once(';').unwrap_or((s, ""));
        let (k, val) = pair.split_once('=')?;
        (k == name).then(|| val.to_owned())
    })
}

/// moto's server on a free loopback port: an SNS-compatible service that keeps every SMS
/// it is asked to publish and shows them at `/moto-api/data.json`. Installed by
/// scripts/setup.sh --test (end2end/python/install.sh); a test that needs it fails,
/// saying so, when it is missing.
pub struct MotoServer {
    pub url: String,
    child: std::process::Child,
}

impl MotoServer {
    pub async fn start() -> MotoServer {
        let bin = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/python-venv/bin/moto_server");
        assert!(
            bin.exists(),
            "moto_server is missing at {}: run scripts/setup.sh --test (or end2end/python/install.sh)",
            bin.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut child = std::process::Command::new(bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let url = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if reqwest::get(format!("{url}/moto-api/")).await.is_ok() {
                return MotoServer { url, child };
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("moto_server did not start on {url}");
    }

    /// Every SMS published so far: (phone number, message).
    pub async fn sms(&self) -> Vec<(String, String)> {
        let data: serde_json::Value =
            reqwest::get(format!("{}/moto-api/data.json", self.url)).await.unwrap().json().await.unwrap();
        data["sns"]["SMS"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|m| {
                (m["phone_number"].as_str().unwrap_or("").to_owned(), m["message"].as_str().unwrap_or("").to_owned())
            })
            .collect()
    }

    /// Waits for the next SMS to `phone` after `seen` of them, and returns its text.
    pub async fn next_to(&self, phone: &str, seen: usize) -> String {
        for _ in 0..100 {
            let to: Vec<String> = self.sms().await.into_iter().filter(|(p, _)| p == phone).map(|(_, m)| m).collect();
            if to.len() > seen {
                return to[seen].clone();
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("no SMS to {phone} reached the SNS server");
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
