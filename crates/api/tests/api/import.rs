//! Imports (`POST /schools/{id}/import/{kind}`): the sample school end to end, re-imports,
//! dirty exports, JSON bodies, every bad-input case (all or nothing), dry runs,
//! `Idempotency-Key`, API-token scopes and who may import.

use std::collections::{BTreeMap, BTreeSet};

use otmetka_domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(
    sample_school_imported_by_a_script_token_gives_20_classes_441_students_735_parents_42_staff_298_courses,
    importing_the_sample_school_twice_leaves_every_row_unchanged,
    dirty_student_exports_import_to_the_same_students_as_the_clean_file,
    json_array_of_objects_imports_the_same_rows_as_csv,
    bad_files_are_rejected_with_line_and_column_and_write_nothing,
    dry_run_reports_every_row_and_writes_nothing,
    idempotency_key_replays_the_first_answer_and_refuses_another_body,
    api_token_needs_the_import_scope_to_import,
    only_admins_of_the_school_import_known_kinds,
    a_student_whose_class_changes_in_the_file_is_transferred_from_today,
    reimporting_a_withdrawn_student_never_overlaps_their_enrollments,
    concurrent_retries_with_one_idempotency_key_run_the_import_once,
    import_body_over_20_mib_is_refused_with_413,
    malformed_import_requests_answer_problems_never_500,
    rows_naming_two_teachers_of_one_course_make_one_course_with_both,
);

/// Today in the sample school's zone (Europe/Moscow).
fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .date_naive()
}

/// The enrollment history of a student: (class, starts_on, ends_on, start_reason, end_reason).
async fn history_of(
    app: &TestApp,
    admin: &str,
    school: Uuid,
    student: &Value,
) -> Vec<(String, String, Option<String>, String, Option<String>)> {
    app.get_ok(
        &format!(
            "/schools/{school}/persons/{}/enrollments",
            student["id"].as_str().unwrap()
        ),
        admin,
    )
    .await
    .as_array()
    .unwrap()
    .iter()
    .map(|e| {
        (
            e["class_name"].as_str().unwrap().to_string(),
            e["starts_on"].as_str().unwrap().to_string(),
            e["ends_on"].as_str().map(str::to_string),
            e["start_reason"].as_str().unwrap().to_string(),
            e["end_reason"].as_str().map(str::to_string),
        )
    })
    .collect()
}

/// `(created, updated, unchanged, errors)` of a report.
fn counts(report: &Value) -> (u64, u64, u64, u64) {
    let c = &report["counts"];
    (
        c["created"].as_u64().unwrap(),
        c["updated"].as_u64().unwrap(),
        c["unchanged"].as_u64().unwrap(),
        c["errors"].as_u64().unwrap(),
    )
}

/// The data rows of each sample file (lines minus the header).
const SAMPLE_ROWS: [(&str, u64); 7] = [
    ("periods", 4),
    ("subjects", 24),
    ("staff", 42),
    ("classes", 20),
    ("students", 441),
    ("parents", 735),
    ("courses", 298),
];

/// The header and the first `n` data lines of a sample file.
fn head(file: &str, n: usize) -> String {
    let text = String::from_utf8(fixture(file)).unwrap();
    let mut out: String = text.lines().take(n + 1).collect::<Vec<_>>().join("\n");
    out.push('\n');
    out
}

/// A school with an admin, and the sample periods, staff and classes imported (what students
/// need).
async fn school_ready_for_students(app: &TestApp, root: &str, name: &str) -> (Uuid, String) {
    let login = format!("admin.{}", &Uuid::now_v7().simple().to_string()[24..]);
    let (school, admin) = app.school_with_admin(root, name, &login).await;
    for (kind, file) in [
        ("periods", "periods.csv"),
        ("staff", "staff.csv"),
        ("classes", "classes.csv"),
    ] {
        app.import_ok(&admin, school, kind, fixture(file), "text/csv")
            .await;
    }
    (school, admin)
}

/// Every student of a school by external id.
async fn students_by_ext(app: &TestApp, admin: &str, school: Uuid) -> BTreeMap<String, Value> {
    let list = app
        .get_ok(
            &format!("/schools/{school}/persons?kind=student&limit=500"),
            admin,
        )
        .await;
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| (p["external_id"].as_str().unwrap().to_string(), p.clone()))
        .collect()
}

/// The fields an import sets on a student.
fn student_fields(p: &Value) -> Value {
    json!([
        p["external_id"],
        p["kind"],
        p["last_name"],
        p["first_name"],
        p["middle_name"],
        p["birth_date"],
        p["sex"]
    ])
}

/// Every class list of the school today: class name → [(external id, subgroups)].
async fn class_lists(
    app: &TestApp,
    admin: &str,
    school: Uuid,
) -> BTreeMap<String, BTreeSet<(String, String)>> {
    let classes = app
        .get_ok(&format!("/schools/{school}/classes"), admin)
        .await;
    let mut out = BTreeMap::new();
    for c in classes.as_array().unwrap() {
        let list = app
            .get_ok(
                &format!(
                    "/schools/{school}/classes/{}/students",
                    c["id"].as_str().unwrap()
                ),
                admin,
            )
            .await;
        out.insert(
            c["name"].as_str().unwrap().to_string(),
            list.as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    (
                        s["external_id"].as_str().unwrap().to_string(),
                        s["group_numbers"].to_string(),
                    )
                })
                .collect(),
        );
    }
    out
}

