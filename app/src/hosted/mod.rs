//! The hosted sign-in pages (Cognito's hosted UI): sign in, sign up, confirm, forgot and
//! reset password, new password, errors. Plain server-rendered HTML forms that work
//! without JavaScript; the server renders them with [`render`] and handles the posts.
//!
//! Operators restyle them with their own CSS: the class names (`cg-*`) and custom
//! properties (`--cg-*`) used here are a documented, stable interface (README,
//! "Hosted pages").

use leptos::prelude::*;

/// What every hosted page shows around its form: branding and the page's title.
#[derive(Clone, Debug, Default)]
pub struct Chrome {
    /// Page title (also the `<h1>`).
    pub title: String,
    /// The app client's name.
    pub app_name: String,
    /// The operator's logo, if any.
    pub logo_url: Option<String>,
    /// The operator's stylesheet, if any.
    pub css_url: Option<String>,
    /// The base stylesheet.
    pub base_css_url: String,
    /// The page script (the as-you-type password checklist); none in previews.
    pub script_url: Option<String>,
}

/// A form field.
#[derive(Clone, Debug, Default)]
pub struct Field {
    /// `name` (also the id).
    pub name: String,
    /// Label text.
    pub label: String,
    /// `type` (text, email, password, tel, ...).
    pub kind: String,
    /// Current value (never for passwords).
    pub value: String,
    /// `autocomplete`.
    pub autocomplete: String,
    /// Required.
    pub required: bool,
    /// Help text under the input (the password policy, ...).
    pub hints: Vec<String>,
    /// Machine-readable rule of each hint (`min:8`, `lower`, `upper`, `digit`, `symbol`),
    /// which the page script checks off as the user types.
    pub hint_rules: Vec<String>,
    /// Error tied to this field.
    pub error: Option<String>,
    /// `inputmode` (numeric for codes).
    pub inputmode: Option<String>,
}

impl Field {
    /// A field with the common settings.
    pub fn new(name: &str, label: &str, kind: &str, autocomplete: &str) -> Self {
        Field {
            name: name.into(),
            label: label.into(),
            kind: kind.into(),
            autocomplete: autocomplete.into(),
            required: true,
            ..Default::default()
        }
    }
}

/// A link under the form.
#[derive(Clone, Debug)]
pub struct Link {
    /// Submits the page's form to `href` instead of following a link (actions such as
    /// "send a new code" post with the form's CSRF token and hidden fields).
    pub post: bool,
    /// Target.
    pub href: String,
    /// Text.
    pub text: String,
}

/// A page with one form.
#[derive(Clone, Debug, Default)]
pub struct FormPage {
    /// Branding and title.
    pub chrome: Chrome,
    /// Where the form posts.
    pub action: String,
    /// Hidden inputs (the authorization request, the CSRF token, ...).
    pub hidden: Vec<(String, String)>,
    /// Visible inputs.
    pub fields: Vec<Field>,
    /// Submit button text.
    pub submit: String,
    /// An error about the whole form.
    pub error: Option<String>,
    /// A notice (code sent, password changed, ...).
    pub notice: Option<String>,
    /// Introductory text.
    pub intro: Option<String>,
    /// Links under the form.
    pub links: Vec<Link>,
    /// Choices, each its own submit button posting `choice=<value>` (instead of `submit`).
    pub choices: Vec<(String, String)>,
    /// A QR code to scan (authenticator set-up), with its text beside it.
    pub qr: Option<Qr>,
    /// One-time codes to write down (recovery codes), shown as a list.
    pub codes: Vec<String>,
}

/// A QR code as dark/light modules, drawn as SVG on the server (no script, no image).
#[derive(Clone, Debug, Default)]
pub struct Qr {
    /// Modules per side.
    pub width: usize,
    /// Row-major, `true` for dark.
    pub dark: Vec<bool>,
    /// What to type where scanning is not possible.
    pub text: String,
}

fn qr_view(q: Qr) -> impl IntoView {
    // One path of unit squares, with the four-module quiet zone.
    let mut d = String::new();
    for (i, dark) in q.dark.iter().enumerate() {
        if *dark && q.width > 0 {
            d.push_str(&format!("M{},{}h1v1h-1z", i % q.width + 4, i / q.width + 4));
        }
    }
    let side = q.width + 8;
    view! {
        <figure class="cg-qr">
            <svg xmlns="http://www.w3.org/2000/svg" viewBox=format!("0 0 {side} {side}") width="200" height="200"
                role="img" aria-label="QR code for your authenticator app" shape-rendering="crispEdges">
                <rect width=side.to_string() height=side.to_string() fill="#fff" />
                <path d=d fill="#000" />
            </svg>
            <figcaption class="cg-hint">"Or enter this key: "<code class="cg-secret">{q.text}</code></figcaption>
        </figure>
    }
}

#[component]
fn Frame(chrome: Chrome, children: Children) -> impl IntoView {
    let title = chrome.title.clone();
    view! {
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <meta name="referrer" content="same-origin" />
                <title>{format!("{} · {}", chrome.title, chrome.app_name)}</title>
                <link rel="stylesheet" href=chrome.base_css_url.clone() />
                {chrome.script_url.clone().map(|u| view! { <script src=u defer=true></script> })}
                {chrome.css_url.clone().map(|u| view! { <link rel="stylesheet" href=u /> })}
            </head>
            <body>
                <main class="cg-page">
                    <div class="cg-card">
                        {chrome.logo_url.clone().map(|u| view! {
                            <img class="cg-logo" src=u alt=format!("{} logo", chrome.app_name) />
                        })}
                        <p class="cg-app">{chrome.app_name.clone()}</p>
                        <h1 class="cg-title">{title}</h1>
                        {children()}
                    </div>
                </main>
            </body>
        </html>
    }
}

