//! Who is asking: the request's source address for rate limits, events and the audit
//! log. It is the socket peer, unless the peer is a configured trusted proxy; then the
//! right-most address of `X-Forwarded-For` that is not itself a trusted proxy. Headers
//! from anyone else are ignored, and junk in them never changes the source
//! (SECURITY.md A-09): a client cannot name itself someone else.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use domain::limits::Source;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// An address range (`10.0.0.0/8`, `::1/128`; a bare address is its own range).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    bits: u8,
}

impl Cidr {
    /// Parses `address[/bits]`.
    pub fn parse(s: &str) -> Option<Cidr> {
        let (addr, bits) = match s.split_once('/') {
            Some((a, b)) => (a, Some(b.parse::<u8>().ok()?)),
            None => (s, None),
        };
        let net: IpAddr = addr.parse().ok()?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let bits = bits.unwrap_or(max);
        (bits <= max).then_some(Cidr { net, bits })
    }

    /// Whether `ip` is in the range (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.bits)).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.bits)).unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// The configured trusted proxies.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(pub Arc<Vec<Cidr>>);

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }

    /// The source of a request from `peer` with `headers`.
    pub fn source(&self, peer: IpAddr, headers: &HeaderMap) -> Source {
        if !self.trusts(peer) {
            return Source(peer);
        }
        // Walk X-Forwarded-For from the right: each trusted hop vouches for the one
        // before it; the first untrusted (or unparsable) entry ends the walk.
        let mut source = peer;
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>() else { break };
            source = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        Source(source)
    }
}

/// Extractor: the request's [`Source`], from the connection and (behind a trusted proxy)
/// its `X-Forwarded-For`. Only handlers that need it pay for it; the proxies come from
/// an extension the router adds.
pub struct ClientSource(pub Source);

impl<S: Send + Sync> FromRequestParts<S> for ClientSource {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        let source = match parts.extensions.get::<TrustedProxies>() {
            Some(t) => t.source(peer, &parts.headers),
            None => Source(peer),
        };
        Ok(ClientSource(source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    #[test]
    fn ranges_match_by_prefix() {
        let c = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(c.contains("10.200.1.1".parse().unwrap()));
        assert!(c.contains("::ffff:10.0.0.1".parse().unwrap()));
        assert!(!c.contains("11.0.0.1".parse().unwrap()));
        assert!(Cidr::parse("::1").unwrap().contains("::1".parse().unwrap()));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains("203.0.113.9".parse().unwrap()));
        assert_eq!(Cidr::parse("10.0.0.0/33"), None);
        assert_eq!(Cidr::parse("junk"), None);
    }

    #[test]
    fn a09_headers_from_untrusted_peers_are_ignored_and_junk_never_moves_the_source() {
        let none = TrustedProxies::default();
        let peer: IpAddr = "198.51.100.7".parse().unwrap();
        assert_eq!(none.source(peer, &headers(&["203.0.113.1"])).0, peer);
        let proxy = TrustedProxies(Arc::new(vec![Cidr::parse("127.0.0.0/8").unwrap()]));
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        assert_eq!(proxy.source(lo, &headers(&["203.0.113.1"])).0, "203.0.113.1".parse::<IpAddr>().unwrap());
        // A client-supplied left part cannot override what the proxy appended.
        assert_eq!(proxy.source(lo, &headers(&["6.6.6.6, 203.0.113.1"])).0, "203.0.113.1".parse::<IpAddr>().unwrap());
        assert_eq!(proxy.source(lo, &headers(&["a"])).0, lo);
        assert_eq!(proxy.source(lo, &headers(&[&"x".repeat(10_000)])).0, lo);
        assert_eq!(proxy.source(lo, &headers(&[])).0, lo);
    }
}
