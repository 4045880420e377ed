//! Load tests over HTTP on loopback against a release build of `cognate`.
//!
//! Run with `scripts/bench.sh` (which pins the server to core 0 and this generator to
//! core 1). Reports requests/s, p50/p99 latency, server CPU per request and server RSS
//! for each hot path, on SQLite or on PostgreSQL (`--database-url`).
//!
//!   cognate-bench --server target/release/cognate [--database-url postgres://...]
//!                 [--seconds 10] [--concurrency 8] [--list-users 1000000] [--server-cores 0]

mod srp;

use anyhow::{bail, Context, Result};
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

const KEY: &str = "AKIACOGNATEBENCH0001";
const SECRET: &str = "cognate-bench-secret-access-key-01";
const PASSWORD: &str = "Bench-passw0rd!";
const OPERATOR: &str = "bench-ops@example.com";

struct Args {
    server: String,
    database_url: Option<String>,
    seconds: u64,
    concurrency: usize,
    list_users: usize,
    server_cores: String,
    /// Only the paths whose name contains this.
    only: Option<String>,
    /// The server predates the rate-limit settings (comparing with an older build).
    older_server: bool,
}

fn args() -> Result<Args> {
    let mut a = Args {
        only: None,
        older_server: false,
        server_cores: "0".into(),
        server: "target/release/cognate".into(),
        database_url: None,
        seconds: 10,
        concurrency: 8,
        list_users: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().context("missing value");
        match k.as_str() {
            "--server" => a.server = v()?,
            "--database-url" => a.database_url = Some(v()?),
            "--seconds" => a.seconds = v()?.parse()?,
            "--concurrency" => a.concurrency = v()?.parse()?,
            "--list-users" => a.list_users = v()?.parse()?,
            "--server-cores" => a.server_cores = v()?,
            "--only" => a.only = Some(v()?),
            "--older-server" => a.older_server = true,
            other => bail!("unknown argument {other}"),
        }
    }
    Ok(a)
}

#[derive(Clone)]
struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    async fn call(&self, action: &str, body: &Value, signed: bool) -> Result<(u16, Value)> {
        let payload = body.to_string();
        let mut req = self
            .http
            .post(&self.base)
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", format!("AWSCognitoIdentityProviderService.{action}"));
        if signed {
            let host = self.base.trim_start_matches("http://").trim_end_matches('/').to_owned();
            let now = SystemTime::now();
            let identity: Identity = Credentials::new(KEY, SECRET, None, None, "bench").into();
            let params = v4::SigningParams::builder()
                .identity(&identity)
                .region("us-east-1")
                .name("cognito-idp")
                .time(now)
                .settings(SigningSettings::default())
                .build()?
                .into();
            let target = format!("AWSCognitoIdentityProviderService.{action}");
            let headers = [
                ("host", host.as_str()),
                ("content-type", "application/x-amz-json-1.1"),
                ("x-amz-target", target.as_str()),
            ];
            let signable =
                SignableRequest::new("POST", "/", headers.into_iter(), SignableBody::Bytes(payload.as_bytes()))?;
            let (instructions, _) = sign(signable, &params)?.into_parts();
            for (name, value) in instructions.headers() {
                req = req.header(name, value);
            }
        }
        let r = req.body(payload).send().await?;
        let status = r.status().as_u16();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        Ok((status, v))
    }

    async fn ok(&self, action: &str, body: Value, signed: bool) -> Result<Value> {
        let (s, v) = self.call(action, &body, signed).await?;
        if s != 200 {
            bail!("{action} failed: {s} {v}");
        }
        Ok(v)
    }
}

struct Proc {
    pid: u32,
}

impl Proc {
    fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid)).unwrap_or_default();
        let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let f: Vec<&str> = after.split_whitespace().collect();
        f.get(11).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0)
            + f.get(12).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0)
    }

    fn rss_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|k| k.parse::<f64>().ok())
            .map(|k| k / 1024.0)
            .unwrap_or(0.0)
    }
}

struct Outcome {
    name: String,
    requests: usize,
    errors: usize,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    cpu_ms_per_req: f64,
    rss_mb: f64,
}

/// Runs `make(i)` from `concurrency` tasks for `seconds`, counting 200s.
/// `--only`: the paths to run.
static ONLY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

