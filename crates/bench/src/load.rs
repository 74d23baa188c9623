//! `load`: a small HTTP load generator for Otmetka's API.
//!
//! Requests come from a JSON Lines file, one per line:
//! `{"method":"GET","path":"/api/v1/…","token":"<access token or API token>"|null,"body":<json>}`
//! (`token` and `body` may be absent; a body is sent as `application/json`). `count` requests are
//! measured, taking the lines round-robin: with `count` = the number of lines (the default) every
//! line is sent exactly once, which is what writes that must not repeat need. `warmup` requests
//! go first (lines round-robin from the first line again; use `--warmup 0` with such writes) and
//! are not measured. `concurrency` workers share one keep-alive client and pull the next request
//! from a shared atomic index. The whole run (warm-up included) is bounded by a deadline; the
//! requests that finished by then are reported.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

/// One line of the requests file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestSpec {
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    pub method: String,
    /// Path and query, appended to the base URL (e.g. `/api/v1/health`).
    pub path: String,
    /// Bearer token (without the `Bearer ` prefix); `null` or absent: no `Authorization`.
    #[serde(default)]
    pub token: Option<String>,
    /// JSON body; `null` or absent: no body.
    #[serde(default)]
    pub body: Option<serde_json::Value>,
}

/// Reads a JSON Lines requests file (blank lines are skipped).
pub fn read_requests(path: &Path) -> anyhow::Result<Vec<RequestSpec>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse_requests(&text).with_context(|| format!("in {}", path.display()))
}

/// Parses JSON Lines request specs (blank lines are skipped).
pub fn parse_requests(text: &str) -> anyhow::Result<Vec<RequestSpec>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let spec: RequestSpec =
            serde_json::from_str(line).with_context(|| format!("line {}", i + 1))?;
        ensure!(
            matches!(
                spec.method.as_str(),
                "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
            ),
            "line {}: method {:?} is not GET, POST, PUT, PATCH or DELETE",
            i + 1,
            spec.method
        );
        ensure!(
            spec.path.starts_with('/'),
            "line {}: path must start with /",
            i + 1
        );
        out.push(spec);
    }
    ensure!(!out.is_empty(), "no requests");
    Ok(out)
}

/// Settings of a run.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// Scheme, host and port (a trailing `/` is ignored), e.g. `http://127.0.0.1:8080`.
    pub base_url: String,
    /// Concurrent workers (≥ 1).
    pub concurrency: usize,
    /// Measured requests.
    pub count: usize,
    /// Unmeasured requests sent first.
    pub warmup: usize,
    /// The whole run's limit.
    pub timeout: Duration,
}

/// One measured request that got a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// From sending the request to having read the whole body, in microseconds.
    pub latency_us: u64,
    /// HTTP status.
    pub status: u16,
    /// The `x-sql-statements` response header, when present and an integer.
    pub sql_statements: Option<u64>,
}

/// Minimum, median and maximum of the `x-sql-statements` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SqlStats {
    /// Smallest value.
    pub min: u64,
    /// Median (nearest rank).
    pub median: u64,
    /// Largest value.
    pub max: u64,
}

/// The result of a run, printed as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Measured requests that finished (with a response or a transport error).
    pub count: usize,
    /// Of them, answered 2xx.
    pub ok: usize,
    /// Answers that were not 2xx, by status.
    pub non_2xx: BTreeMap<String, usize>,
    /// Transport errors (connection refused or reset, bad response…).
    pub errors: usize,
    /// Latency percentiles (nearest rank), mean and maximum in milliseconds over every request
    /// that got a response (2xx or not); `null` when none did.
    pub p50_ms: Option<f64>,
    /// 95th percentile.
    pub p95_ms: Option<f64>,
    /// 99th percentile.
    pub p99_ms: Option<f64>,
    /// Mean.
    pub mean_ms: Option<f64>,
    /// Maximum.
    pub max_ms: Option<f64>,
    /// Wall time of the measured phase in seconds.
    pub wall_s: f64,
    /// `count / wall_s`.
    pub rps: f64,
    /// Over the responses that carried `x-sql-statements`; `null` when none did.
    pub sql_statements: Option<SqlStats>,
    /// Status and the first 300 characters of the body of the first non-2xx answer.
    pub first_error: Option<String>,
    /// The first transport error's message.
    pub first_transport_error: Option<String>,
    /// Measured requests asked for (`--count`).
    pub requested: usize,
    /// The deadline stopped the run before every request finished.
    pub timed_out: bool,
}

