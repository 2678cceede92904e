//! The demo on a clock the test moves, and what the light and the 未报送
//! board say along the way (report periods and rhythms).

use std::sync::Arc;

use duban::clock::ShiftedClock;
use reqwest::StatusCode;
use serde_json::Value;

use super::TestDb;
use super::app::{TestApp, serve_with};

/// The demo from `day` with a clock the test moves.
pub async fn app_from(test: &TestDb, day: &str) -> (TestApp, Arc<ShiftedClock>) {
    let clock = Arc::new(ShiftedClock::starting_at(
        duban::commands::demo::start_of(day).unwrap(),
    ));
    duban::commands::demo::prepare_with(&test.db, clock.as_ref())
        .await
        .expect("demo data");
    (serve_with(test, clock.clone()).await, clock)
}

/// Moves the clock to the start of `day` (sessions older than 12 hours end:
/// sign in again after).
pub fn move_to(clock: &ShiftedClock, day: &str) {
    clock.set(duban::commands::demo::start_of(day).unwrap());
}

/// The light stored beside an assignment.
pub async fn stored_light(test: &TestDb, assignment: i64) -> String {
    duban::store::assignments::read(&test.db, assignment)
        .await
        .unwrap()
        .light
}

/// An assignment's light history, newest first.
pub async fn red_spans(app: &TestApp, client: &reqwest::Client, assignment: i64) -> Vec<Value> {
    let (status, body) = app
        .get(
            client,
            &format!("/api/v1/assignments/{assignment}/light-history"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["red_spans"].as_array().unwrap().clone()
}

/// The board's window of one rhythm (`weekly` … `quarterly`).
pub fn window<'a>(board: &'a Value, frequency: &str) -> &'a Value {
    board["windows"]
        .as_array()
        .unwrap_or_else(|| panic!("no windows: {board}"))
        .iter()
        .find(|w| w["frequency"] == frequency)
        .unwrap_or_else(|| panic!("no {frequency} window: {board}"))
}

/// The assignments a board's window lists.
pub fn owing(window: &Value) -> Vec<i64> {
    window["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["assignment_id"].as_i64().unwrap())
        .collect()
}