async fn load<F, Fut>(name: &str, seconds: u64, concurrency: usize, server: &Proc, make: F) -> Outcome
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    if ONLY.get().and_then(|o| o.as_deref()).is_some_and(|o| !name.contains(o)) {
        return Outcome {
            name: name.to_owned(),
            requests: 0,
            errors: 0,
            rps: 0.0,
            p50_ms: 0.0,
            p99_ms: 0.0,
            cpu_ms_per_req: 0.0,
            rss_mb: 0.0,
        };
    }
    let make = Arc::new(make);
    let stop = Arc::new(AtomicBool::new(false));
    let counter = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let ticks0 = server.cpu_ticks();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (make, stop, counter, errors) = (make.clone(), stop.clone(), counter.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let i = counter.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                if make(i).await {
                    lat.push(t.elapsed());
                } else {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            lat
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut lat: Vec<Duration> = Vec::new();
    for t in tasks {
        lat.extend(t.await.unwrap_or_default());
    }
    let elapsed = start.elapsed().as_secs_f64();
    let ticks = server.cpu_ticks().saturating_sub(ticks0);
    lat.sort();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0)
    };
    let n = lat.len();
    Outcome {
        name: name.to_owned(),
        requests: n,
        errors: errors.load(Ordering::Relaxed),
        rps: n as f64 / elapsed,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        cpu_ms_per_req: if n > 0 { ticks as f64 * 10.0 / n as f64 } else { 0.0 },
        rss_mb: server.rss_mb(),
    }
}

