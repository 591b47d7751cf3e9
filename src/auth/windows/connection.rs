//! The one kept HTTP/1.1 connection a Windows sign-in talks over.
//!
//! NTLM signs in a TCP connection, not a request: its CHALLENGE and AUTHENTICATE legs, and every
//! request after them, must go over the connection that carried the NEGOTIATE. A pooled client
//! cannot promise that: reqwest (hyper-util's pool) hands a connection back to its pool on a
//! background task after the response body ends, so the next request may race it and open a
//! second connection. [`KeptConnection`] holds the connection itself instead (hyper's HTTP/1.1
//! `SendRequest`): a request waits until the previous response is read and the connection is
//! ready again, and only a connection the server closed is replaced by a new one.
//!
//! TLS trusts what reqwest's client trusts here: the system's certificate store, the Mozilla
//! roots, and a server's private certificate authorities (`--ca-file`). An https server is
//! reached through the proxy of `HTTPS_PROXY` / `ALL_PROXY` (unless `NO_PROXY` names it) in a
//! CONNECT tunnel, which carries the TLS connection end to end, so NTLM still signs in the
//! connection to the server. A plain-http server is reached directly: a forwarding proxy would
//! make NTLM sign in the proxy's connection instead.

use crate::azure::error::{ApiError, MAX_BODY_BYTES};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::proxy::matcher::Matcher as ProxyMatcher;
use hyper_util::rt::TokioIo;
use reqwest::header;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::rustls::{self, pki_types};
use tower_service::Service;

/// Where a connection goes: scheme, host and port.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    https: bool,
    host: url::Host<String>,
    port: u16,
}

impl Origin {
    fn of(url: &url::Url) -> Result<Self, ApiError> {
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            other => {
                return Err(ApiError::Config(format!(
                    "Windows sign-in needs an http or https URL, not {other}"
                )));
            }
        };
        let host = url
            .host()
            .map(|h| h.to_owned())
            .ok_or_else(|| ApiError::Config(format!("the URL {url} has no host")))?;
        let port = url
            .port_or_known_default()
            .unwrap_or(if https { 443 } else { 80 });
        Ok(Self { https, host, port })
    }

    /// `host:port` for DNS (IPv6 in brackets).
    fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

struct Kept {
    origin: Origin,
    sender: SendRequest<Full<Bytes>>,
    /// When its last exchange ended.
    idle_since: Instant,
}

/// A connection idle longer is replaced rather than reused: a NAT or firewall may have dropped
/// it without a word (reqwest's pool uses the same limit; IIS closes idle ones after 120 s).
const MAX_IDLE: Duration = Duration::from_secs(90);

/// TCP keepalive probes after this much silence, as reqwest sets.
const TCP_KEEPALIVE: Duration = Duration::from_secs(15);

/// One kept connection, used by one request at a time.
pub struct KeptConnection {
    extra_roots: Vec<pki_types::CertificateDer<'static>>,
    /// Built on the first https connection (reading the system's store takes a moment).
    tls: std::sync::OnceLock<Arc<rustls::ClientConfig>>,
    connect_timeout: Duration,
    request_timeout: Duration,
    kept: tokio::sync::Mutex<Option<Kept>>,
    opened: AtomicUsize,
    /// [`MAX_IDLE`], shorter in tests.
    max_idle: Duration,
    /// The proxies of the environment.
    proxies: ProxyMatcher,
}

