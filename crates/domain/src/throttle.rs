//! Sign-in throttling, as Cognito documents its lockout: after five consecutive failed
//! attempts the account is locked for one second, doubling with each further failure
//! up to about fifteen minutes. A success clears the counter; a quiet period as long
//! as the longest lockout forgives old failures.
//!
//! Keys are opaque strings chosen by the caller (for example `operator:<email>`), and a
//! key is counted whether or not its account exists, so a lockout reveals nothing. They
//! are stored as a SHA-256 digest, so a megabyte of typed user name costs 64 bytes.
//!
//! An attempt is *reserved* before the password is verified and *settled* after. While
//! it is in flight it counts against the attempts the account has left, so however many
//! guesses arrive at once, no more are evaluated than could fail before the lock
//! (SECURITY.md A-07; the race keycloak/keycloak#31726 describes). Attempts in flight are
//! counted in this process (a guard gives the slot back however the request ends, even
//! cancelled); failures and locks are stored, shared by every node. So a successful
//! sign-in costs one read, as before; on several nodes each admits its own share of the
//! attempts left.

use crate::clock::Timestamp;
use crate::ports::{StoreError, ThrottleStore};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Failures before the first lockout.
pub const FREE_ATTEMPTS: i64 = 5;
/// The longest lockout.
pub const MAX_LOCKOUT: Duration = Duration::from_secs(15 * 60);

/// Stored state of one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThrottleState {
    /// Consecutive failures.
    pub failures: i64,
    /// When the last failure happened.
    pub last_failure_at: Timestamp,
    /// Attempts before this instant are refused without checking the password.
    pub locked_until: Option<Timestamp>,
    /// Bumped by every write; a write succeeds only on the version it read.
    pub version: i64,
}

/// The lockout that follows the `failures`-th consecutive failure.
pub fn lockout_for(failures: i64) -> Option<Duration> {
    if failures < FREE_ATTEMPTS {
        return None;
    }
    let exp = u32::try_from(failures - FREE_ATTEMPTS).unwrap_or(u32::MAX).min(20);
    Some(Duration::from_secs(1u64 << exp).min(MAX_LOCKOUT))
}

/// How long `state` still locks its key at `now`, if at all.
pub fn remaining_lockout(state: Option<&ThrottleState>, now: Timestamp) -> Option<Duration> {
    let until = state?.locked_until?;
    (until > now).then(|| until.since(now))
}

/// Consecutive failures that still count at `now` (a quiet period as long as the longest
/// lockout forgives them).
fn live_failures(state: Option<&ThrottleState>, now: Timestamp) -> i64 {
    match state {
        Some(s) if now.since(s.last_failure_at) < MAX_LOCKOUT => s.failures,
        _ => 0,
    }
}

/// The state after one more failure at `now`.
pub fn record_failure(state: Option<&ThrottleState>, now: Timestamp) -> ThrottleState {
    let failures = live_failures(state, now) + 1;
    ThrottleState {
        failures,
        last_failure_at: now,
        locked_until: lockout_for(failures).map(|d| now.plus(d)),
        version: state.map_or(0, |s| s.version) + 1,
    }
}

/// How many attempts may be in flight at once: the free attempts left, or one at a time
/// once the free ones are used up (between locks).
fn concurrency_allowed(failures: i64) -> i64 {
    (FREE_ATTEMPTS - failures).max(1)
}

/// The stored key for `scope` (what is throttled: `user`, `operator`) and `name`: a
/// fixed-size digest, whatever the length of `name`.
pub fn key(scope: &str, name: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(scope.as_bytes());
    h.update([0]);
    h.update(name.as_bytes());
    hex::encode(h.finalize())
}

/// Attempts in flight per key, in this process.
#[derive(Default)]
pub struct InFlight(Mutex<HashMap<String, i64>>);

