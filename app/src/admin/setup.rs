//! `/admin/setup`: first-time setup when no operator exists. Guarded by the one-time
//! token that the server prints in its log at start-up; works without JavaScript.

use super::api::take_form_messages;
use crate::components::Alert;
use leptos::prelude::*;
use leptos_meta::Title;

/// The setup page.
#[component]
pub fn SetupPage() -> impl IntoView {
    let state = Resource::new(|| (), |_| take_form_messages());
    view! {
        <Title text="Set up" />
        <main class="auth-page">
            <div class="card">
                <div class="card-brand"><span class="brand-mark" aria-hidden="true">"◆"</span>"Cognate"</div>
                <h1>"Set up Cognate"</h1>
                <p class="muted">"Create the first administrator. The setup token is in the server log."</p>
                <Suspense fallback=|| ()>
                    {move || state.get().map(|s| {
                        let s = s.unwrap_or_default();
                        view! {
                            {s.error.map(|m| view! { <Alert kind="error" message=m id="setup-error" /> })}
                            <form method="post" action="/admin/setup" class="stack">
                                <div class="field">
                                    <label for="token">"Setup token"</label>
                                    <input id="token" name="token" type="password" autocomplete="off" required maxlength="128" />
                                </div>
                                <div class="field">
                                    <label for="email">"Email"</label>
                                    <input id="email" name="email" type="email" autocomplete="username" required
                                        maxlength="254" value=s.email.unwrap_or_default() />
                                </div>
                                <div class="field">
                                    <label for="password">"Password"</label>
                                    <input id="password" name="password" type="password" autocomplete="new-password"
                                        required minlength="12" maxlength="256" aria-describedby="password-hint" />
                                    <p id="password-hint" class="hint">"At least 12 characters."</p>
                                </div>
                                <div class="field">
                                    <label for="confirm">"Confirm password"</label>
                                    <input id="confirm" name="confirm" type="password" autocomplete="new-password"
                                        required minlength="12" maxlength="256" />
                                </div>
                                <button type="submit" class="btn btn-primary">"Create administrator"</button>
                            </form>
                        }
                    })}
                </Suspense>
            </div>
        </main>
    }
}
