//! Attack resistance, black-box (SECURITY.md sections A, J, T, U, L and REL-12): what an
//! attacker tries from outside, with the AWS SDK and plain HTTP, and what must hold.
//! Concurrency tests send real concurrent requests.

use crate::cognito_users::{client_for, PASSWORD};
use crate::helpers::*;
use crate::oauth::{hidden_inputs, oauth_pool, CALLBACK};
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFlowType, SchemaAttributeType, UsernameAttributeType, VerifiedAttributeType,
};
use aws_sdk_cognitoidentityprovider::Client;
use serde_json::{json, Value};
use std::time::Duration;

/// A pool whose users sign in with their e-mail address, a client for every password
/// path, and a confirmed user with a verified address.
async fn email_pool(app: &TestApp, prevent: bool) -> (String, String) {
    let c = app.cognito();
    let pool = c
        .create_user_pool()
        .pool_name("Emails")
        .username_attributes(UsernameAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client = client_for(&c, &pool, prevent).await;
    (pool, client)
}

async fn create_user(c: &Client, pool: &str, name: &str, email: &str, password: &str) {
    c.admin_create_user()
        .user_pool_id(pool)
        .username(name)
        .user_attributes(AttributeType::builder().name("email").value(email).build().unwrap())
        .user_attributes(AttributeType::builder().name("email_verified").value("true").build().unwrap())
        .message_action("SUPPRESS".into())
        .send()
        .await
        .unwrap();
    c.admin_set_user_password()
        .user_pool_id(pool)
        .username(name)
        .password(password)
        .permanent(true)
        .send()
        .await
        .unwrap();
}

fn password_auth(client: &str, username: &str, password: &str) -> String {
    json!({
        "AuthFlow": "USER_PASSWORD_AUTH",
        "ClientId": client,
        "AuthParameters": {"USERNAME": username, "PASSWORD": password},
    })
    .to_string()
}

/// A raw unsigned call with extra headers.
async fn raw_with(app: &TestApp, action: &str, body: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    let mut r = reqwest::Client::new()
        .post(app.url("/"))
        .header("x-amz-target", format!("AWSCognitoIdentityProviderService.{action}"))
        .header("content-type", "application/x-amz-json-1.1");
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    let r = r.body(body.to_owned()).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Runs `n` copies of one request at once; their answers.
async fn concurrently(app: &TestApp, n: usize, action: &str, body: String) -> Vec<(u16, Value)> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        let (url, body, target) = (app.url("/"), body.clone(), format!("AWSCognitoIdentityProviderService.{action}"));
        set.spawn(async move {
            let r = reqwest::Client::new()
                .post(url)
                .header("x-amz-target", target)
                .header("content-type", "application/x-amz-json-1.1")
                .body(body)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap_or(Value::Null))
        });
    }
    set.join_all().await
}

fn message_is(answer: &(u16, Value), kind: &str, message: &str) -> bool {
    answer.0 == 400 && answer.1["__type"] == kind && answer.1["message"] == message
}

/// Posts the hosted sign-in form for `client` (reached through `/oauth2/authorize`).
async fn hosted_login(app: &TestApp, client: &str, username: &str, password: &str) -> (u16, String) {
    let browser = browser_client(&app.address);
    let q = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("response_type", "code"),
            ("client_id", client),
            ("redirect_uri", CALLBACK),
            ("scope", "openid"),
            ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
            ("code_challenge_method", "S256"),
        ])
        .finish();
    let r = browser.get(app.url(&format!("/oauth2/authorize?{q}"))).send().await.unwrap();
    let login = location(&r);
    let html = browser.get(app.url(&login)).send().await.unwrap().text().await.unwrap();
    let mut form = hidden_inputs(&html);
    form.push(("username".into(), username.into()));
    form.push(("password".into(), password.into()));
    let r = browser.post(app.url("/login")).form(&form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn a06_the_lockout_is_keyed_on_the_account_and_holds_on_every_password_path() {
    let app = spawn_app().await;
    let c = app.cognito();
    let web = oauth_pool(&c).await;
    let api = client_for(&c, &web.pool, true).await;
    // Five failures of one account spread over the API, the admin API and the hosted form.
    let wrong = "Wrong-Horse-1";
    for name in ["ann", "ann"] {
        let a = raw_with(&app, "InitiateAuth", &password_auth(&api, name, wrong), &[]).await;
        assert!(message_is(&a, "NotAuthorizedException", "Incorrect username or password."), "{a:?}");
    }
    for name in ["ann", "ann"] {
        let err = c
            .admin_initiate_auth()
            .user_pool_id(&web.pool)
            .client_id(&api)
            .auth_flow(AuthFlowType::AdminUserPasswordAuth)
            .auth_parameters("USERNAME", name)
            .auth_parameters("PASSWORD", wrong)
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.message(), Some("Incorrect username or password."), "{err:?}");
    }
    let (status, page) = hosted_login(&app, &web.client_id, "ann", wrong).await;
    assert_eq!(status, 400);
    assert!(page.contains("Incorrect username or password."), "{page}");
    // Locked now: the right password is refused on every path, whatever the spelling.
    let a = raw_with(&app, "InitiateAuth", &password_auth(&api, "ann", oauth_password()), &[]).await;
    assert!(message_is(&a, "NotAuthorizedException", "Password attempts exceeded"), "{a:?}");
    let err = c
        .admin_initiate_auth()
        .user_pool_id(&web.pool)
        .client_id(&api)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "ann")
        .auth_parameters("PASSWORD", oauth_password())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.message(), Some("Password attempts exceeded"));
    let (status, page) = hosted_login(&app, &web.client_id, "ann", oauth_password()).await;
    assert_eq!(status, 400);
    assert!(page.contains("Password attempts exceeded"), "{page}");
    // A name with spaces around it is not another account: it is refused as a name.
    let a = raw_with(&app, "InitiateAuth", &password_auth(&api, " ann", oauth_password()), &[]).await;
    assert_eq!(a.1["__type"], "InvalidParameterException", "{a:?}");
    // After the lock (1 s for the fifth failure) the right password works again.
    app.clock.advance(Duration::from_secs(2));
    let a = raw_with(&app, "InitiateAuth", &password_auth(&api, "ann", oauth_password()), &[]).await;
    assert_eq!(a.0, 200, "{a:?}");
}