async fn create_api_token(app: &TestApp, token: &str, scopes: &[&str]) -> String {
    let res = app
        .post(
            "/me/api-tokens",
            Some(token),
            json!({"name": "скрипт импорта", "scopes": scopes}),
        )
        .await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["token"].as_str().unwrap().to_string()
}

async fn sample_school_imported_by_a_script_token_gives_20_classes_441_students_735_parents_42_staff_298_courses(
    app: TestApp,
) {
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Школа № 1", "admin.one").await;
    let token = create_api_token(&app, &admin, &["import"]).await;
    // What `curl -H "Authorization: Bearer otm_…" -H "Content-Type: text/csv" --data-binary
    // @students.csv …/import/students` does: no cookies, no session.
    let script = reqwest::Client::new();
    for ((kind, file), (k, rows)) in FIXTURE_ORDER.into_iter().zip(SAMPLE_ROWS) {
        assert_eq!(kind, k);
        let res = script
            .post(app.url(&format!("/schools/{school}/import/{kind}")))
            .header("Authorization", format!("Bearer {token}"))
            .header("Content-Type", "text/csv")
            .body(fixture(file))
            .send()
            .await
            .unwrap();
        let status = res.status();
        let report: Value = res.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{kind}: {report}");
        assert_eq!(report["kind"], kind);
        assert_eq!(report["committed"], true);
        assert_eq!(report["dry_run"], false);
        // The staff row of the first admin (T0003, same name) adopts the record made with the
        // school: updated, not created.
        let expected = if kind == "staff" {
            (rows - 1, 1, 0, 0)
        } else {
            (rows, 0, 0, 0)
        };
        assert_eq!(counts(&report), expected, "{kind}");
        let report_rows = report["rows"].as_array().unwrap();
        assert_eq!(report_rows.len() as u64, rows, "{kind}");
        // Line 1 is the header: the rows are lines 2…n+1, each once.
        let lines: Vec<u64> = report_rows
            .iter()
            .map(|r| r["line"].as_u64().unwrap())
            .collect();
        assert_eq!(lines, (2..rows + 2).collect::<Vec<_>>(), "{kind}");
        assert!(
            report_rows
                .iter()
                .all(|r| r["outcome"] == "created" || (kind == "staff" && r["key"] == "T0003")),
            "{kind}"
        );
    }

    let classes = app
        .get_ok(&format!("/schools/{school}/classes"), &admin)
        .await;
    let classes = classes.as_array().unwrap();
    assert_eq!(classes.len(), 20);
    let first = &classes[0];
    assert_eq!(first["name"], "1А");
    assert_eq!(first["grade"], 1);
    assert_eq!(first["letter"], "А");
    assert_eq!(first["student_count"], 23, "{first}");
    let t0004 = app.person_by_ext(&admin, school, "T0004").await;
    assert_eq!(first["class_teacher_id"], t0004["id"]);
    let total: u64 = classes
        .iter()
        .map(|c| c["student_count"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 441);

    assert_eq!(app.count_persons(&admin, school, "student").await, 441);
    assert_eq!(app.count_persons(&admin, school, "parent").await, 735);
    // 42 staff: the first admin's record made with the school was adopted by the staff row
    // with the same name (T0003 Петрова Мадина Магомедовна), not duplicated.
    assert_eq!(app.count_persons(&admin, school, "staff").await, 42);
    let staff = app
        .get_ok(
            &format!("/schools/{school}/persons?kind=staff&limit=500"),
            &admin,
        )
        .await;
    let imported_staff = staff
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["external_id"].is_string())
        .count();
    assert_eq!(imported_staff, 42);
    assert_eq!(t0004["position"], "teacher");
    assert_eq!(
        app.person_by_ext(&admin, school, "T0003").await["position"],
        "admin"
    );

    let courses = app
        .get_ok(&format!("/schools/{school}/courses"), &admin)
        .await;
    let courses = courses.as_array().unwrap();
    assert_eq!(courses.len(), 298);
    let rus_1a = courses
        .iter()
        .find(|c| c["class_name"] == "1А" && c["subject_name"] == "Русский язык")
        .unwrap();
    assert_eq!(rus_1a["hours_per_week"], 5);
    assert_eq!(rus_1a["teacher_ids"], json!([t0004["id"]]));
    assert!(courses.iter().any(|c| c["group_number"] == 2));
    let subjects = app
        .get_ok(&format!("/schools/{school}/subjects"), &admin)
        .await;
    assert_eq!(subjects.as_array().unwrap().len(), 24);
    let periods = app
        .get_ok(&format!("/schools/{school}/periods"), &admin)
        .await;
    assert_eq!(periods.as_array().unwrap().len(), 4);
    assert_eq!(periods[1]["starts_on"], "2026-11-05");
    let years = app
        .get_ok(&format!("/schools/{school}/academic-years"), &admin)
        .await;
    assert_eq!(
        years,
        json!([{"id": years[0]["id"], "name": "2026/2027", "starts_on": "2026-09-01",
                "ends_on": "2027-08-31", "is_current": true}])
    );

    // The first data line, with its values, and the header nowhere.
    let s1 = app.person_by_ext(&admin, school, "S00001").await;
    assert_eq!(
        student_fields(&s1),
        json!([
            "S00001",
            "student",
            "Михайлов",
            "Кирилл",
            "Русланович",
            "2019-03-16",
            "M"
        ])
    );
    let students = students_by_ext(&app, &admin, school).await;
    assert_eq!(students.len(), 441);
    assert!(students.keys().all(|k| k.starts_with('S')));
    assert!(
        students
            .values()
            .all(|p| p["last_name"] != "last_name" && p["first_name"] != "first_name")
    );
    let guardians = app
        .get_ok(
            &format!(
                "/schools/{school}/persons/{}/guardians",
                s1["id"].as_str().unwrap()
            ),
            &admin,
        )
        .await;
    let pairs: Vec<(&str, &str)> = guardians
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["parent_name"].as_str().unwrap(),
                g["relation"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("Михайлов Никита Муратович", "отец"),
            ("Михайлова Марьям Ахмедовна", "мать")
        ]
    );
    let list_1a = app
        .get_ok(
            &format!(
                "/schools/{school}/classes/{}/students",
                first["id"].as_str().unwrap()
            ),
            &admin,
        )
        .await;
    assert_eq!(list_1a.as_array().unwrap().len(), 23);
    let kirill = list_1a
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["external_id"] == "S00001")
        .unwrap();
    assert_eq!(kirill["group_numbers"], json!([1]));
    assert_eq!(kirill["starts_on"], "2026-09-01");
    assert_eq!(kirill["has_account"], false);
}

