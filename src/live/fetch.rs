//! One plain HTTP/1.0 GET, for `http://HOST:PORT/PATH` URLs only, over
//! `std::net::TcpStream`, with timeouts and a size limit.

use super::LiveError;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The largest response read.
pub const MAX_RESPONSE_BYTES: u64 = 64 << 20;

/// Connect and read timeout.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// A URL split into what the request needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    /// `host:port` (port 80 when absent).
    pub authority: String,
    /// Path and query, `/` at least.
    pub path: String,
}

/// Splits an `http://` URL; an error naming what is valid otherwise.
pub fn parse_url(url: &str) -> Result<Url, LiveError> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| LiveError::NotHttp {
            url: url.to_string(),
        })?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if authority.is_empty()
        || authority.contains('@')
        || path.chars().any(|c| c.is_control() || c == ' ')
    {
        return Err(LiveError::BadUrl {
            url: url.to_string(),
        });
    }
    let authority = if authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    Ok(Url {
        authority,
        path: path.to_string(),
    })
}

/// GETs `url`, with `Authorization: Bearer TOKEN` when a token is given;
/// the body of a 200 response, an error with the status line otherwise.
pub fn get(url: &str, token: Option<&str>) -> Result<String, LiveError> {
    let u = parse_url(url)?;
    if token.is_some_and(|t| t.chars().any(|c| c.is_control())) {
        return Err(LiveError::TokenControl);
    }
    let io = |step: &'static str| {
        move |source| LiveError::Io {
            url: url.to_string(),
            step,
            source,
        }
    };
    let response = |what: String| LiveError::Response {
        url: url.to_string(),
        what,
    };
    let addr = u
        .authority
        .to_socket_addrs()
        .map_err(|source| LiveError::Resolve {
            url: url.to_string(),
            authority: u.authority.clone(),
            source,
        })?
        .next()
        .ok_or_else(|| LiveError::NoAddress {
            url: url.to_string(),
            authority: u.authority.clone(),
        })?;
    let mut s = TcpStream::connect_timeout(&addr, TIMEOUT).map_err(io("cannot connect"))?;
    s.set_read_timeout(Some(TIMEOUT)).ok();
    s.set_write_timeout(Some(TIMEOUT)).ok();
    let host = u.authority.trim_end_matches(":80");
    let mut req = format!(
        "GET {} HTTP/1.0\r\nHost: {host}\r\nAccept: application/json\r\nConnection: close\r\n",
        u.path
    );
    if let Some(t) = token {
        req.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())
        .map_err(io("cannot send the request"))?;
    let mut raw = Vec::new();
    s.take(MAX_RESPONSE_BYTES + 1)
        .read_to_end(&mut raw)
        .map_err(io("cannot read the response"))?;
    if raw.len() as u64 > MAX_RESPONSE_BYTES {
        return Err(response(format!(
            "response over {MAX_RESPONSE_BYTES} bytes"
        )));
    }
    let text = String::from_utf8(raw).map_err(|_| response("response is not UTF-8".into()))?;
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| response("not an HTTP response".into()))?;
    let status = head.lines().next().unwrap_or("");
    let code = status.split_whitespace().nth(1).unwrap_or("");
    if code != "200" {
        let reason = body.lines().next().unwrap_or("").trim();
        return Err(LiveError::Status {
            url: url.to_string(),
            status: status.to_string(),
            reason: reason.to_string(),
        });
    }
    Ok(body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            parse_url("http://127.0.0.1:8080/debug/maps?map=x").unwrap(),
            Url {
                authority: "127.0.0.1:8080".into(),
                path: "/debug/maps?map=x".into()
            }
        );
        assert_eq!(
            parse_url("http://localhost").unwrap().authority,
            "localhost:80"
        );
        assert!(parse_url("https://x/")
            .unwrap_err()
            .to_string()
            .contains("only http://"));
        assert!(parse_url("http://u@x/").is_err());
        assert!(parse_url("http:///x").is_err());
        assert!(parse_url("http://x/a b").is_err());
    }

    #[test]
    fn status_and_body() {
        use std::net::TcpListener;
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            for reply in [
                "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"a\":1}",
                "HTTP/1.0 401 Unauthorized\r\n\r\nmapdebug: token required\n",
            ] {
                let (mut c, _) = l.accept().unwrap();
                let mut buf = [0u8; 4096];
                let n = c.read(&mut buf).unwrap();
                let req = String::from_utf8_lossy(&buf[..n]).to_string();
                assert!(req.starts_with("GET /p HTTP/1.0\r\n"), "{req}");
                c.write_all(reply.as_bytes()).unwrap();
            }
        });
        let url = format!("http://{addr}/p");
        assert_eq!(get(&url, Some("t")).unwrap(), "{\"a\":1}");
        let e = get(&url, None).unwrap_err().to_string();
        assert!(e.contains("401") && e.contains("token required"), "{e}");
        server.join().unwrap();
    }
}
