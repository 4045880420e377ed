//! Building the application from settings: storage, services, bootstrap, routes,
//! middleware; then serving until a shutdown signal lets in-flight requests finish.

use crate::cognito::{self, CognitoState};
use crate::config::Settings;
use crate::console::{self, setup_gate::SetupGate, ConsoleState};
use crate::delivery::{smtp::Mailer, Delivery};
use crate::http::{csrf, health, security_headers};
use crate::session_store::{self, DbSessionStore};
use anyhow::Context;
use app::ssr::ConsoleServices;
use app::{shell, App};
use axum::extract::FromRef;
use axum::routing::{get, post};
use axum::Router;
use domain::admin_key::AdminKeyService;
use domain::client::ClientService;
use domain::operator::OperatorService;
use domain::pool::PoolService;
use domain::ports::{HealthStore, SessionRecordStore, Store};
use domain::token::TokenService;
use domain::user::UserService;
use domain::{Clock, SystemClock};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use store::SqlStore;
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Router state: Leptos options beside the console's state.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Leptos rendering options.
    pub leptos_options: LeptosOptions,
    /// Console handlers' state.
    pub console: ConsoleState,
    /// For `/ready`.
    pub health: Arc<dyn HealthStore>,
}

/// A built application, bound to its port, not yet serving.
pub struct Application {
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    store: SqlStore,
    local_addr: SocketAddr,
    /// The first-time setup token, when setup is open (tests read it; the log shows it).
    pub setup_token: Option<String>,
}

impl Application {
    /// Builds with the wall clock.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// Builds with the given clock (tests pass a fixed one).
    pub async fn build_with_clock(mut settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("creating data directory {}", settings.data_dir.display()))?;
        let master = crate::master_key::load_or_create(settings.master_key.as_ref(), &settings.data_dir)?;
        // Process-wide: the first application built in a process sizes the hashing pool.
        domain::password::configure(settings.password_hash_workers, settings.password_hash_wait_budget);

        tracing::info!(database = %settings.database_url_redacted(), "opening database");
        let sql = SqlStore::open_with(settings.database_url.secret(), settings.database_acquire_timeout)
            .await
            .with_context(|| format!("opening database {}", settings.database_url_redacted()))?;
        let store: Arc<dyn Store> = Arc::new(sql.clone());

        let listener =
            TcpListener::bind(settings.listen).await.with_context(|| format!("binding {}", settings.listen))?;
        let local_addr = listener.local_addr()?;
        if settings.public_url.port() == Some(0) {
            // Port 0 asks the OS for a port; the public URL follows what was bound.
            let _ = settings.public_url.set_port(Some(local_addr.port()));
        }

        let operators = OperatorService::new(store.clone(), clock.clone());
        let pools = PoolService::new(store.clone(), clock.clone(), settings.region.clone());
        let admin_keys = AdminKeyService::new(store.clone(), clock.clone(), master.clone());

        if let Some((email, password)) = settings.bootstrap_operator.clone() {
            match operators.bootstrap(&email, password).await.context("COGNATE_BOOTSTRAP_OPERATOR_EMAIL")? {
                Some(op) => tracing::info!(operator = %op.email, "bootstrap operator created"),
                None => tracing::info!("operators exist; bootstrap operator not needed"),
            }
        }
        if let Some((id, secret)) = settings.bootstrap_admin_key.clone() {
            match admin_keys.register_bootstrap(&id, &secret).await.context("COGNATE_BOOTSTRAP_ACCESS_KEY_ID")? {
                true => tracing::info!(access_key_id = %id, "bootstrap admin API key registered"),
                false => {
                    tracing::warn!(access_key_id = %id, "bootstrap admin API key is disabled by an operator; left disabled")
                }
            }
        }
        let setup = Arc::new(SetupGate::default());
        let setup_token = if operators.any_exist().await? {
            None
        } else {
            let token = setup.open(clock.now());
            tracing::warn!(
                setup_url = %format!("{}/admin/setup", settings.public_url.as_str().trim_end_matches('/')),
                setup_token = %token,
                "no console operator exists: open the setup page and enter this one-time token (valid for an hour; a restart prints a new one)"
            );
            Some(token)
        };

