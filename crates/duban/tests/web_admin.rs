//! Administration in a real browser against the real server (SQLite): adding
//! a liaison through the form (its mistakes shown beside the fields), the new
//! user signing in, thresholds changing the ledger's lights, a stale settings
//! form, the 403 page for others, and the English switch.

mod common;

use common::app;
use common::browser;
use common::record::at;
use duban::domain::roles::Actor;
use duban::service::settings::{ReportPeriod, StoredThresholds, set_thresholds};

#[tokio::test]
async fn the_admin_adds_a_liaison_who_then_signs_in() {
    let db = common::sqlite().await;
    let server = app::spawn(&db).await;
    let b = browser::start(&server.base).await;
    b.login("admin", "demo").await;
    b.open("/admin").await;
    assert_eq!(b.text("h1").await, "系统管理");
    b.click("a[href='/admin/users']").await;
    assert!(!b.find_all("tr[data-user='区房管局']").await.is_empty());

    // A liaison without a unit and with a short password: both said beside
    // their fields, the rest of what was typed kept.
    b.fill("#add-user input[name=username]", "fgj_wang").await;
    b.fill("#add-user input[name=display_name]", "王房管").await;
    b.select("#add-user select[name=role]", "liaison").await;
    b.fill("#add-user input[name=password]", "short").await;
    b.click("#add-user button[type=submit]").await;
    assert_eq!(b.text("[data-field=password]").await, "密码至少 8 位");
    assert_eq!(
        b.text("[data-field=unit]").await,
        "单位联络员须选择所属单位"
    );
    let kept = |css: &'static str| {
        let b = &b;
        async move { b.value(css).await }
    };
    assert_eq!(
        kept("#add-user input[name=username]").await.as_deref(),
        Some("fgj_wang")
    );
    assert_eq!(
        kept("#add-user input[name=display_name]").await.as_deref(),
        Some("王房管")
    );
    assert_eq!(
        kept("#add-user select[name=role]").await.as_deref(),
        Some("liaison")
    );
    assert_eq!(
        b.find("#add-user select[name=unit]")
            .await
            .attr("aria-invalid")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );

    b.select("#add-user select[name=unit]", "区房管局").await;
    b.fill("#add-user input[name=password]", "房管局2021年")
        .await;
    b.click("#add-user button[type=submit]").await;
    assert!(
        b.path().await.starts_with("/admin/users?added="),
        "{}",
        b.path().await
    );
    let row = b.text("tr[data-user='fgj_wang']").await;
    assert!(
        row.contains("王房管") && row.contains("单位联络员") && row.contains("区房管局"),
        "{row}"
    );
    b.screenshot("admin-users").await;

    // Their page: a short reset password is refused beside the field; a role change is saved.
    b.click("a[href='/admin/users/fgj_wang']").await;
    b.fill("form[action$='/password'] input[name=password]", "1234")
        .await;
    b.click("form[action$='/password'] button[type=submit]")
        .await;
    assert_eq!(b.text(".field-error").await, "密码至少 8 位");
    b.select("form[action$='/role'] select[name=role]", "viewer")
        .await;
    b.click("form[action$='/role'] button[type=submit]").await;
    assert_eq!(b.path().await, "/admin/users/fgj_wang?done=role");
    assert_eq!(b.text("[data-test=role]").await, "查阅人员");
    b.select("form[action$='/role'] select[name=role]", "liaison")
        .await;
    b.click("form[action$='/role'] button[type=submit]").await;
    assert_eq!(b.text("[data-test=role]").await, "单位联络员");

    // The new liaison signs in and is who the admin said.
    b.logout().await;
    b.login("fgj_wang", "房管局2021年").await;
    b.open("/ledger").await;
    let who = b.text(".account .who").await;
    assert!(
        who.contains("王房管") && who.contains("单位联络员"),
        "{who}"
    );
    b.close().await;
}

