//! Rate limits by source address and across the whole server, on the two things an
//! attacker repeats cheaply: failed sign-ins (credential stuffing, password spraying
//! across accounts; SECURITY.md A-08) and requests that send a code by e-mail or SMS
//! (mail bombing, SMS pumping). The per-account lockout ([`crate::throttle`]) cannot see
//! either, since each account is tried only once.
//!
//! Each limit is a GCRA bucket (a token bucket stored as one "theoretical arrival time"):
//! `n` events a minute, with a burst of `n`. State lives in this process: on several
//! nodes each node enforces its own share, which bounds the total at nodes × limit.
//! IPv6 sources are counted by their /64, which is what one subscriber usually holds.

use crate::clock::Timestamp;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// Where a request came from: the socket peer, or the address a trusted proxy names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Source(pub IpAddr);

impl Source {
    /// The address limits count by: IPv4 as is, IPv6 by its /64 (v4-mapped as IPv4).
    fn bucket(self) -> IpAddr {
        match self.0 {
            IpAddr::V4(v4) => IpAddr::V4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let s = v6.segments();
                    IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
                }
            },
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The configured rates (events a minute; 0 turns a limit off).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitSettings {
    /// Failed sign-ins one source may make in a minute.
    pub failed_sign_ins_per_source: u32,
    /// Failed sign-ins the whole server accepts in a minute.
    pub failed_sign_ins_global: u32,
    /// Code-sending requests one source may make in a minute.
    pub code_requests_per_source: u32,
    /// Code-sending requests the whole server accepts in a minute.
    pub code_requests_global: u32,
}

impl Default for LimitSettings {
    /// Thirty failed sign-ins a minute per source is far above what a person mistypes and
    /// far below what a stuffing list needs; the global figure (about 50 a second) leaves
    /// half of a 2-core server's argon2 capacity to everyone else under a distributed
    /// spray. Codes: ten a minute per source, 600 a minute in all.
    fn default() -> Self {
        LimitSettings {
            failed_sign_ins_per_source: 30,
            failed_sign_ins_global: 3000,
            code_requests_per_source: 10,
            code_requests_global: 600,
        }
    }
}

/// Entries kept before stale ones are swept.
const SWEEP_AT: usize = 65_536;

/// One GCRA limit over many keys.
struct Bucket<K> {
    /// Milliseconds between events at the steady rate; 0 = unlimited.
    interval: i64,
    /// How far ahead of now the arrival time may run (the burst).
    tolerance: i64,
    tat: Mutex<HashMap<K, i64>>,
}

impl<K: std::hash::Hash + Eq + Copy> Bucket<K> {
    fn per_minute(n: u32) -> Self {
        let interval = if n == 0 { 0 } else { 60_000 / i64::from(n).max(1) };
        Bucket { interval, tolerance: 60_000, tat: Mutex::new(HashMap::new()) }
    }

    /// Whether one more event would be within the limit.
    fn allows(&self, key: K, now: i64) -> bool {
        if self.interval == 0 {
            return true;
        }
        let Ok(map) = self.tat.lock() else { return true };
        let tat = map.get(&key).copied().unwrap_or(now).max(now);
        tat + self.interval - now <= self.tolerance
    }

    /// Counts an event (whether or not it was within the limit; the arrival time never
    /// runs further ahead than the burst, so a flood does not lock a source for longer).
    fn record(&self, key: K, now: i64) {
        if self.interval == 0 {
            return;
        }
        let Ok(mut map) = self.tat.lock() else { return };
        if map.len() >= SWEEP_AT {
            map.retain(|_, t| *t > now);
        }
        let tat = map.get(&key).copied().unwrap_or(now).max(now);
        map.insert(key, (tat + self.interval).min(now + self.tolerance + self.interval));
    }