/// The nearest-rank percentile `p` (0 < p ≤ 100) of ascending `sorted` values: the value at
/// rank ⌈p·n/100⌉ (1-based); `None` for no values.
pub fn nearest_rank(sorted: &[u64], p: u32) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let rank = (p as usize * n).div_ceil(100).clamp(1, n);
    Some(sorted[rank - 1])
}

/// Microseconds as milliseconds (three decimals).
fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

/// What the workers gathered in the measured phase.
#[derive(Debug, Default, Clone)]
pub struct Outcome {
    /// Requests that got a response.
    pub samples: Vec<Sample>,
    /// Transport errors.
    pub errors: usize,
    /// The first non-2xx answer (by request order): status and start of the body.
    pub first_error: Option<String>,
    /// The first transport error (by request order).
    pub first_transport_error: Option<String>,
    /// The deadline stopped the run.
    pub timed_out: bool,
}

/// Builds the report from the measured phase's outcome.
pub fn summarize(outcome: Outcome, requested: usize, wall: Duration) -> Report {
    let samples = &outcome.samples;
    let mut lat: Vec<u64> = samples.iter().map(|s| s.latency_us).collect();
    lat.sort_unstable();
    let mut non_2xx = BTreeMap::new();
    for s in samples.iter().filter(|s| !(200..300).contains(&s.status)) {
        *non_2xx.entry(s.status.to_string()).or_insert(0) += 1;
    }
    let ok = samples
        .iter()
        .filter(|s| (200..300).contains(&s.status))
        .count();
    let mut sql: Vec<u64> = samples.iter().filter_map(|s| s.sql_statements).collect();
    sql.sort_unstable();
    let sql_statements = match (sql.first(), nearest_rank(&sql, 50), sql.last()) {
        (Some(&min), Some(median), Some(&max)) => Some(SqlStats { min, median, max }),
        _ => None,
    };
    let count = samples.len() + outcome.errors;
    let wall_s = wall.as_secs_f64();
    let mean_ms = if lat.is_empty() {
        None
    } else {
        let sum: u128 = lat.iter().map(|&x| u128::from(x)).sum();
        Some((sum as f64 / lat.len() as f64).round() / 1000.0)
    };
    Report {
        count,
        ok,
        non_2xx,
        errors: outcome.errors,
        p50_ms: nearest_rank(&lat, 50).map(ms),
        p95_ms: nearest_rank(&lat, 95).map(ms),
        p99_ms: nearest_rank(&lat, 99).map(ms),
        mean_ms,
        max_ms: lat.last().copied().map(ms),
        wall_s: (wall_s * 1000.0).round() / 1000.0,
        rps: if wall_s > 0.0 {
            (count as f64 / wall_s * 10.0).round() / 10.0
        } else {
            0.0
        },
        sql_statements,
        first_error: outcome.first_error,
        first_transport_error: outcome.first_transport_error,
        requested,
        timed_out: outcome.timed_out,
    }
}

struct Prepared {
    method: reqwest::Method,
    url: String,
    auth: Option<String>,
    body: Option<String>,
}

