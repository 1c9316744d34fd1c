//! The client's address of a request, believing `X-Forwarded-For` only from trusted proxies. Used by the
//! login throttle and the per-client limits; it reads only the request, never the service's state, so the
//! limits (held in `crate::auth::Auth`, held in the state) can use it without an import cycle.

use std::net::IpAddr;

use actix_web::HttpRequest;

/// The client address of a request: the peer, or, when the peer is a trusted proxy, the last address in
/// `X-Forwarded-For` that is not a trusted proxy.
pub fn client_address(req: &HttpRequest, trusted: &[IpAddr]) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".to_string();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(&peer)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_header_only_from_trusted_proxy() {
        use actix_web::test::TestRequest;
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let req = TestRequest::default()
            .peer_addr("10.0.0.1:5000".parse().unwrap())
            .insert_header(("x-forwarded-for", "203.0.113.9, 10.0.0.1"))
            .to_http_request();
        assert_eq!(client_address(&req, &[proxy]), "203.0.113.9");
        assert_eq!(client_address(&req, &[]), "10.0.0.1");
        let direct = TestRequest::default()
            .peer_addr("198.51.100.7:5000".parse().unwrap())
            .insert_header(("x-forwarded-for", "203.0.113.9"))
            .to_http_request();
        assert_eq!(client_address(&direct, &[proxy]), "198.51.100.7");
    }
}