async fn importing_the_sample_school_twice_leaves_every_row_unchanged(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.demo_school(&root, "Школа № 2", "admin.two").await;
    let students_before = students_by_ext(&app, &admin, school).await;
    let lists_before = class_lists(&app, &admin, school).await;
    let courses_before = app
        .get_ok(&format!("/schools/{school}/courses"), &admin)
        .await;
    let reports = app.import_fixtures(&admin, school).await;
    for (report, (kind, rows)) in reports.iter().zip(SAMPLE_ROWS) {
        assert_eq!(counts(report), (0, 0, rows, 0), "{kind}: {report}");
        assert!(
            report["rows"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["outcome"] == "unchanged"),
            "{kind}"
        );
    }
    assert_eq!(students_by_ext(&app, &admin, school).await, students_before);
    assert_eq!(class_lists(&app, &admin, school).await, lists_before);
    assert_eq!(
        app.get_ok(&format!("/schools/{school}/courses"), &admin)
            .await,
        courses_before
    );
    assert_eq!(app.count_persons(&admin, school, "parent").await, 735);
}

async fn dirty_student_exports_import_to_the_same_students_as_the_clean_file(app: TestApp) {
    let root = app.superadmin().await;
    let bom = fixture("dirty/students_bom_crlf.csv");
    let cp1251 = fixture("dirty/students_excel_cp1251.csv");
    assert!(bom.starts_with(b"\xEF\xBB\xBF") && bom.windows(2).any(|w| w == b"\r\n"));
    assert!(std::str::from_utf8(&cp1251).is_err(), "cp1251 is not UTF-8");

    // After the clean file, both dirty files change nothing.
    let (clean, admin_a) = school_ready_for_students(&app, &root, "Чистая").await;
    app.import_ok(
        &admin_a,
        clean,
        "students",
        fixture("students.csv"),
        "text/csv",
    )
    .await;
    let clean_students = students_by_ext(&app, &admin_a, clean).await;
    let clean_lists = class_lists(&app, &admin_a, clean).await;
    for (name, file) in [("bom+crlf", &bom), ("cp1251", &cp1251)] {
        let report = app
            .import_ok(&admin_a, clean, "students", file.clone(), "text/csv")
            .await;
        assert_eq!(counts(&report), (0, 0, 60, 0), "{name}: {report}");
    }
    assert_eq!(students_by_ext(&app, &admin_a, clean).await, clean_students);
    assert_eq!(class_lists(&app, &admin_a, clean).await, clean_lists);

    // Into a fresh school they make the same students, classes and subgroups.
    let (fresh, admin_b) = school_ready_for_students(&app, &root, "Новая").await;
    let report = app
        .import_ok(&admin_b, fresh, "students", bom, "text/csv")
        .await;
    assert_eq!(counts(&report), (60, 0, 0, 0));
    assert_eq!(report["rows"][0]["line"], 2);
    assert_eq!(report["rows"][0]["key"], "S00061");
    let report = app
        .import_ok(
            &admin_b,
            fresh,
            "students",
            cp1251,
            "text/csv; charset=windows-1251",
        )
        .await;
    assert_eq!(counts(&report), (60, 0, 0, 0));
    assert_eq!(report["rows"][0]["key"], "S00001");
    let dirty_students = students_by_ext(&app, &admin_b, fresh).await;
    assert_eq!(dirty_students.len(), 120);
    for (ext, p) in &dirty_students {
        assert_eq!(
            student_fields(p),
            student_fields(&clean_students[ext]),
            "{ext}"
        );
    }
    // The Russian header row is not a person.
    assert!(
        dirty_students
            .values()
            .all(|p| p["last_name"] != "Фамилия" && p["last_name"] != "last_name")
    );
    let dirty_lists = class_lists(&app, &admin_b, fresh).await;
    let mut nonempty = 0;
    for (class, list) in &dirty_lists {
        let expected: BTreeSet<(String, String)> = clean_lists[class]
            .iter()
            .filter(|(ext, _)| dirty_students.contains_key(ext))
            .cloned()
            .collect();
        assert_eq!(list, &expected, "{class}");
        nonempty += usize::from(!list.is_empty());
    }
    assert!(nonempty >= 4, "{dirty_lists:?}");
}

