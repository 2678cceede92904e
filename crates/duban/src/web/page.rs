//! Who is looking at a page, in which language, with which form token; and
//! the extractors that make every form post prove its token.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::csrf;
use super::error::WebError;
use super::i18n::Lang;
use crate::api::token_of;
use crate::app::AppState;
use crate::domain::roles::{Actor, Role};
use crate::service::auth::authenticate_page;

/// A signed-in person on a page. Without a live session the request is
/// sent to the login page, which brings them back afterwards.
#[derive(Clone)]
pub struct Page {
    pub actor: Actor,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub lang: Lang,
    /// The token every form on the page carries.
    pub csrf: String,
    /// The path and query of this page, for "come back here" links.
    pub here: String,
    /// Reminders in the user's inbox not yet opened (the badge by 消息).
    pub unread: i64,
}

impl FromRequestParts<AppState> for Page {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Page, WebError> {
        let here = parts
            .uri
            .path_and_query()
            .map_or_else(|| "/".to_string(), |pq| pq.as_str().to_string());
        let to_login = || WebError::SignIn { next: here.clone() };
        let token = token_of(parts).ok_or_else(to_login)?;
        let (actor, user, unread) = authenticate_page(&state.db, state.clock.as_ref(), &token)
            .await?
            .ok_or_else(to_login)?;
        Ok(Page {
            unread,
            actor,
            user_id: user.id,
            username: user.username,
            display_name: user.display_name,
            lang: Lang::of(&parts.headers),
            csrf: csrf::session_token(&token),
            here,
        })
    }
}

impl Page {
    /// What the page layout needs.
    pub fn ctx(&self) -> Ctx {
        Ctx {
            lang: self.lang,
            csrf: self.csrf.clone(),
            user: Some(UserCtx {
                display_name: self.display_name.clone(),
                role: self.actor.role.as_str(),
            }),
            nav: nav_for(self.actor.role, self.lang, &self.here),
            here: self.here.clone(),
            names: std::collections::HashMap::new(),
            unread: self.unread,
        }
    }

    pub fn is(&self, roles: &[Role]) -> bool {
        roles.contains(&self.actor.role)
    }
}

/// The page layout's context: language, form token, who, navigation.
#[derive(Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub csrf: String,
    pub user: Option<UserCtx>,
    pub nav: Vec<NavItem>,
    pub here: String,
    /// Display names of the people a page names, by actor ("user:NAME").
    pub names: std::collections::HashMap<String, String>,
    /// Unread reminders in the user's inbox.
    pub unread: i64,
}

#[derive(Clone)]
pub struct UserCtx {
    pub display_name: String,
    pub role: &'static str,
}

#[derive(Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

impl Ctx {
    /// A page for someone not signed in (the login page, errors).
    pub fn anonymous(lang: Lang, here: &str, csrf: String) -> Ctx {
        Ctx {
            lang,
            csrf,
            user: None,
            nav: Vec::new(),
            here: here.to_string(),
            names: std::collections::HashMap::new(),
            unread: 0,
        }
    }

