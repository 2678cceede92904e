//! Chinese first, English second. Templates carry both texts side by side
//! (`ctx.t("台账", "Ledger")`), so a page reads in Chinese in its source and
//! no key can go missing; the words the record itself uses (lights, states,
//! roles, finding actions) are translated here, once.

use axum::http::HeaderMap;

use crate::api::cookie;

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

    /// A delivery channel's name.
    pub fn channel(self, channel: &str) -> &'static str {
        match channel {
            "inbox" => self.t("站内消息", "Inbox"),
            "email" => self.t("邮件", "E-mail"),
            "wecom" => self.t("企业微信", "WeCom"),
            "dingtalk" => self.t("钉钉", "DingTalk"),
            "feishu" => self.t("飞书", "Feishu"),
            _ => self.t("Webhook", "Webhook"),
        }
    }

    /// Where a delivery stands.
    pub fn delivery_status(self, status: &str) -> &'static str {
        match status {
            "sent" => self.t("已发送", "sent"),
            "failed" => self.t("失败", "failed"),
            "sending" => self.t("发送中", "sending"),
            _ => self.t("待发送", "waiting"),
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

    /// Why the light turned red, by the code kept in the light history.
    pub fn red_reason(self, code: &str) -> &'static str {
        match code {
            "deadline_passed" => self.t("超过办理时限未办结", "Past its deadline"),
            "year_over" => self.t("年度结束未办结", "Year over, not done"),
            "overdue_measure" => self.t("细化措施逾期", "A measure overdue"),
            "overdue_rectification" => self.t("整改逾期", "A rectification overdue"),
            "missed_report" => self.t("逾期未报送进展", "A report missed"),
            "before_history" => self.t("记录开始前已亮红灯", "Red before the history began"),
            _ => self.t("滞后", "Behind"),
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
            ("answered", Lang::En) => "Answered, to verify",
            ("closed" | "verified", Lang::Zh) => "已销号",
            ("closed" | "verified", Lang::En) => "Verified",
            (_, Lang::Zh) => "未知",
            (_, Lang::En) => "Unknown",
        }
    }

    /// What an audit event did, for a record's history.
    pub fn action(self, action: &str) -> &str {
        let (zh, en) = match action {
            "plan.import" => ("导入计划", "imported the plan"),
            "plan.revise" => ("修订计划", "revised the plan"),
            "assignment.assign" => ("交办单位", "assigned a unit"),
            "assignment.claim" => ("认领任务", "claimed the task"),
            "assignment.start" => ("开始推进", "started the work"),
            "assignment.declare_done" => ("申报完成", "declared the work done"),
            "assignment.verify" => ("核验销号", "verified the work (销号)"),
            "assignment.reject" => ("驳回", "sent the work back"),
            "measure.add" => ("新增措施", "added a measure"),
            "measure.update" => ("修改措施", "edited a measure"),
            "report.submit" => ("报送进展", "submitted a progress report"),
            "report.attach" => ("上传佐证材料", "attached evidence"),
            "finding.raise" => ("提出督查意见", "raised a finding"),
            "finding.respond" => ("答复督查意见", "answered a finding"),
            "finding.verify" => ("督查意见销号", "verified a finding (销号)"),
            "finding.reopen" => ("督查意见退回", "reopened a finding"),
            "evaluation.add" => ("评价打分", "evaluated"),
            "difficulty.raise" => ("提出难点问题", "raised a difficulty"),
            "difficulty.resolve" => ("协调解决难点", "resolved a difficulty"),
            "situation.report" => ("报告重要情况", "reported an urgent situation"),
            "situation.acknowledge" => ("确认重要情况", "acknowledged a situation"),
            "task.instruction" => ("领导批示", "wrote an instruction (批示)"),
            "task.comment" => ("发表评论", "commented"),
            "target.milestones" => ("设置节点目标", "set a target's milestones"),
            "task.report_rhythm" => ("调整报送周期", "set the report rhythm"),
            "report_period.reopen" => ("重新开放报送周期", "reopened a report period"),
            "assignment.cascade" => ("分解下达", "passed a part down"),
            "assignment.return" => ("退回", "returned the assignment"),
            "assignment.return_decided" => ("处理退回", "decided a return"),
            "extension.request" => ("申请延期", "asked for an extension"),
            "extension.approve" => ("同意延期", "approved an extension"),
            "extension.refuse" => ("不同意延期", "refused an extension"),
            "completion.submit" => ("报送办结", "submitted the completion"),
            "inspection.open" => ("开展督查", "opened an inspection"),
            "item.open" => ("立项", "opened the item"),
            "item.approve" => ("领导审核同意", "approved the item"),
            "item.refuse" => ("领导审核不同意", "refused the item"),
            "notice.issue" => ("下发督办单", "issued a supervision notice"),
            "notice.acknowledge" => ("签收督办单", "acknowledged a notice"),
            "reminder.urge" => ("催办", "urged (催办)"),
            "ledger.import" => ("导入台账", "imported the ledger"),
            other => (other, other),
        };
        self.t(zh, en)
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

    /// A target's actual against its trajectory (ahead, on_track, behind).
    pub fn pace(self, pace: &str) -> &'static str {
        match (pace, self) {
            ("ahead", Lang::Zh) => "快于序时进度",
            ("ahead", Lang::En) => "Ahead",
            ("on_track", Lang::Zh) => "符合序时进度",
            ("on_track", Lang::En) => "On track",
            ("behind", Lang::Zh) => "落后于序时进度",
            ("behind", Lang::En) => "Behind",
            (_, Lang::Zh) => "尚未报数",
            (_, Lang::En) => "No figure yet",
        }
    }
}