impl std::fmt::Debug for KeptConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeptConnection")
            .field("opened", &self.opened.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// The TLS settings: the system's roots, Mozilla's, and `extra_roots` (DER).
fn tls_config(
    extra_roots: &[pki_types::CertificateDer<'static>],
) -> Result<rustls::ClientConfig, ApiError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    // Stores often hold a few certificates rustls cannot parse: skip those, as reqwest does.
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    for cert in extra_roots {
        roots.add(cert.clone()).map_err(|e| {
            ApiError::Config(format!("a certificate of the CA file cannot be used: {e}"))
        })?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ApiError::Config(format!("cannot set up TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// A network error: `what`, then the error and its causes.
fn network(what: &str, e: &(dyn std::error::Error + 'static)) -> ApiError {
    ApiError::Network(format!(
        "{what}: {}",
        crate::azure::transport::error_chain(e)
    ))
}

impl KeptConnection {
    /// A connection (opened on the first request) trusting `extra_roots` besides the system's.
    pub fn new(
        extra_roots: &[pki_types::CertificateDer<'static>],
        connect_timeout: Duration,
        request_timeout: Duration,
    ) -> KeptConnection {
        KeptConnection {
            extra_roots: extra_roots.to_vec(),
            tls: std::sync::OnceLock::new(),
            connect_timeout,
            request_timeout,
            kept: tokio::sync::Mutex::new(None),
            opened: AtomicUsize::new(0),
            max_idle: MAX_IDLE,
            proxies: ProxyMatcher::from_env(),
        }
    }

    /// The TLS settings, made on the first https connection (reading the system's certificate
    /// store blocks, so it runs off the async workers).
    async fn tls(&self) -> Result<Arc<rustls::ClientConfig>, ApiError> {
        if let Some(c) = self.tls.get() {
            return Ok(c.clone());
        }
        let extra = self.extra_roots.clone();
        let config = tokio::task::spawn_blocking(move || tls_config(&extra))
            .await
            .map_err(|e| ApiError::Config(format!("cannot set up TLS: {e}")))??;
        Ok(self.tls.get_or_init(|| Arc::new(config)).clone())
    }

    /// Closes the kept connection: the next request opens a new one (after a failed sign-in,
    /// whose connection a server may keep in a state where a new handshake fails).
    pub async fn forget(&self) {
        *self.kept.lock().await = None;
    }

    /// How many TCP connections were opened so far.
    pub fn opened(&self) -> usize {
        self.opened.load(Ordering::Relaxed)
    }

    /// Sends `req` over the kept connection (a new one when there is none, it goes elsewhere, it
    /// sat idle too long, or the server closed it) and reads the whole response, so the
    /// connection is free again when this returns.
    pub async fn send(&self, req: reqwest::Request) -> Result<reqwest::Response, ApiError> {
        let timeout = req.timeout().copied().unwrap_or(self.request_timeout);
        tokio::time::timeout(timeout, self.send_within(req, Reuse::OrConnect))
            .await
            .map_err(|_| ApiError::Timeout)?
            .and_then(|sent| {
                sent.ok_or_else(|| ApiError::Network("the request was not sent".into()))
            })
    }

    /// Sends the next leg of a handshake over the connection the previous leg went over, and
    /// never over another: `Ok(None)` when that connection is gone (nothing was sent; a leg on
    /// a new connection would be refused, and NTLM's would look like a wrong password).
    pub async fn send_continuing(
        &self,
        req: reqwest::Request,
    ) -> Result<Option<reqwest::Response>, ApiError> {
        let timeout = req.timeout().copied().unwrap_or(self.request_timeout);
        tokio::time::timeout(timeout, self.send_within(req, Reuse::Only))
            .await
            .map_err(|_| ApiError::Timeout)?
    }

    async fn send_within(
        &self,
        req: reqwest::Request,
        reuse: Reuse,
    ) -> Result<Option<reqwest::Response>, ApiError> {
        let origin = Origin::of(req.url())?;
        let mut request = to_hyper(&req)?;
        let mut kept = self.kept.lock().await;
        if kept
            .as_ref()
            .is_some_and(|k| k.origin != origin || k.idle_since.elapsed() > self.max_idle)
        {
            // Elsewhere, or idle so long that a firewall may have dropped it silently.
            *kept = None;
        }
        if let Some(k) = kept.as_mut() {
            // Waits until the connection has finished the previous exchange; an error means the
            // server closed it.
            if k.sender.ready().await.is_ok() {
                match k.sender.try_send_request(request).await {
                    Ok(resp) => {
                        let read = read_whole(resp).await;
                        k.idle_since = Instant::now();
                        return read.map(Some);
                    }
                    Err(mut e) => match e.take_message() {
                        // Not sent: the connection closed just now.
                        Some(unsent) => request = unsent,
                        None => {
                            *kept = None;
                            return Err(network("the connection broke off", e.error()));
                        }
                    },
                }
            }
        }
        *kept = None;
        if reuse == Reuse::Only {
            return Ok(None);
        }
        let mut sender = self.connect(&origin).await?;
        let resp = sender
            .send_request(request)
            .await
            .map_err(|e| network("the request failed", &e))?;
        let read = read_whole(resp).await;
        *kept = Some(Kept {
            origin,
            sender,
            idle_since: Instant::now(),
        });
        read.map(Some)
    }

    async fn connect(&self, origin: &Origin) -> Result<SendRequest<Full<Bytes>>, ApiError> {
        let address = origin.address();
        // hyper-util's connector, as reqwest's: each resolved address in turn with happy
        // eyeballs, the connect timeout, no Nagle, TCP keepalive.
        let mut tcp_connector = HttpConnector::new();
        tcp_connector.enforce_http(false);
        tcp_connector.set_nodelay(true);
        tcp_connector.set_keepalive(Some(TCP_KEEPALIVE));
        tcp_connector.set_connect_timeout(Some(self.connect_timeout));
        let scheme = if origin.https { "https" } else { "http" };
        let dst: hyper::Uri = format!("{scheme}://{address}/")
            .parse()
            .map_err(|e| ApiError::Config(format!("{address} is not a host and port: {e}")))?;
        let proxy = match origin.https {
            true => self.proxies.intercept(&dst),
            false => None,
        };
        let tcp = match proxy {
            None => tcp_connector
                .call(dst)
                .await
                .map_err(|e| network(&format!("cannot connect to {address}"), &e))?,
            Some(p) => {
                // Named by host and port only: the proxy's URL may hold a user and password.
                let via = format!(
                    "{}:{}",
                    p.uri().host().unwrap_or_default(),
                    p.uri().port_u16().unwrap_or(80)
                );
                let mut tunnel = Tunnel::new(p.uri().clone(), tcp_connector);
                if let Some(auth) = p.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                tokio::time::timeout(self.connect_timeout, tunnel.call(dst))
                    .await
                    .map_err(|_| {
                        ApiError::Network(format!(
                            "the proxy {via} did not open a tunnel to {address} in time"
                        ))
                    })?
                    .map_err(|e| {
                        network(
                            &format!(
                                "cannot reach {address} through the proxy {via} (HTTPS_PROXY)"
                            ),
                            &e,
                        )
                    })?
            }
        }
        .into_inner();
        let io: Box<dyn Io> = if origin.https {
            let name = match &origin.host {
                url::Host::Domain(d) => pki_types::ServerName::try_from(d.clone())
                    .map_err(|e| ApiError::Config(format!("{d} is not a TLS server name: {e}")))?,
                url::Host::Ipv4(ip) => pki_types::ServerName::IpAddress((*ip).into()),
                url::Host::Ipv6(ip) => pki_types::ServerName::IpAddress((*ip).into()),
            };
            let connector = tokio_rustls::TlsConnector::from(self.tls().await?);
            let tls = tokio::time::timeout(self.connect_timeout, connector.connect(name, tcp))
                .await
                .map_err(|_| ApiError::Network(format!("TLS with {address} timed out")))?
                .map_err(|e| {
                    crate::azure::transport::with_certificate_hint(network(
                        &format!("TLS with {address} failed"),
                        &e,
                    ))
                })?;
            Box::new(tls)
        } else {
            Box::new(tcp)
        };
        let (sender, connection) = http1::handshake(TokioIo::new(io))
            .await
            .map_err(|e| network(&format!("HTTP with {address} failed"), &e))?;
        // Drives the connection until it closes (server, error, or the sender dropped).
        tokio::spawn(async move {
            let _ = connection.await;
        });
        self.opened.fetch_add(1, Ordering::Relaxed);
        Ok(sender)
    }
}

/// Whether a request may open a new connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reuse {
    OrConnect,
    Only,
}

/// The request as hyper sends it on a direct connection: origin-form target, `Host`, the
/// client's `User-Agent`, and the body.
fn to_hyper(req: &reqwest::Request) -> Result<hyper::Request<Full<Bytes>>, ApiError> {
    let url = req.url();
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let host = &url[url::Position::BeforeHost..url::Position::AfterPort];
    let body = match req.body() {
        None => Bytes::new(),
        Some(b) => Bytes::copy_from_slice(b.as_bytes().ok_or_else(|| {
            ApiError::Config("Windows sign-in sends whole bodies, not streams".into())
        })?),
    };
    let mut out = hyper::Request::builder()
        .method(req.method().clone())
        .uri(target)
        .body(Full::new(body))
        .map_err(|e| ApiError::Config(format!("cannot build the request: {e}")))?;
    let headers = out.headers_mut();
    headers.clone_from(req.headers());
    headers.insert(
        header::HOST,
        header::HeaderValue::from_str(host)
            .map_err(|_| ApiError::Config(format!("{host} cannot go in a Host header")))?,
    );
    if !headers.contains_key(header::USER_AGENT) {
        headers.insert(
            header::USER_AGENT,
            header::HeaderValue::from_static(concat!("patui/", env!("CARGO_PKG_VERSION"))),
        );
    }
    Ok(out)
}

/// Reads the whole body (at most [`MAX_BODY_BYTES`]) and hands the response back as reqwest's.
async fn read_whole(
    resp: hyper::Response<hyper::body::Incoming>,
) -> Result<reqwest::Response, ApiError> {
    let (parts, body) = resp.into_parts();
    let bytes = Limited::new(body, MAX_BODY_BYTES)
        .collect()
        .await
        .map_err(|e| {
            if e.is::<http_body_util::LengthLimitError>() {
                ApiError::Malformed(format!(
                    "the response is larger than {} MiB",
                    MAX_BODY_BYTES / (1024 * 1024)
                ))
            } else {
                ApiError::Truncated(format!("the response body broke off: {e}"))
            }
        })?
        .to_bytes();
    Ok(reqwest::Response::from(hyper::Response::from_parts(
        parts, bytes,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

    /// A loopback HTTP/1.1 server answering each request with the number of the connection it
    /// came on; it closes each connection after `per_connection` requests. Returns its URL and
    /// how many connections it accepted.
    async fn server(per_connection: usize) -> (String, Arc<AtomicUsize>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let n = count.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::spawn(async move {
                    let (r, mut w) = stream.into_split();
                    let mut r = BufReader::new(r);
                    for i in 0..per_connection {
                        let mut length = 0usize;
                        let mut host = String::new();
                        loop {
                            let mut line = String::new();
                            if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                                return;
                            }
                            let lower = line.to_ascii_lowercase();
                            if let Some(v) = lower.strip_prefix("content-length:") {
                                length = v.trim().parse().unwrap_or(0);
                            }
                            if let Some(v) = lower.strip_prefix("host:") {
                                host = v.trim().to_owned();
                            }
                            if line == "\r\n" {
                                break;
                            }
                        }
                        let mut body = vec![0; length];
                        r.read_exact(&mut body).await.unwrap();
                        let last = i + 1 == per_connection;
                        let answer = format!(
                            "connection {n}, host {host}, body {}",
                            String::from_utf8_lossy(&body)
                        );
                        let head = format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n{}\r\n",
                            answer.len(),
                            if last { "Connection: close\r\n" } else { "" }
                        );
                        w.write_all(format!("{head}{answer}").as_bytes())
                            .await
                            .unwrap();
                    }
                });
            }
        });
        (url, accepted)
    }

    fn request(url: &str, body: &str) -> reqwest::Request {
        let mut r = reqwest::Request::new(reqwest::Method::POST, url.parse().unwrap());
        *r.body_mut() = Some(body.to_owned().into());
        r
    }

    async fn text(c: &KeptConnection, url: &str, body: &str) -> String {
        let resp = c.send(request(url, body)).await.unwrap();
        String::from_utf8(resp.bytes().await.unwrap().to_vec()).unwrap()
    }

    fn connection() -> KeptConnection {
        KeptConnection::new(&[], Duration::from_secs(5), Duration::from_secs(5))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_request_goes_over_the_one_connection() {
        let (url, accepted) = server(usize::MAX).await;
        let c = connection();
        let host = url.trim_start_matches("http://").trim_end_matches('/');
        for i in 0..50 {
            let answer = text(&c, &format!("{url}x?i={i}"), &i.to_string()).await;
            assert_eq!(answer, format!("connection 1, host {host}, body {i}"));
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 1);
        assert_eq!(c.opened(), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_connection_the_server_closed_is_replaced() {
        let (url, accepted) = server(2).await;
        let c = connection();
        let mut seen = Vec::new();
        for i in 0..6 {
            seen.push(text(&c, &url, &i.to_string()).await);
        }
        let connections: Vec<&str> = seen.iter().map(|s| &s[..12]).collect();
        assert_eq!(
            connections,
            [
                "connection 1",
                "connection 1",
                "connection 2",
                "connection 2",
                "connection 3",
                "connection 3"
            ]
        );
        assert_eq!(accepted.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_handshake_leg_never_goes_over_a_new_connection() {
        let (url, accepted) = server(1).await;
        let c = connection();
        assert_eq!(text(&c, &url, "first").await[..12], *"connection 1");
        // The server closed the connection after its answer: the next leg is not sent.
        let next = c.send_continuing(request(&url, "second")).await.unwrap();
        assert!(next.is_none());
        assert_eq!(accepted.load(Ordering::SeqCst), 1);
        // A request (not a leg) opens a new one.
        assert_eq!(text(&c, &url, "third").await[..12], *"connection 2");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_connection_idle_too_long_is_replaced() {
        let (url, accepted) = server(usize::MAX).await;
        let mut c = connection();
        c.max_idle = Duration::ZERO;
        for n in 1..=3 {
            let answer = text(&c, &url, "x").await;
            assert_eq!(answer[..12], *format!("connection {n}"));
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_refused_connection_is_a_network_error() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        drop(listener);
        let err = connection().send(request(&url, "")).await.unwrap_err();
        assert!(
            matches!(&err, ApiError::Network(m) if m.contains("cannot connect")),
            "{err:?}"
        );
    }
}
