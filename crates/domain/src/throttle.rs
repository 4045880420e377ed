//! Sign-in throttling, as Cognito documents its lockout: after five consecutive failed
//! attempts the account is locked for one second, doubling with each further failure
//! up to about fifteen minutes. A success clears the counter; a quiet period as long
//! as the longest lockout forgives old failures.
//!
//! Keys are opaque strings chosen by the caller (for example `operator:<email>`), and a
//! key is counted whether or not its account exists, so a lockout reveals nothing.

use crate::clock::Timestamp;
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

/// The state after one more failure at `now`.
pub fn record_failure(state: Option<&ThrottleState>, now: Timestamp) -> ThrottleState {
    let previous = match state {
        Some(s) if now.since(s.last_failure_at) < MAX_LOCKOUT => s.failures,
        _ => 0,
    };
    let failures = previous + 1;
    ThrottleState { failures, last_failure_at: now, locked_until: lockout_for(failures).map(|d| now.plus(d)) }
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
}
