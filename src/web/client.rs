//! Who is asking: the client's address, and whether it reached us over HTTPS. Forwarding
//! headers (`Forwarded`, `X-Forwarded-For`, `X-Forwarded-Proto`) are believed only when
//! the socket peer is a trusted proxy; otherwise the peer is the client and the headers are
//! ignored, so a client cannot forge its address.

use crate::config::TrustedProxies;
use actix_web::http::header::HeaderMap;
use std::net::IpAddr;

/// The client of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    /// The client's address: the socket peer, or behind trusted proxies the rightmost
    /// address of the forwarding chain that is not a trusted proxy.
    pub ip: Option<IpAddr>,
    /// The trusted proxy says the client used HTTPS.
    pub https: bool,
}

/// The client of a request whose socket peer is `peer`.
pub fn of(headers: &HeaderMap, peer: Option<IpAddr>, proxies: &TrustedProxies) -> Client {
    let Some(peer) = peer.filter(|p| proxies.contains(*p)) else {
        return Client {
            ip: peer,
            https: false,
        };
    };
    let chain = forwarded_for(headers);
    // From the right: each trusted hop passes on what the one before it said; the first hop
    // that is not trusted is the client. An entry we cannot read ends the walk at the hop
    // that wrote it.
    let mut client = peer;
    for entry in chain.iter().rev() {
        match entry {
            Some(ip) => {
                client = *ip;
                if !proxies.contains(*ip) {
                    break;
                }
            }
            None => break,
        }
    }
    Client {
        ip: Some(client),
        https: forwarded_proto(headers).is_some_and(|p| p.eq_ignore_ascii_case("https")),
    }
}

/// The `for=` addresses of `Forwarded` (RFC 7239) when present, else those of
/// `X-Forwarded-For`, left to right over every instance of the header; `None` for an
/// entry that is not an address (`unknown`, an obfuscated name, garbage).
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<Option<IpAddr>> = elements(headers, "forwarded")
        .filter_map(|element| param(&element, "for").map(|v| parse_node(&v)))
        .collect();
    if !forwarded.is_empty() {
        return forwarded;
    }
    elements(headers, "x-forwarded-for")
        .map(|v| parse_node(&v))
        .collect()
}

/// The scheme the last proxy saw: `Forwarded: proto=` or `X-Forwarded-Proto`.
fn forwarded_proto(headers: &HeaderMap) -> Option<String> {
    elements(headers, "forwarded")
        .filter_map(|element| param(&element, "proto"))
        .last()
        .or_else(|| elements(headers, "x-forwarded-proto").last())
}

/// The comma-separated elements of every instance of the header `name`, in order.
fn elements<'a>(headers: &'a HeaderMap, name: &'static str) -> impl Iterator<Item = String> + 'a {
    headers
        .get_all(name)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// The value of `name=` in one `Forwarded` element (`for=1.2.3.4;proto=https`), unquoted.
fn param(element: &str, name: &str) -> Option<String> {
    element.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().trim_matches('"').to_owned())
    })
}

/// An address as proxies write it: `1.2.3.4`, `1.2.3.4:5678`, `::1`, `[::1]`, `[::1]:80`.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim();
    if let Ok(ip) = node.parse() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    let (host, port) = node.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        map
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn without_trusted_proxies_the_headers_are_ignored() {
        let h = headers(&[
            ("x-forwarded-for", "1.1.1.1"),
            ("x-forwarded-proto", "https"),
        ]);
        let client = of(&h, ip("127.0.0.1"), &TrustedProxies::default());
        assert_eq!(
            client,
            Client {
                ip: ip("127.0.0.1"),
                https: false
            }
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_address_is_the_client() {
        let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        // A forged first entry, the real client, then a second trusted hop.
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6, 203.0.113.7"),
            ("x-forwarded-for", "10.1.2.3"),
            ("x-forwarded-proto", "https"),
        ]);
        let client = of(&h, ip("127.0.0.1"), &proxies);
        assert_eq!(
            client,
            Client {
                ip: ip("203.0.113.7"),
                https: true
            }
        );
        // An untrusted peer's headers change nothing.
        assert_eq!(of(&h, ip("192.0.2.1"), &proxies).ip, ip("192.0.2.1"));
    }

    #[test]
    fn the_forwarded_header_is_read_too() {
        let proxies = TrustedProxies::parse("127.0.0.1").unwrap();
        let h = headers(&[(
            "forwarded",
            "for=6.6.6.6, for=\"[2001:db8::17]:4711\";proto=https",
        )]);
        let client = of(&h, ip("127.0.0.1"), &proxies);
        assert_eq!(
            client,
            Client {
                ip: ip("2001:db8::17"),
                https: true
            }
        );
        let h = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(of(&h, ip("127.0.0.1"), &proxies).ip, ip("127.0.0.1"));
        let h = headers(&[("x-forwarded-for", "198.51.100.2:5555")]);
        assert_eq!(of(&h, ip("127.0.0.1"), &proxies).ip, ip("198.51.100.2"));
    }
}