        let clients = ClientService::new(store.clone(), clock.clone(), master.clone());
        let tokens = TokenService::new(store.clone(), clock.clone(), master.clone(), settings.public_url.as_str());
        let users = UserService::new(
            store.clone(),
            clock.clone(),
            master.clone(),
            pools.clone(),
            clients.clone(),
            tokens.clone(),
        )
        .with_limits(Arc::new(domain::limits::Limits::new(settings.limits)));
        let groups = domain::group::GroupService::new(store.clone(), clock.clone());
        let audit = domain::audit::AuditService::new(store.clone(), clock.clone());
        let branding = domain::branding::BrandingService::new(store.clone(), clock.clone());
        let services = ConsoleServices {
            branding: branding.clone(),
            mailbox: domain::message::MailboxService::new(store.clone(), master.clone()),
            tokens: tokens.clone(),
            smtp_configured: settings.smtp_url.is_some(),
            audit: audit.clone(),
            operators,
            pools,
            users: users.clone(),
            groups: groups.clone(),
            clients: clients.clone(),
            admin_keys: admin_keys.clone(),
            public_url: settings.public_url.as_str().trim_end_matches('/').to_owned(),
            clock: clock.clone(),
            session_absolute_timeout: settings.session_absolute_timeout,
        };
        let console = ConsoleState { services: services.clone(), setup };
        let mailer = match (&settings.smtp_url, &settings.email_from) {
            (Some(url), Some(from)) => {
                Some(Mailer::new(&url.0, from).map_err(|e| anyhow::anyhow!("COGNATE_SMTP_URL: {e}"))?)
            }
            (Some(url), None) => {
                Some(Mailer::new(&url.0, "no-reply@localhost").map_err(|e| anyhow::anyhow!("COGNATE_SMTP_URL: {e}"))?)
            }
            (None, _) => {
                tracing::warn!("COGNATE_SMTP_URL is not set: email goes to the development mailbox (see the console)");
                None
            }
        };
        let sns = match &settings.sns_endpoint {
            Some(endpoint) => {
                let region = settings.sns_region.clone().unwrap_or_else(|| settings.region.as_str().to_owned());
                Some(
                    crate::delivery::sns::SnsSender::new(endpoint.clone(), region, settings.sns_credentials.clone())
                        .map_err(|e| anyhow::anyhow!("COGNATE_SNS_ENDPOINT: {e}"))?,
                )
            }
            None => {
                tracing::warn!("COGNATE_SNS_ENDPOINT is not set: SMS go to the development mailbox (see the console)");
                None
            }
        };
        Delivery::new(store.clone(), clock.clone(), master.clone(), mailer, sns).spawn(users.outbox_signal());
        let domains =
            domain::pool_domain::PoolDomainService::new(store.clone(), clock.clone(), &settings.prefix_domain_suffix);
        let oauth_state = crate::oauth::OAuthState {
            oauth: domain::oauth::OAuthService::new(
                store.clone(),
                clock.clone(),
                services.pools.clone(),
                clients.clone(),
                tokens.clone(),
            ),
            users: users.clone(),
            pools: services.pools.clone(),
            clients: clients.clone(),
            master: master.clone(),
            public_url: settings.public_url.clone(),
            branding: branding.clone(),
            domains: domains.clone(),
        };
        crate::oauth::spawn_purge(store.clone(), clock.clone());
        let cognito = CognitoState {
            audit: audit.clone(),
            branding,
            domains,
            public_url: settings.public_url.as_str().trim_end_matches('/').to_owned(),
            pools: services.pools.clone(),
            clients,
            users,
            groups,
            resource_servers: domain::resource_server::ResourceServerService::new(store.clone()),
            tokens,
            admin_keys,
            clock: clock.clone(),
            region: settings.region.as_str().to_owned(),
            // ARNs need an account; a self-hosted deployment has none, so it is all zeros.
            account_id: "000000000000".into(),
        };
        let router = routes(&settings, console, cognito, oauth_state, store.clone(), clock);
        tracing::info!(address = %local_addr, public_url = %settings.public_url, "Cognate is listening");
        let limits = ConnectionLimits {
            header_read_timeout: settings.header_read_timeout,
            max_connections: settings.max_connections,
        };
        Ok(Application { listener, router, limits, store: sql, local_addr, setup_token })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.local_addr.port()
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests finish and closes
    /// the database.
    ///
    /// Each connection must send its request headers within `header_read_timeout` (which
    /// also ends idle keep-alive connections), so a client trickling bytes cannot hold a
    /// connection (SECURITY.md REL-12); at most `max_connections` are served at once, the
    /// rest wait in the kernel's backlog.
    pub async fn run_until_stopped(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
        use hyper_util::server::conn::auto::Builder;
        use tower::ServiceExt;
        let store = self.store.clone();
        let router = self.router;
        let mut http = Builder::new(TokioExecutor::new());
        http.http1().timer(TokioTimer::new()).header_read_timeout(self.limits.header_read_timeout);
        http.http2().timer(TokioTimer::new()).keep_alive_interval(Some(self.limits.header_read_timeout));
        let slots = Arc::new(tokio::sync::Semaphore::new(self.limits.max_connections));
        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let permit = tokio::select! {
                p = slots.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
                () = &mut shutdown => break,
            };
            let (tcp, peer) = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of file descriptors and the like: wait a moment, keep serving.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            // TCP_NODELAY: streamed pages are written in several chunks, and with Nagle's
            // algorithm against the client's delayed ACK one response in ~50 stalled 40 ms.
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "could not set TCP_NODELAY");
            }
            let router = router.clone();
            let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
                router.clone().oneshot(req.map(axum::body::Body::new))
            });
            let conn = http.serve_connection_with_upgrades(TokioIo::new(tcp), service).into_owned();
            let conn = graceful.watch(conn);
            tokio::spawn(async move {
                if let Err(e) = conn.await {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                drop(permit);
            });
        }
        drop(self.listener);
        // In-flight requests get 30 seconds to finish (REL-11).
        if tokio::time::timeout(std::time::Duration::from_secs(30), graceful.shutdown()).await.is_err() {
            tracing::warn!("some connections did not finish within 30 s of shutdown");
        }
        store.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// What one connection may take.
