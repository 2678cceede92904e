use super::*;

fn person(username: &str, display: &str, unit: Option<&str>) -> DirectoryPerson {
    DirectoryPerson {
        dn: format!("uid={username},ou=x"),
        username: username.into(),
        display_name: display.into(),
        email: Some(format!("{username}@district.gov.cn")),
        unit: unit.map(str::to_string),
    }
}

fn held(id: i64, username: &str, display: &str, unit_id: Option<i64>, directory: bool) -> Held {
    Held {
        id,
        version: 1,
        username: username.into(),
        display_name: display.into(),
        email: Some(format!("{username}@district.gov.cn")),
        unit_id,
        active: true,
        directory,
        gone: false,
    }
}

fn units() -> HashMap<String, i64> {
    [
        ("区房管局".to_string(), 1),
        ("区府办".to_string(), 2),
        ("区政府办公室".to_string(), 2),
    ]
    .into_iter()
    .collect()
}

const LIAISON: Rules = Rules { needs_unit: true };

#[test]
fn missing_units_and_people_are_made() {
    let people = [
        person("zhang", "张三", Some("区民政局")),
        person("li", "李四", Some("区府办")),
    ];
    let plan = plan(
        &people,
        &["区民政局".into(), "区房管局".into()],
        &units(),
        &[],
        LIAISON,
    );
    assert_eq!(plan.new_units, ["区民政局"]);
    assert_eq!(
        plan.changes,
        [
            Change::Create {
                username: "zhang".into(),
                display_name: "张三".into(),
                email: Some("zhang@district.gov.cn".into()),
                unit: Some(UnitRef::New("区民政局".into())),
            },
            Change::Create {
                username: "li".into(),
                display_name: "李四".into(),
                email: Some("li@district.gov.cn".into()),
                // An alias on record finds its unit.
                unit: Some(UnitRef::Held(2)),
            },
        ]
    );
}

#[test]
fn the_same_directory_twice_changes_nothing() {
    let people = [person("zhang", "张三", Some("区房管局"))];
    let held = [held(7, "zhang", "张三", Some(1), true)];
    let plan = plan(&people, &["区房管局".into()], &units(), &held, LIAISON);
    assert_eq!(plan.changes, []);
    assert_eq!(plan.unchanged, 1);
    assert!(plan.new_units.is_empty());
}

#[test]
fn a_renamed_or_moved_person_is_updated_and_a_gone_one_disabled() {
    let people = [person("zhang", "张三丰", Some("区府办"))];
    let held = [
        held(7, "zhang", "张三", Some(1), true),
        held(8, "wang", "王五", Some(1), true),
        held(9, "admin", "管理员", None, false),
    ];
    let plan = plan(&people, &[], &units(), &held, LIAISON);
    assert_eq!(
        plan.changes,
        [
            Change::Update {
                id: 7,
                version: 1,
                username: "zhang".into(),
                display_name: Some("张三丰".into()),
                email: None,
                unit: Some(UnitRef::Held(2)),
                reinstate: false,
            },
            // The local admin is not in the directory and is not touched.
            Change::Disable {
                id: 8,
                version: 1,
                username: "wang".into()
            },
        ]
    );
}

#[test]
fn local_accounts_are_never_touched_and_bad_entries_are_skipped() {
    let people = [
        person("admin", "目录里的 admin", Some("区房管局")),
        person("dup", "甲", Some("区房管局")),
        person("dup", "乙", Some("区房管局")),
        person("x", "太短", Some("区房管局")),
        person("nounit", "无单位", None),
        person("typo", "错单位", Some("区房管")),
    ];
    let held = [held(9, "admin", "管理员", None, false)];
    let plan = plan(&people, &[], &units(), &held, LIAISON);
    assert_eq!(plan.changes, []);
    let skipped: Vec<&str> = plan.skipped.iter().map(|(who, _)| who.as_str()).collect();
    assert_eq!(
        skipped,
        ["admin", "dup", "dup", "uid=x,ou=x", "nounit", "typo"]
    );
    assert!(plan.skipped[5].1.contains("区房管"));
    // A viewer needs no unit.
    let viewers = super::plan(
        &people[4..5],
        &[],
        &units(),
        &[],
        Rules { needs_unit: false },
    );
    assert!(matches!(
        &viewers.changes[..],
        [Change::Create { unit: None, .. }]
    ));
}

#[test]
fn a_person_back_in_the_directory_is_reinstated_unless_an_admin_turned_them_off() {
    let people = [
        person("zhang", "张三", Some("区房管局")),
        person("li", "李四", Some("区房管局")),
    ];
    let mut gone = held(7, "zhang", "张三", Some(1), true);
    gone.active = false;
    gone.gone = true;
    let mut turned_off = held(8, "li", "李四", Some(1), true);
    turned_off.active = false;
    let plan = plan(&people, &[], &units(), &[gone, turned_off.clone()], LIAISON);
    assert!(matches!(
        &plan.changes[..],
        [Change::Update {
            id: 7,
            reinstate: true,
            ..
        }]
    ));
    assert_eq!(plan.unchanged, 1);
    // Not in the directory and already off: nothing to disable.
    let plan = super::plan(&[], &[], &units(), &[turned_off], LIAISON);
    assert_eq!(plan.changes, []);
}
