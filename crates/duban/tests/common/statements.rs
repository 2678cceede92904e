//! Counts the SQL statements each request to a test server runs.
//!
//! sqlx reports every statement it runs as a `tracing` event (target
//! `sqlx::query`, DEBUG, or WARN when slow), from inside the span of the code
//! that ran it — for SQLite its worker thread enters the caller's span. The
//! layer here collects those events under each request's span (the one
//! tower-http's TraceLayer opens), and hands the request's statements over
//! when that span closes, which is after the last statement it caused.
//!
//! The layer is the process's global subscriber, one for every test of the
//! binary: measure one request at a time, from one test.

#![allow(dead_code)] // each test binary uses its own subset

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};
use std::time::Duration;

use reqwest::StatusCode;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// The statements of one request, kept in its span until the span closes.
#[derive(Debug, Default)]
struct Request {
    uri: String,
    statements: Vec<String>,
}

/// Requests whose span has closed, in the order they closed.
static FINISHED: Mutex<Vec<Request>> = Mutex::new(Vec::new());
/// Request spans not yet closed.
static OPEN: AtomicUsize = AtomicUsize::new(0);
/// Statements run outside any request (none should while a request is measured).
static STRAY: AtomicUsize = AtomicUsize::new(0);

/// The layer: requests' spans carry their [`Request`], statements join the
/// nearest one.
struct Counter;

#[derive(Default)]
struct Fields {
    uri: Option<String>,
    summary: Option<String>,
    statement: Option<String>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "summary" => self.summary = Some(value.to_string()),
            "db.statement" => self.statement = Some(value.trim().to_string()),
            // The server's request span (app.rs) names the path, not the URI.
            "path" => self.uri = Some(value.to_string()),
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.record_str(field, &format!("{value:?}"));
    }
}

impl<S> Layer<S> for Counter
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let meta = attrs.metadata();
        if meta.name() != "request" || meta.target() != "duban::app" {
            return;
        }
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            OPEN.fetch_add(1, Ordering::SeqCst);
            span.extensions_mut().insert(Request {
                uri: fields.uri.unwrap_or_default(),
                statements: Vec::new(),
            });
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        let summary = fields.summary.unwrap_or_default();
        // A connection the pool opens sets itself up with PRAGMAs: not the page's doing.
        if summary.to_ascii_uppercase().starts_with("PRAGMA") {
            return;
        }
        let text = fields
            .statement
            .filter(|s| !s.is_empty())
            .unwrap_or(summary);
        let request = ctx.event_scope(event).and_then(|scope| {
            scope
                .into_iter()
                .find(|span| span.extensions().get::<Request>().is_some())
        });
        match request {
            Some(span) => {
                if let Some(request) = span.extensions_mut().get_mut::<Request>() {
                    request.statements.push(text);
                }
            }
            None => {
                STRAY.fetch_add(1, Ordering::SeqCst);
            }
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let Some(request) = span.extensions_mut().remove::<Request>() else {
            return;
        };
        FINISHED.lock().unwrap().push(request);
        OPEN.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Makes the counter the process's subscriber (once; later calls do nothing).
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Counter))
            .expect("the only subscriber of this test binary");
    });
}

/// Waits until no request span is open (the previous request fully done).
async fn settled() {
    for _ in 0..500 {
        if OPEN.load(Ordering::SeqCst) == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("a request span stayed open");
}

/// One request, its status, and the statements it ran.
pub struct Counted {
    pub status: StatusCode,
    pub statements: Vec<String>,
}

/// Sends `request` once nothing else is in flight, and returns what it ran
/// (a request that fails fails the test).
pub async fn counted(request: reqwest::RequestBuilder) -> Counted {
    settled().await;
    FINISHED.lock().unwrap().clear();
    let stray = STRAY.load(Ordering::SeqCst);
    let response = request.send().await.expect("the server answers");
    let status = response.status();
    let body = response.bytes().await.expect("a body");
    settled().await;
    let mut finished = std::mem::take(&mut *FINISHED.lock().unwrap());
    assert_eq!(finished.len(), 1, "one request measured: {finished:?}");
    assert_eq!(
        STRAY.load(Ordering::SeqCst),
        stray,
        "statements ran outside the request's span"
    );
    let request = finished.pop().unwrap();
    assert!(
        status.is_success(),
        "{} answered {status}: {}",
        request.uri,
        String::from_utf8_lossy(&body)
    );
    Counted {
        status,
        statements: request.statements,
    }
}

/// A statement on one line, its IN lists of any length written `IN (…)`.
pub fn shape(sql: &str) -> String {
    let words = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::new();
    let mut rest = words.as_str();
    while let Some(at) = rest.find("IN ($") {
        out.push_str(&rest[..at]);
        out.push_str("IN (…)");
        rest = &rest[at..];
        rest = rest.find(')').map_or("", |end| &rest[end + 1..]);
    }
    out.push_str(rest);
    out
}

/// The statements run a different number of times in `before` and `after`,
/// a line each: "before → after  SQL".
pub fn growth(before: &[String], after: &[String]) -> String {
    let tally = |statements: &[String]| {
        let mut tally: BTreeMap<String, usize> = BTreeMap::new();
        for s in statements {
            *tally.entry(shape(s)).or_default() += 1;
        }
        tally
    };
    let (before, after) = (tally(before), tally(after));
    let mut lines = Vec::new();
    for sql in before.keys().chain(after.keys()).collect::<BTreeSet<_>>() {
        let (b, a) = (before.get(sql).unwrap_or(&0), after.get(sql).unwrap_or(&0));
        if b != a {
            lines.push(format!("  {b:>3} → {a:>3}  {sql}"));
        }
    }
    lines.join("\n")
}