async fn json_array_of_objects_imports_the_same_rows_as_csv(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = school_ready_for_students(&app, &root, "JSON").await;
    let body = json!([
        {"external_id": "S00001", "last_name": "Михайлов", "first_name": "Кирилл",
         "middle_name": "Русланович", "birth_date": "2019-03-16", "sex": "M", "class": "1А", "group": 1},
        {"external_id": "S00180", "last_name": "Михайлов", "first_name": "Алексей",
         "middle_name": "Русланович", "birth_date": "10.10.2016", "sex": "м", "class": "4Б", "group": "2"}
    ]);
    let report = app
        .import_ok(
            &admin,
            school,
            "students",
            body.to_string(),
            "application/json",
        )
        .await;
    assert_eq!(counts(&report), (2, 0, 0, 0), "{report}");
    assert_eq!(report["rows"][0]["line"], 1);
    assert_eq!(report["rows"][1]["key"], "S00180");
    let alexei = app.person_by_ext(&admin, school, "S00180").await;
    assert_eq!(
        student_fields(&alexei),
        json!([
            "S00180",
            "student",
            "Михайлов",
            "Алексей",
            "Русланович",
            "2016-10-10",
            "M"
        ])
    );
    // The CSV file agrees on both rows (unchanged) and adds the rest.
    let report = app
        .import_ok(
            &admin,
            school,
            "students",
            fixture("students.csv"),
            "text/csv",
        )
        .await;
    assert_eq!(counts(&report), (439, 0, 2, 0), "{}", report["counts"]);
    // Subjects as JSON too.
    let report = app
        .import_ok(
            &admin,
            school,
            "subjects",
            json!([{"name": "Астрономия", "short_name": "Астр"}]).to_string(),
            "application/json",
        )
        .await;
    assert_eq!(counts(&report), (1, 0, 0, 0));
    let subjects = app
        .get_ok(&format!("/schools/{school}/subjects"), &admin)
        .await;
    assert_eq!(subjects[0]["name"], "Астрономия");
    assert_eq!(subjects[0]["short_name"], "Астр");
}

const STUDENT_HEADER: &str =
    "external_id,last_name,first_name,middle_name,birth_date,sex,class,group";
/// A good new student row and a good change of S00001: neither may be written when another row
/// of the file is bad.
const GOOD_NEW: &str = "S90001,Новикова,Анна,Петровна,2015-05-05,F,3А,1";
const GOOD_CHANGE: &str = "S00001,Михайлов,Кирилл,Изменённый,2019-03-16,M,1А,1";