fn prepare(base_url: &str, specs: &[RequestSpec]) -> anyhow::Result<Vec<Prepared>> {
    let base = base_url.trim_end_matches('/');
    specs
        .iter()
        .map(|s| {
            Ok(Prepared {
                method: s
                    .method
                    .parse()
                    .with_context(|| format!("method {:?}", s.method))?,
                url: format!("{base}{}", s.path),
                auth: s.token.as_ref().map(|t| format!("Bearer {t}")),
                body: match &s.body {
                    None | Some(serde_json::Value::Null) => None,
                    Some(v) => Some(serde_json::to_string(v)?),
                },
            })
        })
        .collect()
}

/// One request's answer: status, SQL header, latency and (for non-2xx) the start of the body.
struct Answer {
    sample: Sample,
    error_text: Option<String>,
}

async fn send(client: &reqwest::Client, p: &Prepared) -> Result<Answer, reqwest::Error> {
    let mut rb = client.request(p.method.clone(), &p.url);
    if let Some(a) = &p.auth {
        rb = rb.header(reqwest::header::AUTHORIZATION, a);
    }
    if let Some(b) = &p.body {
        rb = rb
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(b.clone());
    }
    let started = Instant::now();
    let resp = rb.send().await?;
    let status = resp.status().as_u16();
    let sql_statements = resp
        .headers()
        .get("x-sql-statements")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    let body = resp.bytes().await?;
    let latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let error_text = (!(200..300).contains(&status)).then(|| {
        let text: String = String::from_utf8_lossy(&body).chars().take(300).collect();
        format!("{status} {text}")
    });
    Ok(Answer {
        sample: Sample {
            latency_us,
            status,
            sql_statements,
        },
        error_text,
    })
}

/// An error and its causes, `: `-separated (reqwest's own message omits the cause).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[derive(Default)]
struct WorkerResult {
    samples: Vec<Sample>,
    errors: usize,
    first_error: Option<(usize, String)>,
    first_transport_error: Option<(usize, String)>,
    timed_out: bool,
}

/// Sends `total` requests (request `i` uses line `i % lines`) with `concurrency` workers until
/// the deadline.
async fn phase(
    client: &reqwest::Client,
    reqs: &Arc<Vec<Prepared>>,
    total: usize,
    concurrency: usize,
    deadline: Instant,
) -> anyhow::Result<Outcome> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::with_capacity(concurrency);
    for _ in 0..concurrency.min(total.max(1)) {
        let client = client.clone();
        let reqs = Arc::clone(reqs);
        let next = Arc::clone(&next);
        handles.push(tokio::spawn(async move {
            let mut r = WorkerResult::default();
            loop {
                if Instant::now() >= deadline {
                    r.timed_out = true;
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let p = &reqs[i % reqs.len()];
                match tokio::time::timeout_at(deadline, send(&client, p)).await {
                    Err(_) => {
                        r.timed_out = true;
                        break;
                    }
                    Ok(Ok(a)) => {
                        if let Some(text) = a.error_text
                            && r.first_error.is_none()
                        {
                            r.first_error = Some((i, text));
                        }
                        r.samples.push(a.sample);
                    }
                    Ok(Err(e)) => {
                        r.errors += 1;
                        if r.first_transport_error.is_none() {
                            r.first_transport_error = Some((i, error_chain(&e)));
                        }
                    }
                }
            }
            r
        }));
    }
    let mut out = Outcome::default();
    let mut first_error: Option<(usize, String)> = None;
    let mut first_transport: Option<(usize, String)> = None;
    for h in handles {
        let r = h.await.context("a worker panicked")?;
        out.samples.extend(r.samples);
        out.errors += r.errors;
        out.timed_out |= r.timed_out;
        for (mine, best) in [
            (r.first_error, &mut first_error),
            (r.first_transport_error, &mut first_transport),
        ] {
            if let Some(m) = mine
                && best.as_ref().is_none_or(|b| m.0 < b.0)
            {
                *best = Some(m);
            }
        }
    }
    out.first_error = first_error.map(|e| e.1);
    out.first_transport_error = first_transport.map(|e| e.1);
    Ok(out)
}

