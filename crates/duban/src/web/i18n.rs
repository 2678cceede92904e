//! Chinese first, English second. Templates carry both texts side by side
//! (`ctx.t("台账", "Ledger")`), so a page reads in Chinese in its source and
//! no key can go missing; the words the record itself uses (lights, states,
//! roles, finding actions) are translated here, once.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

/// The cookie that keeps a browser's language.
pub const LANG_COOKIE: &str = "duban_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// From the language cookie; Chinese unless English was chosen.
    pub fn of(headers: &HeaderMap) -> Lang {
        match cookie(headers, LANG_COOKIE).as_deref() {
            Some("en") => Lang::En,
            _ => Lang::Zh,
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The `lang` attribute of the page.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn is_en(self) -> bool {
        self == Lang::En
    }

    /// The text in this language.
    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// green / yellow / red / done, as the office says them.
    pub fn light(self, light: &str) -> &'static str {
        match (light, self) {
            ("green", Lang::Zh) => "正常推进",
            ("green", Lang::En) => "On track",
            ("yellow", Lang::Zh) => "预警",
            ("yellow", Lang::En) => "Warning",
            ("red", Lang::Zh) => "滞后",
            ("red", Lang::En) => "Behind",
            ("done", Lang::Zh) => "已办结",
            ("done", Lang::En) => "Done",
            (_, Lang::Zh) => "未知",
            (_, Lang::En) => "Unknown",
        }
    }

    /// An assignment's state.
    pub fn state(self, state: &str) -> &'static str {
        match (state, self) {
            ("assigned", Lang::Zh) => "待认领",
            ("assigned", Lang::En) => "To claim",
            ("claimed", Lang::Zh) => "已认领",
            ("claimed", Lang::En) => "Claimed",
            ("in_progress", Lang::Zh) => "推进中",
            ("in_progress", Lang::En) => "In progress",
            ("done", Lang::Zh) => "已报完成",
            ("done", Lang::En) => "Declared done",
            ("verified", Lang::Zh) => "已销号",
            ("verified", Lang::En) => "Verified",
            (_, Lang::Zh) => "未知",
            (_, Lang::En) => "Unknown",
        }
    }

    /// lead / co.
    pub fn unit_role(self, role: &str) -> &'static str {
        match (role, self) {
            ("lead", Lang::Zh) => "牵头",
            ("lead", Lang::En) => "Lead",
            (_, Lang::Zh) => "配合",
            (_, Lang::En) => "Co",
        }
    }

    /// A user's role.
    pub fn role(self, role: &str) -> &'static str {
        match (role, self) {
            ("admin", Lang::Zh) => "系统管理员",
            ("admin", Lang::En) => "Administrator",
            ("supervisor", Lang::Zh) => "督查人员",
            ("supervisor", Lang::En) => "Supervisor",
            ("leader", Lang::Zh) => "领导",
            ("leader", Lang::En) => "Leader",
            ("liaison", Lang::Zh) => "单位联络员",
            ("liaison", Lang::En) => "Unit liaison",
            ("viewer", Lang::Zh) => "查阅人员",
            ("viewer", Lang::En) => "Viewer",
            (_, Lang::Zh) => "未知",
            (_, Lang::En) => "Unknown",
        }
    }

    /// A finding's action, or its state.
    pub fn finding(self, word: &str) -> &'static str {
        match (word, self) {
            ("reminder", Lang::Zh) => "提醒",
            ("reminder", Lang::En) => "Reminder",
            ("service", Lang::Zh) => "服务",
            ("service", Lang::En) => "Service",
            ("rectification", Lang::Zh) => "整改",
            ("rectification", Lang::En) => "Rectification",
            ("open", Lang::Zh) => "待答复",
            ("open", Lang::En) => "Open",
            ("answered", Lang::Zh) => "已答复，待核验",
            ("answered", Lang::En) => "Answered",
            ("verified", Lang::Zh) => "已销号",
            ("verified", Lang::En) => "Verified",
            (_, Lang::Zh) => "未知",
            (_, Lang::En) => "Unknown",
        }
    }

    /// A plan's state.
    pub fn plan_state(self, state: &str) -> &'static str {
        match (state, self) {
            ("draft", Lang::Zh) => "草稿",
            ("draft", Lang::En) => "Draft",
            ("published", Lang::Zh) => "已发布",
            ("published", Lang::En) => "Published",
            ("closed", Lang::Zh) => "已结束",
            ("closed", Lang::En) => "Closed",
            (_, Lang::Zh) => "未知",
            (_, Lang::En) => "Unknown",
        }
    }

    /// A finding's state as the office reads it (open / answered / closed).
    pub fn finding_state(self, state: &str) -> &'static str {
        match (state, self) {
            ("open", Lang::Zh) => "待答复",
            ("open", Lang::En) => "Open",
            ("answered", Lang::Zh) => "已答复，待核验",
            ("answered", Lang::En) => "Answered, to verify",
            ("closed", Lang::Zh) => "已销号",
            ("closed", Lang::En) => "Closed",
            (_, Lang::Zh) => "未知",
            (_, Lang::En) => "Unknown",
        }
    }
}

/// One cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// A field error from the services, said in the reader's language. The
/// services speak English to programs; people see the field's own message.
pub fn field_message(lang: Lang, field: &str, message: &str) -> String {
    if lang == Lang::En {
        return message.to_string();
    }
    let zh = match field {
        "description" => "请填写内容（1–2000 字）",
        "responsible_person" => "请填写责任人（1–100 字）",
        "deadline" => "请填写日期，格式为 年-月-日（如 2021-06-30）",
        "reason" => "请说明理由",
        "period" => "请选择报告期（如 2021-06 或 2021-Q2）",
        "narrative" => "请填写进展情况",
        "text" => "请填写内容",
        "answer" => "请填写答复",
        "password" | "new_password" => "密码至少 8 位",
        "username" => "请填写用户名",
        "title" => "请填写标题",
        _ => return message.to_string(),
    };
    zh.to_string()
}
