//! `/admin/login`: operator sign-in. A plain HTML form posting to `/admin/login`, so it
//! works without JavaScript; the result comes back as a one-shot flash message.

use super::api::take_form_messages;
use crate::components::Alert;
use leptos::prelude::*;
use leptos_meta::Title;

/// The sign-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let state = Resource::new(|| (), |_| take_form_messages());
    view! {
        <Title text="Sign in" />
        <main class="auth-page">
            <div class="card">
                <div class="card-brand"><span class="brand-mark" aria-hidden="true">"◆"</span>"Cognate"</div>
                <h1>"Sign in to the console"</h1>
                <Suspense fallback=|| ()>
                    {move || state.get().map(|s| {
                        let s = s.unwrap_or_default();
                        view! {
                            {s.notice.map(|m| view! { <Alert kind="notice" message=m /> })}
                            {s.error.clone().map(|m| view! { <Alert kind="error" message=m id="login-error" /> })}
                            <form method="post" action="/admin/login" class="stack">
                                <div class="field">
                                    <label for="email">"Email"</label>
                                    <input id="email" name="email" type="email" autocomplete="username" required
                                        maxlength="254" value=s.email.unwrap_or_default()
                                        aria-describedby=s.error.as_ref().map(|_| "login-error") />
                                </div>
                                <div class="field">
                                    <label for="password">"Password"</label>
                                    <input id="password" name="password" type="password" autocomplete="current-password"
                                        required maxlength="256" />
                                </div>
                                <button type="submit" class="btn btn-primary">"Sign in"</button>
                            </form>
                        }
                    })}
                </Suspense>
            </div>
        </main>
    }
}
