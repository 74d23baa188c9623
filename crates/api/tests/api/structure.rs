//! School structure rules: academic years, periods, classes, subjects, subgroups, courses and
//! settings, through the API.

use otmetka_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(
    academic_years_must_not_overlap_and_one_is_current,
    a_period_must_lie_inside_its_year,
    periods_of_one_kind_must_not_overlap_other_kinds_may,
    class_grade_and_letter_are_validated_and_names_unique_per_year,
    subject_names_are_unique_in_a_school,
    a_course_subgroup_must_belong_to_the_courses_class,
    settings_keep_a_valid_time_zone_and_final_period_kind,
    structure_reads_are_for_members_and_writes_for_admins,
);

struct School {
    id: Uuid,
    admin: String,
    root: String,
}

async fn school(app: &TestApp) -> School {
    let root = app.superadmin().await;
    let (id, admin) = app
        .school_with_admin(&root, "Гимназия № 3", "admin.g")
        .await;
    School { id, admin, root }
}

impl School {
    /// A write as the admin: (status, body).
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
                &format!("/schools/{}{path}", self.id),
                Some(&self.admin),
                Some(body),
            )
            .await;
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    async fn created(&self, app: &TestApp, path: &str, body: Value) -> Value {
        let (status, v) = self.write(app, Method::POST, path, body).await;
        assert_eq!(status, StatusCode::CREATED, "POST {path}: {v}");
        v
    }

    async fn year(&self, app: &TestApp, name: &str, from: &str, to: &str) -> Value {
        self.created(
            app,
            "/academic-years",
            json!({"name": name, "starts_on": from, "ends_on": to}),
        )
        .await
    }

    async fn get(&self, app: &TestApp, path: &str) -> Value {
        app.get_ok(&format!("/schools/{}{path}", self.id), &self.admin)
            .await
    }
}

fn assert_code(status: StatusCode, body: &Value, want: StatusCode, code: &str) {
    assert_eq!(status, want, "{body}");
    assert_eq!(body["code"], code, "{body}");
}

/// The fields named by a validation problem.
fn fields(body: &Value) -> Vec<&str> {
    body["errors"]
        .as_array()
        .map(|e| e.iter().map(|f| f["field"].as_str().unwrap()).collect())
        .unwrap_or_default()
}

