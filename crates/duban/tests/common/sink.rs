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
    let received: Arc<Mutex<Vec<Value>>> = Arc::default();
    let keep = Arc::clone(&received);
    let app = axum::Router::new().route(
        "/hook",
        post(move |Json(body): Json<Value>| {
            let keep = Arc::clone(&keep);
            async move {
                keep.lock().unwrap().push(body);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Sink { url, received }
}
