//! A real browser for the UI tests: Debian's headless Chromium driven over
//! WebDriver by chromedriver, started on a free loopback port per test.

#![allow(dead_code)] // each test binary uses its own subset

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use serde_json::json;

pub struct Browser {
    pub client: Client,
    pub base: String,
    driver: Child,
    _profile: tempfile::TempDir,
}

fn executable(variable: &str, default: &str) -> String {
    let path = std::env::var(variable).unwrap_or_else(|_| default.to_string());
    assert!(
        std::path::Path::new(&path).exists(),
        "{path} is missing: install Debian's chromium and chromium-driver (.ci/run does), or set {variable}"
    );
    path
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A browser at a 1366×768 window (the office's common screen), pointed at `base`.
pub async fn start(base: &str) -> Browser {
    start_sized(base, 1366, 768).await
}

pub async fn start_sized(base: &str, width: u32, height: u32) -> Browser {
    let chromium = executable("DUBAN_CHROMIUM", "/usr/bin/chromium");
    let chromedriver = executable("DUBAN_CHROMEDRIVER", "/usr/bin/chromedriver");
    let port = free_port();
    let driver = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let profile = tempfile::tempdir().expect("profile folder");
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--no-first-run", "--disable-extensions",
                format!("--user-data-dir={}", profile.path().display()),
                format!("--window-size={width},{height}"),
                "--lang=zh-CN",
            ]
        }
    });
    let capabilities = capabilities.as_object().cloned().expect("an object");
    let url = format!("http://127.0.0.1:{port}");
    let mut last_error = String::new();
    for _ in 0..100 {
        match Client::with_capabilities_and_connector(
            &url,
            &capabilities,
            hyper_util::client::legacy::connect::HttpConnector::new(),
        )
        .await
        {
            Ok(client) => {
                return Browser {
                    client,
                    base: base.to_string(),
                    driver,
                    _profile: profile,
                };
            }
            Err(e) => last_error = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start a browser: {last_error}");
}

impl Browser {
    pub async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    pub async fn find(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!("no element '{css}' on {}: {e}", self.path().await),
        }
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default()
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("element text")
    }

    /// The status the error page shown says (`data-status`, e.g. "403");
    /// fails when the page is not the error page.
    pub async fn error_status(&self) -> Option<String> {
        self.find(".error-page")
            .await
            .attr("data-status")
            .await
            .expect("the error page's status")
    }

    /// A form field's current value (what it would send).
    pub async fn value(&self, css: &str) -> Option<String> {
        self.find(css)
            .await
            .prop("value")
            .await
            .unwrap_or_else(|e| panic!("the value of {css}: {e}"))
    }

    /// The fields matching `css` whose label (the element around them)
    /// starts with `label`.
    pub async fn labelled(&self, css: &str, label: &str) -> Vec<Element> {
        let mut found = Vec::new();
        for field in self.find_all(css).await {
            let text = field
                .find(Locator::XPath(".."))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            if text.starts_with(label) {
                found.push(field);
            }
        }
        found
    }

    /// The page's visible text.
    pub async fn body(&self) -> String {
        self.text("body").await
    }

    pub async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| match u.query() {
                Some(q) => format!("{}?{q}", u.path()),
                None => u.path().to_string(),
            })
            .unwrap_or_default()
    }

    /// Types into a field (replacing what is there).
    pub async fn fill(&self, css: &str, value: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clear field");
        field
            .send_keys(value)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Sets a field's value as the form will send it. For date inputs, whose
    /// typing order depends on the browser's locale.
    pub async fn set_value(&self, css: &str, value: &str) {
        self.find(css).await;
        self.client
            .execute(
                "document.querySelector(arguments[0]).value = arguments[1];",
                vec![css.into(), value.into()],
            )
            .await
            .unwrap_or_else(|e| panic!("set {css}: {e}"));
    }

    /// Answers yes to the confirmation a form asks before it is sent.
    pub async fn confirm_all(&self) {
        self.client
            .execute("window.confirm = function () { return true; };", vec![])
            .await
            .expect("confirm answered");
    }

    pub async fn select(&self, css: &str, value: &str) {
        self.find(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
    }

    /// Clicks and waits for the next page to load.
    /// Clicks a link or a submit button and waits until the NEXT page has
    /// loaded: the old page is marked first, so its own "complete" state is
    /// never taken for the new one's.
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.leaving().await;
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
        self.arrived(css).await;
    }

    /// Marks the current page as the one about to be left (see [`arrived`]).
    pub async fn leaving(&self) {
        self.client
            .execute("window.__dubanLeaving = true;", vec![])
            .await
            .expect("mark the page");
    }

    /// Waits until a page other than the one marked by [`leaving`] has loaded.
    pub async fn arrived(&self, after: &str) {
        for _ in 0..300 {
            // While the page changes, a script may fail to run: not there yet.
            if let Ok(state) = self
                .client
                .execute(
                    "return window.__dubanLeaving === undefined && document.readyState === 'complete'",
                    vec![],
                )
                .await
                && state == true
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{after} on {} loaded no page", self.path().await);
    }

    /// Clicks something that changes the page in place (a folded section),
    /// without waiting for a page load.
    pub async fn toggle(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Waits until the document has loaded.
    pub async fn settle(&self) {
        for _ in 0..100 {
            if let Ok(state) = self
                .client
                .execute("return document.readyState", vec![])
                .await
                && state == "complete"
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn login(&self, username: &str, password: &str) {
        self.open("/login").await;
        self.fill("input[name=username]", username).await;
        self.fill("input[name=password]", password).await;
        self.click("form[action='/login'] button[type=submit]")
            .await;
    }

    pub async fn logout(&self) {
        self.click("form[action='/logout'] button").await;
    }

    /// Saves a screenshot as a CI artifact under the target directory
    /// (`screenshots/NAME.png`) and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        // The whole page, not just the window: grow the window to the
        // document's height for the picture, then put it back.
        let (x, y, width, height) = self.client.get_window_rect().await.expect("window");
        let full = self
            .client
            .execute("return document.documentElement.scrollHeight", vec![])
            .await
            .ok()
            .and_then(|v| v.as_u64())
            .unwrap_or(height)
            .clamp(height, 12_000);
        let _ = self
            .client
            .set_window_rect(x as u32, y as u32, width as u32, full as u32 + 120)
            .await;
        let _ = self.client.execute("window.scrollTo(0, 0)", vec![]).await;
        let png = self.client.screenshot().await.expect("screenshot");
        let _ = self
            .client
            .set_window_rect(x as u32, y as u32, width as u32, height as u32)
            .await;
        let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .map(|target| target.join("screenshots"))
            .expect("the target directory");
        std::fs::create_dir_all(&folder).expect("screenshots folder");
        let path = folder.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("screenshot written");
        path
    }

    /// Ends the browser session and chromedriver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A failed test still stops its chromedriver (and so its browser).
        let _ = self.driver.kill();
    }
}