impl InFlight {
    /// Takes a slot for `key`; its number among those in flight (1 = alone).
    fn take(self: &Arc<Self>, key: &str) -> (Slot, i64) {
        let n = match self.0.lock() {
            Ok(mut m) => {
                let n = m.entry(key.to_owned()).or_insert(0);
                *n += 1;
                *n
            }
            Err(_) => 1,
        };
        (Slot { map: self.clone(), key: key.to_owned() }, n)
    }
}

/// A slot in flight; dropping it gives it back.
struct Slot {
    map: Arc<InFlight>,
    key: String,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut m) = self.map.0.lock() {
            if let Some(n) = m.get_mut(&self.key) {
                *n -= 1;
                if *n <= 0 {
                    m.remove(&self.key);
                }
            }
        }
    }
}

/// Why an attempt may not go ahead.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// The key is locked, or as many attempts as it has left are already in flight.
    #[error("locked")]
    Locked(Duration),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An attempt in flight; settle it with [`Reservation::succeeded`] or
/// [`Reservation::failed`]. Dropped unsettled (a hashing error, a cancelled request), it
/// counts neither way.
pub struct Reservation {
    key: String,
    /// The state read when the attempt was admitted.
    read: Option<ThrottleState>,
    _slot: Slot,
}

/// Compare-and-swap rounds before giving up on a contended key.
const MAX_ROUNDS: usize = 32;

/// Reserves one attempt on `key` at `now`: refused while the key is locked or while as
/// many attempts as could still fail before the lock are already in flight.
pub async fn reserve(
    store: &dyn ThrottleStore,
    in_flight: &Arc<InFlight>,
    key: String,
    now: Timestamp,
) -> Result<Reservation, Refused> {
    // The slot is taken before the state is read: every attempt is then either in flight
    // when another reads, or its failure is already stored (counting it twice at worst,
    // which only refuses sooner).
    let (slot, position) = in_flight.take(&key);
    let read = store.find_throttle(&key).await?;
    if let Some(wait) = remaining_lockout(read.as_ref(), now) {
        return Err(Refused::Locked(wait));
    }
    if position > concurrency_allowed(live_failures(read.as_ref(), now)) {
        return Err(Refused::Locked(Duration::from_secs(1)));
    }
    Ok(Reservation { key, read, _slot: slot })
}

impl Reservation {
    /// The attempt succeeded: the key's failures are forgotten (one write, only when
    /// there were any).
    pub async fn succeeded(self, store: &dyn ThrottleStore) -> Result<(), StoreError> {
        if self.read.is_some() {
            store.clear_throttle(&self.key).await?;
        }
        Ok(())
    }

