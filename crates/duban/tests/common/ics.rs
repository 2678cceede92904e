//! Feeds read back with the `ical` crate, a different parser than the
//! `icalendar` writer the server uses, so a test reads what calendar clients
//! would rather than its own output.

#![allow(dead_code)] // each test binary uses its own subset

use std::collections::HashMap;

/// An event's properties by name: (value, parameters).
pub type Event = HashMap<String, (String, Vec<(String, Vec<String>)>)>;

pub struct Parsed {
    pub calendar: HashMap<String, String>,
    pub events: Vec<Event>,
}

/// The one calendar in `text`: its properties, and its events' properties.
pub fn parse(text: &str) -> Parsed {
    let mut calendars = ical::IcalParser::new(text.as_bytes());
    let calendar = calendars.next().expect("a calendar").expect("it parses");
    assert!(calendars.next().is_none(), "one calendar");
    let value = |p: &ical::property::Property| p.value.clone().unwrap_or_default();
    Parsed {
        calendar: calendar
            .properties
            .iter()
            .map(|p| (p.name.clone(), value(p)))
            .collect(),
        events: calendar
            .events
            .iter()
            .map(|e| {
                e.properties
                    .iter()
                    .map(|p| {
                        (
                            p.name.clone(),
                            (value(p), p.params.clone().unwrap_or_default()),
                        )
                    })
                    .collect()
            })
            .collect(),
    }
}

/// The event with this UID.
pub fn event<'a>(parsed: &'a Parsed, uid: &str) -> Option<&'a Event> {
    parsed.events.iter().find(|e| e["UID"].0 == uid)
}