/// Bare `g^e mod N` (3072-bit group, 256-bit exponent) per second on this core: the
/// unit SRP's server side is made of.
fn modpow_ceiling(seconds: u64) -> f64 {
    let start = Instant::now();
    let mut n = 0u64;
    let mut e = [7u8; 32];
    while start.elapsed() < Duration::from_secs(seconds) {
        e[31] = e[31].wrapping_add(1);
        std::hint::black_box(domain::auth::srp::bare_modpow(&e));
        n += 1;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// `n` users `mfa<i>` with a verified, preferred authenticator each; returns the secrets.
async fn seed_totp_users(api: &Api, pool: &str, client: &str, n: usize) -> Result<Vec<Vec<u8>>> {
    let mut secrets = Vec::with_capacity(n);
    for i in 0..n {
        let name = format!("mfa{i}");
        api.ok("AdminCreateUser", json!({"UserPoolId": pool, "Username": name, "MessageAction": "SUPPRESS"}), true)
            .await?;
        api.ok(
            "AdminSetUserPassword",
            json!({"UserPoolId": pool, "Username": name, "Password": PASSWORD, "Permanent": true}),
            true,
        )
        .await?;
        let signed = api
            .ok("InitiateAuth", json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": name, "PASSWORD": PASSWORD}}), false)
            .await?;
        let access = signed["AuthenticationResult"]["AccessToken"].as_str().context("access token")?.to_owned();
        let b32 = api.ok("AssociateSoftwareToken", json!({"AccessToken": access}), false).await?["SecretCode"]
            .as_str()
            .context("secret")?
            .to_owned();
        let secret = domain::auth::totp::decode_base32(&b32).context("base32 secret")?;
        let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let code = domain::auth::totp::hotp(&secret, domain::auth::totp::step_of(now as i64) as u64);
        api.ok("VerifySoftwareToken", json!({"AccessToken": access, "UserCode": code}), false).await?;
        api.ok(
            "SetUserMFAPreference",
            json!({"AccessToken": access, "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
            false,
        )
        .await?;
        secrets.push(secret);
    }
    Ok(secrets)
}

fn argon2_ceiling(seconds: u64) -> f64 {
    use domain::password::{hash_blocking, verify_blocking};
    use domain::secret::Password;
    let h = hash_blocking(&Password::new(PASSWORD))
        .unwrap_or_else(|_| domain::password::PasswordHash::from_phc(String::new()));
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < Duration::from_secs(seconds) {
        verify_blocking(&Password::new(PASSWORD), &h);
        n += 1;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let a = args()?;
    let _ = ONLY.set(a.only.clone());
    let dir = tempfile::tempdir()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let base = format!("http://127.0.0.1:{port}/");
    let mut cmd = tokio::process::Command::new("taskset");
    cmd.arg("-c").arg(&a.server_cores).arg(&a.server);
    cmd.env("COGNATE_LISTEN", format!("127.0.0.1:{port}"))
        .env("COGNATE_DATA_DIR", dir.path())
        .env("COGNATE_LOG", "error")
        .env("COGNATE_BOOTSTRAP_ACCESS_KEY_ID", KEY)
        .env("COGNATE_BOOTSTRAP_SECRET_ACCESS_KEY", SECRET)
        .env("COGNATE_BOOTSTRAP_OPERATOR_EMAIL", OPERATOR)
        .env("COGNATE_BOOTSTRAP_OPERATOR_PASSWORD", PASSWORD)
        .kill_on_drop(true);
    if !a.older_server {
        // All load comes from one address here, which the per-source limits exist to
        // stop: the bench measures the paths, so the limits are off (0).
        for k in [
            "FAILED_SIGN_INS_PER_SOURCE",
            "FAILED_SIGN_INS_PER_MINUTE",
            "CODE_REQUESTS_PER_SOURCE",
            "CODE_REQUESTS_PER_MINUTE",
        ] {
            cmd.env(format!("COGNATE_{k}"), "0");
        }
    }
    if let Some(u) = &a.database_url {
        cmd.env("COGNATE_DATABASE_URL", u);
    }
    let child = cmd.spawn().context("starting the server")?;
    let server = Proc { pid: child.id().context("server pid")? };
    let http = reqwest::Client::builder().pool_max_idle_per_host(64).build()?;
    for _ in 0..200 {
        if http.get(format!("{base}ready")).send().await.map(|r| r.status().is_success()).unwrap_or(false) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let api = Api { http, base: base.clone() };
    let backend = if a.database_url.is_some() { "PostgreSQL" } else { "SQLite" };
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_rss = server.rss_mb();

    let pool = api
        .ok("CreateUserPool", json!({"PoolName": "bench", "Policies": {"PasswordPolicy": {"MinimumLength": 8}}}), true)
        .await?["UserPool"]["Id"]
        .as_str()
        .context("pool id")?
        .to_owned();
    let client = api
        .ok(
            "CreateUserPoolClient",
            json!({"UserPoolId": pool, "ClientName": "bench", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
            true,
        )
        .await?["UserPoolClient"]["ClientId"]
        .as_str()
        .context("client id")?
        .to_owned();
    let users = 32;
    for i in 0..users {
        api.ok(
            "AdminCreateUser",
            json!({"UserPoolId": pool, "Username": format!("user{i}"), "MessageAction": "SUPPRESS"}),
            true,
        )
        .await?;
        api.ok(
            "AdminSetUserPassword",
            json!({"UserPoolId": pool, "Username": format!("user{i}"), "Password": PASSWORD, "Permanent": true}),
            true,
        )
        .await?;
    }
    let signed_in = api
        .ok("InitiateAuth", json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "user0", "PASSWORD": PASSWORD}}), false)
        .await?;
    let access = signed_in["AuthenticationResult"]["AccessToken"].as_str().context("access token")?.to_owned();
    let refresh = signed_in["AuthenticationResult"]["RefreshToken"].as_str().context("refresh token")?.to_owned();

    let ceiling = argon2_ceiling(3);
    let mut results = Vec::new();
    let secs = a.seconds;
    let c = a.concurrency;

    let (api2, client2) = (api.clone(), client.clone());
    results.push(
        load("InitiateAuth USER_PASSWORD_AUTH", secs, c.min(4), &server, move |i| {
            let (api, client) = (api2.clone(), client2.clone());
            async move {
                let body = json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": format!("user{}", i % 32), "PASSWORD": PASSWORD}});
                matches!(api.call("InitiateAuth", &body, false).await, Ok((200, _)))
            }
        })
        .await,
    );
    // A burst: 64 sign-ins in flight against the hashing pool (one worker per server
    // core). With the queue sized by its 2-second wait budget none should be refused.
    let (api2, client2) = (api.clone(), client.clone());
    let refused = Arc::new(AtomicUsize::new(0));
    let refused2 = refused.clone();
    let mut burst = load("InitiateAuth USER_PASSWORD_AUTH, burst of 64 in flight", secs, 64, &server, move |i| {
        let (api, client, refused) = (api2.clone(), client2.clone(), refused2.clone());
        async move {
            let body = json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": format!("user{}", i % 32), "PASSWORD": PASSWORD}});
            match api.call("InitiateAuth", &body, false).await {
                Ok((200, _)) => true,
                Ok((_, v)) => {
                    if v["__type"] == "TooManyRequestsException" {
                        refused.fetch_add(1, Ordering::Relaxed);
                    }
                    false
                }
                Err(_) => false,
            }
        }
    })
    .await;
    burst.name = format!("{} ({} refused)", burst.name, refused.load(Ordering::Relaxed));
    results.push(burst);
    // A forged access token naming a pool that does not exist: refused, at the cost of a
    // signature-free parse and one indexed read.
    let (api2, forged) = (api.clone(), forged_token(&base));
    results.push(
        load("GetUser with a forged token for an unknown pool (refused)", secs, c, &server, move |_| {
            let (api, forged) = (api2.clone(), forged.clone());
            async move {
                matches!(api.call("GetUser", &json!({"AccessToken": forged}), false).await,
                    Ok((400, v)) if v["__type"] == "NotAuthorizedException")
            }
        })
        .await,
    );
    let (api2, client2) = (api.clone(), client.clone());
    let run = uuid::Uuid::new_v4().simple().to_string();
    results.push(
        load("SignUp", secs, c.min(4), &server, move |i| {
            let (api, client, run) = (api2.clone(), client2.clone(), run.clone());
            async move {
                let body = json!({"ClientId": client, "Username": format!("s{}{i}", &run[..6]), "Password": PASSWORD});
                matches!(api.call("SignUp", &body, false).await, Ok((200, _)))
            }
        })
        .await,
    );
    let (api2, client2, refresh2) = (api.clone(), client.clone(), refresh.clone());
    results.push(
        load("REFRESH_TOKEN_AUTH", secs, c, &server, move |_| {
            let (api, client, refresh) = (api2.clone(), client2.clone(), refresh2.clone());
            async move {
                let body = json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client, "AuthParameters": {"REFRESH_TOKEN": refresh}});
                matches!(api.call("InitiateAuth", &body, false).await, Ok((200, _)))
            }
        })
        .await,
    );
    // USER_SRP_AUTH, both steps: InitiateAuth (the server's g^b and B) and the
    // PASSWORD_VERIFIER answer (v^u, (A·v^u)^b, HKDF, HMAC). The client's side runs on the
    // load core. Compared with one bare 3072-bit exponentiation (256-bit exponent).
    let srp_client = api
        .ok(
            "CreateUserPoolClient",
            json!({"UserPoolId": pool, "ClientName": "srp", "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH"]}),
            true,
        )
        .await?["UserPoolClient"]["ClientId"]
        .as_str()
        .context("srp client id")?
        .to_owned();
    // Each user gets a verifier at its first password sign-in (they were created before).
    for i in 0..users {
        let body = json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": srp_client, "AuthParameters": {"USERNAME": format!("user{i}"), "PASSWORD": PASSWORD}});
        api.ok("InitiateAuth", body, false).await?;
    }
    let (api2, client2, pool2) = (api.clone(), srp_client.clone(), pool.clone());
    results.push(
        load("USER_SRP_AUTH, both steps", secs, c.min(4), &server, move |i| {
            let (api, client, pool) = (api2.clone(), client2.clone(), pool2.clone());
            async move {
                let srp = srp::Client::new(&pool, i as u64);
                let body = json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": format!("user{}", i % 32), "SRP_A": srp.srp_a()}});
                let Ok((200, step)) = api.call("InitiateAuth", &body, false).await else { return false };
                let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
                let ts = domain::auth::srp::format_timestamp(now as i64);
                let answers = srp.answer(&step["ChallengeParameters"], PASSWORD, &ts);
                let body = json!({"ClientId": client, "ChallengeName": "PASSWORD_VERIFIER", "Session": step["Session"], "ChallengeResponses": answers});
                matches!(api.call("RespondToAuthChallenge", &body, false).await, Ok((200, v)) if v["AuthenticationResult"].is_object())
            }
        })
        .await,
    );
    let modpow = modpow_ceiling(2);

    // SOFTWARE_TOKEN_MFA: USER_SRP_AUTH, then the authenticator's code. A code is accepted
    // once, so every sign-in is a different user (created with an authenticator here).
    api.ok(
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool, "MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": {"Enabled": true}}),
        true,
    )
    .await?;
    let mfa_users = (secs as usize * 150).clamp(200, 4000);
    let secrets = Arc::new(seed_totp_users(&api, &pool, &srp_client, mfa_users).await?);
    let (api2, client2, pool2, secrets2) = (api.clone(), srp_client.clone(), pool.clone(), secrets.clone());
    results.push(
        load("USER_SRP_AUTH + SOFTWARE_TOKEN_MFA (three calls)", secs, c.min(4), &server, move |i| {
            let (api, client, pool, secrets) = (api2.clone(), client2.clone(), pool2.clone(), secrets2.clone());
            async move {
                let Some(secret) = secrets.get(i) else {
                    // Out of fresh users: no busy loop (the runtime has one thread).
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    return false;
                };
                let name = format!("mfa{i}");
                let srp = srp::Client::new(&pool, i as u64);
                let body = json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": name, "SRP_A": srp.srp_a()}});
                let Ok((200, step)) = api.call("InitiateAuth", &body, false).await else { return false };
                let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
                let ts = domain::auth::srp::format_timestamp(now as i64);
                let answers = srp.answer(&step["ChallengeParameters"], PASSWORD, &ts);
                let body = json!({"ClientId": client, "ChallengeName": "PASSWORD_VERIFIER", "Session": step["Session"], "ChallengeResponses": answers});
                let Ok((200, step)) = api.call("RespondToAuthChallenge", &body, false).await else { return false };
                // One step ahead: the code that verified the authenticator is spent.
                let code = domain::auth::totp::hotp(secret, domain::auth::totp::step_of(now as i64 + 30) as u64);
                let body = json!({"ClientId": client, "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": step["Session"],
                                  "ChallengeResponses": {"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": code}});
                matches!(api.call("RespondToAuthChallenge", &body, false).await, Ok((200, v)) if v["AuthenticationResult"].is_object())
            }
        })
        .await,
    );

    let (api2, access2) = (api.clone(), access.clone());
    results.push(
        load("GetUser", secs, c, &server, move |_| {
            let (api, access) = (api2.clone(), access2.clone());
            async move { matches!(api.call("GetUser", &json!({"AccessToken": access}), false).await, Ok((200, _))) }
        })
        .await,
    );

    // OAuth 2.0 endpoints: a machine-to-machine client with a custom scope, and a web
    // client whose refresh token and access token come from an API sign-in.
    api.ok(
        "CreateResourceServer",
        json!({"UserPoolId": pool, "Identifier": "bench-api", "Name": "bench", "Scopes": [{"ScopeName": "read", "ScopeDescription": "read"}]}),
        true,
    )
    .await?;
    let m2m = api
        .ok(
            "CreateUserPoolClient",
            json!({"UserPoolId": pool, "ClientName": "m2m", "GenerateSecret": true, "AllowedOAuthFlowsUserPoolClient": true,
                   "AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthScopes": ["bench-api/read"]}),
            true,
        )
        .await?;
    let m2m_id = m2m["UserPoolClient"]["ClientId"].as_str().context("m2m id")?.to_owned();
    let m2m_secret = m2m["UserPoolClient"]["ClientSecret"].as_str().context("m2m secret")?.to_owned();
    let web = api
        .ok(
            "CreateUserPoolClient",
            json!({"UserPoolId": pool, "ClientName": "web", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                   "AllowedOAuthFlowsUserPoolClient": true, "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid", "email"],
                   "CallbackURLs": ["https://app.example.com/callback"]}),
            true,
        )
        .await?["UserPoolClient"]["ClientId"]
        .as_str()
        .context("web id")?
        .to_owned();
    let web_in = api
        .ok("InitiateAuth", json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": web, "AuthParameters": {"USERNAME": "user1", "PASSWORD": PASSWORD}}), false)
        .await?;
    let web_refresh = web_in["AuthenticationResult"]["RefreshToken"].as_str().context("web refresh")?.to_owned();
    let web_access = web_in["AuthenticationResult"]["AccessToken"].as_str().context("web access")?.to_owned();
    let token_url = format!("{base}oauth2/token");
    let (http, url, id, secret) = (api.http.clone(), token_url.clone(), m2m_id.clone(), m2m_secret.clone());
    results.push(
        load("/oauth2/token client_credentials (RS256)", secs, c, &server, move |_| {
            let (http, url, id, secret) = (http.clone(), url.clone(), id.clone(), secret.clone());
            async move {
                let r = http
                    .post(&url)
                    .basic_auth(&id, Some(&secret))
                    .form(&[("grant_type", "client_credentials")])
                    .send()
                    .await;
                matches!(r.map(|r| r.status().as_u16()), Ok(200))
            }
        })
        .await,
    );
    let (http, url, id, rt) = (api.http.clone(), token_url.clone(), web.clone(), web_refresh.clone());
    results.push(
        load("/oauth2/token refresh_token", secs, c, &server, move |_| {
            let (http, url, id, rt) = (http.clone(), url.clone(), id.clone(), rt.clone());
            async move {
                let form =
                    [("grant_type", "refresh_token"), ("client_id", id.as_str()), ("refresh_token", rt.as_str())];
                let r = http.post(&url).form(&form).send().await;
                matches!(r.map(|r| r.status().as_u16()), Ok(200))
            }
        })
        .await,
    );
    let (http, url, at) = (api.http.clone(), format!("{base}oauth2/userInfo"), web_access.clone());
    results.push(
        load("/oauth2/userInfo", secs, c, &server, move |_| {
            let (http, url, at) = (http.clone(), url.clone(), at.clone());
            async move {
                let r = http.get(&url).bearer_auth(&at).send().await;
                matches!(r.map(|r| r.status().as_u16()), Ok(200))
            }
        })
        .await,
    );
    let login = format!(
        "{base}login?response_type=code&client_id={web}&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&scope=openid&state=s1\
         &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
    );
    let http = api.http.clone();
    results.push(
        load("GET /login (hosted sign-in page)", secs, c, &server, move |_| {
            let (http, url) = (http.clone(), login.clone());
            async move { matches!(http.get(&url).send().await.map(|r| r.status().as_u16()), Ok(200)) }
        })
        .await,
    );

    if a.list_users > 0 {
        seed_users(&a, dir.path(), &pool, a.list_users).await?;
        for conc in [1, 4] {
            let (api2, pool2) = (api.clone(), pool.clone());
            results.push(
            load(&format!("ListUsers email ^= prefix, {} users, {conc} in flight", a.list_users), secs, conc, &server, move |i| {
                let (api, pool) = (api2.clone(), pool2.clone());
                async move {
                    let body =
                        json!({"UserPoolId": pool, "Limit": 60, "Filter": format!("email ^= \"bulk{:03}\"", i % 1000)});
                    matches!(api.call("ListUsers", &body, true).await, Ok((200, _)))
                }
            })
            .await,
        );
        }
        // The console's users page (server-rendered, the same indexed search), as an
        // operator sees it: sign in once, then search by email prefix.
        let console = reqwest::Client::builder().cookie_store(true).pool_max_idle_per_host(64).build()?;
        let signed = console
            .post(format!("{base}admin/login"))
            .header("origin", base.trim_end_matches('/'))
            .form(&[("email", OPERATOR), ("password", PASSWORD)])
            .send()
            .await?;
        anyhow::ensure!(signed.url().path() == "/admin", "console sign-in failed: ended at {}", signed.url());
        for conc in [1, 4] {
            let (http, url) = (console.clone(), format!("{base}admin/pools/{pool}/users?attr=email&q="));
            results.push(
                load(
                    &format!("console users page, email prefix search, {} users, {conc} in flight", a.list_users),
                    secs,
                    conc,
                    &server,
                    move |i| {
                        let (http, url) = (http.clone(), format!("{url}bulk{:03}", i % 1000));
                        async move {
                            match http.get(&url).send().await {
                                Ok(r) if r.status() == 200 => {
                                    r.text().await.map(|t| t.contains("bulk")).unwrap_or(false)
                                }
                                _ => false,
                            }
                        }
                    },
                )
                .await,
            );
        }
    }

    println!(
        "\n## Cognate load test ({backend}, server on core(s) {}, load on core 1, {secs} s per path)\n",
        a.server_cores
    );
    println!("bare argon2id verifications/s on one core (m=19 MiB, t=2, p=1): {ceiling:.1}");
    println!("idle server RSS: {idle_rss:.1} MB\n");
    println!("| path | requests | errors | req/s | p50 ms | p99 ms | server CPU ms/req | server RSS MB |");
    println!("|---|---|---|---|---|---|---|---|");
    for r in results.iter().filter(|r| r.requests + r.errors > 0) {
        println!(
            "| {} | {} | {} | {:.1} | {:.2} | {:.2} | {:.3} | {:.1} |",
            r.name, r.requests, r.errors, r.rps, r.p50_ms, r.p99_ms, r.cpu_ms_per_req, r.rss_mb
        );
    }
    if let Some(r) = results.first() {
        println!("\nInitiateAuth at {:.0}% of the argon2 ceiling", r.rps / ceiling * 100.0);
    }
    println!("bare 3072-bit modular exponentiations (256-bit exponent) per second on one core: {modpow:.0}");
    for r in results.iter().filter(|r| r.name.starts_with("USER_SRP_AUTH") && r.requests > 0) {
        println!(
            "{}: server CPU {:.3} ms per sign-in = {:.1} bare exponentiations",
            r.name,
            r.cpu_ms_per_req,
            r.cpu_ms_per_req / (1000.0 / modpow)
        );
    }
    drop(child);
    Ok(())
}

/// An access token shaped like Cognate's, signed by nobody, whose issuer names a pool
/// that does not exist.
fn forged_token(base: &str) -> String {
    use base64::Engine;
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let exp = SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0) + 3600;
    let claims = json!({"iss": format!("{}us-east-1_NoSuchPool", base), "sub": "x", "token_use": "access",
        "scope": "aws.cognito.signin.user.admin", "exp": exp, "iat": exp - 3600, "client_id": "c"});
    format!(
        "{}.{}.{}",
        b64(&json!({"alg": "RS256", "kid": "made-up"})),
        b64(&claims),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([7u8; 256])
    )
}

