//! Every response carries the security headers, and no page has anything
//! inline that the Content-Security-Policy would block: no `<script>` without
//! `src`, no `<style>` element, no `style=` or `on…=` attribute. The browser
//! tests then run every page's script and styles under that policy.

mod common;

use common::app::{TestApp, client, spawn};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

fn assert_secured(headers: &HeaderMap, what: &str) {
    let csp = headers
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"))
        .to_str()
        .unwrap();
    assert_eq!(csp, duban::web::security_headers::CONTENT_SECURITY_POLICY);
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
    assert!(csp.contains("frame-ancestors 'none'"), "{what}");
    assert!(csp.contains("script-src 'self'") && csp.contains("style-src 'self'"));
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        assert_eq!(
            headers.get(name).map(|v| v.to_str().unwrap()),
            Some(value),
            "{what}: {name}"
        );
    }
}

/// What the policy would refuse to run or apply, found in a page's HTML.
fn inline_code(html: &str) -> Vec<String> {
    let lower = html.to_lowercase();
    let mut found = Vec::new();
    for (at, _) in lower.match_indices("<script") {
        let tag_end = lower[at..].find('>').map_or(lower.len(), |e| at + e);
        if !lower[at..tag_end].contains(" src=") {
            found.push(format!("inline <script> at {at}"));
        }
    }
    if lower.contains("<style") {
        found.push("<style> element".into());
    }
    // Attributes: ` style="`, ` onclick="`, …, inside tags only.
    let mut rest = lower.as_str();
    while let Some(open) = rest.find('<') {
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c);
        let tag = &rest[open..close];
        for attribute in tag.split_whitespace().skip(1) {
            let name = attribute.split('=').next().unwrap_or("");
            if name == "style" || (name.starts_with("on") && attribute.contains('=')) {
                found.push(format!("{name}= in {}", &tag[..tag.len().min(80)]));
            }
        }
        rest = &rest[close..];
    }
    found
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (StatusCode, String) {
    let response = client
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    let status = response.status();
    assert_secured(response.headers(), path);
    (status, response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_is_served_with_the_policy_and_nothing_inline() {
    let test = common::sqlite().await;
    let app = spawn(&test).await;

    let anonymous = client();
    for path in [
        "/login",
        "/healthz",
        "/assets/app.js",
        "/assets/app.css",
        "/no-such-page",
    ] {
        let (_, body) = page(&app, &anonymous, path).await;
        if path == "/login" || path == "/no-such-page" {
            assert_eq!(inline_code(&body), Vec::<String>::new(), "{path}");
        }
    }
    let (status, _) = page(&app, &anonymous, "/api/v1/plans").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let pages = [
        (
            "supervisor",
            vec![
                "/",
                "/cockpit",
                "/ledger",
                "/tasks/1",
                "/supervision",
                "/plans",
                "/plans/import",
                "/assessment",
                "/assessment/units/1",
                "/bulletin",
                "/calendar",
                "/inbox",
                "/me/notifications",
                "/password",
                "/supervision/assignments/1",
                "/ledger/import",
            ],
        ),
        (
            "区房管局",
            vec!["/workspace", "/assignments/1", "/tasks/18", "/inbox"],
        ),
        (
            "admin",
            vec![
                "/admin",
                "/admin/users",
                "/admin/users/admin",
                "/admin/units",
                "/admin/bodies",
                "/admin/settings",
                "/admin/notify",
                "/admin/directory",
            ],
        ),
    ];
    let mut seen = 0;
    for (user, paths) in pages {
        let client = app.signed_in(user).await;
        for path in paths {
            let (status, body) = page(&app, &client, path).await;
            assert!(
                status == StatusCode::OK || status == StatusCode::FORBIDDEN,
                "{user} {path}: {status}"
            );
            if status == StatusCode::OK {
                seen += 1;
            }
            assert_eq!(inline_code(&body), Vec::<String>::new(), "{user} {path}");
        }
        let (status, _) = page(&app, &client, "/api/v1/me").await;
        assert_eq!(status, StatusCode::OK);
    }
    assert!(seen >= 25, "{seen} pages rendered");
}

/// The `action` of every POST form in a page, and whether it uploads files
/// (multipart).
fn post_forms(html: &str) -> Vec<(String, bool)> {
    let mut actions = Vec::new();
    for (at, _) in html.match_indices("<form") {
        let tag = &html[at..html[at..].find('>').map_or(html.len(), |e| at + e)];
        if !tag.contains("method=\"post\"") {
            continue;
        }
        if let Some(start) = tag.find("action=\"") {
            let action = tag[start + 8..].split('"').next().unwrap();
            let multipart = tag.contains("multipart/form-data");
            actions.push((action.replace("&amp;", "&"), multipart));
        }
    }
    actions
}

/// Every form of every page, posted with a forged token, is refused (403)
/// and writes nothing: not one audit event.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_form_refuses_a_forged_token() {
    let test = common::sqlite().await;
    let app = spawn(&test).await;
    let pages = [
        (
            "admin",
            vec![
                "/admin/users",
                "/admin/users/viewer",
                "/admin/units",
                "/admin/bodies",
                "/admin/settings",
                "/admin/notify",
                "/calendar",
                "/me/notifications",
                "/password",
            ],
        ),
        (
            "supervisor",
            vec![
                "/supervision",
                "/supervision/assignments/16",
                "/plans",
                "/plans/import",
                "/tasks/18",
                "/ledger/import",
                "/inbox",
            ],
        ),
        (
            "区房管局",
            vec!["/assignments/91", "/tasks/18", "/workspace", "/calendar"],
        ),
    ];
    let events = || async {
        duban::service::audit::verify(&test.db)
            .await
            .unwrap()
            .events
    };
    let mut refused = std::collections::BTreeSet::new();
    for (user, paths) in pages {
        let client = app.signed_in(user).await;
        let before = events().await;
        for path in paths {
            let html = app.html(&client, path).await;
            for (action, multipart) in post_forms(&html) {
                let request = client.post(format!("{}{action}", app.base));
                let request = if multipart {
                    let boundary = "duban-forged-boundary";
                    let body = format!(
                        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nforged\r\n\
                         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plan.txt\"\r\n\
                         Content-Type: text/plain\r\n\r\n一、伪造\r\n--{boundary}--\r\n"
                    );
                    request
                        .header(
                            "content-type",
                            format!("multipart/form-data; boundary={boundary}"),
                        )
                        .body(body)
                } else {
                    request.form(&[("csrf", "forged"), ("version", "1"), ("text", "伪造")])
                };
                let response = request.send().await.unwrap();
                assert_eq!(
                    response.status(),
                    StatusCode::FORBIDDEN,
                    "{user}: {action} on {path}"
                );
                refused.insert(action.split('?').next().unwrap().to_string());
            }
        }
        assert_eq!(
            events().await,
            before,
            "{user}: a forged post wrote something"
        );
    }
    assert!(refused.len() >= 25, "{} forms: {refused:?}", refused.len());
}

/// A handler's own stricter value stays: a calendar feed's URL holds its
/// secret, so it sends no referrer at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stricter_header_of_a_handler_is_kept() {
    use duban::service::calendar_feeds::issue;
    use duban::store::calendar_feeds::FeedOwner;
    let test = common::sqlite().await;
    let app = spawn(&test).await;
    let supervisor = common::record::actor(&test.db, "supervisor").await;
    let user = duban::store::users::by_username(&test.db, "supervisor")
        .await
        .unwrap()
        .unwrap();
    let token = issue(
        &test.db,
        &duban::clock::SystemClock,
        &supervisor,
        user.id,
        FeedOwner::User(user.id),
    )
    .await
    .unwrap();
    let response = client()
        .get(format!("{}/calendar/{}.ics", app.base, token.expose()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("content-security-policy").is_some());
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
}

/// The checker itself finds what it looks for.
#[test]
fn inline_code_is_found() {
    assert_eq!(
        inline_code(
            r#"<p style="color:red" onclick="x()">a</p><script>1</script><script src="/a.js"></script>"#
        ),
        vec![
            "inline <script> at 40".to_string(),
            "style= in <p style=\"color:red\" onclick=\"x()\"".to_string(),
            "onclick= in <p style=\"color:red\" onclick=\"x()\"".to_string(),
        ]
    );
    assert!(inline_code(r#"<a href="/x" class="on">on</a><button data-online="1">"#).is_empty());
}
