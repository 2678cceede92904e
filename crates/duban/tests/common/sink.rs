//! A webhook receiver on loopback that keeps every JSON body it is sent.

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::routing::post;
use serde_json::Value;

/// Where to send, and what arrived so far.
pub struct Sink {
    pub url: String,
    pub received: Arc<Mutex<Vec<Value>>>,
}

impl Sink {
    pub fn bodies(&self) -> Vec<Value> {
        self.received.lock().unwrap().clone()
    }

    /// The subjects received, in arrival order.
    pub fn subjects(&self) -> Vec<String> {
        self.bodies()
            .iter()
            .map(|b| b["subject"].as_str().unwrap_or_default().to_string())
            .collect()
    }
}

pub async fn start() -> Sink {
    answering(Vec::new()).await
}

/// A receiver that answers the first requests with these statuses (then
/// 200), keeping only the bodies it accepted.
pub async fn answering(statuses: Vec<u16>) -> Sink {
    let received: Arc<Mutex<Vec<Value>>> = Arc::default();
    let keep = Arc::clone(&received);
    let statuses = Arc::new(Mutex::new(std::collections::VecDeque::from(statuses)));
    let app = axum::Router::new().route(
        "/hook",
        post(move |Json(body): Json<Value>| {
            let keep = Arc::clone(&keep);
            let statuses = Arc::clone(&statuses);
            async move {
                let status = statuses.lock().unwrap().pop_front().unwrap_or(200);
                if status == 200 {
                    keep.lock().unwrap().push(body);
                }
                (
                    axum::http::StatusCode::from_u16(status).unwrap(),
                    "answered",
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Sink { url, received }
}
