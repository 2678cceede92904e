//! The OpenAPI document is generated from the handlers; this snapshot makes
//! every change to the API's shape visible in review. After a deliberate
//! change: `DUBAN_UPDATE_SNAPSHOTS=1 cargo test -p duban --test openapi`.

use std::path::Path;

#[test]
fn the_openapi_document_matches_its_snapshot() {
    let document = duban::app::openapi_document();
    let json = document.to_pretty_json().expect("the document serialises");
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["openapi"].as_str().map(|v| &v[..2]), Some("3."));
    for path in [
        "/api/v1/login",
        "/api/v1/logout",
        "/api/v1/me",
        "/api/v1/plans",
        "/api/v1/plans/{id}/tasks",
    ] {
        assert!(value["paths"].get(path).is_some(), "{path} is documented");
    }
    assert!(value["components"]["schemas"].get("ErrorBody").is_some());

    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json");
    if std::env::var_os("DUBAN_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, format!("{json}\n")).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).expect("the snapshot exists");
    assert_eq!(
        json.trim_end(),
        expected.trim_end(),
        "the API changed: review, then update the snapshot"
    );
}

/// Every `$ref` points at a component the document defines: a dangling one
/// makes client generators and schemathesis refuse the operation.
#[test]
fn every_reference_resolves() {
    let document = duban::app::openapi_document();
    let value: serde_json::Value =
        serde_json::from_str(&document.to_pretty_json().unwrap()).unwrap();
    fn refs<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, inner) in map {
                    match (key.as_str(), inner.as_str()) {
                        ("$ref", Some(target)) => out.push(target),
                        _ => refs(inner, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| refs(i, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    refs(&value, &mut found);
    assert!(found.len() > 50, "{} references", found.len());
    for target in found {
        let name = target
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected reference {target}"));
        assert!(
            value["components"]["schemas"].get(name).is_some(),
            "{target} is not defined"
        );
    }
}