fn field_view(f: Field) -> impl IntoView {
    let hint_id = format!("{}-hint", f.name);
    let error_id = format!("{}-error", f.name);
    let mut described: Vec<String> = Vec::new();
    if !f.hints.is_empty() {
        described.push(hint_id.clone());
    }
    if f.error.is_some() {
        described.push(error_id.clone());
    }
    let describedby = (!described.is_empty()).then(|| described.join(" "));
    let invalid = f.error.is_some().then_some("true");
    let value = (f.kind != "password").then(|| f.value.clone());
    view! {
        <div class="cg-field">
            <label class="cg-label" for=f.name.clone()>{f.label.clone()}</label>
            <input class="cg-input" id=f.name.clone() name=f.name.clone() type=f.kind.clone()
                autocomplete=f.autocomplete.clone() required=f.required value=value
                inputmode=f.inputmode.clone() aria-describedby=describedby aria-invalid=invalid maxlength="2048" />
            {(!f.hints.is_empty()).then(|| view! {
                <div class="cg-hint" id=hint_id>
                    <ul>{f.hints.iter().enumerate().map(|(i, h)| {
                        let rule = f.hint_rules.get(i).cloned();
                        view! { <li data-rule=rule>{h.clone()}</li> }
                    }).collect_view()}</ul>
                </div>
            })}
            {f.error.clone().map(|e| view! { <p class="cg-field-error" id=error_id role="alert">{e}</p> })}
        </div>
    }
}

/// A page with one form.
#[component]
pub fn FormView(page: FormPage) -> impl IntoView {
    let FormPage { chrome, action, hidden, fields, submit, error, notice, intro, links, choices, qr, codes } = page;
    let buttons = if choices.is_empty() {
        view! { <button class="cg-button" type="submit">{submit}</button> }.into_any()
    } else {
        choices
            .into_iter()
            .map(|(value, label)| view! { <button class="cg-button" type="submit" name="choice" value=value>{label}</button> })
            .collect_view()
            .into_any()
    };
    view! {
        <Frame chrome>
            {notice.map(|n| view! { <p class="cg-notice" role="status">{n}</p> })}
            {error.map(|e| view! { <p class="cg-error" role="alert" id="form-error">{e}</p> })}
            {intro.map(|t| view! { <p class="cg-hint">{t}</p> })}
            {qr.map(qr_view)}
            {(!codes.is_empty()).then(|| view! {
                <ul class="cg-codes" aria-label="Recovery codes">
                    {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                </ul>
            })}
            <form class="cg-form" id="cg-form" method="post" action=action novalidate=false>
                {hidden.into_iter().map(|(k, v)| view! { <input type="hidden" name=k value=v /> }).collect_view()}
                {fields.into_iter().map(field_view).collect_view()}
                {buttons}
            </form>
            {(!links.is_empty()).then(|| view! {
                <nav class="cg-links" aria-label="More options">
                    {links.into_iter().map(|l| if l.post {
                        view! {
                            <button class="cg-link cg-link-button" type="submit" form="cg-form" formaction=l.href formnovalidate=true>{l.text}</button>
                        }.into_any()
                    } else {
                        view! { <a class="cg-link" href=l.href>{l.text}</a> }.into_any()
                    }).collect_view()}
                </nav>
            })}
        </Frame>
    }
}

/// An error page (a request that cannot be sent back to the application).
#[component]
pub fn ErrorView(chrome: Chrome, message: String) -> impl IntoView {
    view! {
        <Frame chrome>
            <p class="cg-error" role="alert">{message}</p>
            <p class="cg-hint">"Return to the application and try again. If the problem continues, contact its administrator."</p>
        </Frame>
    }
}

/// Renders a hosted page to a complete HTML document.
#[cfg(feature = "ssr")]
pub fn render(view: impl FnOnce() -> AnyView) -> String {
    let owner = Owner::new();
    let html = owner.with(|| view().to_html());
    format!("<!DOCTYPE html>{html}")
}

/// The form page as HTML.
#[cfg(feature = "ssr")]
pub fn render_form(page: FormPage) -> String {
    render(move || view! { <FormView page /> }.into_any())
}

/// The error page as HTML.
#[cfg(feature = "ssr")]
pub fn render_error(chrome: Chrome, message: String) -> String {
    render(move || view! { <ErrorView chrome message /> }.into_any())
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn renders_a_labelled_form() {
        let mut f = Field::new("username", "Username", "text", "username");
        f.error = Some("bad".into());
        let html = render_form(FormPage {
            chrome: Chrome {
                title: "Sign in".into(),
                app_name: "App".into(),
                script_url: Some("/oauth2/hosted.js".into()),
                ..Default::default()
            },
            action: "/login".into(),
            hidden: vec![("a".into(), "x\"y".into())],
            fields: vec![f],
            submit: "Go".into(),
            ..Default::default()
        });
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
        assert!(html.contains("<label for=\"username\""), "labelled");
        assert!(html.contains("aria-describedby=\"username-error\" aria-invalid=\"true\""), "error tied to the field");
        assert!(html.contains("value=\"x&quot;y\""), "values are escaped");
        assert!(html.contains("<script src=\"/oauth2/hosted.js\" defer"), "one external script");
        assert!(!html.contains("<script>"), "no inline script");
        let preview = render_form(FormPage { chrome: Chrome::default(), ..Default::default() });
        assert!(!preview.contains("<script"), "no script without a script URL (previews)");
    }
}