fn oauth_password() -> &'static str {
    crate::oauth::PASSWORD
}

#[tokio::test]
async fn a06_e_mail_spellings_of_one_account_share_its_lockout() {
    let app = spawn_app().await;
    let c = app.cognito();
    let (pool, client) = email_pool(&app, true).await;
    create_user(&c, &pool, "victim@x.com", "victim@x.com", PASSWORD).await;
    for name in ["Victim@x.com", "VICTIM@X.COM", "victim@X.com", "Victim@X.Com", "victim@x.com"] {
        let a = raw_with(&app, "InitiateAuth", &password_auth(&client, name, "Wrong-pass-1"), &[]).await;
        assert!(message_is(&a, "NotAuthorizedException", "Incorrect username or password."), "{name}: {a:?}");
    }
    let a = raw_with(&app, "InitiateAuth", &password_auth(&client, "victim@x.com", PASSWORD), &[]).await;
    assert!(message_is(&a, "NotAuthorizedException", "Password attempts exceeded"), "{a:?}");
    // Unknown names lock the same way, under their normalised form.
    for name in ["Ghost@x.com", "GHOST@x.com", "ghost@X.COM", "ghost@x.com", "gHost@x.com"] {
        let a = raw_with(&app, "InitiateAuth", &password_auth(&client, name, "Wrong-pass-1"), &[]).await;
        assert!(message_is(&a, "NotAuthorizedException", "Incorrect username or password."), "{name}: {a:?}");
    }
    let a = raw_with(&app, "InitiateAuth", &password_auth(&client, "ghost@x.com", "Wrong-pass-1"), &[]).await;
    assert!(message_is(&a, "NotAuthorizedException", "Password attempts exceeded"), "{a:?}");
}

#[tokio::test]
async fn a07_two_hundred_parallel_guesses_evaluate_at_most_five() {
    let app = spawn_app().await;
    let c = app.cognito();
    let (pool, client) = email_pool(&app, true).await;
    create_user(&c, &pool, "u@x.com", "u@x.com", PASSWORD).await;
    let answers = concurrently(&app, 200, "InitiateAuth", password_auth(&client, "u@x.com", "Wrong-pass-1")).await;
    let evaluated =
        answers.iter().filter(|a| message_is(a, "NotAuthorizedException", "Incorrect username or password.")).count();
    let locked =
        answers.iter().filter(|a| message_is(a, "NotAuthorizedException", "Password attempts exceeded")).count();
    println!("A-07: {evaluated} of 200 concurrent wrong guesses were evaluated, {locked} refused as locked");
    assert_eq!(evaluated + locked, 200, "every answer is one of the two: {answers:?}");
    assert!(evaluated <= 5, "{evaluated} guesses were evaluated");
    assert!(evaluated >= 1);
    // The right password is refused while the lock lasts (the test clock stands still).
    let a = raw_with(&app, "InitiateAuth", &password_auth(&client, "u@x.com", PASSWORD), &[]).await;
    assert!(message_is(&a, "NotAuthorizedException", "Password attempts exceeded"), "{a:?}");
    app.clock.advance(Duration::from_secs(16 * 60));
    let a = raw_with(&app, "InitiateAuth", &password_auth(&client, "u@x.com", PASSWORD), &[]).await;
    assert_eq!(a.0, 200, "{a:?}");
}

#[tokio::test]
async fn a12_a_wrong_previous_password_counts_toward_the_lockout() {
    let app = spawn_app().await;
    let c = app.cognito();
    let (pool, client) = email_pool(&app, true).await;
    create_user(&c, &pool, "u@x.com", "u@x.com", PASSWORD).await;
    let (_, signed) = raw_with(&app, "InitiateAuth", &password_auth(&client, "u@x.com", PASSWORD), &[]).await;
    let token = signed["AuthenticationResult"]["AccessToken"].as_str().unwrap().to_owned();
    let change = |previous: &str| {
        json!({"AccessToken": token, "PreviousPassword": previous, "ProposedPassword": "Brand-new-pass-7"}).to_string()
    };
    for _ in 0..5 {
        let a = raw_with(&app, "ChangePassword", &change("Wrong-pass-1"), &[]).await;
        assert!(message_is(&a, "NotAuthorizedException", "Incorrect username or password."), "{a:?}");
    }
    let a = raw_with(&app, "ChangePassword", &change(PASSWORD), &[]).await;
    assert!(message_is(&a, "NotAuthorizedException", "Password attempts exceeded"), "{a:?}");
    let a = raw_with(&app, "InitiateAuth", &password_auth(&client, "u@x.com", PASSWORD), &[]).await;
    assert!(message_is(&a, "NotAuthorizedException", "Password attempts exceeded"), "{a:?}");
}