/// Inserts `n` users straight into the database (a fixed password hash; the point is the
/// search index), in one transaction per 10,000.
async fn seed_users(a: &Args, data_dir: &std::path::Path, pool: &str, n: usize) -> Result<()> {
    sqlx::any::install_default_drivers();
    let url = a.database_url.clone().unwrap_or_else(|| format!("sqlite://{}", data_dir.join("cognate.db").display()));
    let db = sqlx::AnyPool::connect(&url).await?;
    let started = Instant::now();
    let mut done = 0;
    // Generated values only (no user input), so literal multi-row inserts are safe
    // and load a million users in a fraction of the time of one statement per row.
    while done < n {
        let end = (done + 2_000).min(n);
        let (mut users, mut index) = (Vec::new(), Vec::new());
        for i in done..end {
            let key = format!("bulk{i:07}");
            let email = format!("bulk{:03}-{i:07}@example.com", i % 1000);
            let sub = uuid::Uuid::new_v4().to_string();
            let attrs = json!({"sub": sub, "email": email}).to_string();
            users.push(format!(
                "('{pool}', '{key}', '{key}', '{sub}', 'CONFIRMED', 1, '{attrs}', null, '[]', null, 0, 0, 0)"
            ));
            for (name, value) in [
                ("username", key.as_str()),
                ("email", email.as_str()),
                ("sub", sub.as_str()),
                ("cognito:user_status", "CONFIRMED"),
                ("status", "Enabled"),
            ] {
                index.push(format!("('{pool}', '{name}', '{value}', '{key}', 0, 0)"));
            }
        }
        let mut tx = db.begin().await?;
        sqlx::query(&format!("insert into users (pool_id, username_key, username, sub, status, enabled, attributes, password_hash, password_history, temporary_password_expires_at, tokens_valid_after, created_at, updated_at) values {}", users.join(", ")))
            .execute(&mut *tx).await?;
        sqlx::query(&format!(
            "insert into user_index (pool_id, name, value, username_key, created_at, updated_at) values {}",
            index.join(", ")
        ))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        done = end;
    }
    if url.starts_with("sqlite") {
        sqlx::query("analyze").execute(&db).await?;
        // Bulk loading from a second process leaves a huge WAL; a running server
        // checkpoints as it goes, so measure that steady state, not the backlog.
        sqlx::query("pragma wal_checkpoint(truncate)").execute(&db).await?;
    } else {
        sqlx::query("analyze user_index").execute(&db).await?;
    }
    eprintln!("seeded {n} users in {:.1}s", started.elapsed().as_secs_f64());
    Ok(())
}