    /// Checks and counts in one step.
    fn take(&self, key: K, now: i64) -> bool {
        if self.interval == 0 {
            return true;
        }
        let Ok(mut map) = self.tat.lock() else { return true };
        if map.len() >= SWEEP_AT {
            map.retain(|_, t| *t > now);
        }
        let tat = map.get(&key).copied().unwrap_or(now).max(now);
        if tat + self.interval - now > self.tolerance {
            return false;
        }
        map.insert(key, tat + self.interval);
        true
    }
}

/// The server's rate limits.
pub struct Limits {
    failed_by_source: Bucket<IpAddr>,
    failed_global: Bucket<()>,
    codes_by_source: Bucket<IpAddr>,
    codes_global: Bucket<()>,
}

impl Limits {
    /// Limits at the configured rates.
    pub fn new(s: LimitSettings) -> Self {
        Limits {
            failed_by_source: Bucket::per_minute(s.failed_sign_ins_per_source),
            failed_global: Bucket::per_minute(s.failed_sign_ins_global),
            codes_by_source: Bucket::per_minute(s.code_requests_per_source),
            codes_global: Bucket::per_minute(s.code_requests_global),
        }
    }

    /// Whether `source` may try a password now (another failure would be within both limits).
    pub fn may_sign_in(&self, source: Source, now: Timestamp) -> bool {
        self.failed_by_source.allows(source.bucket(), now.millis()) && self.failed_global.allows((), now.millis())
    }

    /// Counts a failed sign-in from `source`.
    pub fn failed_sign_in(&self, source: Source, now: Timestamp) {
        self.failed_by_source.record(source.bucket(), now.millis());
        self.failed_global.record((), now.millis());
    }

    /// Takes one code request for `source`; false when over a limit (nothing is sent).
    pub fn take_code_request(&self, source: Source, now: Timestamp) -> bool {
        self.codes_by_source.take(source.bucket(), now.millis()) && self.codes_global.take((), now.millis())
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::new(LimitSettings::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn ip(s: &str) -> Source {
        Source(s.parse().unwrap())
    }

    #[test]
    fn a_source_gets_its_burst_then_one_per_interval_and_others_are_unaffected() {
        let l = Limits::new(LimitSettings { failed_sign_ins_per_source: 6, ..LimitSettings::default() });
        let t = Timestamp(1_000_000);
        for _ in 0..6 {
            assert!(l.may_sign_in(ip("192.0.2.1"), t));
            l.failed_sign_in(ip("192.0.2.1"), t);
        }
        assert!(!l.may_sign_in(ip("192.0.2.1"), t));
        assert!(l.may_sign_in(ip("192.0.2.2"), t));
        // One interval (10 s at 6 a minute) frees one attempt.
        assert!(l.may_sign_in(ip("192.0.2.1"), t.plus(Duration::from_secs(10))));
    }

    #[test]
    fn ipv6_sources_share_their_slash_64_and_mapped_v4_counts_as_v4() {
        let l = Limits::new(LimitSettings { code_requests_per_source: 2, ..LimitSettings::default() });
        let t = Timestamp(0);
        assert!(l.take_code_request(ip("2001:db8::1"), t));
        assert!(l.take_code_request(ip("2001:db8::ffff:2"), t));
        assert!(!l.take_code_request(ip("2001:db8::3"), t));
        assert!(l.take_code_request(ip("2001:db8:0:1::1"), t));
        assert!(l.take_code_request(ip("::ffff:192.0.2.9"), t));
        assert!(l.take_code_request(ip("192.0.2.9"), t));
        assert!(!l.take_code_request(ip("::ffff:192.0.2.9"), t));
    }

    #[test]
    fn the_global_limit_holds_across_sources_and_zero_means_off() {
        let l = Limits::new(LimitSettings { code_requests_global: 3, ..LimitSettings::default() });
        let t = Timestamp(0);
        let granted = (0..10).filter(|i| l.take_code_request(ip(&format!("198.51.100.{i}")), t)).count();
        assert_eq!(granted, 3);
        let off = Limits::new(LimitSettings { failed_sign_ins_per_source: 0, ..LimitSettings::default() });
        for _ in 0..1000 {
            off.failed_sign_in(ip("192.0.2.1"), t);
        }
        assert!(off.may_sign_in(ip("192.0.2.1"), t));
    }
}