    pub fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.lang.t(zh, en)
    }

    /// An instant (ms) as people read it: the date and time in China.
    pub fn when(&self, millis: &i64) -> String {
        jiff::Timestamp::from_millisecond(*millis)
            .map(|t| {
                jiff::tz::offset(8)
                    .to_datetime(t)
                    .strftime("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default()
    }

    /// Who did it: a person's display name when the page knows it, else
    /// the username; the operator at the shell as such.
    pub fn who<'a>(&'a self, actor: &'a str) -> &'a str {
        if let Some(name) = self.names.get(actor) {
            return name;
        }
        match actor {
            "system:cli" => self.t("系统管理员（命令行）", "operator (command line)"),
            other => other.strip_prefix("user:").unwrap_or(other),
        }
    }

    /// A figure without a needless ".0" (`view::figure`).
    pub fn figure(&self, value: &f64) -> String {
        super::view::figure(*value)
    }

    /// The link that shows this same page in the other language.
    pub fn switch_href(&self) -> String {
        let to = if self.lang.is_en() { "zh" } else { "en" };
        format!("/lang/{to}?back={}", super::url_encode(&self.here))
    }
}

/// The menu each role needs, in the order of its work.
fn nav_for(role: Role, lang: Lang, here: &str) -> Vec<NavItem> {
    const COCKPIT: (&str, &str, &str) = ("/cockpit", "驾驶舱", "Cockpit");
    const WORKSPACE: (&str, &str, &str) = ("/workspace", "本单位工作", "My unit");
    const LEDGER: (&str, &str, &str) = ("/ledger", "任务台账", "Ledger");
    const SUPERVISION: (&str, &str, &str) = ("/supervision", "督查督办", "Supervision");
    const ITEMS: (&str, &str, &str) = ("/items", "督办事项", "Items");
    const IMPORT: (&str, &str, &str) = ("/plans", "计划导入", "Plans");
    const ADMIN: (&str, &str, &str) = ("/admin", "系统管理", "Administration");
    const ASSESSMENT: (&str, &str, &str) = ("/assessment", "年度考核", "Assessment");
    let items: &[(&str, &str, &str)] = match role {
        Role::Admin => &[
            COCKPIT,
            LEDGER,
            ITEMS,
            SUPERVISION,
            ASSESSMENT,
            IMPORT,
            ADMIN,
        ],
        Role::Supervisor => &[COCKPIT, LEDGER, ITEMS, SUPERVISION, ASSESSMENT, IMPORT],
        Role::Leader => &[COCKPIT, LEDGER, ITEMS, ASSESSMENT],
        Role::Viewer => &[COCKPIT, LEDGER, ITEMS],
        Role::Liaison => &[WORKSPACE, ITEMS, LEDGER],
    };
    let path = here.split('?').next().unwrap_or(here);
    items
        .iter()
        .map(|&(href, zh, en)| NavItem {
            href,
            label: lang.t(zh, en),
            active: path == href || path.starts_with(&format!("{href}/")),
        })
        .collect()
}

/// A form post from a signed-in page: the session is live and the form's
/// `csrf` field matches it, or the post is refused before anything is read.
pub struct Posted<T>(pub Page, pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Posted<T> {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, WebError> {
        let (mut parts, body) = request.into_parts();
        let page = Page::from_request_parts(&mut parts, state).await?;
        let request = Request::from_parts(parts, body);
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|e| WebError::bad_request(e.body_text()))?;
        let given = form_urlencoded_value(&bytes, "csrf").unwrap_or_default();
        if !csrf::matches(&page.csrf, &given) {
            return Err(WebError::Csrf);
        }
        let form = serde_urlencoded::from_bytes::<T>(&bytes)
            .map_err(|e| WebError::bad_request(format!("the form is malformed: {e}")))?;
        Ok(Posted(page, form))
    }
}

fn form_urlencoded_value(bytes: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
        .ok()?
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

/// An uploaded file.
pub struct UploadedFile {
    pub name: String,
    pub bytes: Bytes,
}

/// A multipart form post (file uploads) from a signed-in page, its `csrf`
/// field checked: its text fields and its files, read whole within the
/// server's body limit.
pub struct PostedMultipart {
    pub page: Page,
    pub fields: Vec<(String, String)>,
    pub files: Vec<(String, UploadedFile)>,
}

impl PostedMultipart {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn file(&self, name: &str) -> Option<&UploadedFile> {
        self.files
            .iter()
            .find(|(key, file)| key == name && !file.bytes.is_empty())
            .map(|(_, file)| file)
    }
}

impl FromRequest<AppState> for PostedMultipart {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, WebError> {
        let (mut parts, body) = request.into_parts();
        let page = Page::from_request_parts(&mut parts, state).await?;
        let request = Request::from_parts(parts, body);
        let mut multipart = Multipart::from_request(request, state)
            .await
            .map_err(|e| WebError::bad_request(e.body_text()))?;
        let mut fields = Vec::new();
        let mut files = Vec::new();
        let too_big = |e: axum::extract::multipart::MultipartError| {
            WebError::bad_request(format!("the upload could not be read: {}", e.body_text()))
        };
        while let Some(field) = multipart.next_field().await.map_err(too_big)? {
            let name = field.name().unwrap_or_default().to_string();
            match field.file_name().map(str::to_string) {
                Some(file_name) => {
                    let bytes = field.bytes().await.map_err(too_big)?;
                    files.push((
                        name,
                        UploadedFile {
                            name: file_name,
                            bytes,
                        },
                    ));
                }
                None => fields.push((name, field.text().await.map_err(too_big)?)),
            }
        }
        let posted = PostedMultipart {
            page,
            fields,
            files,
        };
        if !csrf::matches(&posted.page.csrf, posted.field("csrf").unwrap_or_default()) {
            return Err(WebError::Csrf);
        }
        Ok(posted)
    }
}