async fn forgot(app: &TestApp, client: &str, name: &str) -> (u16, Value) {
    raw_with(app, "ForgotPassword", &json!({"ClientId": client, "Username": name}).to_string(), &[]).await
}

async fn confirm_forgot(app: &TestApp, client: &str, name: &str, code: &str, password: &str) -> (u16, Value) {
    let body = json!({"ClientId": client, "Username": name, "ConfirmationCode": code, "Password": password});
    raw_with(app, "ConfirmForgotPassword", &body.to_string(), &[]).await
}

/// A six-digit code that is not `code`.
fn other_than(code: &str) -> String {
    let n: u32 = code.parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

#[tokio::test]
async fn a15_a_new_code_does_not_reset_the_count_of_wrong_guesses() {
    let app = spawn_app().await;
    let c = app.cognito();
    let (pool, client) = email_pool(&app, false).await;
    create_user(&c, &pool, "u@x.com", "u@x.com", PASSWORD).await;
    assert_eq!(forgot(&app, &client, "u@x.com").await.0, 200);
    let first = app.smtp.next_to("u@x.com").await.code();
    for _ in 0..3 {
        let a = confirm_forgot(&app, &client, "u@x.com", &other_than(&first), "New-pass-word-1").await;
        assert_eq!(a.1["__type"], "CodeMismatchException", "{a:?}");
    }
    assert_eq!(forgot(&app, &client, "u@x.com").await.0, 200);
    let second = app.smtp.next_to("u@x.com").await.code();
    let a = confirm_forgot(&app, &client, "u@x.com", &other_than(&second), "New-pass-word-1").await;
    assert_eq!(a.1["__type"], "CodeMismatchException", "{a:?}");
    // The fifth guess of the window, right or wrong, is the last one evaluated.
    let a = confirm_forgot(&app, &client, "u@x.com", &other_than(&second), "New-pass-word-1").await;
    assert_eq!(a.1["__type"], "CodeMismatchException", "{a:?}");
    let a = confirm_forgot(&app, &client, "u@x.com", &second, "New-pass-word-1").await;
    assert!(message_is(&a, "LimitExceededException", "Attempt limit exceeded, please try after some time."), "{a:?}");
    // Requesting yet another code does not buy guesses either.
    assert_eq!(forgot(&app, &client, "u@x.com").await.0, 200);
    let third = app.smtp.next_to("u@x.com").await.code();
    let a = confirm_forgot(&app, &client, "u@x.com", &third, "New-pass-word-1").await;
    assert_eq!(a.1["__type"], "LimitExceededException", "{a:?}");
    // After the window a fresh code works.
    app.clock.advance(Duration::from_secs(61 * 60));
    assert_eq!(forgot(&app, &client, "u@x.com").await.0, 200);
    let fourth = app.smtp.next_to("u@x.com").await.code();
    let a = confirm_forgot(&app, &client, "u@x.com", &fourth, "New-pass-word-1").await;
    assert_eq!(a.0, 200, "{a:?}");
}

#[tokio::test]
async fn a15_codes_sent_per_user_and_hour_are_limited() {
    let app = spawn_app().await;
    let c = app.cognito();
    let (pool, client) = email_pool(&app, false).await;
    create_user(&c, &pool, "u@x.com", "u@x.com", PASSWORD).await;
    for _ in 0..5 {
        assert_eq!(forgot(&app, &client, "u@x.com").await.0, 200);
        app.smtp.next_to("u@x.com").await;
    }
    let a = forgot(&app, &client, "u@x.com").await;
    assert!(message_is(&a, "LimitExceededException", "Attempt limit exceeded, please try after some time."), "{a:?}");
    app.clock.advance(Duration::from_secs(61 * 60));
    assert_eq!(forgot(&app, &client, "u@x.com").await.0, 200);
}

#[tokio::test]
async fn rel10_twenty_concurrent_confirmations_with_one_code_succeed_once() {
    let app = spawn_app().await;
    let c = app.cognito();
    let (pool, client) = email_pool(&app, true).await;
    // Sign-up codes.
    let r = raw_with(
        &app,
        "SignUp",
        &json!({"ClientId": client, "Username": "new@x.com", "Password": PASSWORD}).to_string(),
        &[],
    )
    .await;
    assert_eq!(r.0, 200, "{r:?}");
    let code = app.smtp.next_to("new@x.com").await.code();
    let body = json!({"ClientId": client, "Username": "new@x.com", "ConfirmationCode": code}).to_string();
    let answers = concurrently(&app, 20, "ConfirmSignUp", body).await;
    let ok = answers.iter().filter(|a| a.0 == 200).count();
    assert_eq!(ok, 1, "{answers:?}");
    assert!(answers.iter().all(|a| a.0 == 200 || a.0 == 400), "{answers:?}");
    // Reset codes: one new password wins, the others are refused.
    create_user(&c, &pool, "u@x.com", "u@x.com", PASSWORD).await;
    assert_eq!(forgot(&app, &client, "u@x.com").await.0, 200);
    let code = app.smtp.next_to("u@x.com").await.code();
    let body =
        json!({"ClientId": client, "Username": "u@x.com", "ConfirmationCode": code, "Password": "New-pass-word-1"});
    let answers = concurrently(&app, 20, "ConfirmForgotPassword", body.to_string()).await;
    assert_eq!(answers.iter().filter(|a| a.0 == 200).count(), 1, "{answers:?}");
    let a = raw_with(&app, "InitiateAuth", &password_auth(&client, "u@x.com", "New-pass-word-1"), &[]).await;
    assert_eq!(a.0, 200, "{a:?}");
}

#[tokio::test]
async fn a03_forgot_password_answers_one_shape_for_every_name() {
    let app = spawn_app().await;
    let c = app.cognito();
    let (pool, client) = email_pool(&app, true).await;
    create_user(&c, &pool, "real@x.com", "real@x.com", PASSWORD).await;
    create_user(&c, &pool, "off@x.com", "off@x.com", PASSWORD).await;
    c.admin_disable_user().user_pool_id(&pool).username("off@x.com").send().await.unwrap();
    create_user(&c, &pool, "unverified@x.com", "unverified@x.com", PASSWORD).await;
    c.admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("unverified@x.com")
        .user_attributes(AttributeType::builder().name("email_verified").value("false").build().unwrap())
        .send()
        .await
        .unwrap();
    let shape = |v: &Value| -> (usize, Vec<String>, Value, Value, bool) {
        let d = &v["CodeDeliveryDetails"];
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        let dkeys: Vec<String> = d.as_object().unwrap().keys().cloned().collect();
        let masked =
            regex::Regex::new(r"^[a-z]\*\*\*@[a-z]\*\*\*$").unwrap().is_match(d["Destination"].as_str().unwrap());
        (keys.len(), dkeys, d["DeliveryMedium"].clone(), d["AttributeName"].clone(), masked)
    };
    let real = forgot(&app, &client, "real@x.com").await;
    assert_eq!(real.0, 200, "{real:?}");
    let expected = shape(&real.1);
    assert!(expected.4, "{real:?}");
    for name in ["nobody@x.com", "off@x.com", "unverified@x.com", "plainname"] {
        let a = forgot(&app, &client, name).await;
        assert_eq!(a.0, 200, "{name}: {a:?}");
        assert_eq!(shape(&a.1), expected, "{name}: {a:?}");
    }
    // Stable per name, so asking twice reveals nothing either.
    assert_eq!(forgot(&app, &client, "nobody@x.com").await.1, forgot(&app, &client, "nobody@x.com").await.1);
    // Only the real account got mail.
    assert_eq!(app.smtp.next().await.to, vec!["real@x.com".to_owned()]);
    assert!(tokio::time::timeout(Duration::from_millis(500), app.smtp.next()).await.is_err(), "no other mail");
}

#[tokio::test]
async fn a08_one_source_spraying_many_accounts_is_throttled_and_others_are_not() {
    let app = spawn_with(Options {
        configure: Some(Box::new(|s| {
            s.limits = domain::limits::LimitSettings::default();
            s.trusted_proxies = vec![cognate_server::http::client_ip::Cidr::parse("127.0.0.1").unwrap()];
        })),
        ..Options::default()
    })
    .await;
    let (_pool, client) = email_pool(&app, true).await;
    let attacker = [("x-forwarded-for", "203.0.113.5")];
    let mut throttled_at = None;
    for i in 0..1000 {
        let body = password_auth(&client, &format!("user{i}@x.com"), "Wrong-pass-1");
        let a = raw_with(&app, "InitiateAuth", &body, &attacker).await;
        if a.1["__type"] == "TooManyRequestsException" {
            throttled_at = Some(i);
            break;
        }
        assert!(message_is(&a, "NotAuthorizedException", "Incorrect username or password."), "{a:?}");
    }
    assert_eq!(throttled_at, Some(30), "the documented threshold is 30 failures a minute per source");
    let a = raw_with(&app, "InitiateAuth", &password_auth(&client, "more@x.com", "Wrong-pass-1"), &attacker).await;
    assert_eq!(a.1["__type"], "TooManyRequestsException");
    // Another source is served as usual.
    let other = [("x-forwarded-for", "198.51.100.9")];
    let a = raw_with(&app, "InitiateAuth", &password_auth(&client, "more@x.com", "Wrong-pass-1"), &other).await;
    assert!(message_is(&a, "NotAuthorizedException", "Incorrect username or password."), "{a:?}");
    // Code requests: ten a minute per source.
    let mut refused_at = None;
    for i in 0..20 {
        let (status, body) = raw_with(
            &app,
            "ForgotPassword",
            &json!({"ClientId": client, "Username": format!("n{i}@x.com")}).to_string(),
            &attacker,
        )
        .await;
        if body["__type"] == "TooManyRequestsException" {
            refused_at = Some(i);
            break;
        }
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(refused_at, Some(10));
    // The bucket refills at the documented rate.
    app.clock.advance(Duration::from_secs(60));
    let a = raw_with(&app, "InitiateAuth", &password_auth(&client, "later@x.com", "Wrong-pass-1"), &attacker).await;
    assert!(message_is(&a, "NotAuthorizedException", "Incorrect username or password."), "{a:?}");
}

#[tokio::test]
async fn a09_forwarded_headers_from_an_untrusted_peer_change_nothing() {
    let app = spawn_with(Options {
        configure: Some(Box::new(|s| s.limits = domain::limits::LimitSettings::default())),
        ..Options::default()
    })
    .await;
    let (_pool, client) = email_pool(&app, true).await;
    let junk = "j".repeat(10_000);
    for i in 0..30 {
        let spoof = format!("203.0.113.{i}");
        let xff = if i % 3 == 0 {
            junk.as_str()
        } else if i % 3 == 1 {
            "a"
        } else {
            spoof.as_str()
        };
        let body = password_auth(&client, &format!("user{i}@x.com"), "Wrong-pass-1");
        let a = raw_with(
            &app,
            "InitiateAuth",
            &body,
            &[("x-forwarded-for", xff), ("x-real-ip", xff), ("forwarded", "for=1.2.3.4")],
        )
        .await;
        assert!(message_is(&a, "NotAuthorizedException", "Incorrect username or password."), "{a:?}");
    }
    let a = raw_with(
        &app,
        "InitiateAuth",
        &password_auth(&client, "x@x.com", "Wrong-pass-1"),
        &[("x-forwarded-for", "192.0.2.200")],
    )
    .await;
    assert_eq!(a.1["__type"], "TooManyRequestsException", "a new forwarded address is not a new source: {a:?}");
}

/// A token shaped like ours, signed by nobody we know, naming `pool` as its issuer.
fn forged_token(app: &TestApp, pool: &str) -> String {
    use base64::Engine;
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let header = json!({"alg": "RS256", "kid": "made-up"});
    let now = chrono_now();
    let claims = json!({
        "iss": format!("{}/{pool}", app.address), "sub": "x", "token_use": "access",
        "scope": "aws.cognito.signin.user.admin", "exp": now + 3600, "iat": now, "client_id": "c",
    });
    format!("{}.{}.{}", b64(&header), b64(&claims), base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([7u8; 256]))
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

#[tokio::test]
async fn t03_a_forged_token_naming_an_unknown_pool_is_refused_and_creates_nothing() {
    use domain::ports::TokenStore;
    let app = spawn_app().await;
    let ghost = "us-east-1_GhostPool1";
    let token = forged_token(&app, ghost);
    let a = raw_with(&app, "GetUser", &json!({"AccessToken": token}).to_string(), &[]).await;
    assert_eq!(a.0, 400, "{a:?}");
    assert_eq!(a.1["__type"], "NotAuthorizedException", "{a:?}");
    let r = reqwest::Client::new().get(app.url("/oauth2/userInfo")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers()["www-authenticate"].to_str().unwrap().contains("invalid_token"));
    let store = app.store().await;
    let pool = domain::pool::UserPoolId::parse(ghost).unwrap();
    assert!(store.signing_keys(&pool).await.unwrap().is_empty(), "no key was made for a pool that does not exist");
    // A known pool with an unknown key id: the same answer.
    let real = app.cognito().create_user_pool().pool_name("Real").send().await.unwrap().user_pool.unwrap().id.unwrap();
    let a = raw_with(&app, "GetUser", &json!({"AccessToken": forged_token(&app, &real)}).to_string(), &[]).await;
    assert_eq!(a.1["__type"], "NotAuthorizedException", "{a:?}");
}

#[tokio::test]
async fn j08_user_names_beyond_the_model_rules_are_refused_on_every_path() {
    let app = spawn_app().await;
    let c = app.cognito();
    let web = oauth_pool(&c).await;
    let api = client_for(&c, &web.pool, true).await;
    let long = "a".repeat(129);
    let huge = "b".repeat(1 << 20);
    for name in [long.as_str(), huge.as_str(), "two words", "tab\there", ""] {
        let a = raw_with(&app, "InitiateAuth", &password_auth(&api, name, "Wrong-pass-1"), &[]).await;
        assert_eq!(a.0, 400, "{a:?}");
        assert_eq!(a.1["__type"], "InvalidParameterException", "{name:.20}: {a:?}");
    }
    let ok_len = "c".repeat(128);
    let a = raw_with(&app, "InitiateAuth", &password_auth(&api, &ok_len, "Wrong-pass-1"), &[]).await;
    assert!(message_is(&a, "NotAuthorizedException", "Incorrect username or password."), "{a:?}");
    let (status, page) = hosted_login(&app, &web.client_id, &huge, "Wrong-pass-1").await;
    assert_eq!(status, 400);
    assert!(page.contains("valid username"), "{page:.300}");
    let a = forgot(&app, &api, &long).await;
    assert_eq!(a.1["__type"], "InvalidParameterException", "{a:?}");
}

#[tokio::test]
async fn j06_self_service_attribute_paths_follow_the_client_and_schema_rules() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = c
        .create_user_pool()
        .pool_name("Attrs")
        .schema(
            SchemaAttributeType::builder()
                .name("secret")
                .attribute_data_type("String".into())
                .developer_only_attribute(true)
                .mutable(true)
                .build(),
        )
        .schema(
            SchemaAttributeType::builder().name("badge").attribute_data_type("String".into()).mutable(false).build(),
        )
        .schema(SchemaAttributeType::builder().name("team").attribute_data_type("String".into()).mutable(true).build())
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("narrow")
        .explicit_auth_flows(aws_sdk_cognitoidentityprovider::types::ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(aws_sdk_cognitoidentityprovider::types::ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .read_attributes("email")
        .read_attributes("custom:team")
        .write_attributes("email")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("u")
        .user_attributes(AttributeType::builder().name("email").value("u@x.com").build().unwrap())
        .user_attributes(AttributeType::builder().name("name").value("Hidden Name").build().unwrap())
        .user_attributes(AttributeType::builder().name("dev:custom:secret").value("s3").build().unwrap())
        .user_attributes(AttributeType::builder().name("custom:badge").value("b1").build().unwrap())
        .user_attributes(AttributeType::builder().name("custom:team").value("t1").build().unwrap())
        .message_action("SUPPRESS".into())
        .send()
        .await
        .unwrap();
    c.admin_set_user_password()
        .user_pool_id(&pool)
        .username("u")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    let (_, signed) = raw_with(&app, "InitiateAuth", &password_auth(&client, "u", PASSWORD), &[]).await;
    let token = signed["AuthenticationResult"]["AccessToken"].as_str().unwrap().to_owned();
    let (_, me) = raw_with(&app, "GetUser", &json!({"AccessToken": token}).to_string(), &[]).await;
    let mut names: Vec<String> =
        me["UserAttributes"].as_array().unwrap().iter().map(|a| a["Name"].as_str().unwrap().to_owned()).collect();
    names.sort();
    assert_eq!(names, vec!["custom:team", "email", "sub"], "{me}");
    let delete = |name: &str| json!({"AccessToken": token, "UserAttributeNames": [name]}).to_string();
    let a = raw_with(&app, "DeleteUserAttributes", &delete("dev:custom:secret"), &[]).await;
    assert_eq!(a.1["__type"], "NotAuthorizedException", "{a:?}");
    let a = raw_with(&app, "DeleteUserAttributes", &delete("custom:badge"), &[]).await;
    assert_eq!(a.1["__type"], "InvalidParameterException", "{a:?}");
    let a = raw_with(&app, "DeleteUserAttributes", &delete("custom:team"), &[]).await;
    assert_eq!(a.1["__type"], "NotAuthorizedException", "not in WriteAttributes: {a:?}");
    let a = raw_with(&app, "DeleteUserAttributes", &delete("email_verified"), &[]).await;
    assert_eq!(a.1["__type"], "NotAuthorizedException", "{a:?}");
    let user = c.admin_get_user().user_pool_id(&pool).username("u").send().await.unwrap();
    let kept: Vec<&str> = user.user_attributes().iter().map(|a| a.name()).collect();
    for n in ["dev:custom:secret", "custom:badge", "custom:team", "name"] {
        assert!(kept.contains(&n), "{n} is still there: {kept:?}");
    }
}

/// SigV4 over exactly `signed` headers (lower case, with their values), then sent with
/// `extra` headers that the signature does not cover.
async fn signed_call(app: &TestApp, signed: &[(&str, String)], extra: &[(&str, &str)], body: &str) -> (u16, Value) {
    use aws_credential_types::Credentials;
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    use aws_sigv4::sign::v4;
    use aws_smithy_runtime_api::client::identity::Identity;
    let identity: Identity = Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None, None, "t").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("cognito-idp")
        .time(std::time::UNIX_EPOCH + Duration::from_millis(domain::Clock::now(&*app.clock).millis() as u64))
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let headers: Vec<(&str, &str)> = signed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let url = app.url("/");
    let req =
        SignableRequest::new("POST", &url, headers.clone().into_iter(), SignableBody::Bytes(body.as_bytes())).unwrap();
    let (instructions, _) = sign(req, &params).unwrap().into_parts();
    let mut r = reqwest::Client::new().post(&url);
    for (k, v) in &headers {
        if *k != "host" {
            r = r.header(*k, *v);
        }
    }
    for (k, v) in instructions.headers() {
        r = r.header(k, v);
    }
    for (k, v) in extra {
        r = r.header(*k, *v);
    }
    let r = r.body(body.to_owned()).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn j03_a_signature_must_cover_the_target_action() {
    let app = spawn_app().await;
    let host = app.address.trim_start_matches("http://").to_owned();
    let body = "{\"MaxResults\": 10}";
    let target = ("x-amz-target", "AWSCognitoIdentityProviderService.ListUserPools".to_owned());
    let ct = ("content-type", "application/x-amz-json-1.1".to_owned());
    // Signed over host and target: accepted.
    let (status, v) = signed_call(&app, &[("host", host.clone()), ct.clone(), target.clone()], &[], body).await;
    assert_eq!(status, 200, "{v}");
    // The target sent but left out of the signature: refused, whatever it names.
    let (status, v) = signed_call(
        &app,
        &[("host", host.clone()), ct.clone()],
        &[("x-amz-target", "AWSCognitoIdentityProviderService.ListUserPools")],
        body,
    )
    .await;
    assert_eq!(status, 403, "{v}");
    assert_eq!(v["__type"], "InvalidSignatureException", "{v}");
    assert!(v["message"].as_str().unwrap().contains("X-Amz-Target"), "{v}");
}

#[tokio::test]
async fn l01_sign_in_events_are_logged_with_outcome_and_source_and_without_secrets() {
    // The real binary, logging JSON: what an operator's log collector would read.
    let dir = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_cognate"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--log",
            "warn,cognate::auth=info,cognate_server=info",
        ])
        .env("COGNATE_DATA_DIR", dir.path())
        .env("COGNATE_BOOTSTRAP_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("COGNATE_BOOTSTRAP_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    use tokio::io::AsyncBufReadExt;
    let mut out = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let address = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = out.next_line().await.unwrap() {
            if let Ok(v) = serde_json::from_str::<Value>(&line) {
                if let Some(a) = v["address"].as_str() {
                    return format!("http://{a}");
                }
            }
        }
        panic!("the server stopped before listening");
    })
    .await
    .expect("the server starts");
    let app = TestApp::remote(&address);
    let c = app.cognito();
    let pool = c.create_user_pool().pool_name("Logged").send().await.unwrap().user_pool.unwrap().id.unwrap();
    let client = client_for(&c, &pool, true).await;
    create_user(&c, &pool, "logged-user", "l@x.com", PASSWORD).await;
    let name_typed = "Wrong-looking-name<script>";
    for (name, password) in
        [("logged-user", "Secret-typo-1"), (name_typed, "Other-secret-2"), ("logged-user", PASSWORD)]
    {
        raw_with(&app, "InitiateAuth", &password_auth(&client, name, password), &[]).await;
    }
    let mut events = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(line) = out.next_line().await.unwrap() {
            if line.contains("\"event\":\"sign_in\"") {
                events.push(line);
                if events.len() == 3 {
                    break;
                }
            }
        }
    })
    .await;
    child.kill().await.ok();
    assert_eq!(events.len(), 3, "one event per attempt: {events:?}");
    let parsed: Vec<Value> = events.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    let outcomes: Vec<&str> = parsed.iter().map(|e| e["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["wrong_password", "unknown_user", "password_verified"]);
    for e in &parsed {
        assert_eq!(e["pool"], pool.as_str());
        assert_eq!(e["client"], client.as_str());
        assert_eq!(e["source"], "127.0.0.1");
        assert!(e["timestamp"].is_string(), "{e}");
        let user = e["user"].as_str().unwrap();
        assert!(user.starts_with("sub:") || user.starts_with("name:"), "{e}");
    }
    let all = events.join("\n");
    for secret in ["Secret-typo-1", "Other-secret-2", PASSWORD, "Wrong-looking-name", "logged-user"] {
        assert!(!all.contains(secret), "{secret} must not be logged: {all}");
    }
}

/// A public client whose refresh tokens rotate with `grace` seconds of grace; a signed-in
/// user; the first refresh token.
async fn rotating(app: &TestApp, grace: i32) -> (String, String, String) {
    use aws_sdk_cognitoidentityprovider::types::{ExplicitAuthFlowsType, FeatureType, RefreshTokenRotationType};
    let c = app.cognito();
    let pool = c.create_user_pool().pool_name("Rotating").send().await.unwrap().user_pool.unwrap().id.unwrap();
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("rotating")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .refresh_token_rotation(
            RefreshTokenRotationType::builder()
                .feature(FeatureType::Enabled)
                .retry_grace_period_seconds(grace)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let described = c
        .describe_user_pool_client()
        .user_pool_id(&pool)
        .client_id(client.client_id().unwrap())
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let r = described.refresh_token_rotation().expect("DescribeUserPoolClient returns the rotation");
    assert_eq!((r.feature(), r.retry_grace_period_seconds()), (&FeatureType::Enabled, Some(grace)));
    let client = client.client_id.unwrap();
    create_user(&c, &pool, "rot", "rot@x.com", PASSWORD).await;
    let (_, signed) = raw_with(app, "InitiateAuth", &password_auth(&client, "rot", PASSWORD), &[]).await;
    let rt = signed["AuthenticationResult"]["RefreshToken"].as_str().unwrap().to_owned();
    (pool, client, rt)
}

async fn rotate(app: &TestApp, client: &str, rt: &str) -> (u16, Value) {
    let body = json!({"ClientId": client, "RefreshToken": rt}).to_string();
    raw_with(app, "GetTokensFromRefreshToken", &body, &[]).await
}

fn refresh_token_of(v: &Value) -> String {
    v["AuthenticationResult"]["RefreshToken"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn t10_a_rotated_refresh_token_reused_without_grace_ends_its_whole_session() {
    let app = spawn_app().await;
    let (_pool, client, rt0) = rotating(&app, 0).await;
    let (status, first) = rotate(&app, &client, &rt0).await;
    assert_eq!(status, 200, "{first}");
    let rt1 = refresh_token_of(&first);
    assert!(!rt1.is_empty() && rt1 != rt0, "a new refresh token: {first}");
    let access = first["AuthenticationResult"]["AccessToken"].as_str().unwrap().to_owned();
    // REFRESH_TOKEN_AUTH is not the way when tokens rotate (as in Cognito).
    let body = json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client, "AuthParameters": {"REFRESH_TOKEN": rt1}});
    let a = raw_with(&app, "InitiateAuth", &body.to_string(), &[]).await;
    assert_eq!(a.1["__type"], "InvalidParameterException", "{a:?}");
    // Reuse of the rotated-out token: refused, and the session (rt1, its access token) ends.
    let (status, reuse) = rotate(&app, &client, &rt0).await;
    assert_eq!(status, 400);
    assert_eq!(reuse["__type"], "RefreshTokenReuseException", "{reuse}");
    let (_, after) = rotate(&app, &client, &rt1).await;
    assert_eq!(after["__type"], "NotAuthorizedException", "the successor is revoked too: {after}");
    let a = raw_with(&app, "GetUser", &json!({"AccessToken": access}).to_string(), &[]).await;
    assert_eq!(a.1["__type"], "NotAuthorizedException", "{a:?}");
}

#[tokio::test]
async fn t10_a_rotated_refresh_token_may_be_retried_within_its_grace_period_only() {
    let app = spawn_app().await;
    let (_pool, client, rt0) = rotating(&app, 60).await;
    let (_, first) = rotate(&app, &client, &rt0).await;
    let rt1 = refresh_token_of(&first);
    app.clock.advance(Duration::from_secs(30));
    let (status, retry) = rotate(&app, &client, &rt0).await;
    assert_eq!(status, 200, "a retry within the grace period: {retry}");
    let rt2 = refresh_token_of(&retry);
    // A rotation of the successor in the same instant does not revive the old token.
    let (status, _) = rotate(&app, &client, &rt1).await;
    assert_eq!(status, 200);
    app.clock.advance(Duration::from_secs(31));
    let (_, late) = rotate(&app, &client, &rt0).await;
    assert_eq!(late["__type"], "RefreshTokenReuseException", "{late}");
    for rt in [rt1, rt2] {
        let (_, v) = rotate(&app, &client, &rt).await;
        assert_eq!(v["__type"], "NotAuthorizedException", "the whole family is revoked: {v}");
    }
}

#[tokio::test]
async fn t11_fifty_concurrent_rotations_of_one_refresh_token_succeed_once() {
    let app = spawn_app().await;
    let (_pool, client, rt0) = rotating(&app, 0).await;
    let answers = concurrently(
        &app,
        50,
        "GetTokensFromRefreshToken",
        json!({"ClientId": client, "RefreshToken": rt0}).to_string(),
    )
    .await;
    let ok = answers.iter().filter(|a| a.0 == 200).count();
    assert_eq!(ok, 1, "{answers:?}");
    assert!(answers.iter().all(|a| a.0 == 200 || a.0 == 400), "{answers:?}");
}

#[tokio::test]
async fn get_tokens_from_refresh_token_without_rotation_refreshes_and_checks_the_client_secret() {
    let app = spawn_app().await;
    let c = app.cognito();
    let (pool, public) = email_pool(&app, true).await;
    create_user(&c, &pool, "u@x.com", "u@x.com", PASSWORD).await;
    let (_, signed) = raw_with(&app, "InitiateAuth", &password_auth(&public, "u@x.com", PASSWORD), &[]).await;
    let rt = signed["AuthenticationResult"]["RefreshToken"].as_str().unwrap().to_owned();
    let (status, v) = rotate(&app, &public, &rt).await;
    assert_eq!(status, 200, "{v}");
    assert!(v["AuthenticationResult"]["AccessToken"].is_string());
    assert!(v["AuthenticationResult"].get("RefreshToken").is_none(), "no rotation, no new refresh token: {v}");
    let (status, _) = rotate(&app, &public, &rt).await;
    assert_eq!(status, 200, "without rotation the token stays valid");
    let secretive = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("confidential")
        .generate_secret(true)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let body = json!({"ClientId": secretive.client_id().unwrap(), "RefreshToken": rt, "ClientSecret": "wrongsecretoftherightlength0123456789"});
    let a = raw_with(&app, "GetTokensFromRefreshToken", &body.to_string(), &[]).await;
    assert_eq!(a.1["__type"], "NotAuthorizedException", "{a:?}");
}

#[tokio::test]
async fn l01_refused_admin_calls_are_audited_with_their_reason() {
    use domain::ports::AuditStore;
    let app = spawn_app().await;
    // A bad signature on a real key, and a call the key may make that fails.
    let err =
        app.cognito_with(ACCESS_KEY_ID, "not-the-secret-at-all-xxxx").list_user_pools().max_results(10).send().await;
    assert_eq!(err.unwrap_err().code(), Some("InvalidSignatureException"));
    let err = app.cognito().describe_user_pool().user_pool_id("us-east-1_NoSuchPool").send().await.unwrap_err();
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    let q = domain::audit::AuditQuery { actor: None, action_prefix: None, before: None, limit: 50 };
    let events = app.store().await.list_audit_events(&q, 50).await.unwrap();
    let found = |actor: &str, action: &str| {
        events.iter().any(|e| e.actor == actor && e.action == action && e.source == "127.0.0.1")
    };
    assert!(
        found(&format!("unverified key:{ACCESS_KEY_ID}"), "ListUserPools refused: InvalidSignatureException"),
        "{events:?}"
    );
    assert!(
        found(&format!("key:{ACCESS_KEY_ID}"), "DescribeUserPool refused: ResourceNotFoundException"),
        "{events:?}"
    );
}