async fn academic_years_must_not_overlap_and_one_is_current(app: TestApp) {
    let s = school(&app).await;
    let y1 = s.year(&app, "2026/2027", "2026-09-01", "2027-08-31").await;
    assert_eq!(y1["is_current"], true, "the first year is current");
    for (name, from, to) in [
        ("2027/2028", "2027-08-31", "2028-08-31"),
        ("2025/2026", "2025-09-01", "2026-09-01"),
        ("внутри", "2026-12-01", "2027-01-31"),
        ("вокруг", "2025-01-01", "2028-01-01"),
    ] {
        let (status, body) = s
            .write(
                &app,
                Method::POST,
                "/academic-years",
                json!({"name": name, "starts_on": from, "ends_on": to}),
            )
            .await;
        assert_code(status, &body, StatusCode::CONFLICT, "conflict");
    }
    let (status, body) = s
        .write(
            &app,
            Method::POST,
            "/academic-years",
            json!({"name": "2026/2027", "starts_on": "2030-09-01", "ends_on": "2031-08-31"}),
        )
        .await;
    assert_code(status, &body, StatusCode::CONFLICT, "conflict");
    let (status, body) = s
        .write(
            &app,
            Method::POST,
            "/academic-years",
            json!({"name": "назад", "starts_on": "2031-09-01", "ends_on": "2031-08-31"}),
        )
        .await;
    assert_code(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(fields(&body), ["ends_on"]);
    // The next day is fine; it becomes current only when asked.
    let y2 = s.year(&app, "2027/2028", "2027-09-01", "2028-08-31").await;
    assert_eq!(y2["is_current"], false);
    let years = s.get(&app, "/academic-years").await;
    assert_eq!(years[0]["id"], y2["id"], "newest first");
    let (status, body) = s
        .write(
            &app,
            Method::PUT,
            &format!("/academic-years/{}", y2["id"].as_str().unwrap()),
            json!({"name": "2027/2028", "starts_on": "2027-09-01", "ends_on": "2028-08-31", "is_current": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let years = s.get(&app, "/academic-years").await;
    let current: Vec<&Value> = years
        .as_array()
        .unwrap()
        .iter()
        .filter(|y| y["is_current"] == true)
        .collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["id"], y2["id"]);
    // Moving a year onto another is an overlap too.
    let (status, body) = s
        .write(
            &app,
            Method::PUT,
            &format!("/academic-years/{}", y1["id"].as_str().unwrap()),
            json!({"name": "2026/2027", "starts_on": "2026-09-01", "ends_on": "2027-09-15"}),
        )
        .await;
    assert_code(status, &body, StatusCode::CONFLICT, "conflict");
    // Another school may use the same dates.
    let (other, admin_o) = app.school_with_admin(&s.root, "Другая", "admin.o").await;
    let res = app
        .post(
            &format!("/schools/{other}/academic-years"),
            Some(&admin_o),
            json!({"name": "2026/2027", "starts_on": "2026-09-01", "ends_on": "2027-08-31"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

async fn a_period_must_lie_inside_its_year(app: TestApp) {
    let s = school(&app).await;
    let y = s.year(&app, "2026/2027", "2026-09-01", "2027-05-31").await;
    let year = y["id"].as_str().unwrap();
    for (from, to) in [
        ("2026-08-31", "2026-10-31"),
        ("2027-04-01", "2027-06-01"),
        ("2025-09-01", "2025-10-31"),
    ] {
        let (status, body) = s
            .write(
                &app,
                Method::POST,
                "/periods",
                json!({"academic_year_id": year, "kind": "quarter", "number": 1, "starts_on": from, "ends_on": to}),
            )
            .await;
        assert_code(
            status,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert_eq!(fields(&body), ["starts_on"], "{from}–{to}");
    }
    let (status, body) = s
        .write(
            &app,
            Method::POST,
            "/periods",
            json!({"academic_year_id": year, "kind": "quarter", "number": 1, "starts_on": "2026-10-31", "ends_on": "2026-10-01"}),
        )
        .await;
    assert_code(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    for (kind, number) in [
        ("quarter", 5),
        ("trimester", 4),
        ("half_year", 3),
        ("year", 2),
        ("quarter", 0),
    ] {
        let (status, body) = s
            .write(
                &app,
                Method::POST,
                "/periods",
                json!({"academic_year_id": year, "kind": kind, "number": number, "starts_on": "2026-09-01", "ends_on": "2026-10-01"}),
            )
            .await;
        assert_code(
            status,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert_eq!(fields(&body), ["number"], "{kind} {number}");
    }
    let (status, body) = s
        .write(
            &app,
            Method::POST,
            "/periods",
            json!({"academic_year_id": Uuid::now_v7(), "kind": "quarter", "number": 1, "starts_on": "2026-09-01", "ends_on": "2026-10-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    // The whole year, to the day, is inside.
    let p = s
        .created(
            &app,
            "/periods",
            json!({"academic_year_id": year, "kind": "year", "number": 1, "starts_on": "2026-09-01", "ends_on": "2027-05-31"}),
        )
        .await;
    assert_eq!(p["kind"], "year");
    // Changing it to stick out is refused too.
    let (status, body) = s
        .write(
            &app,
            Method::PUT,
            &format!("/periods/{}", p["id"].as_str().unwrap()),
            json!({"academic_year_id": year, "kind": "year", "number": 1, "starts_on": "2026-09-01", "ends_on": "2027-06-30"}),
        )
        .await;
    assert_code(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(s.get(&app, "/periods").await, json!([p]));
}

async fn periods_of_one_kind_must_not_overlap_other_kinds_may(app: TestApp) {
    let s = school(&app).await;
    let y = s.year(&app, "2026/2027", "2026-09-01", "2027-08-31").await;
    let year = y["id"].as_str().unwrap();
    let period = |kind: &str, number: i32, from: &str, to: &str| json!({"academic_year_id": year, "kind": kind, "number": number, "starts_on": from, "ends_on": to});
    let q1 = s
        .created(
            &app,
            "/periods",
            period("quarter", 1, "2026-09-01", "2026-10-24"),
        )
        .await;
    for body in [
        period("quarter", 2, "2026-10-24", "2026-12-26"),
        period("quarter", 2, "2026-10-01", "2026-11-01"),
        period("quarter", 2, "2026-09-10", "2026-09-20"),
        // The same number again, even with other dates.
        period("quarter", 1, "2026-11-05", "2026-12-26"),
    ] {
        let (status, res) = s.write(&app, Method::POST, "/periods", body.clone()).await;
        assert_code(status, &res, StatusCode::CONFLICT, "conflict");
    }
    let q2 = s
        .created(
            &app,
            "/periods",
            period("quarter", 2, "2026-11-05", "2026-12-26"),
        )
        .await;
    // Half-years overlap quarters by nature.
    let h1 = s
        .created(
            &app,
            "/periods",
            period("half_year", 1, "2026-09-01", "2026-12-26"),
        )
        .await;
    let (status, res) = s
        .write(
            &app,
            Method::POST,
            "/periods",
            period("half_year", 2, "2026-12-01", "2027-05-26"),
        )
        .await;
    assert_code(status, &res, StatusCode::CONFLICT, "conflict");
    // Moving quarter 2 onto quarter 1 is refused; a period may keep its own dates.
    let q2_id = q2["id"].as_str().unwrap();
    let (status, res) = s
        .write(
            &app,
            Method::PUT,
            &format!("/periods/{q2_id}"),
            period("quarter", 2, "2026-10-20", "2026-12-26"),
        )
        .await;
    assert_code(status, &res, StatusCode::CONFLICT, "conflict");
    let (status, res) = s
        .write(
            &app,
            Method::PUT,
            &format!("/periods/{q2_id}"),
            period("quarter", 2, "2026-11-06", "2026-12-26"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    let periods = s.get(&app, "/periods").await;
    let ids: Vec<&Value> = periods
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["id"])
        .collect();
    assert_eq!(ids, [&q1["id"], &q2["id"], &h1["id"]], "by kind and number");
    assert_eq!(periods[1]["starts_on"], "2026-11-06");
    // Deleting frees the dates.
    let res = app
        .send(
            Method::DELETE,
            &format!("/schools/{}/periods/{q2_id}", s.id),
            Some(&s.admin),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    s.created(
        &app,
        "/periods",
        period("quarter", 2, "2026-10-25", "2026-12-26"),
    )
    .await;
}

async fn class_grade_and_letter_are_validated_and_names_unique_per_year(app: TestApp) {
    let s = school(&app).await;
    // No year yet: a class has nowhere to go.
    let (status, body) = s
        .write(
            &app,
            Method::POST,
            "/classes",
            json!({"grade": 5, "letter": "А"}),
        )
        .await;
    assert_code(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(fields(&body), ["academic_year_id"]);
    s.year(&app, "2026/2027", "2026-09-01", "2027-08-31").await;
    for (body, field) in [
        (json!({"grade": 0, "letter": "А"}), "grade"),
        (json!({"grade": 12, "letter": "А"}), "grade"),
        (json!({"grade": -1, "letter": "А"}), "grade"),
        (json!({"grade": 5, "letter": ""}), "letter"),
        (json!({"grade": 5, "letter": "  "}), "letter"),
        (json!({"grade": 5, "letter": "1"}), "letter"),
        (json!({"grade": 5, "letter": "А-1"}), "letter"),
        (json!({"grade": 5, "letter": "АБВГДЕЖЗИ"}), "letter"),
    ] {
        let (status, res) = s.write(&app, Method::POST, "/classes", body.clone()).await;
        assert_code(
            status,
            &res,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert_eq!(fields(&res), [field], "{body}");
    }
    let (status, res) = s
        .write(
            &app,
            Method::POST,
            "/classes",
            json!({"grade": "5", "letter": "А"}),
        )
        .await;
    assert!(status.is_client_error(), "{res}");
    // A lower-case letter is stored upper-case; the name is grade + letter.
    let c = s
        .created(&app, "/classes", json!({"grade": 11, "letter": " б "}))
        .await;
    assert_eq!(
        (&c["name"], &c["letter"], &c["grade"]),
        (&json!("11Б"), &json!("Б"), &json!(11))
    );
    assert_eq!(c["student_count"], 0);
    assert_eq!(c["class_teacher_id"], Value::Null);
    s.created(&app, "/classes", json!({"grade": 1, "letter": "А"}))
        .await;
    let (status, res) = s
        .write(
            &app,
            Method::POST,
            "/classes",
            json!({"grade": 11, "letter": "Б"}),
        )
        .await;
    assert_code(status, &res, StatusCode::CONFLICT, "conflict");
    // A class teacher must be a staff person of the school.
    let (_, student) = app.invite(&s.admin, s.id, Role::Student, "Ученик").await;
    let (_, teacher) = app.invite(&s.admin, s.id, Role::Teacher, "Учитель").await;
    for bad in [student, Uuid::now_v7()] {
        let (status, res) = s
            .write(
                &app,
                Method::POST,
                "/classes",
                json!({"grade": 2, "letter": "А", "class_teacher_id": bad}),
            )
            .await;
        assert_code(
            status,
            &res,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert_eq!(fields(&res), ["class_teacher_id"]);
    }
    let c2 = s
        .created(
            &app,
            "/classes",
            json!({"grade": 2, "letter": "А", "class_teacher_id": teacher}),
        )
        .await;
    assert_eq!(c2["class_teacher_id"], json!(teacher));
    assert_eq!(c2["class_teacher_name"], "Учитель Тест");
    // Listed by grade, then letter.
    let names: Vec<Value> = s
        .get(&app, "/classes")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].clone())
        .collect();
    assert_eq!(names, [json!("1А"), json!("2А"), json!("11Б")]);
    // Renaming onto another class of the year is a conflict.
    let (status, res) = s
        .write(
            &app,
            Method::PUT,
            &format!("/classes/{}", c2["id"].as_str().unwrap()),
            json!({"grade": 1, "letter": "а"}),
        )
        .await;
    assert_code(status, &res, StatusCode::CONFLICT, "conflict");
}

async fn subject_names_are_unique_in_a_school(app: TestApp) {
    let s = school(&app).await;
    let rus = s
        .created(
            &app,
            "/subjects",
            json!({"name": " Русский   язык ", "short_name": "Рус"}),
        )
        .await;
    assert_eq!(rus["name"], "Русский язык");
    for name in ["Русский язык", "Русский  язык", " Русский язык"]
    {
        let (status, res) = s
            .write(
                &app,
                Method::POST,
                "/subjects",
                json!({"name": name, "short_name": "Р"}),
            )
            .await;
        assert_code(status, &res, StatusCode::CONFLICT, "conflict");
    }
    let math = s
        .created(
            &app,
            "/subjects",
            json!({"name": "Математика", "short_name": "Мат"}),
        )
        .await;
    let (status, res) = s
        .write(
            &app,
            Method::PUT,
            &format!("/subjects/{}", math["id"].as_str().unwrap()),
            json!({"name": "Русский язык", "short_name": "Мат"}),
        )
        .await;
    assert_code(status, &res, StatusCode::CONFLICT, "conflict");
    for body in [
        json!({"name": "", "short_name": "X"}),
        json!({"name": "   ", "short_name": "X"}),
        json!({"name": "Физика", "short_name": ""}),
    ] {
        let (status, res) = s.write(&app, Method::POST, "/subjects", body).await;
        assert_code(
            status,
            &res,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
    }
    // Renaming in place keeps the name; another school may have the same subject.
    let (status, res) = s
        .write(
            &app,
            Method::PUT,
            &format!("/subjects/{}", rus["id"].as_str().unwrap()),
            json!({"name": "Русский язык", "short_name": "Р.яз"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    let list = s.get(&app, "/subjects").await;
    assert_eq!(
        list,
        json!([math, {"id": rus["id"], "name": "Русский язык", "short_name": "Р.яз", "mark_scale_id": null, "homework_expected": true}])
    );
    let (other, admin_o) = app.school_with_admin(&s.root, "Другая", "admin.o").await;
    let res = app
        .post(
            &format!("/schools/{other}/subjects"),
            Some(&admin_o),
            json!({"name": "Русский язык", "short_name": "Рус"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

async fn a_course_subgroup_must_belong_to_the_courses_class(app: TestApp) {
    let s = school(&app).await;
    s.year(&app, "2026/2027", "2026-09-01", "2027-08-31").await;
    let a = s
        .created(&app, "/classes", json!({"grade": 7, "letter": "А"}))
        .await;
    let b = s
        .created(&app, "/classes", json!({"grade": 7, "letter": "Б"}))
        .await;
    let eng = s
        .created(
            &app,
            "/subjects",
            json!({"name": "Английский язык", "short_name": "Англ"}),
        )
        .await;
    let (_, teacher) = app.invite(&s.admin, s.id, Role::Teacher, "Смит").await;
    let (_, parent) = app.invite(&s.admin, s.id, Role::Parent, "Родитель").await;
    let a_id = a["id"].as_str().unwrap();
    let b_id = b["id"].as_str().unwrap();
    let group_of = |class: &str, number: i32| {
        let s = &s;
        let app = &app;
        let class = class.to_string();
        async move {
            let (status, g) = s
                .write(
                    app,
                    Method::POST,
                    &format!("/classes/{class}/groups"),
                    json!({"number": number}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{g}");
            g
        }
    };
    let a1 = group_of(a_id, 1).await;
    let b1 = group_of(b_id, 1).await;
    assert_eq!(a1["name"], "Группа 1");
    assert_eq!(a1["student_ids"], json!([]));
    let course = |class: &str, group: &Value, teachers: Value| {
        json!({"class_id": class, "group_id": group["id"], "subject_id": eng["id"],
               "teacher_ids": teachers, "hours_per_week": 3})
    };
    let (status, res) = s
        .write(
            &app,
            Method::POST,
            "/courses",
            course(a_id, &b1, json!([teacher])),
        )
        .await;
    assert_code(
        status,
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(fields(&res), ["group_id"]);
    for (teachers, field) in [
        (json!([parent]), "teacher_ids"),
        (json!([Uuid::now_v7()]), "teacher_ids"),
        (json!([]), "teacher_ids"),
    ] {
        let (status, res) = s
            .write(
                &app,
                Method::POST,
                "/courses",
                course(a_id, &a1, teachers.clone()),
            )
            .await;
        assert_code(
            status,
            &res,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert_eq!(fields(&res), [field], "{teachers}");
    }
    let c = s
        .created(
            &app,
            "/courses",
            course(a_id, &a1, json!([teacher, teacher])),
        )
        .await;
    assert_eq!(c["class_name"], "7А");
    assert_eq!(c["group_number"], 1);
    assert_eq!(c["subject_name"], "Английский язык");
    assert_eq!(c["teacher_ids"], json!([teacher]));
    assert_eq!(c["teacher_names"], json!(["Смит Тест"]));
    let (status, res) = s
        .write(
            &app,
            Method::POST,
            "/courses",
            course(a_id, &a1, json!([teacher])),
        )
        .await;
    assert_code(status, &res, StatusCode::CONFLICT, "conflict");
    // The whole class and the other class's group are other courses.
    s.created(
        &app,
        "/courses",
        course(a_id, &Value::Null, json!([teacher])),
    )
    .await;
    s.created(&app, "/courses", course(b_id, &b1, json!([teacher])))
        .await;
    // Moving a course to the other class with its group is refused too.
    let (status, res) = s
        .write(
            &app,
            Method::PUT,
            &format!("/courses/{}", c["id"].as_str().unwrap()),
            course(b_id, &a1, json!([teacher])),
        )
        .await;
    assert_code(
        status,
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let of_a = s.get(&app, &format!("/courses?class_id={a_id}")).await;
    assert_eq!(of_a.as_array().unwrap().len(), 2);
    let of_teacher = s.get(&app, &format!("/courses?teacher_id={teacher}")).await;
    assert_eq!(of_teacher.as_array().unwrap().len(), 3);
    // A subgroup's members are students of its class.
    let (status, res) = s
        .write(
            &app,
            Method::POST,
            &format!("/classes/{a_id}/groups"),
            json!({"number": 2, "student_ids": [Uuid::now_v7()]}),
        )
        .await;
    assert_code(
        status,
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
}

async fn settings_keep_a_valid_time_zone_and_final_period_kind(app: TestApp) {
    let s = school(&app).await;
    let settings = s.get(&app, "/settings").await;
    assert_eq!(
        settings,
        json!({"name": "Гимназия № 3", "time_zone": "Europe/Moscow", "final_period_kind": "quarter", "edit_window_days": null, "rounding_threshold": 0.5, "final_marks_open_days": 7, "final_marks_close_days": 3, "control_min_marks": 3, "control_late_days": 7})
    );
    for (body, field) in [
        (
            json!({"name": "Гимназия № 3", "time_zone": "Mars/Olympus", "final_period_kind": "quarter"}),
            "time_zone",
        ),
        (
            json!({"name": "Гимназия № 3", "time_zone": "Asia/Yekaterinburg", "final_period_kind": "year"}),
            "final_period_kind",
        ),
        (
            json!({"name": "", "time_zone": "Asia/Yekaterinburg", "final_period_kind": "quarter"}),
            "name",
        ),
        (
            json!({"name": "Гимназия № 3", "time_zone": "Europe/Moscow", "final_period_kind": "quarter", "edit_window_days": 0}),
            "edit_window_days",
        ),
        (
            json!({"name": "Гимназия № 3", "time_zone": "Europe/Moscow", "final_period_kind": "quarter", "rounding_threshold": 0.0}),
            "rounding_threshold",
        ),
        (
            json!({"name": "Гимназия № 3", "time_zone": "Europe/Moscow", "final_period_kind": "quarter", "rounding_threshold": 1.01}),
            "rounding_threshold",
        ),
        (
            json!({"name": "Гимназия № 3", "time_zone": "Europe/Moscow", "final_period_kind": "quarter", "final_marks_open_days": -1}),
            "final_marks_open_days",
        ),
        (
            json!({"name": "Гимназия № 3", "time_zone": "Europe/Moscow", "final_period_kind": "quarter", "final_marks_close_days": 61}),
            "final_marks_close_days",
        ),
    ] {
        let (status, res) = s.write(&app, Method::PUT, "/settings", body).await;
        assert_code(
            status,
            &res,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert_eq!(fields(&res), [field]);
    }
    let (status, res) = s
        .write(
            &app,
            Method::PUT,
            "/settings",
            json!({"name": "Гимназия № 3", "time_zone": "Asia/Yekaterinburg", "final_period_kind": "fortnight"}),
        )
        .await;
    assert!(status.is_client_error(), "{res}");
    let want = json!({"name": "Гимназия № 3 им. Пушкина", "time_zone": "Asia/Yekaterinburg", "final_period_kind": "half_year", "edit_window_days": 14, "rounding_threshold": 0.6, "final_marks_open_days": 10, "final_marks_close_days": 5, "control_min_marks": 4, "control_late_days": 10});
    let (status, res) = s.write(&app, Method::PUT, "/settings", want.clone()).await;
    assert_eq!((status, &res), (StatusCode::OK, &want));
    assert_eq!(s.get(&app, "/settings").await, want);
    let school = app.get_ok(&format!("/schools/{}", s.id), &s.admin).await;
    assert_eq!(school["name"], "Гимназия № 3 им. Пушкина");
    let audit = s.get(&app, "/audit?action=settings_changed").await;
    assert_eq!(audit[0]["old_value"]["time_zone"], "Europe/Moscow");
    assert_eq!(audit[0]["new_value"]["final_period_kind"], "half_year");
    // The final-mark settings are optional in a PUT: omitted, they take their defaults.
    let plain = json!({"name": "Гимназия № 3 им. Пушкина", "time_zone": "Asia/Yekaterinburg", "final_period_kind": "half_year"});
    let (status, res) = s.write(&app, Method::PUT, "/settings", plain).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(
        (
            &res["rounding_threshold"],
            &res["final_marks_open_days"],
            &res["final_marks_close_days"],
            &res["edit_window_days"],
            &res["control_min_marks"],
            &res["control_late_days"]
        ),
        (
            &json!(0.5),
            &json!(7),
            &json!(3),
            &Value::Null,
            &json!(3),
            &json!(7)
        )
    );
}

async fn structure_reads_are_for_members_and_writes_for_admins(app: TestApp) {
    let s = school(&app).await;
    let y = s.year(&app, "2026/2027", "2026-09-01", "2027-08-31").await;
    s.created(&app, "/classes", json!({"grade": 5, "letter": "А"}))
        .await;
    let student = app.member(&s.admin, s.id, Role::Student, "ученик").await;
    let teacher = app.member(&s.admin, s.id, Role::Teacher, "учитель").await;
    for token in [&student, &teacher] {
        let classes = app
            .get_ok(&format!("/schools/{}/classes", s.id), token)
            .await;
        assert_eq!(classes[0]["name"], "5А");
        let years = app
            .get_ok(&format!("/schools/{}/academic-years", s.id), token)
            .await;
        assert_eq!(years[0], y);
        for (path, body) in [
            ("/subjects", json!({"name": "Химия", "short_name": "Хим"})),
            ("/classes", json!({"grade": 6, "letter": "А"})),
            (
                "/academic-years",
                json!({"name": "2027/2028", "starts_on": "2027-09-01", "ends_on": "2028-08-31"}),
            ),
        ] {
            let res = app
                .post(&format!("/schools/{}{path}", s.id), Some(token), body)
                .await;
            assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
        }
    }
    assert_eq!(s.get(&app, "/subjects").await, json!([]));
    assert_eq!(s.get(&app, "/classes").await.as_array().unwrap().len(), 1);
}