async fn bad_files_are_rejected_with_line_and_column_and_write_nothing(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = school_ready_for_students(&app, &root, "Ошибки").await;
    app.import_ok(
        &admin,
        school,
        "students",
        head("students.csv", 3),
        "text/csv",
    )
    .await;
    let h = STUDENT_HEADER;
    // (case, file, the line and column the errors must name)
    let cases: Vec<(&str, String, usize, Option<&str>)> = vec![
        ("header only", format!("{h}\n"), 1, None),
        ("header only, CRLF", format!("{h}\r\n"), 1, None),
        (
            "unknown column",
            format!("{h},Фомилия\n{GOOD_NEW},x\n{GOOD_CHANGE},y\n"),
            1,
            Some("Фомилия"),
        ),
        (
            "missing required column",
            "external_id,last_name,first_name,birth_date\nS90001,Новикова,Анна,2015-05-05\n"
                .to_string(),
            1,
            Some("class"),
        ),
        (
            "duplicate external_id",
            format!("{h}\n{GOOD_NEW}\n{GOOD_CHANGE}\nS90001,Другая,Анна,,2015-05-05,F,3А,\n"),
            4,
            Some("external_id"),
        ),
        (
            "unknown class",
            format!("{h}\n{GOOD_NEW}\n{GOOD_CHANGE}\nS90002,Орлов,Иван,,2015-01-01,M,3Я,\n"),
            4,
            Some("class"),
        ),
        (
            "impossible date",
            format!("{h}\n{GOOD_NEW}\nS90002,Орлов,Иван,,31.02.2015,M,3А,\n{GOOD_CHANGE}\n"),
            3,
            Some("birth_date"),
        ),
        (
            "empty last name",
            format!("{h}\n{GOOD_NEW}\n{GOOD_CHANGE}\nS90002,,Иван,,2015-01-01,M,3А,\n"),
            4,
            Some("last_name"),
        ),
        (
            "blank first name",
            format!("{h}\n{GOOD_NEW}\n{GOOD_CHANGE}\nS90002,Орлов,  ,,2015-01-01,M,3А,\n"),
            4,
            Some("first_name"),
        ),
    ];
    for (case, file, line, column) in cases {
        for query in ["", "?dry_run=true"] {
            let res = app
                .import(&admin, school, "students", file.clone(), "text/csv", query)
                .await;
            let body =
                assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "import_rejected").await;
            let want = match column {
                Some(c) => format!("line {line}: {c}"),
                None => format!("line {line}"),
            };
            let fields: Vec<&str> = body["errors"]
                .as_array()
                .unwrap_or_else(|| panic!("{case}: no errors in {body}"))
                .iter()
                .map(|e| e["field"].as_str().unwrap())
                .collect();
            assert!(
                fields.contains(&want.as_str()),
                "{case}{query}: expected an error on `{want}`, got {fields:?}"
            );
            assert_eq!(body["report"]["committed"], false, "{case}");
            let error_rows: Vec<u64> = body["report"]["rows"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["outcome"] == "error")
                .map(|r| r["line"].as_u64().unwrap())
                .collect();
            assert!(
                error_rows.contains(&(line as u64)),
                "{case}: error rows {error_rows:?}"
            );
        }
    }
    // Nothing of any of these files was written.
    assert_eq!(app.count_persons(&admin, school, "student").await, 3);
    let s1 = app.person_by_ext(&admin, school, "S00001").await;
    assert_eq!(s1["middle_name"], "Русланович");
    let found = app
        .get_ok(&format!("/schools/{school}/persons?q=S9000"), &admin)
        .await;
    assert_eq!(found, json!([]));
    // A JSON item with an empty name or an unknown field is refused the same way.
    let res = app
        .import(
            &admin,
            school,
            "students",
            json!([
                {"external_id": "S90001", "last_name": "Новикова", "first_name": "Анна", "class": "3А"},
                {"external_id": "S90002", "last_name": "", "first_name": "Иван", "class": "3А"}
            ])
            .to_string(),
            "application/json",
            "",
        )
        .await;
    let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "import_rejected").await;
    assert_eq!(body["errors"][0]["field"], "line 2: last_name", "{body}");
    assert_eq!(app.count_persons(&admin, school, "student").await, 3);
    // Classes need a current year; parents need their students; courses their classes.
    let (empty, admin_e) = app.school_with_admin(&root, "Пустая", "admin.empty").await;
    for (kind, file) in [
        ("classes", "classes.csv"),
        ("students", "students.csv"),
        ("parents", "parents.csv"),
        ("courses", "courses.csv"),
    ] {
        let res = app
            .import(&admin_e, empty, kind, fixture(file), "text/csv", "")
            .await;
        let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "import_rejected").await;
        assert!(!body["errors"].as_array().unwrap().is_empty(), "{kind}");
    }
    assert_eq!(app.count_persons(&admin_e, empty, "parent").await, 0);
    assert_eq!(
        app.get_ok(&format!("/schools/{empty}/classes"), &admin_e)
            .await,
        json!([])
    );
}

async fn dry_run_reports_every_row_and_writes_nothing(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = school_ready_for_students(&app, &root, "Проба").await;
    let file = head("students.csv", 10);
    let res = app
        .import(
            &admin,
            school,
            "students",
            file.clone(),
            "text/csv",
            "?dry_run=true",
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let dry: Value = res.json().await.unwrap();
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["committed"], false);
    assert_eq!(counts(&dry), (10, 0, 0, 0));
    assert_eq!(dry["rows"].as_array().unwrap().len(), 10);
    assert_eq!(app.count_persons(&admin, school, "student").await, 0);
    let classes = app
        .get_ok(&format!("/schools/{school}/classes"), &admin)
        .await;
    assert!(
        classes
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["student_count"] == 0)
    );
    // The real run does what the dry run said.
    let real = app
        .import_ok(&admin, school, "students", file, "text/csv")
        .await;
    assert_eq!(counts(&real), (10, 0, 0, 0));
    assert_eq!(real["rows"], dry["rows"]);
    // A dry run of a change reports it and leaves the record as it was.
    let changed = head("students.csv", 10).replacen("Кирилл,Русланович", "Кирилл,Изменённый", 1);
    let res = app
        .import(
            &admin,
            school,
            "students",
            changed,
            "text/csv",
            "?dry_run=true",
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let dry: Value = res.json().await.unwrap();
    assert_eq!(counts(&dry), (0, 1, 9, 0));
    assert_eq!(dry["rows"][0]["outcome"], "updated");
    let s1 = app.person_by_ext(&admin, school, "S00001").await;
    assert_eq!(s1["middle_name"], "Русланович");
    // Periods into a school without years: the year is not created by a dry run.
    let (other, admin_o) = app.school_with_admin(&root, "Другая", "admin.o").await;
    let res = app
        .import(
            &admin_o,
            other,
            "periods",
            fixture("periods.csv"),
            "text/csv",
            "?dry_run=true",
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        app.get_ok(&format!("/schools/{other}/academic-years"), &admin_o)
            .await,
        json!([])
    );
}