#[derive(Clone, Copy, Debug)]
struct ConnectionLimits {
    header_read_timeout: std::time::Duration,
    max_connections: usize,
}

fn routes(
    settings: &Settings,
    console: ConsoleState,
    cognito: CognitoState,
    oauth: crate::oauth::OAuthState,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
) -> Router {
    let leptos_options = LeptosOptions::builder()
        .output_name("cognate")
        .site_root(settings.site_dir.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(settings.listen)
        .build();
    let health_store: Arc<dyn HealthStore> = store.clone();
    let state = AppState { leptos_options: leptos_options.clone(), console: console.clone(), health: health_store };

    let sessions: Arc<dyn SessionRecordStore> = store;
    session_store::spawn_cleanup(sessions.clone(), clock.clone());
    let idle = time::Duration::seconds(i64::try_from(settings.session_idle_timeout.as_secs()).unwrap_or(1800));
    let session_layer = SessionManagerLayer::new(DbSessionStore::new(sessions, clock, settings.session_idle_timeout))
        .with_name(if settings.https() { "__Host-cognate_console" } else { "cognate_console" })
        .with_http_only(true)
        .with_secure(settings.https())
        .with_same_site(SameSite::Strict)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
        // Save on every request so the idle timeout counts from the last request, not
        // from the last change to the session's data.
        .with_always_save(true);

    let services = console.services.clone();
    let leptos_routes = generate_route_list(App);
    let site_pkg = settings.site_dir.join("pkg");

    let cognito_api = Router::new()
        .route("/", post(cognito::handle))
        .route("/{pool_id}/.well-known/jwks.json", get(cognito::jwks))
        .with_state(cognito);
    // OAuth endpoints and hosted pages: their own cookies (SSO, CSRF), not the console's.
    let oauth_routes = Router::new()
        .route("/{pool_id}/.well-known/openid-configuration", get(crate::oauth::discovery))
        .route("/oauth2/token", post(crate::oauth::token))
        .route("/oauth2/userInfo", get(crate::oauth::userinfo).post(crate::oauth::userinfo))
        .route("/oauth2/revoke", post(crate::oauth::revoke))
        .route("/oauth2/authorize", get(crate::oauth::hosted::authorize))
        .route("/oauth2/hosted.css", get(crate::oauth::hosted::base_css))
        .route("/oauth2/hosted.js", get(crate::oauth::hosted::script))
        .route("/oauth2/branding/{pool}/{client}/style.css", get(crate::oauth::hosted::branding_css))
        .route("/oauth2/branding/{pool}/{client}/logo", get(crate::oauth::hosted::branding_logo))
        .route("/login", get(crate::oauth::hosted::login_page_get).post(crate::oauth::hosted::login_post))
        .route("/logout", get(crate::oauth::hosted::logout))
        .route("/signup", get(crate::oauth::pages::signup_get).post(crate::oauth::pages::signup_post))
        .route("/confirmUser", get(crate::oauth::pages::confirm_get).post(crate::oauth::pages::confirm_post))
        .route("/resendCode", axum::routing::post(crate::oauth::pages::resend))
        .route("/forgotPassword", get(crate::oauth::pages::forgot_get).post(crate::oauth::pages::forgot_post))
        .route("/confirmForgotPassword", get(crate::oauth::pages::reset_get).post(crate::oauth::pages::reset_post))
        .route("/newPassword", axum::routing::post(crate::oauth::pages::new_password_post))
        .route("/mfa", axum::routing::post(crate::oauth::challenge::mfa_post))
        .with_state(oauth);
    // The console (pages, form posts, server functions) carries sessions, CSRF checks and
    // the page guard; the Cognito API, the JWKS and health checks use no cookies and skip
    // those layers.
    let console_routes = Router::new()
        .route("/admin/login", post(console::auth::login))
        .route("/admin/logout", post(console::auth::logout))
        .route("/admin/setup", post(console::auth::setup))
        .route("/admin/pools/{id}/branding/preview", get(console::preview::saved).post(console::preview::draft))
        .leptos_routes_with_context(&state, leptos_routes, move || provide_context(services.clone()), {
            let o = leptos_options.clone();
            move || shell(o.clone())
        })
        .nest_service("/pkg", ServeDir::new(site_pkg))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(console.clone(), console::guard::pages))
        .layer(session_layer)
        .layer(axum::middleware::from_fn_with_state(
            csrf::TrustedOrigin::from_public_url(&settings.public_url),
            csrf::require_same_origin,
        ))
        .with_state(state.clone());
    let mut router = Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .with_state(state)
        .merge(cognito_api)
        .merge(oauth_routes)
        .merge(console_routes);
    for layer in security_headers::layers(settings.https()) {
        router = router.layer(layer);
    }
    router
        .layer(axum::Extension(crate::http::client_ip::TrustedProxies(Arc::new(settings.trusted_proxies.clone()))))
        // A request that takes longer than this is answered 408 and its work dropped.
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            settings.request_timeout,
        ))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned();
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// `cognate rotate-signing-key`: opens the configured database and rotates one pool's key.
pub async fn rotate_signing_key(settings: &Settings, pool_id: &str) -> anyhow::Result<String> {
    let master = crate::master_key::load_or_create(settings.master_key.as_ref(), &settings.data_dir)?;
    let sql = SqlStore::open(settings.database_url.secret()).await.context("opening the database")?;
    let store: Arc<dyn Store> = Arc::new(sql.clone());
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let pools = PoolService::new(store.clone(), clock.clone(), settings.region.clone());
    let pool = pools.find(pool_id).await?.ok_or_else(|| anyhow::anyhow!("user pool {pool_id} does not exist"))?;
    let tokens = TokenService::new(store, clock, master, settings.public_url.as_str());
    let kid = tokens.rotate(&pool.id).await?;
    sql.close().await;
    Ok(kid)
}