    /// The attempt failed: one more consecutive failure, and the lock that follows.
    pub async fn failed(self, store: &dyn ThrottleStore, now: Timestamp) -> Result<(), StoreError> {
        // Uncontended, the row is still what was read: one write, no second read.
        let mut guess = Some(self.read.clone());
        for _ in 0..MAX_ROUNDS {
            let state = match guess.take() {
                Some(g) => g,
                None => store.find_throttle(&self.key).await?,
            };
            let next = record_failure(state.as_ref(), now);
            if store.swap_throttle(&self.key, state.as_ref(), Some(&next), now).await? {
                return Ok(());
            }
        }
        tracing::warn!("a failed sign-in could not be recorded under contention");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_are_free_then_lockout_doubles_up_to_fifteen_minutes() {
        assert_eq!(lockout_for(4), None);
        assert_eq!(lockout_for(5), Some(Duration::from_secs(1)));
        assert_eq!(lockout_for(6), Some(Duration::from_secs(2)));
        assert_eq!(lockout_for(10), Some(Duration::from_secs(32)));
        assert_eq!(lockout_for(30), Some(MAX_LOCKOUT));
        assert_eq!(lockout_for(i64::MAX), Some(MAX_LOCKOUT));
    }

    #[test]
    fn failures_accumulate_and_lock_until_the_lockout_passes() {
        let t0 = Timestamp(1_000_000);
        let mut s = None;
        for _ in 0..4 {
            s = Some(record_failure(s.as_ref(), t0));
        }
        assert_eq!(remaining_lockout(s.as_ref(), t0), None);
        s = Some(record_failure(s.as_ref(), t0));
        assert_eq!(remaining_lockout(s.as_ref(), t0), Some(Duration::from_secs(1)));
        assert_eq!(remaining_lockout(s.as_ref(), t0.plus(Duration::from_secs(1))), None);
    }

    #[test]
    fn a_long_quiet_period_forgives_old_failures() {
        let t0 = Timestamp(0);
        let mut s = None;
        for _ in 0..5 {
            s = Some(record_failure(s.as_ref(), t0));
        }
        let later = t0.plus(MAX_LOCKOUT + Duration::from_secs(1));
        let s2 = record_failure(s.as_ref(), later);
        assert_eq!(s2.failures, 1);
        assert_eq!(s2.locked_until, None);
    }

    /// An in-memory store with the same compare-and-swap rule as the SQL one.
    #[derive(Default)]
    struct Mem(std::sync::Mutex<std::collections::HashMap<String, ThrottleState>>);

    #[async_trait::async_trait]
    impl ThrottleStore for Mem {
        async fn find_throttle(&self, key: &str) -> Result<Option<ThrottleState>, StoreError> {
            Ok(self.0.lock().unwrap().get(key).cloned())
        }
        async fn swap_throttle(
            &self,
            key: &str,
            expected: Option<&ThrottleState>,
            next: Option<&ThrottleState>,
            _now: Timestamp,
        ) -> Result<bool, StoreError> {
            let mut m = self.0.lock().unwrap();
            if m.get(key).map(|s| s.version) != expected.map(|s| s.version) {
                return Ok(false);
            }
            match next {
                Some(n) => m.insert(key.to_owned(), n.clone()),
                None => m.remove(key),
            };
            Ok(true)
        }
        async fn clear_throttle(&self, key: &str) -> Result<(), StoreError> {
            self.0.lock().unwrap().remove(key);
            Ok(())
        }
        async fn purge_throttles(&self, _before: Timestamp, _now: Timestamp) -> Result<u64, StoreError> {
            Ok(0)
        }
    }

    #[tokio::test]
    async fn no_more_attempts_are_in_flight_than_could_fail_before_the_lock() {
        let store = Mem::default();
        let inf = Arc::new(InFlight::default());
        let t = Timestamp(1_000_000);
        let mut held = Vec::new();
        for _ in 0..FREE_ATTEMPTS {
            held.push(reserve(&store, &inf, "k".into(), t).await.unwrap());
        }
        assert!(matches!(reserve(&store, &inf, "k".into(), t).await, Err(Refused::Locked(_))));
        // A failure uses up a free attempt for good; an attempt dropped unsettled frees its slot.
        held.pop().unwrap().failed(&store, t).await.unwrap();
        assert!(matches!(reserve(&store, &inf, "k".into(), t).await, Err(Refused::Locked(_))));
        drop(held.pop());
        let again = reserve(&store, &inf, "k".into(), t).await.unwrap();
        for r in held.drain(..) {
            r.failed(&store, t).await.unwrap();
        }
        again.failed(&store, t).await.unwrap();
        // Five failures: locked for a second, whatever comes.
        assert_eq!(store.find_throttle("k").await.unwrap().unwrap().failures, 5);
        assert!(matches!(reserve(&store, &inf, "k".into(), t).await, Err(Refused::Locked(_))));
        let later = t.plus(Duration::from_secs(1));
        let one = reserve(&store, &inf, "k".into(), later).await.unwrap();
        // Between locks, one attempt at a time.
        assert!(matches!(reserve(&store, &inf, "k".into(), later).await, Err(Refused::Locked(_))));
        one.succeeded(&store).await.unwrap();
        assert!(store.find_throttle("k").await.unwrap().is_none(), "a success forgets the key");
        assert!(inf.0.lock().unwrap().is_empty(), "every slot was given back");
    }
}
