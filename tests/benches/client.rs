//! The generated `fincode` client against a plain `reqwest::Client` on one loopback server.
//!
//! An in-process axum (hyper) server on 127.0.0.1 answers every call with one fixed success envelope.
//! Both sides send through one `reqwest::Client`, set up as the generated client sets up its own (a
//! 10 s connect timeout and a 60 s timeout, which the HTTP client applies): they share the pooled
//! connections and the tasks serving them, so the only difference is the generated client's layer.
//! Each case runs in rounds on the same server and runtime; in every round the client and the plain
//! `reqwest` calls each make half their calls, then the other half in the reverse order (client,
//! plain, plain, client; the next round plain, client, client, plain), so that a machine slowing down
//! or speeding up within a round weighs on both sides alike. The plain calls send the same method,
//! path, headers and body, and decode the same envelope into the same types with `serde_json`.
//!
//! ```text
//! cargo bench -p fincode-tests --bench client -- [--rounds 5] [--scale 1.0] [--case KEY] [--out FILE]
//! ```
//!
//! `--case` (`get_small`, `post_10k` or `get_1mb`, repeatable) runs only those cases.
//!
//! Prints a table of calls per second (the median over the rounds), the ratio client/plain (the median
//! of the rounds' ratios) and heap allocations per call, and writes the same as JSON to `--out`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use fincode::types::PendingRepayment;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

/// Counts the heap allocations of the whole process (client, plain calls and server alike).
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is passed on unchanged to the system allocator; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const TOKEN: &str = "x-auth-token-of-the-benchmark";
const USER: &str = "123e4567-e89b-12d3-a456-426614174000";
const PROFILE: &str = "/usermanagement/profile";
const CREATE_PIN: &str = "/securitymanagement/create-user-pin";
const REPAYMENTS: &str = "/user/pending-repayments/123e4567-e89b-12d3-a456-426614174000";
/// The client's `x-fapi-auth-date` (RFC 3339), as the plain calls send it.
const AUTH_DATE: &str = "2024-01-15T10:30:00Z";
const IP: &str = "127.0.0.1";
const INTERACTION: &str = "bench-interaction";

/// The command line.
struct Args {
    rounds: usize,
    scale: f64,
    cases: Vec<Case>,
    out: Option<String>,
}

fn args() -> Args {
    let mut args = Args {
        rounds: 5,
        scale: 1.0,
        cases: Vec::new(),
        out: None,
    };
    let mut words = std::env::args().skip(1);
    while let Some(word) = words.next() {
        match word.as_str() {
            "--rounds" => args.rounds = words.next().and_then(|n| n.parse().ok()).unwrap_or(5),
            "--scale" => args.scale = words.next().and_then(|n| n.parse().ok()).unwrap_or(1.0),
            "--out" => args.out = words.next(),
            "--case" => {
                let key = words.next().unwrap_or_default();
                match Case::ALL.into_iter().find(|case| case.key() == key) {
                    Some(case) => args.cases.push(case),
                    None => panic!("--case {key}: the cases are get_small, post_10k and get_1mb"),
                }
            }
            // `cargo bench` passes `--bench`; other harness flags mean nothing here.
            _ => {}
        }
    }
    args.rounds = args.rounds.max(1);
    if args.cases.is_empty() {
        args.cases = Case::ALL.to_vec();
    }
    args
}

/// The small success envelope of the GET and POST cases.
fn small_envelope() -> Value {
    json!({
        "success": true,
        "data": {"id": USER, "name": "Ada Obi", "email": "ada@example.com", "tier": 2, "active": true},
        "metadata": {"request_id": "req-1", "processing_time_ms": 3}
    })
}

/// The 10 KB JSON object of the POST case.
fn post_body() -> BTreeMap<String, Value> {
    (0..105)
        .map(|i| {
            (
                format!("field{i:03}"),
                json!(format!("{i:03}-{}", "x".repeat(80))),
            )
        })
        .collect()
}