/// Runs the warm-up and the measured phase and reports the measured one.
pub async fn run(cfg: &LoadConfig, specs: &[RequestSpec]) -> anyhow::Result<Report> {
    if cfg.concurrency == 0 {
        bail!("--concurrency must be at least 1");
    }
    let reqs = Arc::new(prepare(&cfg.base_url, specs)?);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(cfg.concurrency)
        .tcp_nodelay(true)
        .build()
        .context("building the HTTP client")?;
    let deadline = Instant::now() + cfg.timeout;
    if cfg.warmup > 0 {
        let w = phase(&client, &reqs, cfg.warmup, cfg.concurrency, deadline).await?;
        if w.timed_out {
            let started = Instant::now();
            return Ok(summarize(
                Outcome {
                    timed_out: true,
                    ..Outcome::default()
                },
                cfg.count,
                started.elapsed(),
            ));
        }
    }
    let started = Instant::now();
    let outcome = phase(&client, &reqs, cfg.count, cfg.concurrency, deadline).await?;
    Ok(summarize(outcome, cfg.count, started.elapsed()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(ms: f64, status: u16, sql: Option<u64>) -> Sample {
        Sample {
            latency_us: (ms * 1000.0) as u64,
            status,
            sql_statements: sql,
        }
    }

    #[test]
    fn nearest_rank_percentiles() {
        // 1..=100: p50 = 50, p95 = 95, p99 = 99, p100 = 100
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(nearest_rank(&v, 50), Some(50));
        assert_eq!(nearest_rank(&v, 95), Some(95));
        assert_eq!(nearest_rank(&v, 99), Some(99));
        assert_eq!(nearest_rank(&v, 100), Some(100));
        // Wikipedia's example: 15, 20, 35, 40, 50 → p30 = 20, p40 = 20, p50 = 35, p100 = 50
        let w = [15, 20, 35, 40, 50];
        assert_eq!(nearest_rank(&w, 30), Some(20));
        assert_eq!(nearest_rank(&w, 40), Some(20));
        assert_eq!(nearest_rank(&w, 50), Some(35));
        assert_eq!(nearest_rank(&w, 100), Some(50));
        // 20 values: p95 is rank 19 exactly (no float rounding up to 20)
        let t: Vec<u64> = (1..=20).map(|x| x * 10).collect();
        assert_eq!(nearest_rank(&t, 95), Some(190));
        assert_eq!(nearest_rank(&t, 99), Some(200));
        assert_eq!(nearest_rank(&[7], 1), Some(7));
        assert_eq!(nearest_rank(&[], 50), None);
    }

    #[test]
    fn summary_of_a_run() {
        // ten answers: 1.5 … 10 ms, two 412s, one 500, SQL header on three; two transport errors
        let samples = vec![
            sample(4.0, 200, Some(3)),
            sample(1.5, 200, Some(5)),
            sample(2.0, 200, None),
            sample(10.0, 500, None),
            sample(3.0, 201, Some(4)),
            sample(2.5, 412, None),
            sample(5.0, 200, None),
            sample(6.0, 204, None),
            sample(7.25, 412, None),
            sample(8.0, 200, None),
        ];
        let outcome = Outcome {
            samples,
            errors: 2,
            first_error: Some("412 {\"code\":\"precondition_failed\"}".into()),
            first_transport_error: Some("connection refused".into()),
            timed_out: false,
        };
        let r = summarize(outcome, 12, Duration::from_millis(2400));
        assert_eq!(r.count, 12);
        assert_eq!(r.ok, 7);
        assert_eq!(r.errors, 2);
        assert_eq!(
            r.non_2xx,
            BTreeMap::from([("412".to_owned(), 2), ("500".to_owned(), 1)])
        );
        // sorted: 1.5 2 2.5 3 4 5 6 7.25 8 10
        assert_eq!(r.p50_ms, Some(4.0)); // rank 5
        assert_eq!(r.p95_ms, Some(10.0)); // rank 10
        assert_eq!(r.p99_ms, Some(10.0));
        assert_eq!(r.max_ms, Some(10.0));
        assert_eq!(r.mean_ms, Some(4.925)); // 49.25 / 10
        assert_eq!(r.wall_s, 2.4);
        assert_eq!(r.rps, 5.0); // 12 / 2.4
        assert_eq!(
            r.sql_statements,
            Some(SqlStats {
                min: 3,
                median: 4,
                max: 5
            })
        );
        assert_eq!(
            r.first_error.as_deref(),
            Some("412 {\"code\":\"precondition_failed\"}")
        );
        let json = serde_json::to_value(&r).unwrap_or_default();
        assert_eq!(json["non_2xx"]["412"], 2);
        assert_eq!(json["sql_statements"]["median"], 4);
    }

    #[test]
    fn summary_of_nothing() {
        let r = summarize(
            Outcome {
                timed_out: true,
                ..Outcome::default()
            },
            5,
            Duration::ZERO,
        );
        assert_eq!((r.count, r.ok, r.errors, r.rps), (0, 0, 0, 0.0));
        assert_eq!((r.p50_ms, r.mean_ms, r.max_ms), (None, None, None));
        assert_eq!(r.sql_statements, None);
        let json = serde_json::to_value(&r).unwrap_or_default();
        assert!(json["sql_statements"].is_null() && json["p95_ms"].is_null());
        assert_eq!(json["timed_out"], true);
    }

    #[test]
    fn request_lines() -> anyhow::Result<()> {
        let specs = parse_requests(
            "{\"method\":\"GET\",\"path\":\"/api/v1/health\",\"token\":null}\n\n\
             {\"method\":\"POST\",\"path\":\"/api/v1/x\",\"token\":\"abc\",\"body\":{\"a\":1}}\n",
        )?;
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[1].token.as_deref(), Some("abc"));
        let p = prepare("http://h:1/", &specs)?;
        assert_eq!(p[0].url, "http://h:1/api/v1/health");
        assert_eq!(p[0].auth, None);
        assert_eq!(p[1].auth.as_deref(), Some("Bearer abc"));
        assert_eq!(p[1].body.as_deref(), Some("{\"a\":1}"));
        assert!(parse_requests("{\"method\":\"GOT\",\"path\":\"/\"}").is_err());
        assert!(parse_requests("{\"method\":\"GET\",\"path\":\"api\"}").is_err());
        assert!(parse_requests("\n").is_err());
        Ok(())
    }

    /// A tiny HTTP/1.1 keep-alive server: `/missing` answers 404, anything else 200 with
    /// `x-sql-statements: 3`; `/slow` never answers. Logs "METHOD PATH AUTH BODY" per request.
    async fn test_server() -> anyhow::Result<(String, Arc<std::sync::Mutex<Vec<String>>>)> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        let server_log = Arc::clone(&log);
        tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                tokio::spawn(serve_conn(conn, Arc::clone(&server_log)));
            }
        });
        Ok((base, log))
    }

    async fn serve_conn(
        mut s: tokio::net::TcpStream,
        log: Arc<std::sync::Mutex<Vec<String>>>,
    ) -> std::io::Result<()> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let head_end = loop {
                if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break p + 4;
                }
                let n = s.read(&mut chunk).await?;
                if n == 0 {
                    return Ok(());
                }
                buf.extend_from_slice(&chunk[..n]);
            };
            let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
            let header = |name: &str| {
                head.lines().find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
                })
            };
            let len: usize = header("content-length")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            while buf.len() < head_end + len {
                let n = s.read(&mut chunk).await?;
                if n == 0 {
                    return Ok(());
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let body = String::from_utf8_lossy(&buf[head_end..head_end + len]).into_owned();
            buf.drain(..head_end + len);
            let mut words = head.split_whitespace();
            let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
            let auth = header("authorization").unwrap_or_else(|| "-".into());
            if let Ok(mut l) = log.lock() {
                l.push(
                    format!("{method} {path} {auth} {body}")
                        .trim_end()
                        .to_owned(),
                );
            }
            let resp: &[u8] = match path {
                "/slow" => {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    return Ok(());
                }
                "/missing" => b"HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\n\r\nnot found",
                _ => b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-sql-statements: 3\r\n\r\nok",
            };
            s.write_all(resp).await?;
        }
    }

    fn config(base_url: &str, count: usize, warmup: usize) -> LoadConfig {
        LoadConfig {
            base_url: base_url.to_owned(),
            concurrency: 3,
            count,
            warmup,
            timeout: Duration::from_secs(20),
        }
    }

    fn lines() -> anyhow::Result<Vec<RequestSpec>> {
        parse_requests(
            r#"{"method":"GET","path":"/a","token":null}
{"method":"POST","path":"/b","token":"t1","body":{"n":1}}
{"method":"GET","path":"/missing"}
{"method":"PUT","path":"/c","token":"t2","body":[1,2]}
{"method":"DELETE","path":"/d","token":"t3"}"#,
        )
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_line_once_by_default() -> anyhow::Result<()> {
        let (base, log) = test_server().await?;
        let specs = lines()?;
        let report = run(&config(&base, specs.len(), 0), &specs).await?;
        let mut got = log.lock().map(|l| l.clone()).unwrap_or_default();
        got.sort();
        assert_eq!(
            got,
            [
                "DELETE /d Bearer t3",
                "GET /a -",
                "GET /missing -",
                "POST /b Bearer t1 {\"n\":1}",
                "PUT /c Bearer t2 [1,2]",
            ]
        );
        assert_eq!((report.count, report.ok, report.errors), (5, 4, 0));
        assert_eq!(report.non_2xx, BTreeMap::from([("404".to_owned(), 1)]));
        assert_eq!(report.first_error.as_deref(), Some("404 not found"));
        assert_eq!(
            report.sql_statements,
            Some(SqlStats {
                min: 3,
                median: 3,
                max: 3
            })
        );
        assert!(!report.timed_out);
        assert!(report.p50_ms.is_some_and(|p| p > 0.0));
        Ok(())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn round_robin_with_warmup() -> anyhow::Result<()> {
        let (base, log) = test_server().await?;
        let specs = lines()?;
        let report = run(&config(&base, 12, 3), &specs).await?;
        assert_eq!(report.count, 12);
        assert_eq!(report.non_2xx.get("404"), Some(&2)); // measured requests 2 and 7
        let got = log.lock().map(|l| l.clone()).unwrap_or_default();
        assert_eq!(got.len(), 15);
        // warm-up: lines 0, 1, 2; measured: 0..12 round-robin → line 0 four times, line 4 twice
        assert_eq!(got.iter().filter(|l| l.starts_with("GET /a")).count(), 4);
        assert_eq!(got.iter().filter(|l| l.starts_with("DELETE /d")).count(), 2);
        Ok(())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn transport_errors_and_deadline() -> anyhow::Result<()> {
        // a port nobody listens on
        let closed = {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            format!("http://{}", l.local_addr()?)
        };
        let specs = lines()?;
        let report = run(&config(&closed, 4, 0), &specs).await?;
        assert_eq!((report.count, report.ok, report.errors), (4, 0, 4));
        let message = report.first_transport_error.unwrap_or_default();
        assert!(message.contains("error sending request"), "{message}");
        assert!(
            message.matches(": ").count() >= 1,
            "the cause is included: {message}"
        );
        assert_eq!(report.p50_ms, None);

        let (base, _log) = test_server().await?;
        let slow = parse_requests(r#"{"method":"GET","path":"/slow"}"#)?;
        let cfg = LoadConfig {
            timeout: Duration::from_millis(300),
            ..config(&base, 10, 0)
        };
        let started = Instant::now();
        let report = run(&cfg, &slow).await?;
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(report.timed_out);
        assert_eq!((report.count, report.requested), (0, 10));
        Ok(())
    }
}
