use crate::helpers::*;

#[tokio::test]
async fn health_and_ready_answer() {
    let app = spawn_app().await;
    let r = app.get("/health").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers().contains_key("x-request-id"), "every response carries a request id");
    let r = app.get("/ready").await;
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["database"], "ok");
}

#[tokio::test]
async fn pages_carry_a_nonce_based_csp_and_security_headers() {
    let app = spawn_app().await;
    let r = app.get("/admin/login").await;
    let h = r.headers().clone();
    let csp = h.get("content-security-policy").unwrap().to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'nonce-"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(h.get("x-frame-options").unwrap(), "DENY");
    assert!(h.get("referrer-policy").is_some());
    let html = r.text().await.unwrap();
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the nonce");
}

#[tokio::test]
async fn unknown_pages_are_404() {
    let app = spawn_app().await;
    app.sign_in_as_operator().await;
    let r = app.get("/no/such/page").await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn a_master_key_file_is_generated_in_the_data_dir() {
    let app = spawn_app().await;
    let key = std::fs::read_to_string(app.data_dir.join("master.key")).unwrap();
    assert!(domain::crypto::MasterKey::parse(&key).is_ok());
}

#[tokio::test]
async fn the_server_stops_when_asked_and_releases_its_port() {
    let dir = tempfile::tempdir().unwrap();
    let settings = cognate_server::Settings::for_tests(dir.path().to_path_buf(), None);
    let app = cognate_server::Application::build(settings).await.unwrap();
    let addr = app.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    let r = reqwest::get(format!("http://{addr}/health")).await.unwrap();
    assert_eq!(r.status(), 200);
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "port released");
}