/// A success envelope of about 1 MB: a page of pending repayments.
fn large_envelope() -> Value {
    let mut data = Vec::new();
    let mut n = 0;
    let mut size = 0;
    while size < 1_000_000 {
        let item = json!({
            "loanApplicationId": USER,
            "installmentNumber": n,
            "dueDate": "2024-03-15",
            "amountDue": 27500.25,
            "status": "PENDING",
            "daysOverdue": 0,
        });
        size += item.to_string().len() + 1;
        data.push(item);
        n += 1;
    }
    json!({"success": true, "data": data})
}

/// The server: every route answers its fixed envelope (a POST reads its whole body first).
async fn serve() -> String {
    let small = Bytes::from(small_envelope().to_string());
    let large = Bytes::from(large_envelope().to_string());
    let json = |body: Bytes| ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    let (get_small, post_small) = (small.clone(), small);
    let app = Router::new()
        .route(PROFILE, get(move || async move { json(get_small) }))
        .route(
            CREATE_PIN,
            post(move |body: Bytes| async move {
                assert!(body.len() >= 10_000, "the POST body arrives whole");
                json(post_small)
            }),
        )
        .route(REPAYMENTS, get(move || async move { json(large) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binding 127.0.0.1");
    let address = listener.local_addr().expect("the listener's address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}")
}

/// The envelope as the plain calls decode it.
#[derive(Deserialize)]
struct Envelope<T> {
    success: bool,
    data: T,
}

/// The plain calls: a `reqwest::Client` with the same headers, decoding with `serde_json`.
struct Plain {
    http: reqwest::Client,
    base: String,
}

impl Plain {
    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .header("platform", "fincode")
            .header("uuid", "200")
            .header("x-auth-token", TOKEN)
            .header(header::ACCEPT, "application/json")
            .header(header::USER_AGENT, "fincode/0.1.0")
    }

    async fn send<T: DeserializeOwned>(&self, builder: reqwest::RequestBuilder) -> T {
        let response = builder.send().await.expect("the plain call is answered");
        assert!(response.status().is_success());
        let body = response.bytes().await.expect("the plain body arrives");
        let envelope: Envelope<T> = serde_json::from_slice(&body).expect("the envelope decodes");
        assert!(envelope.success);
        envelope.data
    }

    async fn get_small(&self) -> BTreeMap<String, Value> {
        self.send(self.request(reqwest::Method::GET, PROFILE)).await
    }

    async fn post_10k(&self, body: &BTreeMap<String, Value>) -> BTreeMap<String, Value> {
        let bytes = serde_json::to_vec(body).expect("the body encodes");
        let builder = self
            .request(reqwest::Method::POST, CREATE_PIN)
            .header(header::CONTENT_TYPE, "application/json")
            .body(bytes);
        self.send(builder).await
    }

    async fn get_1mb(&self) -> Vec<PendingRepayment> {
        let builder = self
            .request(reqwest::Method::GET, REPAYMENTS)
            .header("x-fapi-auth-date", AUTH_DATE)
            .header("x-fapi-customer-ip-address", IP)
            .header("x-fapi-interaction-id", INTERACTION);
        self.send(builder).await
    }
}

/// Both ways of making the calls, sharing one server.
struct Callers {
    client: fincode::Client,
    plain: Plain,
    body: BTreeMap<String, Value>,
}

#[derive(Clone, Copy, PartialEq)]
enum Case {
    GetSmall,
    Post10k,
    Get1Mb,
}

impl Case {
    const ALL: [Case; 3] = [Case::GetSmall, Case::Post10k, Case::Get1Mb];

    fn name(self) -> &'static str {
        match self {
            Case::GetSmall => "GET small envelope",
            Case::Post10k => "POST 10 KB JSON",
            Case::Get1Mb => "GET 1 MB envelope",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Case::GetSmall => "get_small",
            Case::Post10k => "post_10k",
            Case::Get1Mb => "get_1mb",
        }
    }

    /// Calls per round at `scale` 1.
    fn calls(self) -> usize {
        match self {
            Case::GetSmall => 8000,
            Case::Post10k => 3000,
            Case::Get1Mb => 96,
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Client,
    Plain,
}

impl Callers {
    /// One call of `case` made by `side`; the result's size, so that nothing is optimised away.
    async fn call(&self, case: Case, side: Side) -> usize {
        match (case, side) {
            (Case::GetSmall, Side::Client) => {
                let response = self.client.customers().get_profile().await;
                response.expect("the client's GET succeeds").data().len()
            }
            (Case::GetSmall, Side::Plain) => self.plain.get_small().await.len(),
            (Case::Post10k, Side::Client) => {
                let call = self.client.auth().create_user_pin(self.body.clone());
                call.await.expect("the client's POST succeeds").data().len()
            }
            (Case::Post10k, Side::Plain) => {
                // The client takes its body by value: the plain call clones it too.
                let body = self.body.clone();
                self.plain.post_10k(&body).await.len()
            }
            (Case::Get1Mb, Side::Client) => {
                let call = self.client.lending().list_pending_repayments(
                    USER,
                    time::macros::datetime!(2024-01-15 10:30:00 UTC),
                    IP,
                    INTERACTION,
                );
                call.await
                    .expect("the client's large GET succeeds")
                    .data()
                    .len()
            }
            (Case::Get1Mb, Side::Plain) => self.plain.get_1mb().await.len(),
        }
    }
}

/// What one timed run measured.
#[derive(Clone, Copy)]
struct Run {
    calls: usize,
    wall_s: f64,
    cpu_s: f64,
}

impl Run {
    fn calls_per_s(&self) -> f64 {
        self.calls as f64 / self.wall_s
    }

    fn cpu_us_per_call(&self) -> f64 {
        self.cpu_s * 1e6 / self.calls as f64
    }

    /// Both runs as one.
    fn and(self, other: Run) -> Run {
        Run {
            calls: self.calls + other.calls,
            wall_s: self.wall_s + other.wall_s,
            cpu_s: self.cpu_s + other.cpu_s,
        }
    }
}

/// The process's CPU time (user + system), all threads: the server's and the callers'.
fn cpu_time() -> Duration {
    // SAFETY: getrusage writes into the zeroed struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// Makes `calls` calls of `case` by `side`, `concurrency` at a time.
async fn timed(
    callers: &Arc<Callers>,
    case: Case,
    side: Side,
    calls: usize,
    concurrency: usize,
) -> Run {
    let cpu = cpu_time();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let callers = Arc::clone(callers);
        let share = calls / concurrency + usize::from(worker < calls % concurrency);
        tasks.push(tokio::spawn(async move {
            let mut total = 0;
            for _ in 0..share {
                total += callers.call(case, side).await;
            }
            total
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.expect("a calling task finishes");
    }
    assert!(total > 0);
    let wall = started.elapsed().as_secs_f64();
    let cpu = (cpu_time() - cpu).as_secs_f64();
    Run {
        calls,
        wall_s: wall,
        cpu_s: cpu,
    }
}

/// Heap allocations per call of `case` by `side`, made one at a time.
async fn allocations(callers: &Callers, case: Case, side: Side) -> f64 {
    const CALLS: u64 = 50;
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..CALLS {
        callers.call(case, side).await;
    }
    (ALLOCATIONS.load(Ordering::Relaxed) - before) as f64 / CALLS as f64
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

/// The result of one case at one concurrency.
struct Row {
    case: Case,
    concurrency: usize,
    client: f64,
    plain: f64,
    ratio: f64,
    ratios: Vec<f64>,
    client_cpu_us: f64,
    plain_cpu_us: f64,
    client_allocations: f64,
    plain_allocations: f64,
}

fn main() {
    let args = args();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let rows = runtime.block_on(bench(&args));
    let mut table = String::new();
    table.push_str(&format!(
        "{:<20} {:>5} {:>12} {:>12} {:>7} {:>10} {:>10} {:>8} {:>8}\n",
        "client vs reqwest",
        "conc",
        "client/s",
        "reqwest/s",
        "ratio",
        "cpu µs c",
        "cpu µs r",
        "allocs c",
        "allocs r"
    ));
    for row in &rows {
        table.push_str(&format!(
            "{:<20} {:>5} {:>12.0} {:>12.0} {:>7.3} {:>10.1} {:>10.1} {:>8.1} {:>8.1}\n",
            row.case.name(),
            row.concurrency,
            row.client,
            row.plain,
            row.ratio,
            row.client_cpu_us,
            row.plain_cpu_us,
            row.client_allocations,
            row.plain_allocations,
        ));
    }
    print!("{table}");
    if let Some(out) = &args.out {
        let json = json!({
            "rounds": args.rounds,
            "scale": args.scale,
            "cases": rows.iter().map(|row| json!({
                "case": row.case.key(),
                "concurrency": row.concurrency,
                "client_calls_per_s": row.client,
                "reqwest_calls_per_s": row.plain,
                "ratio": row.ratio,
                "ratios": row.ratios,
                "client_cpu_us_per_call": row.client_cpu_us,
                "reqwest_cpu_us_per_call": row.plain_cpu_us,
                "client_allocations_per_call": row.client_allocations,
                "reqwest_allocations_per_call": row.plain_allocations,
            })).collect::<Vec<_>>(),
        });
        let text = serde_json::to_string_pretty(&json).expect("the results encode");
        std::fs::write(out, text + "\n").unwrap_or_else(|e| panic!("writing {out}: {e}"));
    }
}

async fn bench(args: &Args) -> Vec<Row> {
    let base = serve().await;
    // One `reqwest::Client` for both sides, set up as the generated client sets up its own: the
    // default connect timeout and timeout, applied by the HTTP client itself.
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .build()
        .expect("the http client builds");
    let client = fincode::Client::builder()
        .base_url(&base)
        .x_auth_token(TOKEN)
        .http_client(http.clone())
        .no_timeout()
        .build()
        .expect("the client builds");
    let plain = Plain { http, base };
    let callers = Arc::new(Callers {
        client,
        plain,
        body: post_body(),
    });
    let cases = &args.cases;
    let progress = indicatif::ProgressBar::new((cases.len() * 2 * args.rounds) as u64);
    progress.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} rounds: {msg}")
            .expect("a valid progress template"),
    );
    let mut rows = Vec::new();
    for &case in cases {
        for concurrency in [1, 32] {
            let calls = ((case.calls() as f64 * args.scale) as usize).max(concurrency);
            // Warm both sides up: connections, pools, caches.
            timed(
                &callers,
                case,
                Side::Client,
                calls / 10 + concurrency,
                concurrency,
            )
            .await;
            timed(
                &callers,
                case,
                Side::Plain,
                calls / 10 + concurrency,
                concurrency,
            )
            .await;
            let mut client = Vec::new();
            let mut plain = Vec::new();
            for round in 0..args.rounds {
                let order = if round % 2 == 0 {
                    [Side::Client, Side::Plain, Side::Plain, Side::Client]
                } else {
                    [Side::Plain, Side::Client, Side::Client, Side::Plain]
                };
                let (mut by_client, mut by_plain) = (None::<Run>, None::<Run>);
                for (i, side) in order.into_iter().enumerate() {
                    // The first half of the calls, then the rest.
                    let half = if i < 2 { calls / 2 } else { calls - calls / 2 };
                    let run = timed(&callers, case, side, half.max(concurrency), concurrency).await;
                    let total = match side {
                        Side::Client => &mut by_client,
                        Side::Plain => &mut by_plain,
                    };
                    *total = Some(match total.take() {
                        Some(earlier) => earlier.and(run),
                        None => run,
                    });
                }
                client.extend(by_client);
                plain.extend(by_plain);
                progress.set_message(format!("{} at concurrency {concurrency}", case.name()));
                progress.inc(1);
            }
            let ratios: Vec<f64> = client
                .iter()
                .zip(&plain)
                .map(|(c, p)| c.calls_per_s() / p.calls_per_s())
                .collect();
            let ratio = median(&mut ratios.clone());
            let med = |runs: &[Run], f: fn(&Run) -> f64| {
                median(&mut runs.iter().map(f).collect::<Vec<_>>())
            };
            rows.push(Row {
                case,
                concurrency,
                client: med(&client, Run::calls_per_s),
                plain: med(&plain, Run::calls_per_s),
                ratio,
                ratios,
                client_cpu_us: med(&client, Run::cpu_us_per_call),
                plain_cpu_us: med(&plain, Run::cpu_us_per_call),
                client_allocations: allocations(&callers, case, Side::Client).await,
                plain_allocations: allocations(&callers, case, Side::Plain).await,
            });
        }
    }
    progress.finish_and_clear();
    rows
}
