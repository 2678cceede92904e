//! The directory in a real browser against the real server (SQLite) and a
//! real slapd: the admin's page before and after 立即同步, with the directory
//! up and down, and a directory account signing in on the sign-in page (and
//! told plainly when the directory is down).

mod common;
#[path = "support/slapd.rs"]
mod slapd;

use std::sync::Arc;

use common::{app, browser};
use duban::app::AppState;
use duban::clock::SystemClock;
use duban::directory::Directory;
use slapd::{Slapd, password_of};

#[tokio::test]
async fn the_admin_syncs_and_a_directory_account_signs_in() {
    let db = common::sqlite().await;
    let mut slapd = Slapd::start();
    duban::commands::demo::prepare_accounts(&db.db)
        .await
        .unwrap();
    let mut state = AppState::new(db.db.clone(), Arc::new(SystemClock));
    state.directory = Some(Arc::new(Directory::new(slapd.config()).unwrap()));
    let server = app::serve_state(state).await;
    let b = browser::start(&server.base).await;

    b.login("admin", "demo").await;
    b.open("/admin").await;
    b.click("a[href='/admin/directory']").await;
    assert_eq!(b.text("h1").await, "统一身份认证（LDAP / AD）");
    assert!(
        b.text("[data-test=directory-config]")
            .await
            .contains(&slapd.url())
    );
    assert_eq!(b.text("#last-sync .empty").await, "尚未同步。");
    b.click("[data-test=sync-now]").await;
    assert!(b.text("[data-test=sync-ok]").await.contains("同步成功"));
    let counts = b.text("[data-test=sync-counts]").await;
    assert!(
        counts.contains("新建单位 1") && counts.contains("新建用户 4"),
        "{counts}"
    );
    b.screenshot("directory").await;
    b.open("/admin/users").await;
    assert_eq!(b.find_all("[data-test=directory-account]").await.len(), 4);
    b.open("/admin/users/wangfang").await;
    assert!(
        b.text("[data-test=directory-password]")
            .await
            .contains("目录账号")
    );
    assert!(b.find_all("form[action$='/password']").await.is_empty());
    b.open("/admin/directory").await;

    slapd.stop();
    b.click("[data-test=sync-now]").await;
    let failed = b.text("[data-test=sync-failed]").await;
    assert!(failed.contains("同步失败，未做任何更改"), "{failed}");
    b.screenshot("directory-down").await;

    // The sign-in page says why a directory account cannot sign in now.
    b.logout().await;
    b.login("wangfang", &password_of("wangfang")).await;
    assert!(b.text(".alert").await.contains("统一身份认证目录暂不可用"));
    b.screenshot("login-directory-down").await;

    slapd.resume();
    b.login("wangfang", &password_of("wangfang")).await;
    assert_eq!(b.path().await, "/workspace");
    b.close().await;
}
