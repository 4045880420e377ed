use crate::helpers::*;

#[tokio::test]
async fn console_pages_send_signed_out_visitors_to_sign_in() {
    let app = spawn_app().await;
    let r = app.get("/admin").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/admin/login");
    let r = app.get("/").await;
    // The site root is the console's: it points at /admin (Leptos's <Redirect> answers
    // the server-rendered page with a Location header; the client navigates).
    assert_eq!((r.status().as_u16(), location(&r)), (200, "/admin".to_owned()));
}

#[tokio::test]
async fn the_sign_in_page_is_a_plain_form_with_labels() {
    let app = spawn_app().await;
    let html = app.login_page().await;
    assert!(html.contains(r#"<form method="post" action="/admin/login""#), "{html}");
    assert!(html.contains(r#"<label for="email">"#));
    assert!(html.contains(r#"<label for="password">"#));
}

#[tokio::test]
async fn signing_in_changes_the_session_id_and_opens_the_dashboard() {
    let app = spawn_app().await;
    // A wrong attempt first leaves a pre-sign-in session (its flash message).
    let r = app.sign_in(OPERATOR_EMAIL, "wrong password!").await;
    let before = cookie_value(&r, "cognate_console").expect("a session before sign-in");
    let r = app.sign_in(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/admin");
    let after = cookie_value(&r, "cognate_console").expect("a new session id at sign-in");
    assert_ne!(before, after);
    let cookie =
        r.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>().join("\n");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    let r = app.get("/admin").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains(OPERATOR_EMAIL), "the dashboard names the operator");
    // Signed in, the sign-in page sends the operator to the dashboard.
    assert_eq!(location(&app.get("/admin/login").await), "/admin");
}

#[tokio::test]
async fn a_wrong_password_shows_an_error_and_keeps_the_email() {
    let app = spawn_app().await;
    let r = app.sign_in(OPERATOR_EMAIL, "not the password").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/admin/login");
    let html = app.login_page().await;
    assert!(html.contains("Incorrect email or password."), "{html}");
    assert!(html.contains(&format!(r#"value="{OPERATOR_EMAIL}""#)), "email refilled");
    // The message is shown once.
    assert!(!app.login_page().await.contains("Incorrect email or password."));
}

#[tokio::test]
async fn unknown_emails_get_the_same_answer_as_wrong_passwords() {
    let app = spawn_app().await;
    app.sign_in("nobody@example.com", "whatever password").await;
    assert!(app.login_page().await.contains("Incorrect email or password."));
}

#[tokio::test]
async fn repeated_wrong_passwords_are_throttled_even_for_the_right_password() {
    let app = spawn_app().await;
    for _ in 0..5 {
        app.sign_in(OPERATOR_EMAIL, "wrong wrong wrong").await;
    }
    let r = app.sign_in(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    assert_eq!(location(&r), "/admin/login", "locked out");
    let html = app.login_page().await;
    assert!(html.contains("Too many failed attempts"), "{html}");
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    app.sign_in_as_operator().await;
    let (status, _) = app.server_fn("list_pools", &[]).await;
    assert_eq!(status, 200);
    let r = app.post_form("/admin/logout", &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/admin/login");
    assert!(app.login_page().await.contains("You have signed out."));
    let (status, body) = app.server_fn("list_pools", &[]).await;
    assert_eq!(status, 401);
    assert!(body.contains("Unauthenticated"), "{body}");
    assert_eq!(location(&app.get("/admin").await), "/admin/login");
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = spawn_app().await;
    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = [("email", OPERATOR_EMAIL), ("password", OPERATOR_PASSWORD)];
    let r = plain.post(app.url("/admin/login")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 403, "no Origin, no Referer, no Fetch Metadata");
    let r =
        plain.post(app.url("/admin/login")).header("origin", "https://evil.example").form(&form).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r =
        plain.post(app.url("/admin/login")).header("sec-fetch-site", "cross-site").form(&form).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = plain
        .post(app.url("/api/create_pool"))
        .header("origin", "https://evil.example")
        .form(&[("name", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r =
        plain.post(app.url("/admin/login")).header("sec-fetch-site", "same-origin").form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn first_visit_without_a_bootstrap_operator_offers_token_guarded_setup() {
    let app = spawn_with(Options { bootstrap: false, ..Options::default() }).await;
    let token = app.setup_token.clone().expect("a setup token is printed");
    assert_eq!(location(&app.get("/admin").await), "/admin/setup");
    assert_eq!(location(&app.get("/admin/login").await), "/admin/setup");
    let page = app.get("/admin/setup").await;
    assert_eq!(page.status(), 200);
    let r = app.post_form("/admin/setup", &setup_form("wrong-token")).await;
    assert_eq!(location(&r), "/admin/setup");
    assert!(app.get("/admin/setup").await.text().await.unwrap().contains("setup token is not valid"));
    let r = app.post_form("/admin/setup", &setup_form(&token)).await;
    assert_eq!(location(&r), "/admin");
    assert_eq!(app.get("/admin").await.status(), 200);
    // Setup is closed for good.
    assert_eq!(location(&app.get("/admin/setup").await), "/admin/login");
    let other = browser_client(&app.address);
    let r = other.post(app.url("/admin/setup")).form(&setup_form(&token)).send().await.unwrap();
    assert_eq!(location(&r), "/admin/setup");
}

#[tokio::test]
async fn setup_refuses_a_short_password_and_a_mismatched_confirmation() {
    let app = spawn_with(Options { bootstrap: false, ..Options::default() }).await;
    let token = app.setup_token.clone().unwrap();
    app.post_form(
        "/admin/setup",
        &[("token", &token), ("email", "a@example.com"), ("password", "short"), ("confirm", "short")],
    )
    .await;
    let html = app.get("/admin/setup").await.text().await.unwrap();
    assert!(html.contains("between 12 and 256 characters"), "{html}");
    app.post_form(
        "/admin/setup",
        &[
            ("token", &token),
            ("email", "a@example.com"),
            ("password", "a long enough password"),
            ("confirm", "something else entirely"),
        ],
    )
    .await;
    let html = app.get("/admin/setup").await.text().await.unwrap();
    assert!(html.contains("The passwords do not match."), "{html}");
}

fn setup_form(token: &str) -> [(&str, &str); 4] {
    [
        ("token", token),
        ("email", "first@example.com"),
        ("password", "a long enough password"),
        ("confirm", "a long enough password"),
    ]
}

#[tokio::test]
async fn an_idle_session_times_out() {
    let app = spawn_app().await;
    app.sign_in_as_operator().await;
    app.clock.advance(std::time::Duration::from_secs(29 * 60));
    assert_eq!(app.get("/admin").await.status(), 200, "still active");
    app.clock.advance(std::time::Duration::from_secs(31 * 60));
    assert_eq!(location(&app.get("/admin").await), "/admin/login", "idle for 31 minutes");
}

#[tokio::test]
async fn an_active_session_still_ends_at_its_absolute_timeout() {
    let app = spawn_app().await;
    app.sign_in_as_operator().await;
    // A request every 20 minutes keeps the session from idling out...
    for _ in 0..35 {
        app.clock.advance(std::time::Duration::from_secs(20 * 60));
        let (status, _) = app.server_fn("list_pools", &[]).await;
        assert_eq!(status, 200);
    }
    // ...but not past 12 hours after sign-in.
    app.clock.advance(std::time::Duration::from_secs(20 * 60));
    let (status, body) = app.server_fn("list_pools", &[]).await;
    assert_eq!(status, 401);
    assert!(body.contains("Unauthenticated"), "{body}");
}

#[tokio::test]
async fn the_lockout_passes_with_time() {
    let app = spawn_app().await;
    for _ in 0..5 {
        app.sign_in(OPERATOR_EMAIL, "wrong wrong wrong").await;
    }
    // Locked: the right password is refused...
    let r = app.sign_in(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    assert_eq!(location(&r), "/admin/login", "locked out");
    assert!(app.login_page().await.contains("Too many failed attempts"));
    // ...until the lock (one second after five failures) has passed.
    app.clock.advance(std::time::Duration::from_secs(2));
    app.sign_in_as_operator().await;
}

#[tokio::test]
async fn a13_the_setup_token_expires_after_an_hour() {
    let app = spawn_with(Options { bootstrap: false, ..Options::default() }).await;
    let token = app.setup_token.clone().expect("a setup token is printed");
    app.clock.advance(std::time::Duration::from_secs(3600));
    let r = app.post_form("/admin/setup", &setup_form(&token)).await;
    assert_eq!(location(&r), "/admin/setup");
    assert!(app.get("/admin/setup").await.text().await.unwrap().contains("setup token is not valid"));
    // A restart prints a new one, which works.
    let again = spawn_with(Options { bootstrap: false, ..app.reuse() }).await;
    let fresh = again.setup_token.clone().expect("a new token after restart");
    assert_ne!(fresh, token);
    let r = again.post_form("/admin/setup", &setup_form(&fresh)).await;
    assert_eq!(location(&r), "/admin");
}

#[tokio::test]
async fn a_disabled_bootstrap_key_stays_disabled_after_a_restart() {
    use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
    let app = spawn_app().await;
    app.sign_in_as_operator().await;
    let (status, body) = app.server_fn("admin_key_action", &[("id", ACCESS_KEY_ID), ("action", "disable")]).await;
    assert_eq!(status, 200, "{body}");
    let again = spawn_with(app.reuse()).await;
    let err = again.cognito().list_user_pools().max_results(1).send().await.unwrap_err();
    assert_eq!(err.code(), Some("UnrecognizedClientException"), "{err:?}");
}
