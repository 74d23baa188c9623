//! Publishing a new timetable from a day: a timetable import with `replace_from` (the file is the
//! whole timetable from then on). Runs on the sample school.

use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(a_timetable_import_with_replace_from_publishes_a_new_timetable_from_that_day);

const DAY: &str = "2027-01-12";

fn sample() -> String {
    String::from_utf8(fixture("timetable.csv")).unwrap()
}

/// The 1А entries (weekday, lesson number, subject, valid_from, valid_to) of the timetable.
async fn entries_1a(
    app: &TestApp,
    admin: &str,
    school: Uuid,
    class: &str,
) -> Vec<(i64, i64, String, String, String)> {
    let list = app
        .get_ok(
            &format!("/schools/{school}/timetable?class_id={class}"),
            admin,
        )
        .await;
    let mut out: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["weekday"].as_i64().unwrap(),
                e["lesson_number"].as_i64().unwrap(),
                e["subject_name"].as_str().unwrap().to_string(),
                e["valid_from"].as_str().unwrap().to_string(),
                e["valid_to"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The 1А lessons of a day: (number, subject).
async fn day_1a(
    app: &TestApp,
    admin: &str,
    school: Uuid,
    class: &str,
    day: &str,
) -> Vec<(i64, String)> {
    let s = app
        .get_ok(
            &format!("/schools/{school}/schedule?class_id={class}&date={day}"),
            admin,
        )
        .await;
    s["days"][0]["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["lesson_number"].as_i64().unwrap(),
                l["subject_name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn lesson_total(app: &TestApp, admin: &str, school: Uuid) -> u64 {
    let res = app
        .get(&format!("/schools/{school}/lessons?limit=1"), Some(admin))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.headers()["x-total-count"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn a_timetable_import_with_replace_from_publishes_a_new_timetable_from_that_day(
    app: TestApp,
) {
    let root = app.superadmin().await;
    let (school, admin) = app
        .demo_school(&root, "Школа с новым расписанием", "zavuch")
        .await;
    app.import_ok(
        &admin,
        school,
        "bell_schedule",
        fixture("bell_schedule.csv"),
        "text/csv",
    )
    .await;
    app.import_ok(
        &admin,
        school,
        "holidays",
        fixture("holidays.csv"),
        "text/csv",
    )
    .await;
    app.import_ok(
        &admin,
        school,
        "timetable",
        fixture("timetable.csv"),
        "text/csv",
    )
    .await;
    let classes = app
        .get_ok(&format!("/schools/{school}/classes"), &admin)
        .await;
    let class = field_of(&classes, "name", "1А", "id");
    let before_total = lesson_total(&app, &admin, school).await;
    assert_eq!(
        day_1a(&app, &admin, school, &class, "2027-01-13")
            .await
            .first()
            .cloned(),
        Some((1, "Труд (технология)".to_string()))
    );

    // From 12 January labour moves from Wednesday lesson 1 to lesson 6; nothing else changes.
    let moved = sample().replace(
        "1А,3,1,Труд (технология),T0004,,",
        "1А,3,6,Труд (технология),T0004,,",
    );
    let res = app
        .import(
            &admin,
            school,
            "timetable",
            moved.clone(),
            "text/csv",
            &format!("?replace_from={DAY}"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["committed"], true);
    assert_eq!(report["counts"]["errors"], 0);
    assert_eq!(report["counts"]["created"], 1, "{}", report["counts"]);
    assert_eq!(report["counts"]["unchanged"], 601, "{}", report["counts"]);
    let entries = entries_1a(&app, &admin, school, &class).await;
    assert!(
        entries.contains(&(
            3,
            1,
            "Труд (технология)".into(),
            "2026-09-01".into(),
            "2027-01-11".into()
        )),
        "{entries:?}"
    );
    assert!(
        entries.contains(&(
            3,
            6,
            "Труд (технология)".into(),
            DAY.into(),
            "2027-08-31".into()
        )),
        "{entries:?}"
    );
    // Lessons held before the day keep the old slot; from the day on, the new one.
    assert_eq!(
        day_1a(&app, &admin, school, &class, "2026-12-02").await[0],
        (1, "Труд (технология)".to_string())
    );
    let jan13 = day_1a(&app, &admin, school, &class, "2027-01-13").await;
    assert!(!jan13.iter().any(|l| l.0 == 1), "{jan13:?}");
    assert_eq!(
        jan13.last().cloned(),
        Some((6, "Труд (технология)".to_string()))
    );
    // As many weekly lessons as before, on the same weekdays: the same total.
    assert_eq!(lesson_total(&app, &admin, school).await, before_total);

    // The same file again changes nothing.
    let res = app
        .import(
            &admin,
            school,
            "timetable",
            moved.clone(),
            "text/csv",
            &format!("?replace_from={DAY}"),
        )
        .await;
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["counts"]["unchanged"], 602, "{}", report["counts"]);

    // A row missing from the file ends the day before: Tuesday's first Russian lesson of 1А.
    let without: String = moved
        .lines()
        .filter(|l| l.trim_end() != "1А,2,1,Русский язык,T0004,,")
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(without.lines().count(), 602, "one row fewer");
    let report: Value = app
        .import(
            &admin,
            school,
            "timetable",
            without,
            "text/csv",
            &format!("?replace_from={DAY}"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["committed"], true, "{report}");
    let entries = entries_1a(&app, &admin, school, &class).await;
    assert!(
        entries.contains(&(
            2,
            1,
            "Русский язык".into(),
            "2026-09-01".into(),
            "2027-01-11".into()
        )),
        "{entries:?}"
    );
    assert_eq!(
        day_1a(&app, &admin, school, &class, "2026-12-01").await[0],
        (1, "Русский язык".to_string())
    );
    assert!(
        !day_1a(&app, &admin, school, &class, "2027-01-19")
            .await
            .iter()
            .any(|l| l.0 == 1)
    );
    let audit = app
        .get_ok(
            &format!("/schools/{school}/audit?action=timetable_entry_ended"),
            &admin,
        )
        .await;
    assert_eq!(
        audit.as_array().unwrap().len(),
        2,
        "the labour entry and the Russian one: {audit}"
    );

    // Rows cannot start before the day; replace_from is for timetables only.
    let early = "class,weekday,lesson_number,subject,teacher_external_id,group,room,valid_from\n1А,2,1,Русский язык,T0004,,,2026-12-01\n";
    let res = app
        .import(
            &admin,
            school,
            "timetable",
            early,
            "text/csv",
            &format!("?replace_from={DAY}"),
        )
        .await;
    let (status, body) = problem(res).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "import_rejected");
    let res = app
        .import(
            &admin,
            school,
            "holidays",
            fixture("holidays.csv"),
            "text/csv",
            &format!("?replace_from={DAY}"),
        )
        .await;
    let (status, body) = problem(res).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_query_parameter"))
    );
}
