//! The roster: class lists on a date from enrollments (withdrawal, corrections, transfers),
//! enrollment history and its audit, guardians and who may read them, invite sheets.

use std::collections::BTreeSet;

use otmetka_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(
    withdrawn_student_is_on_the_class_list_up_to_the_day_before_and_not_from_the_day,
    moving_an_enrollment_start_earlier_shows_the_student_on_the_earlier_dates,
    transfer_shows_the_old_class_before_the_date_and_the_new_class_from_it,
    overlapping_enrollments_are_conflicts_and_history_is_never_overwritten,
    parent_sees_both_children_in_guardians_and_me_each_once,
    parents_and_students_read_only_their_own_roster_data,
    class_teacher_reads_their_class_list_and_other_teachers_get_403,
    invite_sheet_gives_one_slip_per_student_and_parent_without_an_account,
    reissued_invite_sheet_revokes_earlier_codes_and_a_parent_registers_with_a_slip,
);

/// A school with the year 2026/2027 and classes 5А and 5Б, created through the API.
struct Roster {
    school: Uuid,
    admin: String,
    class_a: Uuid,
    class_b: Uuid,
}

async fn roster_school(app: &TestApp) -> Roster {
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Школа № 5", "admin.r").await;
    let res = app
        .post(
            &format!("/schools/{school}/academic-years"),
            Some(&admin),
            json!({"name": "2026/2027", "starts_on": "2026-09-01", "ends_on": "2027-08-31"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let mut ids = Vec::new();
    for letter in ["А", "Б"] {
        let res = app
            .post(
                &format!("/schools/{school}/classes"),
                Some(&admin),
                json!({"grade": 5, "letter": letter}),
            )
            .await;
        let status = res.status();
        let c: Value = res.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{c}");
        assert_eq!(c["name"], format!("5{letter}"));
        ids.push(c["id"].as_str().unwrap().parse().unwrap());
    }
    Roster {
        school,
        admin,
        class_a: ids[0],
        class_b: ids[1],
    }
}

impl Roster {
    async fn student(&self, app: &TestApp, last: &str, first: &str) -> Uuid {
        let res = app
            .post(
                &format!("/schools/{}/persons", self.school),
                Some(&self.admin),
                json!({"last_name": last, "first_name": first, "kind": "student"}),
            )
            .await;
        let status = res.status();
        let p: Value = res.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{p}");
        assert_eq!(p["kind"], "student");
        p["id"].as_str().unwrap().parse().unwrap()
    }

    /// A roster write as the admin: (status, body).
    async fn write(
        &self,
        app: &TestApp,
        method: Method,
        path: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let res = app
            .send(
                method,
                &format!("/schools/{}{path}", self.school),
                Some(&self.admin),
                Some(body),
            )
            .await;
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    async fn arrive(&self, app: &TestApp, student: Uuid, class: Uuid, date: &str) -> Value {
        let (status, e) = self
            .write(
                app,
                Method::POST,
                &format!("/students/{student}/arrive"),
                json!({"class_id": class, "date": date}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{e}");
        e
    }

    /// The student ids on a class list on a day.
    async fn list_on(&self, app: &TestApp, class: Uuid, day: &str) -> BTreeSet<Uuid> {
        app.get_ok(
            &format!("/schools/{}/classes/{class}/students?on={day}", self.school),
            &self.admin,
        )
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["student_id"].as_str().unwrap().parse().unwrap())
        .collect()
    }

    async fn history(&self, app: &TestApp, student: Uuid) -> Vec<Value> {
        app.get_ok(
            &format!("/schools/{}/persons/{student}/enrollments", self.school),
            &self.admin,
        )
        .await
        .as_array()
        .unwrap()
        .clone()
    }

    /// The audit records of an action, newest first.
    async fn audit(&self, app: &TestApp, action: &str) -> Vec<Value> {
        app.get_ok(
            &format!("/schools/{}/audit?action={action}", self.school),
            &self.admin,
        )
        .await
        .as_array()
        .unwrap()
        .clone()
    }
}

fn set(ids: &[Uuid]) -> BTreeSet<Uuid> {
    ids.iter().copied().collect()
}

async fn withdrawn_student_is_on_the_class_list_up_to_the_day_before_and_not_from_the_day(
    app: TestApp,
) {
    let r = roster_school(&app).await;
    let leaves = r.student(&app, "Орлов", "Иван").await;
    let stays = r.student(&app, "Белова", "Анна").await;
    let e = r.arrive(&app, leaves, r.class_a, "2026-09-01").await;
    assert_eq!(e["starts_on"], "2026-09-01");
    assert_eq!(e["ends_on"], Value::Null);
    assert_eq!(e["start_reason"], "arrival");
    assert_eq!(e["class_name"], "5А");
    r.arrive(&app, stays, r.class_a, "2026-09-01").await;

    let (status, w) = r
        .write(
            &app,
            Method::POST,
            &format!("/students/{leaves}/withdraw"),
            json!({"date": "2026-11-10", "reason": "переезд в другой город"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{w}");
    assert_eq!(w["id"], e["id"]);
    assert_eq!(w["ends_on"], "2026-11-09");
    assert_eq!(w["end_reason"], "withdrawal");
    assert_eq!(w["end_note"], "переезд в другой город");

    assert_eq!(r.list_on(&app, r.class_a, "2026-08-31").await, set(&[]));
    assert_eq!(
        r.list_on(&app, r.class_a, "2026-09-01").await,
        set(&[leaves, stays])
    );
    assert_eq!(
        r.list_on(&app, r.class_a, "2026-11-09").await,
        set(&[leaves, stays])
    );
    assert_eq!(
        r.list_on(&app, r.class_a, "2026-11-10").await,
        set(&[stays])
    );
    assert_eq!(
        r.list_on(&app, r.class_a, "2027-05-20").await,
        set(&[stays])
    );
    for bad in ["2026-02-31", "10.11.2026", "tomorrow"] {
        let res = app
            .get(
                &format!(
                    "/schools/{}/classes/{}/students?on={bad}",
                    r.school, r.class_a
                ),
                Some(&r.admin),
            )
            .await;
        assert_problem(res, StatusCode::BAD_REQUEST, "invalid_query_parameter").await;
    }
    // Today (after the 10th) the class counts one student.
    let class = app
        .get_ok(
            &format!("/schools/{}/classes/{}", r.school, r.class_a),
            &r.admin,
        )
        .await;
    assert_eq!(class["student_count"], 1);

    let history = r.history(&app, leaves).await;
    assert_eq!(history.len(), 1);
    assert_eq!(history[0], w);
    let audit = r.audit(&app, "student_withdrawn").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["object_id"], leaves.to_string());
    assert_eq!(audit[0]["new_value"]["left_on"], "2026-11-10");
    assert_eq!(audit[0]["new_value"]["reason"], "переезд в другой город");
    // A second withdrawal has nothing to end; a withdrawal on the first day is refused.
    let (status, _) = r
        .write(
            &app,
            Method::POST,
            &format!("/students/{leaves}/withdraw"),
            json!({"date": "2026-12-01", "reason": "ещё раз"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body) = r
        .write(
            &app,
            Method::POST,
            &format!("/students/{stays}/withdraw"),
            json!({"date": "2026-09-01", "reason": "в первый день"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = r
        .write(
            &app,
            Method::POST,
            &format!("/students/{stays}/withdraw"),
            json!({"date": "2026-10-01", "reason": ""}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        r.list_on(&app, r.class_a, "2026-11-10").await,
        set(&[stays])
    );
}

async fn moving_an_enrollment_start_earlier_shows_the_student_on_the_earlier_dates(app: TestApp) {
    let r = roster_school(&app).await;
    let s = r.student(&app, "Кузнецова", "Дарья").await;
    let e = r.arrive(&app, s, r.class_a, "2026-10-01").await;
    assert_eq!(r.list_on(&app, r.class_a, "2026-09-15").await, set(&[]));
    assert_eq!(r.list_on(&app, r.class_a, "2026-10-01").await, set(&[s]));

    let id = e["id"].as_str().unwrap();
    let (status, fixed) = r
        .write(
            &app,
            Method::PATCH,
            &format!("/enrollments/{id}"),
            json!({"starts_on": "2026-09-14"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{fixed}");
    assert_eq!(fixed["id"], e["id"]);
    assert_eq!(fixed["starts_on"], "2026-09-14");
    assert_eq!(fixed["ends_on"], Value::Null);
    assert_eq!(r.list_on(&app, r.class_a, "2026-09-13").await, set(&[]));
    assert_eq!(r.list_on(&app, r.class_a, "2026-09-14").await, set(&[s]));
    assert_eq!(r.list_on(&app, r.class_a, "2026-09-15").await, set(&[s]));
    let history = r.history(&app, s).await;
    assert_eq!(history.len(), 1, "a correction keeps one row");
    assert_eq!(history[0]["starts_on"], "2026-09-14");

    let audit = r.audit(&app, "enrollment_corrected").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["object_id"], id);
    assert_eq!(
        audit[0]["old_value"],
        json!({"starts_on": "2026-10-01", "ends_on": null})
    );
    assert_eq!(
        audit[0]["new_value"],
        json!({"starts_on": "2026-09-14", "ends_on": null})
    );

    // An open enrollment is not ended by a correction; dates must be in order.
    let (status, body) = r
        .write(
            &app,
            Method::PATCH,
            &format!("/enrollments/{id}"),
            json!({"ends_on": "2026-12-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    r.write(
        &app,
        Method::POST,
        &format!("/students/{s}/withdraw"),
        json!({"date": "2026-12-01", "reason": "выбыл"}),
    )
    .await;
    let (status, body) = r
        .write(
            &app,
            Method::PATCH,
            &format!("/enrollments/{id}"),
            json!({"starts_on": "2026-12-05"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Moving the end later keeps the student on the list longer.
    let (status, body) = r
        .write(
            &app,
            Method::PATCH,
            &format!("/enrollments/{id}"),
            json!({"ends_on": "2026-12-10"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(r.list_on(&app, r.class_a, "2026-12-10").await, set(&[s]));
    assert_eq!(r.list_on(&app, r.class_a, "2026-12-11").await, set(&[]));
    let (status, _) = r
        .write(
            &app,
            Method::PATCH,
            &format!("/enrollments/{}", Uuid::now_v7()),
            json!({"starts_on": "2026-09-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn transfer_shows_the_old_class_before_the_date_and_the_new_class_from_it(app: TestApp) {
    let r = roster_school(&app).await;
    let s = r.student(&app, "Соколов", "Пётр").await;
    let first = r.arrive(&app, s, r.class_a, "2026-09-01").await;
    let (status, moved) = r
        .write(
            &app,
            Method::POST,
            &format!("/students/{s}/transfer"),
            json!({"class_id": r.class_b, "date": "2026-11-16"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{moved}");
    assert_eq!(moved["class_id"], r.class_b.to_string());
    assert_eq!(moved["class_name"], "5Б");
    assert_eq!(moved["starts_on"], "2026-11-16");
    assert_eq!(moved["start_reason"], "transfer");

    assert_eq!(r.list_on(&app, r.class_a, "2026-11-15").await, set(&[s]));
    assert_eq!(r.list_on(&app, r.class_b, "2026-11-15").await, set(&[]));
    assert_eq!(r.list_on(&app, r.class_a, "2026-11-16").await, set(&[]));
    assert_eq!(r.list_on(&app, r.class_b, "2026-11-16").await, set(&[s]));
    assert_eq!(r.list_on(&app, r.class_b, "2027-03-01").await, set(&[s]));

    let history = r.history(&app, s).await;
    assert_eq!(history.len(), 2, "{history:?}");
    assert_eq!(history[0]["id"], first["id"]);
    assert_eq!(history[0]["class_name"], "5А");
    assert_eq!(history[0]["starts_on"], "2026-09-01");
    assert_eq!(history[0]["ends_on"], "2026-11-15");
    assert_eq!(history[0]["start_reason"], "arrival");
    assert_eq!(history[0]["end_reason"], "transfer");
    assert_eq!(history[1], moved);
    assert_eq!(history[1]["end_reason"], Value::Null);

    let audit = r.audit(&app, "student_transferred").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["object_id"], s.to_string());
    assert_eq!(audit[0]["old_value"]["class_id"], r.class_a.to_string());
    assert_eq!(
        audit[0]["new_value"],
        json!({"class": "5Б", "starts_on": "2026-11-16"})
    );
    assert_eq!(r.audit(&app, "student_arrived").await.len(), 1);

    // Into the class the student is in, or not after the start: refused, nothing changes.
    let (status, _) = r
        .write(
            &app,
            Method::POST,
            &format!("/students/{s}/transfer"),
            json!({"class_id": r.class_b, "date": "2026-12-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = r
        .write(
            &app,
            Method::POST,
            &format!("/students/{s}/transfer"),
            json!({"class_id": r.class_a, "date": "2026-11-16"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let never = r.student(&app, "Новиков", "Олег").await;
    let (status, _) = r
        .write(
            &app,
            Method::POST,
            &format!("/students/{never}/transfer"),
            json!({"class_id": r.class_a, "date": "2026-12-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "not enrolled");
    assert_eq!(r.history(&app, s).await, history);
}

async fn overlapping_enrollments_are_conflicts_and_history_is_never_overwritten(app: TestApp) {
    let r = roster_school(&app).await;
    let s = r.student(&app, "Лебедева", "Мария").await;
    let first = r.arrive(&app, s, r.class_a, "2026-09-01").await;
    for (class, date) in [
        (r.class_b, "2026-10-01"),
        (r.class_a, "2026-09-01"),
        (r.class_b, "2026-08-01"),
    ] {
        let (status, body) = r
            .write(
                &app,
                Method::POST,
                &format!("/students/{s}/arrive"),
                json!({"class_id": class, "date": date}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{date}: {body}");
        assert_eq!(body["code"], "conflict");
    }
    r.write(
        &app,
        Method::POST,
        &format!("/students/{s}/withdraw"),
        json!({"date": "2026-10-01", "reason": "семейные обстоятельства"}),
    )
    .await;
    // Coming back on or before the last day is an overlap; after it, a new row.
    let (status, _) = r
        .write(
            &app,
            Method::POST,
            &format!("/students/{s}/arrive"),
            json!({"class_id": r.class_b, "date": "2026-09-30"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let back = r.arrive(&app, s, r.class_b, "2026-10-01").await;
    // Stretching the first enrollment over the second is refused.
    let (status, body) = r
        .write(
            &app,
            Method::PATCH,
            &format!("/enrollments/{}", first["id"].as_str().unwrap()),
            json!({"ends_on": "2026-10-05"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, body) = r
        .write(
            &app,
            Method::PATCH,
            &format!("/enrollments/{}", back["id"].as_str().unwrap()),
            json!({"starts_on": "2026-09-20"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let history = r.history(&app, s).await;
    let rows: Vec<Value> = history
        .iter()
        .map(|e| {
            json!([
                e["class_name"],
                e["starts_on"],
                e["ends_on"],
                e["start_reason"],
                e["end_reason"]
            ])
        })
        .collect();
    assert_eq!(
        rows,
        [
            json!(["5А", "2026-09-01", "2026-09-30", "arrival", "withdrawal"]),
            json!(["5Б", "2026-10-01", null, "arrival", null]),
        ]
    );
    assert_eq!(history[0]["end_note"], "семейные обстоятельства");
    // A person who is not a student is not enrolled; unknown classes are 404.
    let (_, staff) = app
        .invite(&r.admin, r.school, Role::Teacher, "Учителева")
        .await;
    let (status, _) = r
        .write(
            &app,
            Method::POST,
            &format!("/students/{staff}/arrive"),
            json!({"class_id": r.class_a, "date": "2026-09-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let other = r.student(&app, "Зайцев", "Глеб").await;
    let (status, _) = r
        .write(
            &app,
            Method::POST,
            &format!("/students/{other}/arrive"),
            json!({"class_id": Uuid::now_v7(), "date": "2026-09-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(r.history(&app, other).await, Vec::<Value>::new());
}

// ---------- guardians and privacy (a small part of the sample school) ----------

/// A school with the sample periods, staff and classes, the students of 1А plus S00180 (4Б),
/// their parents from the sample, and P00001 linked to S00180 as well (the demo parent of two).
async fn small_sample_school(app: &TestApp) -> (Uuid, String, String) {
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Школа № 7", "admin.s").await;
    for (kind, file) in [
        ("periods", "periods.csv"),
        ("staff", "staff.csv"),
        ("classes", "classes.csv"),
    ] {
        app.import_ok(&admin, school, kind, fixture(file), "text/csv")
            .await;
    }
    let students = String::from_utf8(fixture("students.csv")).unwrap();
    let mut lines = students.lines();
    let mut file = format!("{}\n", lines.next().unwrap());
    let mut ids = BTreeSet::new();
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        if f[6] == "1А" || f[0] == "S00180" {
            file.push_str(l);
            file.push('\n');
            ids.insert(f[0].to_string());
        }
    }
    assert_eq!(ids.len(), 24);
    app.import_ok(&admin, school, "students", file, "text/csv")
        .await;
    let parents = String::from_utf8(fixture("parents.csv")).unwrap();
    let mut lines = parents.lines();
    let mut file = format!("{}\n", lines.next().unwrap());
    for l in lines {
        if ids.contains(l.split(',').nth(4).unwrap()) {
            file.push_str(l);
            file.push('\n');
        }
    }
    // The mother of Кирилл (1А) is also the mother of Алексей (4Б).
    file.push_str("P00001,Михайлова,Марьям,Ахмедовна,S00180,мать,+7 936 495-90-65\n");
    let report = app
        .import_ok(&admin, school, "parents", file, "text/csv")
        .await;
    assert_eq!(report["counts"]["errors"], 0);
    (school, admin, root)
}

async fn class_id(app: &TestApp, token: &str, school: Uuid, name: &str) -> Uuid {
    let classes = app
        .get_ok(&format!("/schools/{school}/classes"), token)
        .await;
    classes
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

fn children_of(me: &Value) -> Vec<(String, Option<String>)> {
    me["memberships"][0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["class_name"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn both_children() -> Vec<(String, Option<String>)> {
    vec![
        (
            "Михайлов Алексей Русланович".to_string(),
            Some("4Б".to_string()),
        ),
        (
            "Михайлов Кирилл Русланович".to_string(),
            Some("1А".to_string()),
        ),
    ]
}

async fn parent_sees_both_children_in_guardians_and_me_each_once(app: TestApp) {
    let (school, admin, _) = small_sample_school(&app).await;
    let p1 = app.person_id(&admin, school, "P00001").await;
    let kirill = app.person_id(&admin, school, "S00001").await;
    let alexei = app.person_id(&admin, school, "S00180").await;
    let parent = app
        .register_person(&admin, school, p1, Role::Parent, "mikhailova")
        .await;
    let links = app
        .get_ok(
            &format!("/schools/{school}/persons/{p1}/guardians"),
            &parent,
        )
        .await;
    let pairs: Vec<(Value, Value, Value)> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["parent_id"].clone(),
                l["student_id"].clone(),
                l["relation"].clone(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            (json!(p1), json!(alexei), json!("мать")),
            (json!(p1), json!(kirill), json!("мать")),
        ]
    );
    let me = app.get_ok("/me", &parent).await;
    assert_eq!(me["memberships"].as_array().unwrap().len(), 1);
    assert_eq!(me["memberships"][0]["roles"], json!(["parent"]));
    assert_eq!(me["memberships"][0]["person_id"], json!(p1));
    assert_eq!(children_of(&me), both_children());
    assert_eq!(
        me["memberships"][0]["children"][1]["person_id"],
        json!(kirill)
    );

    // Importing the parents again (and linking again by hand) lists nobody twice.
    let parents = String::from_utf8(fixture("parents.csv")).unwrap();
    let again: String = parents.lines().take(3).collect::<Vec<_>>().join("\n");
    app.import_ok(&admin, school, "parents", again, "text/csv")
        .await;
    let res = app
        .post(
            &format!("/schools/{school}/persons/{alexei}/guardians"),
            Some(&admin),
            json!({"parent_id": p1, "relation": "мать"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        children_of(&app.get_ok("/me", &parent).await),
        both_children()
    );
    let links_again = app
        .get_ok(
            &format!("/schools/{school}/persons/{p1}/guardians"),
            &parent,
        )
        .await;
    assert_eq!(links_again, links);
    // The child's side lists each parent once.
    let of_alexei = app
        .get_ok(
            &format!("/schools/{school}/persons/{alexei}/guardians"),
            &parent,
        )
        .await;
    let names: Vec<&str> = of_alexei
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["parent_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Михайлов Андрей Магомедович",
            "Михайлова Заира Магомедовна",
            "Михайлова Марьям Ахмедовна"
        ]
    );
    // After unlinking, the second child is gone from the home page.
    let res = app
        .send(
            Method::DELETE,
            &format!("/schools/{school}/persons/{alexei}/guardians/{p1}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        children_of(&app.get_ok("/me", &parent).await),
        both_children()[1..].to_vec()
    );
}

async fn parents_and_students_read_only_their_own_roster_data(app: TestApp) {
    let (school, admin, _) = small_sample_school(&app).await;
    let p1 = app.person_id(&admin, school, "P00001").await;
    let kirill = app.person_id(&admin, school, "S00001").await;
    let alexei = app.person_id(&admin, school, "S00180").await;
    let akhmed = app.person_id(&admin, school, "S00002").await;
    let p3 = app.person_id(&admin, school, "P00003").await;
    let parent = app
        .register_person(&admin, school, p1, Role::Parent, "parent.1")
        .await;
    let student = app
        .register_person(&admin, school, kirill, Role::Student, "student.1")
        .await;
    let class_1a = class_id(&app, &admin, school, "1А").await;

    // Own and linked: allowed.
    for (who, token, person) in [
        ("parent → own children", &parent, kirill),
        ("parent → own children", &parent, alexei),
        ("parent → self", &parent, p1),
        ("student → self", &student, kirill),
        ("student → own parent", &student, p1),
    ] {
        for what in ["guardians", "enrollments"] {
            let res = app
                .get(
                    &format!("/schools/{school}/persons/{person}/{what}"),
                    Some(token),
                )
                .await;
            assert_eq!(res.status(), StatusCode::OK, "{who} {what}");
        }
    }
    let history = app
        .get_ok(
            &format!("/schools/{school}/persons/{kirill}/enrollments"),
            &parent,
        )
        .await;
    assert_eq!(history[0]["class_name"], "1А");
    assert_eq!(history[0]["starts_on"], "2026-09-01");
    let own = app
        .get_ok(
            &format!("/schools/{school}/persons/{kirill}/guardians"),
            &student,
        )
        .await;
    assert_eq!(own.as_array().unwrap().len(), 2);

    // Somebody else's child, that child's parent: 403, also for the child's own classmate.
    for (who, token, person) in [
        ("parent → other child", &parent, akhmed),
        ("parent → other parent", &parent, p3),
        ("student → classmate", &student, akhmed),
        ("student → brother", &student, alexei),
        ("student → classmate's parent", &student, p3),
    ] {
        for what in ["guardians", "enrollments"] {
            let res = app
                .get(
                    &format!("/schools/{school}/persons/{person}/{what}"),
                    Some(token),
                )
                .await;
            assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
            let _ = who;
        }
    }
    // Neither lists a class or other persons, nor changes the roster.
    for token in [&parent, &student] {
        for path in [
            format!("/schools/{school}/classes/{class_1a}/students"),
            format!("/schools/{school}/persons?kind=student"),
        ] {
            assert_problem(
                app.get(&path, Some(token)).await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }
        let res = app
            .post(
                &format!("/schools/{school}/students/{kirill}/withdraw"),
                Some(token),
                json!({"date": "2026-12-01", "reason": "сам"}),
            )
            .await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
}

async fn class_teacher_reads_their_class_list_and_other_teachers_get_403(app: TestApp) {
    let (school, admin, _) = small_sample_school(&app).await;
    let class_1a = class_id(&app, &admin, school, "1А").await;
    let class_4b = class_id(&app, &admin, school, "4Б").await;
    let t4 = app.person_id(&admin, school, "T0004").await;
    let t19 = app.person_id(&admin, school, "T0019").await;
    let t1 = app.person_id(&admin, school, "T0001").await;
    let class_teacher = app
        .register_person(&admin, school, t4, Role::Teacher, "alieva")
        .await;
    let teacher = app
        .register_person(&admin, school, t19, Role::Teacher, "abdullaeva")
        .await;
    let principal = app
        .register_person(&admin, school, t1, Role::Principal, "ivanov")
        .await;

    let list = app
        .get_ok(
            &format!("/schools/{school}/classes/{class_1a}/students"),
            &class_teacher,
        )
        .await;
    assert_eq!(list.as_array().unwrap().len(), 23);
    let names: Vec<(&str, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["last_name"].as_str().unwrap(),
                s["first_name"].as_str().unwrap(),
            )
        })
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "by name");
    let before = app
        .get_ok(
            &format!("/schools/{school}/classes/{class_1a}/students?on=2026-08-31"),
            &class_teacher,
        )
        .await;
    assert_eq!(before, json!([]));
    let by_principal = app
        .get_ok(
            &format!("/schools/{school}/classes/{class_1a}/students"),
            &principal,
        )
        .await;
    assert_eq!(by_principal, list);

    for (token, class) in [
        (&teacher, class_1a),
        (&class_teacher, class_4b),
        (&teacher, class_4b),
    ] {
        let res = app
            .get(
                &format!("/schools/{school}/classes/{class}/students"),
                Some(token),
            )
            .await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
    // Teachers see the structure, but change no roster, not even of their own class.
    let class = app
        .get_ok(&format!("/schools/{school}/classes/{class_1a}"), &teacher)
        .await;
    assert_eq!(class["class_teacher_id"], json!(t4));
    assert_eq!(class["student_count"], 23);
    let kirill = app.person_id(&admin, school, "S00001").await;
    let e = app
        .get_ok(
            &format!("/schools/{school}/persons/{kirill}/enrollments"),
            &admin,
        )
        .await;
    for (method, path, body) in [
        (
            Method::POST,
            format!("/schools/{school}/students/{kirill}/withdraw"),
            json!({"date": "2026-12-01", "reason": "выбыл"}),
        ),
        (
            Method::POST,
            format!("/schools/{school}/students/{kirill}/transfer"),
            json!({"class_id": class_4b, "date": "2026-12-01"}),
        ),
        (
            Method::PATCH,
            format!(
                "/schools/{school}/enrollments/{}",
                e[0]["id"].as_str().unwrap()
            ),
            json!({"starts_on": "2026-09-02"}),
        ),
        (
            Method::POST,
            format!("/schools/{school}/classes/{class_1a}/invite-sheet"),
            Value::Null,
        ),
    ] {
        let res = app
            .send(method, &path, Some(&class_teacher), Some(body))
            .await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
    assert_eq!(
        app.get_ok(
            &format!("/schools/{school}/persons/{kirill}/enrollments"),
            &admin
        )
        .await,
        e
    );
}

/// The slips of an invite sheet: (person id, role, code).
async fn invite_sheet(app: &TestApp, admin: &str, school: Uuid, class: Uuid) -> Value {
    let res = app
        .send(
            Method::POST,
            &format!("/schools/{school}/classes/{class}/invite-sheet"),
            Some(admin),
            None,
        )
        .await;
    let status = res.status();
    let sheet: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{sheet}");
    sheet
}

fn slips(sheet: &Value) -> &Vec<Value> {
    sheet["slips"].as_array().unwrap()
}

async fn invite_sheet_gives_one_slip_per_student_and_parent_without_an_account(app: TestApp) {
    let (school, admin, _) = small_sample_school(&app).await;
    let class_1a = class_id(&app, &admin, school, "1А").await;
    // One student and one parent of 1А already have accounts.
    let akhmed = app.person_id(&admin, school, "S00002").await;
    let p3 = app.person_id(&admin, school, "P00003").await;
    app.register_person(&admin, school, akhmed, Role::Student, "akhmed")
        .await;
    app.register_person(&admin, school, p3, Role::Parent, "ksenia")
        .await;

    let students = app
        .get_ok(
            &format!("/schools/{school}/classes/{class_1a}/students"),
            &admin,
        )
        .await;
    let students = students.as_array().unwrap();
    assert_eq!(students.len(), 23);
    let mut parents = BTreeSet::new();
    for s in students {
        let links = app
            .get_ok(
                &format!(
                    "/schools/{school}/persons/{}/guardians",
                    s["student_id"].as_str().unwrap()
                ),
                &admin,
            )
            .await;
        for l in links.as_array().unwrap() {
            parents.insert(l["parent_id"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(parents.len(), 40);

    let sheet = invite_sheet(&app, &admin, school, class_1a).await;
    assert_eq!(sheet["class_name"], "1А");
    assert_eq!(sheet["school_name"], "Школа № 7");
    let slips = slips(&sheet);
    // 23 students and 40 distinct parents, less the two with accounts.
    assert_eq!(slips.len(), 22 + 39);
    let persons: BTreeSet<&str> = slips
        .iter()
        .map(|s| s["person_id"].as_str().unwrap())
        .collect();
    assert_eq!(persons.len(), slips.len(), "one slip per person");
    let codes: BTreeSet<&str> = slips.iter().map(|s| s["code"].as_str().unwrap()).collect();
    assert_eq!(codes.len(), slips.len());
    assert!(!persons.contains(akhmed.to_string().as_str()));
    assert!(!persons.contains(p3.to_string().as_str()));
    let student_slips = slips.iter().filter(|s| s["role"] == "student").count();
    let parent_slips: Vec<&Value> = slips.iter().filter(|s| s["role"] == "parent").collect();
    assert_eq!((student_slips, parent_slips.len()), (22, 39));
    assert!(parent_slips.iter().all(|s| s["student_name"].is_string()));
    let p1 = app.person_id(&admin, school, "P00001").await;
    let mother = parent_slips
        .iter()
        .find(|s| s["person_id"] == json!(p1))
        .unwrap();
    assert_eq!(mother["person_name"], "Михайлова Марьям Ахмедовна");
    assert_eq!(mother["student_name"], "Михайлов Кирилл Русланович");
    // Each student's slip comes before their parents' (print order: a family together).
    let kirill = app.person_id(&admin, school, "S00001").await;
    let pos = |id: Uuid| {
        slips
            .iter()
            .position(|s| s["person_id"] == json!(id))
            .unwrap()
    };
    assert!(pos(kirill) < pos(p1));
    // The codes work: previews name the person's role in the school.
    let res = app
        .get(
            &format!("/auth/invites/{}", mother["code"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let preview: Value = res.json().await.unwrap();
    assert_eq!(preview["role"], "parent");
    assert_eq!(preview["school_name"], "Школа № 7");
    // A class with no students gives an empty sheet.
    let empty = class_id(&app, &admin, school, "11А").await;
    let sheet = invite_sheet(&app, &admin, school, empty).await;
    assert_eq!(sheet["slips"], json!([]));
}

async fn reissued_invite_sheet_revokes_earlier_codes_and_a_parent_registers_with_a_slip(
    app: TestApp,
) {
    let (school, admin, _) = small_sample_school(&app).await;
    let class_1a = class_id(&app, &admin, school, "1А").await;
    let p1 = app.person_id(&admin, school, "P00001").await;
    let first = invite_sheet(&app, &admin, school, class_1a).await;
    let second = invite_sheet(&app, &admin, school, class_1a).await;
    assert_eq!(slips(&first).len(), 23 + 40);
    assert_eq!(slips(&second).len(), slips(&first).len());
    let old_codes: Vec<&str> = slips(&first)
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    for s in slips(&second) {
        assert!(!old_codes.contains(&s["code"].as_str().unwrap()));
    }
    for code in old_codes.iter().take(5) {
        assert_problem(
            app.get(&format!("/auth/invites/{code}"), None).await,
            StatusCode::GONE,
            "invite_revoked",
        )
        .await;
    }
    let old_mother = slips(&first)
        .iter()
        .find(|s| s["person_id"] == json!(p1))
        .unwrap();
    let res = app
        .post(
            "/auth/register",
            None,
            json!({"invite_code": old_mother["code"], "login": "mikhailova", "password": PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::GONE, "invite_revoked").await;
    // Only the latest codes are active in the invite list.
    let active = app
        .get_ok(
            &format!("/schools/{school}/invites?state=active&limit=500"),
            &admin,
        )
        .await;
    let active_ids: BTreeSet<&str> = active
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    for s in slips(&second) {
        assert!(active_ids.contains(s["invite_id"].as_str().unwrap()));
    }
    for s in slips(&first) {
        assert!(!active_ids.contains(s["invite_id"].as_str().unwrap()));
    }

    // The mother registers with her new slip and sees both children's names.
    let new_mother = slips(&second)
        .iter()
        .find(|s| s["person_id"] == json!(p1))
        .unwrap();
    let parent = app
        .register(new_mother["code"].as_str().unwrap(), "mikhailova")
        .await;
    let me = app.get_ok("/me", &parent).await;
    assert_eq!(me["memberships"][0]["roles"], json!(["parent"]));
    assert_eq!(
        me["memberships"][0]["person_name"],
        "Михайлова Марьям Ахмедовна"
    );
    assert_eq!(children_of(&me), both_children());
    // A third sheet leaves her out: she has an account now.
    let third = invite_sheet(&app, &admin, school, class_1a).await;
    assert_eq!(slips(&third).len(), slips(&second).len() - 1);
    assert!(slips(&third).iter().all(|s| s["person_id"] != json!(p1)));
}