async fn import_audit_count(app: &TestApp, admin: &str, school: Uuid) -> usize {
    app.get_ok(
        &format!("/schools/{school}/audit?action=import_committed&limit=500"),
        admin,
    )
    .await
    .as_array()
    .unwrap()
    .len()
}

async fn idempotency_key_replays_the_first_answer_and_refuses_another_body(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = school_ready_for_students(&app, &root, "Повтор").await;
    let audits = import_audit_count(&app, &admin, school).await;
    let file = head("students.csv", 10);
    let send = |key: &'static str, body: String| {
        let app = &app;
        let admin = &admin;
        async move {
            let res = app
                .import_request(admin, school, "students", body, "text/csv", "")
                .header("Idempotency-Key", key)
                .send()
                .await
                .unwrap();
            let status = res.status();
            let ct = res.headers()["content-type"].to_str().unwrap().to_string();
            (status, ct, res.bytes().await.unwrap())
        }
    };
    let (s1, ct1, first) = send("import-2026-11-29-a", file.clone()).await;
    assert_eq!(s1, StatusCode::OK);
    let report: Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(counts(&report), (10, 0, 0, 0));
    // The retry gets the first answer byte for byte: it did not run again (a second run would
    // report every row unchanged).
    let (s2, ct2, again) = send("import-2026-11-29-a", file.clone()).await;
    assert_eq!((s2, &ct2), (StatusCode::OK, &ct1));
    assert_eq!(again, first);
    assert_eq!(import_audit_count(&app, &admin, school).await, audits + 1);
    assert_eq!(app.count_persons(&admin, school, "student").await, 10);
    // The same key with another body is refused and runs nothing.
    let (s3, _, body) = send("import-2026-11-29-a", head("students.csv", 11)).await;
    let problem: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (s3, &problem["code"]),
        (StatusCode::CONFLICT, &json!("conflict")),
        "{problem}"
    );
    assert_eq!(app.count_persons(&admin, school, "student").await, 10);
    // Another key runs again: now every row is unchanged.
    let (s4, _, other) = send("import-2026-11-29-b", file.clone()).await;
    assert_eq!(s4, StatusCode::OK);
    let report: Value = serde_json::from_slice(&other).unwrap();
    assert_eq!(counts(&report), (0, 0, 10, 0));
    assert_eq!(import_audit_count(&app, &admin, school).await, audits + 2);
    // A rejected file's answer is replayed too.
    let bad = format!("{STUDENT_HEADER}\nS90002,,Иван,,2015-01-01,M,3А,\n");
    let (s5, ct5, rejected) = send("import-2026-11-29-c", bad.clone()).await;
    assert_eq!(s5, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(ct5, "application/problem+json");
    let (s6, ct6, replay) = send("import-2026-11-29-c", bad).await;
    assert_eq!((s6, ct6, replay), (s5, ct5, rejected));
}