/// Why the record's state refuses a move, said in the reader's language.
/// The services explain it in English to programs (the API); people read
/// the office's words. A message not listed here is shown as it is.
pub fn transition_message(lang: Lang, message: &str) -> String {
    if lang == Lang::En {
        return message.to_string();
    }
    // The state a message names at its end ("(it is done)"), in Chinese.
    let state_in = |m: &str| {
        m.rsplit_once("it is ")
            .map(|(_, s)| lang.state(s.trim_end_matches(')')).to_string())
            .unwrap_or_default()
    };
    if message.starts_with("the assignment is already") {
        "该任务已认领，不能重复认领".to_string()
    } else if message.starts_with("only a claimed assignment can start") {
        format!(
            "只有已认领的任务才能开始推进（当前：{}）",
            state_in(message)
        )
    } else if message.starts_with("only claimed or running work can be declared done") {
        format!(
            "只有已认领或推进中的任务才能申报完成（当前：{}）",
            state_in(message)
        )
    } else if message.starts_with("only work declared done can be verified or sent back") {
        format!(
            "只有已申报完成的任务才能销号或驳回（当前：{}）",
            state_in(message)
        )
    } else if message == "claim the task before adding measures" {
        "请先认领任务，再细化措施".to_string()
    } else if message.starts_with("the work is already") || message.contains("measures are closed")
    {
        "该项工作已申报完成或已销号，措施不能再改".to_string()
    } else if message == "claim the task before reporting on it" {
        "请先认领任务，再报送进展".to_string()
    } else if message == "the work is verified; reporting is closed" {
        "该项工作已销号，不再报送进展".to_string()
    } else if let Some(rest) = message.strip_prefix("the report for ") {
        let period = rest.split_whitespace().next().unwrap_or_default();
        format!("{period} 的进展已经报送过，每期一份")
    } else if message.ends_with("already holds this task") {
        "该单位已承担此任务".to_string()
    } else if message.starts_with("the finding is already answered") {
        "该督查意见已答复，请等待督查室核验".to_string()
    } else if message.contains("finding is already closed") || message == "the finding is closed" {
        "该督查意见已销号".to_string()
    } else if message.starts_with("a rectification closes only after") {
        "整改事项须待单位答复后才能销号".to_string()
    } else if message == "the finding is open already" {
        "该督查意见尚未答复，无需退回".to_string()
    } else if message.starts_with("a closed finding stays closed") {
        "已销号的督查意见不能退回，请另提新的意见".to_string()
    } else if message == "the difficulty is resolved already" {
        "该难点问题已协调解决".to_string()
    } else if message == "the report is acknowledged already" {
        "该重要情况已确认".to_string()
    } else if message.contains("was returned (退回) and waits")
        || message.contains("already returned and waits")
    {
        "该任务已退回，等待督查室处理".to_string()
    } else if message.contains("has already signed for this assignment") {
        "已签收的任务不能退回；如有困难，请提出难点问题".to_string()
    } else if message.starts_with("a request for this assignment is already waiting") {
        "已有一项延期申请等待审批".to_string()
    } else if message.starts_with("an extension is for work still open") {
        "该项工作已申报完成或已销号，无需延期".to_string()
    } else if message == "this item is completed with a completion report and its evidence" {
        "该事项须通过办结申请提交佐证材料".to_string()
    } else if message.ends_with("is already acknowledged") {
        "该督办单已签收".to_string()
    } else if message.starts_with("the work is verified (销号); a 督办单") {
        "该项工作已销号，无需督办".to_string()
    } else if message.contains("is not waiting for approval") {
        "该事项不在待审核状态".to_string()
    } else if message.contains("was already decided")
        || message.contains("extension") && message.contains("was already")
    {
        "该申请已处理".to_string()
    } else if message.starts_with("this body already evaluated the assignment in round") {
        "本督查机构已在该轮次评价过此项任务".to_string()
    } else {
        message.to_string()
    }
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
        "deadline" if message.contains("has passed") => "时限不能早于今天",
        "deadline" => "请填写日期，格式为 年-月-日（如 2021-06-30）",
        "source" => "请选择立项来源",
        "source_ref" => "请填写来源依据（如会议名称、批示件号、文号），200 字以内",
        "content" => "请填写督办内容",
        "required_result" => "请填写办理要求（应达到的结果）",
        "lead_units" => return format!("牵头单位有误：{message}"),
        "co_units" => return format!("配合单位有误：{message}"),
        "unit" if message.contains("not directly under") => {
            return format!("只能分解下达给本单位的直属下级单位：{message}");
        }
        "unit" => return format!("改派单位有误：{message}"),
        "requested_to" => return format!("延期日期有误：{message}"),
        "reason_kind" => "请选择退回原因",
        "summary" => "请填写办理结果（1–4000 字）",
        "color" => "请选择督办单类别（蓝、黄、红）",
        "required_action" => "请填写督办要求",
        "respond_by" if message.contains("has passed") => "反馈时限不能早于今天",
        "respond_by" => "请填写反馈时限，格式为 年-月-日",
        "file" if message.contains("needs evidence") => {
            "该事项办结须附佐证材料，请至少上传一个文件"
        }
        "note" => "请填写意见或理由",
        "number_format" => "编号格式须包含 {seq}（如 督〔{year}〕{seq}号），40 字以内",
        "sign_days" => "签收时限为 0–60 个工作日",
        "reason" => "请说明理由",
        "period" if message.contains("is locked") => {
            return format!(
                "该报送周期的报送窗口已于{}关闭，周期已锁定，不能补报；确需补报的，请联系督查室重新开放",
                message
                    .split("closed on ")
                    .nth(1)
                    .and_then(|rest| rest.get(..10))
                    .unwrap_or("")
            );
        }
        "period" if message.contains("nothing to reopen") => {
            "该周期仍在报送窗口内或已报送，无需重新开放"
        }
        "period" if message.contains("reports here are") => {
            return format!(
                "报送周期与本区的报送频次不符：{}",
                message.split(": ").nth(1).unwrap_or(message)
            );
        }
        "period" => "请选择报告期（如 2021-06、2021-Q2、2021-W05 或 2021-06-H1）",
        "narrative" => "请填写进展情况",
        "parent" if message.contains("loop") => "上级单位不能是本单位或其下级单位（会形成循环）",
        "parent" => "请填写已有的单位作为上级单位，或留空",
        "consolidates" => "汇总的须为本任务配合单位同一报告期已报送的进展",
        "text" => "请填写内容",
        "answer" => "请填写答复",
        "password" | "new_password" => "密码至少 8 位",
        "username" => "请填写用户名",
        "title" => "请填写标题",
        "response" => "请填写整改或答复情况（1–4000 字）",
        "routed_to" => "请填写需协调的单位或领导",
        "body" => "请填写内容（1–4000 字）",
        "actuals" => "请填写数字（不小于 0），不填表示本期不报该指标",
        "email" => "请填写有效的邮箱地址：含一个 @，不含空格",
        "quiet_hours" => "免打扰时段格式为 22:00-08:00，留空则按全区设置",
        "head" => "单位负责人须为该单位在用的账号",
        "file" => return format!("佐证材料未通过检查：{message}"),
        "milestones" => return super::trajectories::milestone_message(message),
        _ => return message.to_string(),
    };
    zh.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_refusals_read_in_chinese_and_stay_english_in_english() {
        let said = transition_message(
            Lang::Zh,
            "only work declared done can be verified or sent back (it is in_progress)",
        );
        assert_eq!(said, "只有已申报完成的任务才能销号或驳回（当前：推进中）");
        assert_eq!(
            transition_message(Lang::Zh, "the report for 2021-06 is already submitted"),
            "2021-06 的进展已经报送过，每期一份"
        );
        assert_eq!(
            transition_message(Lang::En, "the report for 2021-06 is already submitted"),
            "the report for 2021-06 is already submitted"
        );
        assert_eq!(
            transition_message(Lang::Zh, "something new"),
            "something new"
        );
    }

    #[test]
    fn field_messages_name_the_field_in_chinese() {
        assert!(field_message(Lang::Zh, "deadline", "'x' is not a date").contains("年-月-日"));
        assert_eq!(
            field_message(Lang::En, "deadline", "'x' is not a date"),
            "'x' is not a date"
        );
        assert!(field_message(Lang::Zh, "file", "an executable").contains("an executable"));
    }
}