#[tokio::test]
async fn thresholds_change_the_ledgers_lights_and_a_stale_form_keeps_its_values() {
    let db = common::sqlite().await;
    // Assigned on 1 June, looked at on 15 June: nobody has claimed for 14 days.
    duban::commands::demo::prepare_with(&db.db, &at("2021-06-01"))
        .await
        .unwrap();
    let server = app::spawn_at(&db, "2021-06-15").await;
    let b = browser::start(&server.base).await;
    b.login("admin", "demo").await;
    b.open("/ledger").await;
    assert_eq!(
        b.find_all("tr[data-task][data-light=yellow]").await.len(),
        33
    );

    b.open("/admin/settings").await;
    assert_eq!(
        b.value("#thresholds input[name=claim_days]")
            .await
            .as_deref(),
        Some("5")
    );
    // Out of range: said beside the field, the value kept.
    b.fill("#thresholds input[name=claim_days]", "99").await;
    b.click("#thresholds button[type=submit]").await;
    assert_eq!(
        b.text("[data-field=claim_days]").await,
        "请填写 0–60 之间的天数"
    );
    assert_eq!(
        b.value("#thresholds input[name=claim_days]")
            .await
            .as_deref(),
        Some("99")
    );
    b.fill("#thresholds input[name=claim_days]", "20").await;
    b.click("#thresholds button[type=submit]").await;
    assert_eq!(b.path().await, "/admin/settings?done=thresholds");

    // Twenty days to claim: two weeks unclaimed is on track again.
    b.open("/ledger").await;
    assert_eq!(
        b.find_all("tr[data-task][data-light=green]").await.len(),
        33
    );
    assert!(
        b.find_all("tr[data-task][data-light=yellow]")
            .await
            .is_empty()
    );

    // Someone else saves while this form is open: the save says so and
    // keeps what was typed.
    b.open("/admin/settings").await;
    b.fill("#thresholds input[name=report_grace_days]", "9")
        .await;
    let elsewhere = StoredThresholds {
        claim_days: 3,
        measure_warning_days: 7,
        report_grace_days: 5,
        report_period: ReportPeriod::Monthly,
    };
    set_thresholds(&db.db, &at("2021-06-15"), &Actor::operator(), elsewhere, 1)
        .await
        .unwrap();
    b.click("#thresholds button[type=submit]").await;
    let alert = b.text("#thresholds").await;
    assert!(b.body().await.contains("该记录刚被他人修改"), "{alert}");
    assert_eq!(
        b.value("#thresholds input[name=report_grace_days]")
            .await
            .as_deref(),
        Some("9")
    );
    assert!(b.text("[data-test=stored-now]").await.contains("认领 3"));
    b.screenshot("admin-settings").await;
    // Sent again, having seen the latest values, it is saved.
    b.click("#thresholds button[type=submit]").await;
    assert_eq!(b.path().await, "/admin/settings?done=thresholds");
    assert_eq!(
        b.value("#thresholds input[name=report_grace_days]")
            .await
            .as_deref(),
        Some("9")
    );

    // Weights that do not add up to 100 are refused beside them.
    b.fill("#weights input[name=completion]", "50").await;
    b.click("#weights button[type=submit]").await;
    assert_eq!(
        b.text("[data-field=weights]").await,
        "四项权重均在 0–100 之间，合计须为 100"
    );
    b.fill("#weights input[name=completion]", "30").await;
    b.fill("#weights input[name=innovation]", "30").await;
    b.click("#weights button[type=submit]").await;
    assert_eq!(b.path().await, "/admin/settings?done=weights");
    b.close().await;
}

#[tokio::test]
async fn others_get_the_403_page_and_the_admin_pages_switch_to_english() {
    let db = common::sqlite().await;
    let server = app::spawn(&db).await;
    let b = browser::start(&server.base).await;
    b.login("supervisor", "demo").await;
    for path in ["/admin", "/admin/users", "/admin/units", "/admin/settings"] {
        b.open(path).await;
        assert_eq!(b.text("h1").await, "无权访问", "{path}");
    }
    b.open("/ledger").await;
    assert!(!b.text(".mainnav").await.contains("系统管理"));
    b.logout().await;

    b.login("admin", "demo").await;
    b.open("/admin/units").await;
    assert_eq!(b.text("h1").await, "单位、别名与单位组");
    b.click("[data-test=lang-switch]").await;
    assert_eq!(b.path().await, "/admin/units");
    assert_eq!(b.text("h1").await, "Units, aliases and groups");
    b.screenshot("admin-units").await;
    // A body added twice is a message beside the name, in English now.
    b.open("/admin/bodies").await;
    b.fill("#add-body input[name=name]", "区委办督查").await;
    b.click("#add-body button[type=submit]").await;
    assert!(b.text("[data-field=name]").await.contains("exists already"));
    b.close().await;
}
