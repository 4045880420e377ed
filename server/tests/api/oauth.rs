//! OAuth 2.0 / OpenID Connect: an independent relying-party library (`openidconnect`)
//! runs discovery, authorization code with PKCE through the hosted sign-in form, ID
//! token validation against the JWKS, userinfo, refresh and revocation; and every
//! misuse of the endpoints is refused.

use crate::helpers::*;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, OAuthFlowType, ResourceServerScopeType, VerifiedAttributeType,
};
use aws_sdk_cognitoidentityprovider::Client;
use openidconnect::core::{CoreClient, CoreProviderMetadata, CoreResponseType};
use openidconnect::{
    AuthenticationFlow, AuthorizationCode, ClientId, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};
use serde_json::Value;

pub const CALLBACK: &str = "http://localhost:9999/callback";
const SIGNED_OUT: &str = "http://localhost:9999/signed-out";
pub const PASSWORD: &str = "Correct-Horse-9";

pub struct OAuthPool {
    pub pool: String,
    pub client_id: String,
}

/// A pool with a public web client (code flow, PKCE) and a confirmed user `ann`.
pub async fn oauth_pool(c: &Client) -> OAuthPool {
    let pool = c
        .create_user_pool()
        .pool_name("Web")
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client_id = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("Web app")
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .allowed_o_auth_scopes("profile")
        .callback_urls(CALLBACK)
        .logout_urls(SIGNED_OUT)
        .supported_identity_providers("COGNITO")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("ann")
        .user_attributes(AttributeType::builder().name("email").value("ann@example.com").build().unwrap())
        .user_attributes(AttributeType::builder().name("email_verified").value("true").build().unwrap())
        .message_action("SUPPRESS".into())
        .send()
        .await
        .unwrap();
    c.admin_set_user_password()
        .user_pool_id(&pool)
        .username("ann")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    OAuthPool { pool, client_id }
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// The hidden inputs of a form page.
pub fn hidden_inputs(html: &str) -> Vec<(String, String)> {
    let re = regex::Regex::new(r#"<input type="hidden" name="([^"]+)" value="([^"]*)""#).unwrap();
    re.captures_iter(html).map(|c| (unescape(&c[1]), unescape(&c[2]))).collect()
}

/// Follows `/oauth2/authorize` to the hosted form, signs in, and returns the redirect
/// the browser is sent to.
pub async fn sign_in_through_form(app: &TestApp, authorize_url: &str, username: &str, password: &str) -> String {
    sign_in_with(app, &app.client, authorize_url, username, password).await
}

/// The same with a given browser (cookie jar).
pub async fn sign_in_with(
    app: &TestApp,
    browser: &reqwest::Client,
    authorize_url: &str,
    username: &str,
    password: &str,
) -> String {
    let r = browser.get(authorize_url).send().await.unwrap();
    assert_eq!(r.status(), 302, "authorize redirects to the sign-in page");
    let login = location(&r);
    assert!(login.starts_with("/login?"), "{login}");
    let page = browser.get(app.url(&login)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{csp}");
    let html = page.text().await.unwrap();
    assert!(html.contains("<label for=\"username\""), "labelled fields");
    let mut form = hidden_inputs(&html);
    form.push(("username".into(), username.into()));
    form.push(("password".into(), password.into()));
    let r = browser.post(app.url("/login")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    location(&r)
}

/// A parameter of the query, or of the fragment (implicit-flow answers).
fn query_param(url: &str, name: &str) -> Option<String> {
    let u = url::Url::parse(url).unwrap();
    let from_query = u.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    from_query.or_else(|| {
        url::form_urlencoded::parse(u.fragment().unwrap_or("").as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    })
}

fn http_client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

#[tokio::test]
async fn an_oidc_library_signs_in_with_code_and_pkce_and_refreshes_and_revokes() {
    let app = spawn_app().await;
    let c = app.cognito();
    let p = oauth_pool(&c).await;
    let http = http_client();
    let issuer = IssuerUrl::new(app.url(&format!("/{}", p.pool))).unwrap();
    let meta = CoreProviderMetadata::discover_async(issuer, &http).await.expect("discovery and JWKS");
    let client = CoreClient::from_provider_metadata(meta, ClientId::new(p.client_id.clone()), None)
        .set_redirect_uri(RedirectUrl::new(CALLBACK.into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (auth_url, state, nonce) = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .set_pkce_challenge(challenge)
        .url();

    let back = sign_in_through_form(&app, auth_url.as_str(), "ann", PASSWORD).await;
    assert!(back.starts_with(CALLBACK), "{back}");
    assert_eq!(query_param(&back, "state").as_deref(), Some(state.secret().as_str()), "state comes back unchanged");
    let code = query_param(&back, "code").expect("a code");

    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("token exchange");
    let id_token = tokens.id_token().expect("an ID token for the openid scope");
    let claims = id_token.claims(&client.id_token_verifier(), &nonce).expect("the ID token verifies");
    assert_eq!(claims.email().map(|e| e.as_str()), Some("ann@example.com"));
    assert_eq!(claims.email_verified(), Some(true));
    let scope = tokens.scopes().expect("granted scopes").iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(scope, ["openid", "email"]);

    // The access token carries the granted scopes and works at userinfo.
    let userinfo: openidconnect::core::CoreUserInfoClaims =
        client.user_info(tokens.access_token().clone(), None).unwrap().request_async(&http).await.expect("userinfo");
    assert_eq!(userinfo.email().map(|e| e.as_str()), Some("ann@example.com"));
    assert_eq!(userinfo.subject().as_str(), claims.subject().as_str());

    // Refresh keeps the session; the new ID token verifies too (no nonce on refresh).
    let refresh = tokens.refresh_token().expect("a refresh token").clone();
    let refreshed = client.exchange_refresh_token(&refresh).unwrap().request_async(&http).await.expect("refresh");
    let again = refreshed.id_token().expect("ID token on refresh");
    again.claims(&client.id_token_verifier(), |_: Option<&Nonce>| Ok(())).expect("refreshed ID token verifies");

    // Revocation: the refresh token and the session's access tokens stop working.
    // (The library refuses to revoke over plain HTTP, so the RFC 7009 request is sent as
    // it would send it.)
    let r = http
        .post(app.url("/oauth2/revoke"))
        .form(&[("token", refresh.secret().as_str()), ("client_id", p.client_id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let err = client.exchange_refresh_token(&refresh).unwrap().request_async(&http).await.unwrap_err();
    assert!(format!("{err:?}").contains("invalid_grant"), "{err:?}");
    let r = http.get(app.url("/oauth2/userInfo")).bearer_auth(refreshed.access_token().secret()).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers()["www-authenticate"].to_str().unwrap().contains("invalid_token"));
}

struct Flow {
    verifier: String,
    url: String,
}

fn authorize_url(app: &TestApp, client_id: &str, extra: &[(&str, &str)]) -> Flow {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut pairs = vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", CALLBACK),
        ("scope", "openid email"),
        ("state", "st-1 &?=#"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    for (k, v) in extra {
        pairs.retain(|(pk, _)| pk != k);
        if !v.is_empty() {
            pairs.push((k, v));
        }
    }
    let q = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    Flow { verifier: verifier.secret().clone(), url: app.url(&format!("/oauth2/authorize?{q}")) }
}

async fn token(app: &TestApp, form: &[(&str, &str)]) -> (u16, Value) {
    let r = http_client().post(app.url("/oauth2/token")).form(form).send().await.unwrap();
    assert_eq!(r.headers().get("cache-control").map(|v| v.to_str().unwrap()), Some("no-store"));
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn code_for(app: &TestApp, p: &OAuthPool) -> (String, String) {
    let f = authorize_url(app, &p.client_id, &[]);
    let fresh = browser_client(&app.address);
    let back = sign_in_with(app, &fresh, &f.url, "ann", PASSWORD).await;
    assert_eq!(query_param(&back, "state").as_deref(), Some("st-1 &?=#"));
    (query_param(&back, "code").unwrap(), f.verifier)
}

#[tokio::test]
async fn redirect_uris_must_match_exactly_and_bad_requests_never_redirect_elsewhere() {
    let app = spawn_app().await;
    let p = oauth_pool(&app.cognito()).await;
    for bad in [
        "http://LOCALHOST:9999/callback",
        "http://localhost:9999/callback/",
        "http://localhost:9999/callback?x=1",
        "http://evil.example:9999/callback",
        "http://localhost:9999/Callback",
    ] {
        let f = authorize_url(&app, &p.client_id, &[("redirect_uri", bad)]);
        let r = http_client().get(&f.url).send().await.unwrap();
        assert_eq!(r.status(), 400, "{bad}");
        assert!(r.headers().get("location").is_none(), "{bad} must not be redirected to");
        assert!(r.text().await.unwrap().contains("redirect_uri does not match"));
    }
    let unknown = authorize_url(&app, "nosuchclient0000000000000", &[]);
    let r = http_client().get(&unknown.url).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none());

    // With a valid client and URI, errors go back to the client in OAuth's form.
    let cases: [(&[(&str, &str)], &str); 5] = [
        (&[("response_type", "id_token")], "unsupported_response_type"),
        (&[("response_type", "token")], "unauthorized_client"),
        (&[("scope", "openid phone")], "invalid_scope"),
        (&[("code_challenge_method", "plain")], "invalid_request"),
        (&[("code_challenge", ""), ("code_challenge_method", "")], "invalid_request"),
    ];
    for (extra, error) in cases {
        let f = authorize_url(&app, &p.client_id, extra);
        let r = http_client().get(&f.url).send().await.unwrap();
        assert_eq!(r.status(), 302, "{extra:?}");
        let to = location(&r);
        assert!(to.starts_with(CALLBACK), "{to}");
        assert_eq!(query_param(&to, "error").as_deref(), Some(error), "{extra:?}");
        assert_eq!(query_param(&to, "state").as_deref(), Some("st-1 &?=#"));
    }
}

#[tokio::test]
async fn codes_are_single_use_bound_to_client_uri_and_verifier_and_expire() {
    let app = spawn_app().await;
    let c = app.cognito();
    let p = oauth_pool(&c).await;

    // Wrong or missing verifier, wrong redirect URI: refused (each burns the code).
    for (name, mutate) in [("missing verifier", 0), ("wrong verifier", 1), ("wrong redirect_uri", 2)] {
        let (code, verifier) = code_for(&app, &p).await;
        let wrong = "x".repeat(43);
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("client_id", p.client_id.as_str()),
            ("code", code.as_str()),
            ("redirect_uri", CALLBACK),
            ("code_verifier", verifier.as_str()),
        ];
        match mutate {
            0 => form.retain(|(k, _)| *k != "code_verifier"),
            1 => form[4] = ("code_verifier", wrong.as_str()),
            _ => form[3] = ("redirect_uri", SIGNED_OUT),
        }
        let (status, body) = token(&app, &form).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{name}: {body}");
    }

    // Used twice: the second exchange fails and revokes what the first issued.
    let (code, verifier) = code_for(&app, &p).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", p.client_id.as_str()),
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("code_verifier", verifier.as_str()),
    ];
    let (status, first) = token(&app, &form).await;
    assert_eq!(status, 200, "{first}");
    let (status, second) = token(&app, &form).await;
    assert_eq!((status, second["error"].as_str()), (400, Some("invalid_grant")));
    let refresh = first["refresh_token"].as_str().unwrap();
    let (status, body) =
        token(&app, &[("grant_type", "refresh_token"), ("client_id", &p.client_id), ("refresh_token", refresh)]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "the replay revoked the session");

    // Another client cannot redeem the code.
    let other = c
        .create_user_pool_client()
        .user_pool_id(&p.pool)
        .client_name("Other")
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .callback_urls(CALLBACK)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let (code, verifier) = code_for(&app, &p).await;
    let (status, body) = token(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &other),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));

    // Codes live five minutes.
    let (code, verifier) = code_for(&app, &p).await;
    app.clock.advance(std::time::Duration::from_secs(301));
    let (status, body) = token(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &p.client_id),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");

    // Malformed requests.
    let (status, body) = token(&app, &[("client_id", &p.client_id)]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")));
    let (status, body) = token(&app, &[("grant_type", "password"), ("client_id", &p.client_id)]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("unsupported_grant_type")));
    let (status, body) = token(&app, &[("grant_type", "authorization_code"), ("client_id", "unknownclient")]).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")));
}

#[tokio::test]
async fn client_credentials_issue_custom_scopes_to_authenticated_clients() {
    let app = spawn_app().await;
    let c = app.cognito();
    let p = oauth_pool(&c).await;
    let scope = |n: &str| ResourceServerScopeType::builder().scope_name(n).scope_description(n).build().unwrap();
    c.create_resource_server()
        .user_pool_id(&p.pool)
        .identifier("https://api.example.com")
        .name("API")
        .scopes(scope("read"))
        .scopes(scope("write"))
        .send()
        .await
        .unwrap();
    let listed = c.list_resource_servers().user_pool_id(&p.pool).max_results(10).send().await.unwrap();
    assert_eq!(listed.resource_servers().len(), 1);
    let created = c
        .create_user_pool_client()
        .user_pool_id(&p.pool)
        .client_name("Worker")
        .generate_secret(true)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::ClientCredentials)
        .allowed_o_auth_scopes("https://api.example.com/read")
        .allowed_o_auth_scopes("https://api.example.com/write")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let (id, secret) = (created.client_id.unwrap(), created.client_secret.unwrap());

    // client_secret_basic.
    let r = http_client()
        .post(app.url("/oauth2/token"))
        .basic_auth(&id, Some(&secret))
        .form(&[("grant_type", "client_credentials"), ("scope", "https://api.example.com/read")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert!(body.get("refresh_token").is_none() && body.get("id_token").is_none());
    let claims = verify(&app, &p.pool, body["access_token"].as_str().unwrap()).await;
    assert_eq!(claims["scope"], "https://api.example.com/read");
    assert_eq!(claims["sub"], id.as_str());
    assert_eq!(claims["token_use"], "access");

    // client_secret_post, all allowed scopes by default.
    let (status, body) =
        token(&app, &[("grant_type", "client_credentials"), ("client_id", &id), ("client_secret", &secret)]).await;
    assert_eq!(status, 200);
    let claims = verify(&app, &p.pool, body["access_token"].as_str().unwrap()).await;
    assert_eq!(claims["scope"], "https://api.example.com/read https://api.example.com/write");

    // Wrong secret, both methods at once, a scope it was not given, a public client.
    let r = http_client()
        .post(app.url("/oauth2/token"))
        .basic_auth(&id, Some("wrong"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers().contains_key("www-authenticate"));
    let r = http_client()
        .post(app.url("/oauth2/token"))
        .basic_auth(&id, Some(&secret))
        .form(&[("grant_type", "client_credentials"), ("client_secret", &secret)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let (status, body) = token(
        &app,
        &[("grant_type", "client_credentials"), ("client_id", &id), ("client_secret", &secret), ("scope", "openid")],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_scope")));
    let (status, body) = token(&app, &[("grant_type", "client_credentials"), ("client_id", &p.client_id)]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("unauthorized_client")));
}

async fn verify(app: &TestApp, pool: &str, token: &str) -> Value {
    let jwks: jsonwebtoken::jwk::JwkSet =
        reqwest::get(app.url(&format!("/{pool}/.well-known/jwks.json"))).await.unwrap().json().await.unwrap();
    let header = jsonwebtoken::decode_header(token).unwrap();
    let jwk = jwks.find(header.kid.as_deref().unwrap()).unwrap();
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    v.set_issuer(&[app.url(&format!("/{pool}"))]);
    v.validate_aud = false;
    jsonwebtoken::decode::<Value>(token, &key, &v).unwrap().claims
}

#[tokio::test]
async fn client_registration_refuses_unsafe_urls_unknown_scopes_and_bad_flow_mixes() {
    let app = spawn_app().await;
    let c = app.cognito();
    let p = oauth_pool(&c).await;
    let base = || {
        c.create_user_pool_client()
            .user_pool_id(&p.pool)
            .client_name("Bad")
            .allowed_o_auth_flows_user_pool_client(true)
            .allowed_o_auth_flows(OAuthFlowType::Code)
            .allowed_o_auth_scopes("openid")
    };
    for url in
        ["https://*.example.com/cb", "javascript:alert(1)", "http://app.example.com/cb", "https://a.example/cb#x"]
    {
        let err = base().callback_urls(url).send().await.unwrap_err();
        assert_eq!(err.as_service_error().and_then(|e| e.meta().code()), Some("InvalidParameterException"), "{url}");
    }
    let err =
        base().callback_urls(CALLBACK).allowed_o_auth_scopes("https://api.example.com/read").send().await.unwrap_err();
    assert_eq!(err.as_service_error().and_then(|e| e.meta().code()), Some("ScopeDoesNotExistException"));
    let err = c
        .create_user_pool_client()
        .user_pool_id(&p.pool)
        .client_name("NoSecret")
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::ClientCredentials)
        .allowed_o_auth_scopes("x/y")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.as_service_error().and_then(|e| e.meta().code()), Some("InvalidOAuthFlowException"));
    let described = c.describe_user_pool_client().user_pool_id(&p.pool).client_id(&p.client_id).send().await.unwrap();
    let d = described.user_pool_client().unwrap();
    assert_eq!(d.callback_urls(), [CALLBACK]);
    assert_eq!(d.allowed_o_auth_flows(), [OAuthFlowType::Code]);
    assert_eq!(d.allowed_o_auth_flows_user_pool_client(), Some(true));
}

#[tokio::test]
async fn the_hosted_session_signs_in_again_without_the_form_until_logout() {
    let app = spawn_app().await;
    let p = oauth_pool(&app.cognito()).await;
    let f = authorize_url(&app, &p.client_id, &[]);
    let back = sign_in_through_form(&app, &f.url, "ann", PASSWORD).await;
    assert!(query_param(&back, "code").is_some());

    // Same browser: straight back to the app with a new code.
    let again = authorize_url(&app, &p.client_id, &[]);
    let r = app.client.get(&again.url).send().await.unwrap();
    assert_eq!(r.status(), 302);
    let to = location(&r);
    assert!(to.starts_with(CALLBACK) && query_param(&to, "code").is_some(), "{to}");

    // prompt=login shows the form anyway.
    let forced = authorize_url(&app, &p.client_id, &[("prompt", "login")]);
    let r = app.client.get(&forced.url).send().await.unwrap();
    assert!(location(&r).starts_with("/login?"));

    // Logout: only to a registered URL; afterwards the form is needed again.
    let bad = app
        .client
        .get(app.url(&format!("/logout?client_id={}&logout_uri=https://evil.example/", p.client_id)))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.headers().get("location").is_none());
    let q = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("client_id", p.client_id.as_str()), ("logout_uri", SIGNED_OUT)])
        .finish();
    let out = app.client.get(app.url(&format!("/logout?{q}"))).send().await.unwrap();
    assert_eq!(out.status(), 302);
    assert_eq!(location(&out), SIGNED_OUT);
    let after = authorize_url(&app, &p.client_id, &[]);
    let r = app.client.get(&after.url).send().await.unwrap();
    assert!(location(&r).starts_with("/login?"), "signed out: the form again");
}

#[tokio::test]
async fn the_sign_in_form_refuses_posts_without_its_token_and_shows_errors_inline() {
    let app = spawn_app().await;
    let p = oauth_pool(&app.cognito()).await;
    let f = authorize_url(&app, &p.client_id, &[]);
    let login = location(&app.client.get(&f.url).send().await.unwrap());
    let html = app.client.get(app.url(&login)).send().await.unwrap().text().await.unwrap();
    let mut form = hidden_inputs(&html);

    // Without the CSRF token (a forged cross-site post): refused.
    let forged: Vec<_> = form
        .iter()
        .filter(|(k, _)| k != "_csrf")
        .cloned()
        .chain([("username".to_owned(), "ann".to_owned()), ("password".to_owned(), PASSWORD.to_owned())])
        .collect();
    let r = app.client.post(app.url("/login")).form(&forged).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.headers().get("location").is_none());

    // A wrong password: the page again, with the error, the name kept, no redirect.
    form.push(("username".into(), "ann".into()));
    form.push(("password".into(), "wrong-password".into()));
    let r = app.client.post(app.url("/login")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("role=\"alert\"") && html.contains("Incorrect username or password."), "{html}");
    assert!(html.contains("value=\"ann\""));
    assert!(!html.contains("wrong-password"), "the password is never echoed");
}

/// Fills and posts the form of `page` (a path), returning the response.
async fn post_page(app: &TestApp, page: &str, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let r = app.client.get(app.url(page)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{page}");
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("action=\"{action}\"")), "{page} posts to {action}");
    let mut form = hidden_inputs(&html);
    for (k, v) in fields {
        form.push(((*k).to_owned(), (*v).to_owned()));
    }
    app.client.post(app.url(action)).form(&form).send().await.unwrap()
}

#[tokio::test]
async fn hosted_pages_sign_up_confirm_reset_and_replace_a_temporary_password() {
    let app = spawn_app().await;
    let c = app.cognito();
    let p = oauth_pool(&c).await;
    let f = authorize_url(&app, &p.client_id, &[]);
    let login = location(&app.client.get(&f.url).send().await.unwrap());
    let q = login.trim_start_matches("/login?").to_owned();

    // Sign up: the password policy is shown; a weak password is refused inline.
    let html = app.client.get(app.url(&format!("/signup?{q}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("At least 8 characters") && html.contains("for=\"attr_email\""), "{html}");
    let weak = post_page(
        &app,
        &format!("/signup?{q}"),
        "/signup",
        &[("username", "bob"), ("password", "short"), ("attr_email", "bob@example.com")],
    )
    .await;
    assert_eq!(weak.status(), 400);
    assert!(weak.text().await.unwrap().contains("Password did not conform with policy"));
    let r = post_page(
        &app,
        &format!("/signup?{q}"),
        "/signup",
        &[("username", "bob"), ("password", PASSWORD), ("attr_email", "bob@example.com")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let confirm = location(&r);
    assert!(confirm.starts_with("/confirmUser?"), "{confirm}");

    // "Send a new code" posts the confirm page's form (with its CSRF token) to
    // /resendCode; a GET or a post without the token sends nothing.
    let first = app.smtp.next_to("bob@example.com").await.code();
    let html = app.client.get(app.url(&confirm)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("formaction=\"/resendCode\""), "{html}");
    let mut form = hidden_inputs(&html);
    form.push(("username".into(), "bob".into()));
    let get = app.client.get(app.url("/resendCode?username=bob")).send().await.unwrap();
    assert_eq!(get.status(), 405);
    let no_token: Vec<_> = form.iter().filter(|(k, _)| k != "_csrf").cloned().collect();
    let refused = app.client.post(app.url("/resendCode")).form(&no_token).send().await.unwrap();
    assert_eq!(refused.status(), 403);
    let r = app.client.post(app.url("/resendCode")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/confirmUser?") && location(&r).contains("sent=1"));
    let code = app.smtp.next_to("bob@example.com").await.code();
    assert_ne!(code, first, "a new code was sent");

    // Confirm with the emailed code: a wrong code first, then the right one.
    let wrong = post_page(&app, &confirm, "/confirmUser", &[("username", "bob"), ("code", "000000")]).await;
    assert_eq!(wrong.status(), 400);
    assert!(wrong.text().await.unwrap().contains("Invalid verification code"));
    let r = post_page(&app, &confirm, "/confirmUser", &[("username", "bob"), ("code", &code)]).await;
    assert_eq!(r.status(), 303);
    let back_to_login = location(&r);
    assert!(back_to_login.starts_with("/login?") && back_to_login.contains("confirmed=1"));
    let html = app.client.get(app.url(&back_to_login)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Your account is confirmed"));
    let fresh = browser_client(&app.address);
    let back = sign_in_with(&app, &fresh, &f.url, "bob", PASSWORD).await;
    assert!(query_param(&back, "code").is_some(), "{back}");

    // Forgot password: a code by email, a new password, then sign in with it.
    let r = post_page(&app, &format!("/forgotPassword?{q}"), "/forgotPassword", &[("username", "bob")]).await;
    assert_eq!(r.status(), 303);
    let reset = location(&r);
    let code = app.smtp.next_to("bob@example.com").await.code();
    let r = post_page(
        &app,
        &reset,
        "/confirmForgotPassword",
        &[("username", "bob"), ("code", &code), ("password", "Another-Horse-7")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert!(location(&r).contains("reset=1"));
    let fresh = browser_client(&app.address);
    let back = sign_in_with(&app, &fresh, &f.url, "bob", "Another-Horse-7").await;
    assert!(query_param(&back, "code").is_some());

    // A temporary password leads to the new-password page, then to the app.
    c.admin_create_user()
        .user_pool_id(&p.pool)
        .username("cid")
        .temporary_password("Temp-Pass-123")
        .message_action("SUPPRESS".into())
        .send()
        .await
        .unwrap();
    let fresh = browser_client(&app.address);
    let login = location(&fresh.get(&f.url).send().await.unwrap());
    let html = fresh.get(app.url(&login)).send().await.unwrap().text().await.unwrap();
    let mut form = hidden_inputs(&html);
    form.push(("username".into(), "cid".into()));
    form.push(("password".into(), "Temp-Pass-123".into()));
    let r = fresh.post(app.url("/login")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("action=\"/newPassword\""), "{html}");
    let mut form = hidden_inputs(&html);
    form.push(("password".into(), "Brand-New-Pass-1".into()));
    let r = fresh.post(app.url("/newPassword")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(query_param(&location(&r), "code").is_some());
}

fn tiny_png() -> Vec<u8> {
    // A valid 1x1 PNG (red pixel).
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")
        .unwrap()
}

#[tokio::test]
async fn branding_is_validated_and_shown_on_the_hosted_pages_client_over_pool() {
    use aws_sdk_cognitoidentityprovider::primitives::Blob;
    let app = spawn_app().await;
    let c = app.cognito();
    let p = oauth_pool(&c).await;
    let code = |e: &aws_sdk_cognitoidentityprovider::error::SdkError<_, _>| format!("{e:?}");

    // Refused: CSS that loads from elsewhere (the message names the rule) and an SVG logo.
    let err = c
        .set_ui_customization()
        .user_pool_id(&p.pool)
        .css(".cg-card { color: red }\n.cg-logo { background: url(https://evil.example/t.png) }")
        .send()
        .await
        .unwrap_err();
    let text = code(&err);
    assert!(text.contains("InvalidParameterException") && text.contains(".cg-logo"), "{text}");
    let err = c
        .set_ui_customization()
        .user_pool_id(&p.pool)
        .image_file(Blob::new(b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec()))
        .send()
        .await
        .unwrap_err();
    assert!(code(&err).contains("PNG or JPEG"));

    // The pool's branding.
    let set = c
        .set_ui_customization()
        .user_pool_id(&p.pool)
        .css(".cg-card { border: 3px solid #123456 }")
        .image_file(Blob::new(tiny_png()))
        .send()
        .await
        .unwrap();
    let ui = set.ui_customization().unwrap();
    assert!(ui.css().unwrap().contains("#123456"));
    let image_url = ui.image_url().unwrap().to_owned();
    let got = c.get_ui_customization().user_pool_id(&p.pool).client_id(&p.client_id).send().await.unwrap();
    assert!(got.ui_customization().unwrap().css().unwrap().contains("#123456"), "the pool's applies to the client");

    let f = authorize_url(&app, &p.client_id, &[]);
    let login = location(&app.client.get(&f.url).send().await.unwrap());
    let html = app.client.get(app.url(&login)).send().await.unwrap().text().await.unwrap();
    let css_href = regex::Regex::new(r#"href="(/oauth2/branding/[^"]+/style\.css\?v=[^"]+)""#).unwrap();
    let href = css_href.captures(&html).expect("the branding stylesheet is linked")[1].replace("&amp;", "&");
    let css = app.client.get(app.url(&href)).send().await.unwrap();
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert!(css.text().await.unwrap().contains("#123456"));
    assert!(html.contains("class=\"cg-logo\""));
    let logo = reqwest::get(&image_url).await.unwrap();
    assert_eq!(logo.headers()["content-type"], "image/png");
    assert_eq!(logo.headers()["x-content-type-options"], "nosniff");
    assert_eq!(logo.bytes().await.unwrap().as_ref(), tiny_png().as_slice());

    // The client's own branding wins over the pool's.
    c.set_ui_customization()
        .user_pool_id(&p.pool)
        .client_id(&p.client_id)
        .css(".cg-button { background: #654321 }")
        .send()
        .await
        .unwrap();
    let html = app.client.get(app.url(&login)).send().await.unwrap().text().await.unwrap();
    let href = css_href.captures(&html).unwrap()[1].replace("&amp;", "&");
    assert!(href.contains(&p.client_id));
    let css = app.client.get(app.url(&href)).send().await.unwrap().text().await.unwrap();
    assert!(css.contains("#654321") && !css.contains("#123456"));
}

#[tokio::test]
async fn pool_domains_route_requests_to_their_pool_only() {
    use aws_sdk_cognitoidentityprovider::types::CustomDomainConfigType;
    let app = spawn_app().await;
    let c = app.cognito();
    let a = oauth_pool(&c).await;
    let b = oauth_pool(&c).await;
    c.create_user_pool_domain().user_pool_id(&a.pool).domain("team-a").send().await.unwrap();
    let err = c.create_user_pool_domain().user_pool_id(&b.pool).domain("team-a").send().await.unwrap_err();
    assert!(format!("{err:?}").contains("InvalidParameterException"), "names are unique");
    let err = c.create_user_pool_domain().user_pool_id(&a.pool).domain("second").send().await.unwrap_err();
    assert!(format!("{err:?}").contains("already has a prefix domain"));
    let err = c.create_user_pool_domain().user_pool_id(&a.pool).domain("auth.example.com").send().await.unwrap_err();
    assert!(format!("{err:?}").contains("CertificateArn"));
    c.create_user_pool_domain()
        .user_pool_id(&a.pool)
        .domain("auth.example.com")
        .custom_domain_config(
            CustomDomainConfigType::builder()
                .certificate_arn("arn:aws:acm:us-east-1:000000000000:certificate/x")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let d = c.describe_user_pool_domain().domain("team-a").send().await.unwrap();
    let desc = d.domain_description().unwrap();
    assert_eq!(desc.user_pool_id(), Some(a.pool.as_str()));
    assert_eq!(desc.cloud_front_distribution(), Some("team-a.auth.localhost"));
    let described = c.describe_user_pool().user_pool_id(&a.pool).send().await.unwrap();
    let pool = described.user_pool().unwrap();
    assert_eq!((pool.domain(), pool.custom_domain()), (Some("team-a"), Some("auth.example.com")));

    // On team-a's host, only pool A's clients are served.
    for (host, client, ok) in [
        ("team-a.auth.localhost", &a.client_id, true),
        ("team-a.auth.localhost", &b.client_id, false),
        ("auth.example.com", &b.client_id, false),
        ("auth.example.com", &a.client_id, true),
    ] {
        let f = authorize_url(&app, client, &[]);
        let r = http_client().get(&f.url).header("host", host).send().await.unwrap();
        if ok {
            assert_eq!(r.status(), 302, "{host}");
            assert!(location(&r).starts_with("/login?"));
        } else {
            assert_eq!(r.status(), 400, "{host} must refuse another pool's client");
            assert!(r.text().await.unwrap().contains("does not belong to this domain"));
        }
    }
    c.delete_user_pool_domain().user_pool_id(&a.pool).domain("team-a").send().await.unwrap();
    let gone = c.describe_user_pool_domain().domain("team-a").send().await.unwrap();
    assert!(gone.domain_description().unwrap().user_pool_id().is_none());
}

#[tokio::test]
async fn the_implicit_flow_needs_a_nonce_and_returns_tokens_in_the_fragment_only() {
    let app = spawn_app().await;
    let c = app.cognito();
    let p = oauth_pool(&c).await;
    let implicit = c
        .create_user_pool_client()
        .user_pool_id(&p.pool)
        .client_name("Legacy SPA")
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Implicit)
        .allowed_o_auth_scopes("openid")
        .callback_urls(CALLBACK)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let no_nonce = authorize_url(
        &app,
        &implicit,
        &[("response_type", "token"), ("scope", "openid"), ("code_challenge", ""), ("code_challenge_method", "")],
    );
    let r = http_client().get(&no_nonce.url).send().await.unwrap();
    assert_eq!(query_param(&location(&r), "error").as_deref(), Some("invalid_request"));
    let f = authorize_url(
        &app,
        &implicit,
        &[
            ("response_type", "token"),
            ("scope", "openid"),
            ("nonce", "n-0S6"),
            ("code_challenge", ""),
            ("code_challenge_method", ""),
        ],
    );
    let back = sign_in_through_form(&app, &f.url, "ann", PASSWORD).await;
    let u = url::Url::parse(&back).unwrap();
    assert!(u.query().is_none(), "tokens never go in the query: {back}");
    let id = query_param(&back, "id_token").unwrap();
    assert!(query_param(&back, "refresh_token").is_none());
    assert_eq!(query_param(&back, "token_type").as_deref(), Some("Bearer"));
    let claims = verify(&app, &p.pool, &id).await;
    assert_eq!(claims["nonce"], "n-0S6");
    assert!(claims["at_hash"].is_string());
}
