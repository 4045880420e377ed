//! The console's plain-HTTP parts: sign-in, sign-out and first-time setup form posts
//! (they must work without JavaScript), and the guard that sends signed-out visitors
//! of console pages to the sign-in page. The pages themselves are the Leptos app's.

pub mod auth;
pub mod guard;
pub mod preview;
pub mod setup_gate;

use app::ssr::ConsoleServices;
use setup_gate::SetupGate;
use std::sync::Arc;

/// What the console handlers need.
#[derive(Clone)]
pub struct ConsoleState {
    /// Domain services.
    pub services: ConsoleServices,
    /// First-time setup token, while setup is open.
    pub setup: Arc<SetupGate>,
}
