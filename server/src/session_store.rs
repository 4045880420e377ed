//! tower-sessions' `SessionStore` over the domain's session port, so console sessions
//! live in the same database as everything else. Session ids are stored as SHA-256
//! digests: a copy of the table cannot be replayed as cookies.

use async_trait::async_trait;
use domain::clock::{Clock, Timestamp};
use domain::crypto::sha256_hex;
use domain::ports::{SessionRecordStore, StoreError};
use std::sync::Arc;
use std::time::Duration;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::SessionStore;

/// Console session storage.
#[derive(Clone)]
pub struct DbSessionStore {
    store: Arc<dyn SessionRecordStore>,
    clock: Arc<dyn Clock>,
    idle: Duration,
}

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbSessionStore")
    }
}

impl DbSessionStore {
    /// Sessions in `store` that expire after `idle` without a request.
    pub fn new(store: Arc<dyn SessionRecordStore>, clock: Arc<dyn Clock>, idle: Duration) -> Self {
        DbSessionStore { store, clock, idle }
    }

    /// The server-side expiry is computed here from our clock rather than taken from
    /// tower-sessions' record (which reads the wall clock), so one clock rules both the
    /// idle timeout and the absolute one.
    fn expiry(&self) -> Timestamp {
        self.clock.now().plus(self.idle)
    }
}

fn key(id: &Id) -> String {
    sha256_hex(id.to_string().as_bytes())
}

fn backend(e: StoreError) -> Error {
    Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // Ids are 128 random bits; on the impossible collision, draw again.
        for _ in 0..4 {
            let data = serde_json::to_vec(&*record).map_err(|e| Error::Encode(e.to_string()))?;
            match self.store.create_session(&key(&record.id), &data, self.expiry()).await {
                Ok(()) => return Ok(()),
                Err(StoreError::Conflict(_)) => record.id = Id::default(),
                Err(e) => return Err(backend(e)),
            }
        }
        Err(Error::Backend("could not allocate a session id".into()))
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let data = serde_json::to_vec(record).map_err(|e| Error::Encode(e.to_string()))?;
        self.store.save_session(&key(&record.id), &data, self.expiry()).await.map_err(backend)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let Some(data) = self.store.load_session(&key(id), self.clock.now()).await.map_err(backend)? else {
            return Ok(None);
        };
        serde_json::from_slice(&data).map(Some).map_err(|e| Error::Decode(e.to_string()))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.store.delete_session(&key(id)).await.map_err(backend)
    }
}

/// Deletes expired sessions every few minutes, for as long as the server runs.
pub fn spawn_cleanup(store: Arc<dyn SessionRecordStore>, clock: Arc<dyn Clock>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(300));
        loop {
            tick.tick().await;
            match store.delete_expired_sessions(clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(deleted = n, "expired console sessions removed"),
                Err(e) => tracing::warn!(error = %e, "could not remove expired sessions"),
            }
        }
    })
}