async fn api_token_needs_the_import_scope_to_import(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Токены", "admin.tok").await;
    let read = create_api_token(&app, &admin, &["read"]).await;
    let write = create_api_token(&app, &admin, &["read", "write"]).await;
    let import = create_api_token(&app, &admin, &["import"]).await;
    for token in [&read, &write] {
        let res = app
            .import(
                token,
                school,
                "subjects",
                fixture("subjects.csv"),
                "text/csv",
                "",
            )
            .await;
        assert_problem(res, StatusCode::FORBIDDEN, "insufficient_scope").await;
    }
    assert_eq!(
        app.get_ok(&format!("/schools/{school}/subjects"), &read)
            .await,
        json!([])
    );
    let report = app
        .import_ok(
            &import,
            school,
            "subjects",
            fixture("subjects.csv"),
            "text/csv",
        )
        .await;
    assert_eq!(counts(&report), (24, 0, 0, 0));
    // The import scope is for imports only.
    assert_problem(
        app.get(&format!("/schools/{school}/subjects"), Some(&import))
            .await,
        StatusCode::FORBIDDEN,
        "insufficient_scope",
    )
    .await;
    // A token acts with its account's roles: a teacher's import token still may not import.
    let teacher = app
        .member(&admin, school, Role::Teacher, "teacher.tok")
        .await;
    let teacher_import = create_api_token(&app, &teacher, &["import"]).await;
    let res = app
        .import(
            &teacher_import,
            school,
            "subjects",
            fixture("subjects.csv"),
            "text/csv",
            "",
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
}

async fn only_admins_of_the_school_import_known_kinds(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Права", "admin.a").await;
    let (_, other_admin) = app.school_with_admin(&root, "Чужая", "admin.b").await;
    let teacher = app.member(&admin, school, Role::Teacher, "teacher.a").await;
    let principal = app
        .member(&admin, school, Role::Principal, "principal.a")
        .await;
    let subjects = fixture("subjects.csv");
    for kind in ["grades", "marks", "lessons", "Subjects", "subjects.csv"] {
        let res = app
            .import(&admin, school, kind, subjects.clone(), "text/csv", "")
            .await;
        assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    }
    for token in [&teacher, &principal] {
        let res = app
            .import(token, school, "subjects", subjects.clone(), "text/csv", "")
            .await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let res = app
        .import(
            &other_admin,
            school,
            "subjects",
            subjects.clone(),
            "text/csv",
            "",
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = app
        .client
        .post(app.url(&format!("/schools/{school}/import/subjects")))
        .header("content-type", "text/csv")
        .body(subjects.clone())
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNAUTHORIZED, "authentication_required").await;
    assert_eq!(
        app.get_ok(&format!("/schools/{school}/subjects"), &admin)
            .await,
        json!([])
    );
    // The superadmin may (deployment support).
    let report = app
        .import_ok(&root, school, "subjects", subjects, "text/csv")
        .await;
    assert_eq!(counts(&report), (24, 0, 0, 0));
}

async fn a_student_whose_class_changes_in_the_file_is_transferred_from_today(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = school_ready_for_students(&app, &root, "Перевод").await;
    let file = head("students.csv", 5);
    app.import_ok(&admin, school, "students", file.clone(), "text/csv")
        .await;
    let moved = file.replacen(",1А,1\n", ",1Б,\n", 1);
    assert_ne!(moved, file);
    let report = app
        .import_ok(&admin, school, "students", moved.clone(), "text/csv")
        .await;
    assert_eq!(counts(&report), (0, 1, 4, 0));
    assert_eq!(report["rows"][0]["outcome"], "updated");
    let s1 = app.person_by_ext(&admin, school, "S00001").await;
    let today = today();
    let yesterday = today - chrono::Duration::days(1);
    assert_eq!(
        history_of(&app, &admin, school, &s1).await,
        [
            (
                "1А".to_string(),
                "2026-09-01".to_string(),
                Some(yesterday.to_string()),
                "arrival".to_string(),
                Some("transfer".to_string())
            ),
            (
                "1Б".to_string(),
                today.to_string(),
                None,
                "transfer".to_string(),
                None
            ),
        ]
    );
    let lists = class_lists(&app, &admin, school).await;
    assert!(lists["1Б"].contains(&("S00001".to_string(), "[]".to_string())));
    assert!(!lists["1А"].iter().any(|(e, _)| e == "S00001"));
    let report = app
        .import_ok(&admin, school, "students", moved, "text/csv")
        .await;
    assert_eq!(counts(&report), (0, 0, 5, 0));
}

async fn reimporting_a_withdrawn_student_never_overlaps_their_enrollments(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = school_ready_for_students(&app, &root, "Выбытие").await;
    let file = head("students.csv", 5);
    app.import_ok(&admin, school, "students", file.clone(), "text/csv")
        .await;
    let s1 = app.person_by_ext(&admin, school, "S00001").await;
    let res = app
        .post(
            &format!(
                "/schools/{school}/students/{}/withdraw",
                s1["id"].as_str().unwrap()
            ),
            Some(&admin),
            json!({"date": "2026-11-10", "reason": "переезд"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // The school sends its old roster file again.
    let res = app
        .import(&admin, school, "students", file, "text/csv", "")
        .await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert!(
        status == StatusCode::OK || status == StatusCode::UNPROCESSABLE_ENTITY,
        "{status} {body}"
    );
    let history = history_of(&app, &admin, school, &s1).await;
    for (i, a) in history.iter().enumerate() {
        for b in &history[i + 1..] {
            let a_end = a.2.clone().unwrap_or_else(|| "9999-12-31".into());
            let b_end = b.2.clone().unwrap_or_else(|| "9999-12-31".into());
            assert!(
                a_end < b.1 || b_end < a.1,
                "overlapping enrollments after re-import ({status} {}): {history:?}",
                body["rows"][0]
            );
        }
    }
    let class_1a = app
        .get_ok(&format!("/schools/{school}/classes"), &admin)
        .await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for day in ["2026-10-01", "2026-11-09"] {
        let list = app
            .get_ok(
                &format!("/schools/{school}/classes/{class_1a}/students?on={day}"),
                &admin,
            )
            .await;
        let kirill = list
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["external_id"] == "S00001")
            .count();
        assert_eq!(kirill, 1, "S00001 on the list of {day}: {list}");
    }
}

async fn concurrent_retries_with_one_idempotency_key_run_the_import_once(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = school_ready_for_students(&app, &root, "Гонка").await;
    let audits = import_audit_count(&app, &admin, school).await;
    let file = fixture("students.csv");
    let send = || {
        app.import_request(&admin, school, "students", file.clone(), "text/csv", "")
            .header("Idempotency-Key", "retry-after-timeout")
            .send()
    };
    let (a, b) = tokio::join!(send(), send());
    let (a, b) = (a.unwrap(), b.unwrap());
    let (sa, sb) = (a.status(), b.status());
    let (ba, bb) = (a.text().await.unwrap(), b.text().await.unwrap());
    for (s, body) in [(sa, &ba), (sb, &bb)] {
        assert!(
            s == StatusCode::OK || s == StatusCode::CONFLICT,
            "a retry while the first request runs: {s} {}",
            body.chars().take(300).collect::<String>()
        );
    }
    if sa == StatusCode::OK && sb == StatusCode::OK {
        assert_eq!(ba, bb, "both answers must be the first answer");
    }
    assert_eq!(app.count_persons(&admin, school, "student").await, 441);
    assert_eq!(import_audit_count(&app, &admin, school).await, audits + 1);
    // Afterwards the key replays the one answer.
    let res = send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let replay = res.text().await.unwrap();
    assert!(replay == ba || replay == bb);
    let report: Value = serde_json::from_str(&replay).unwrap();
    assert_eq!(counts(&report), (441, 0, 0, 0));
}

async fn import_body_over_20_mib_is_refused_with_413(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Большая", "admin.big").await;
    let mut body = b"name,short_name\n".to_vec();
    while body.len() <= 20 * 1024 * 1024 {
        body.extend_from_slice("Предмет,П\n".repeat(10_000).as_bytes());
    }
    let res = app
        .import(&admin, school, "subjects", body, "text/csv", "")
        .await;
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert_eq!(
        app.get_ok(&format!("/schools/{school}/subjects"), &admin)
            .await,
        json!([])
    );
}

async fn malformed_import_requests_answer_problems_never_500(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Мусор", "admin.junk").await;
    let subjects = fixture("subjects.csv");
    let res = app
        .import(
            &admin,
            school,
            "subjects",
            subjects.clone(),
            "text/csv",
            "?dry_run=maybe",
        )
        .await;
    let (status, _) = problem(res).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let bodies: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "JSON object",
            br#"{"name":"X","short_name":"Y"}"#.to_vec(),
            "application/json",
        ),
        (
            "broken JSON",
            br#"[{"name":"X","#.to_vec(),
            "application/json",
        ),
        ("JSON of numbers", b"[1,2,3]".to_vec(), "application/json"),
        ("UTF-16", b"\xFF\xFEn\0a\0m\0e\0".to_vec(), "text/csv"),
        (
            "binary",
            (0u8..=255).cycle().take(4096).collect(),
            "application/octet-stream",
        ),
        ("empty", Vec::new(), "text/csv"),
        (
            "quote never closed",
            b"name,short_name\n\"X,Y\n".to_vec(),
            "text/csv",
        ),
    ];
    for (case, body, ct) in bodies {
        let res = app.import(&admin, school, "subjects", body, ct, "").await;
        let (status, problem) = problem(res).await;
        assert_eq!(
            (status, problem["code"].as_str().unwrap()),
            (StatusCode::UNPROCESSABLE_ENTITY, "import_rejected"),
            "{case}: {problem}"
        );
        assert!(
            problem["errors"][0]["field"]
                .as_str()
                .unwrap()
                .starts_with("line "),
            "{case}: {problem}"
        );
    }
    for key in ["", &"k".repeat(129)] {
        let res = app
            .import_request(&admin, school, "subjects", subjects.clone(), "text/csv", "")
            .header("Idempotency-Key", key)
            .send()
            .await
            .unwrap();
        let (status, problem) = problem(res).await;
        assert!(
            status.is_client_error() && status != StatusCode::CONFLICT,
            "{key:?}: {problem}"
        );
    }
    assert_eq!(
        app.get_ok(&format!("/schools/{school}/subjects"), &admin)
            .await,
        json!([])
    );
}

async fn rows_naming_two_teachers_of_one_course_make_one_course_with_both(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = school_ready_for_students(&app, &root, "Двое").await;
    app.import_ok(
        &admin,
        school,
        "subjects",
        fixture("subjects.csv"),
        "text/csv",
    )
    .await;
    let file = "class,subject,teacher_external_id,hours_per_week,group\n\
                5А,Математика,T0010,5,\n\
                5А,Математика,T0011,5,\n\
                5А,Иностранный язык (английский),T0019,3,1\n";
    let report = app
        .import_ok(&admin, school, "courses", file, "text/csv")
        .await;
    let outcomes: Vec<&str> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    let courses = app
        .get_ok(&format!("/schools/{school}/courses"), &admin)
        .await;
    assert_eq!(courses.as_array().unwrap().len(), 2, "{courses}");
    let math = courses
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["subject_name"] == "Математика")
        .unwrap();
    let t10 = app.person_by_ext(&admin, school, "T0010").await;
    let t11 = app.person_by_ext(&admin, school, "T0011").await;
    let mut want = vec![t10["id"].clone(), t11["id"].clone()];
    want.sort_by_key(|v| v.as_str().unwrap().to_string());
    let mut got = math["teacher_ids"].as_array().unwrap().clone();
    got.sort_by_key(|v| v.as_str().unwrap().to_string());
    assert_eq!(got, want);
    // On a first import nothing is unchanged: the second teacher's row made part of a new course.
    assert!(!outcomes.contains(&"unchanged"), "{outcomes:?}");
    let report = app
        .import_ok(&admin, school, "courses", file, "text/csv")
        .await;
    assert_eq!(counts(&report), (0, 0, 3, 0));
}
