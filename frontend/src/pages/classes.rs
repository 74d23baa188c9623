//! `/classes?school=`: the classes of the current year; `/classes/{id}?school=&on=`: a class's
//! list on any day, its subgroups and courses. The admin records arrivals, transfers and
//! withdrawals and prints invite sheets; the principal and the class teacher read (another
//! teacher gets "no access" from the server's 403).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use otmetka_domain::roster::{ClassStudent, InviteSheet};
use otmetka_domain::structure::{Class, Course, Group};
use otmetka_domain::{ErrorCode, Role};
use uuid::Uuid;

use crate::access::{Access, Area, SchoolOption, my_person, roles_in};
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::forms::{Field, FieldErrors};
use crate::i18n::*;
use crate::load::{Res, Shared};
use crate::pages::{
    Busy, DataTable, FormButtons, Gate, LoadError, Modal, NoAccess, PageSchool, ProblemAlert,
    ReadOnlyNote, SelectInput, TextInput, build_table, counted, dynv, loaded, ltext, stext,
};
use crate::roster::{
    PICK_LIMIT, check_arrive, check_transfer, check_withdraw, format_day, format_range,
    open_enrollment, parse_day, visible_classes,
};
use crate::slip::{Slip, SlipField, sheet_slip_lines};
use crate::table::{Cell, Part, Row, Table};
use crate::text::{Counted, count_text};

/// The link to a class page.
pub fn class_href(school_id: Uuid, class_id: Uuid) -> String {
    format!("/classes/{class_id}?school={school_id}")
}

/// The link to a person's card.
pub fn person_href(school_id: Uuid, person_id: Uuid) -> String {
    format!("/persons/{person_id}?school={school_id}")
}

/// Whether the account reads every class and person (admin, principal, superadmin) rather than
/// only its own classes (a class teacher).
fn reads_all(school_id: Uuid, access: Access) -> bool {
    let auth = use_auth();
    access == Access::Manage
        || auth.me.with_untracked(|me| {
            me.as_ref()
                .is_some_and(|me| roles_in(me, school_id).contains(&Role::Principal))
        })
}

#[component]
pub fn ClassesPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Classes
            render=|school, access| school.map(|school| view! { <Classes school=school access=access /> })
        />
    }
}

#[component]
fn Classes(school: SchoolOption, access: Access) -> impl IntoView {
    let auth = use_auth();
    let school_id = school.id;
    let all = reads_all(school_id, access);
    let me = auth
        .me
        .with_untracked(|m| m.as_ref().and_then(|m| my_person(m, school_id)));
    let classes = Res::new(move || api::classes(auth, school_id));
    let table = move |list: Vec<Class>| {
        let list = visible_classes(list, all, me);
        let count = list.len() as u64;
        if list.is_empty() {
            return view! {
                <p class="muted" data-testid="no-classes">
                    {if all { tr!(classes.none).into_any() } else { tr!(classes.none_mine).into_any() }}
                </p>
            }
            .into_any();
        }
        let list = std::sync::Arc::new(list);
        let build = build_table(move |l| Table {
            testid: "classes-table",
            head: vec![
                td_string!(l, classes.class).into(),
                td_string!(l, classes.teacher).into(),
                td_string!(l, classes.today).into(),
            ],
            rows: list.with_value(|list| {
                list.iter()
                    .map(|c| {
                        let n = u64::from(c.student_count);
                        Row::new("class-row")
                            .attr("data-class-id", c.id.to_string())
                            .cell(Cell::new(td_string!(l, classes.class)).part(Part::Link {
                                href: class_href(school_id, c.id),
                                testid: "class-link",
                                text: c.name.clone(),
                            }))
                            .cell(
                                Cell::new(td_string!(l, classes.teacher))
                                    .testid("class-teacher")
                                    .text(
                                        c.class_teacher_name.clone().unwrap_or_else(|| "—".into()),
                                    ),
                            )
                            .cell(
                                Cell::new(td_string!(l, classes.students))
                                    .testid("class-count")
                                    .attr("data-count", n.to_string())
                                    .text(count_text(l, Counted::Students, n)),
                            )
                    })
                    .collect()
            }),
        });
        view! {
            <p class="count" data-testid="classes-count" data-count=count>
                {counted(Counted::Classes, count)}
            </p>
            <DataTable table=build />
        }
        .into_any()
    };
    view! {
        <section class="page" data-testid="classes-page" data-access=if access == Access::Manage { "manage" } else { "read" }>
            <h1>{tr!(classes.title)}</h1>
            <PageSchool school=Some(school) />
            {(access != Access::Manage).then(|| view! { <ReadOnlyNote /> })}
            {loaded(classes, "classes-load-error", table)}
        </section>
    }
}

#[component]
pub fn ClassPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Classes
            render=|school, access| school.map(|school| view! { <ClassView school=school access=access /> })
        />
    }
}

/// An open dialog of the class page.
#[derive(Debug, Clone, PartialEq)]
enum Dialog {
    Arrive,
    Transfer(ClassStudent),
    Withdraw(ClassStudent),
    Sheet,
}

#[component]
fn ClassView(school: SchoolOption, access: Access) -> impl IntoView {
    let auth = use_auth();
    let params = use_params_map();
    let school_id = school.id;
    let manage = access == Access::Manage;
    let links = reads_all(school_id, access);
    let class_id =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| Uuid::parse_str(&v).ok())));
    let class = Res::new(move || {
        let id = class_id.get();
        async move {
            match id {
                Some(id) => api::class(auth, school_id, id).await,
                None => Err(ApiError::from_code(ErrorCode::NotFound, 404)),
            }
        }
    });
    let sheet = RwSignal::new(None::<InviteSheet>);
    let school = StoredValue::new(school);
    view! {
        <section class="page" data-testid="class-page" data-access=if manage { "manage" } else { "read" }>
            {dynv(move || (match sheet.get() {
                Some(s) => view! { <SheetView sheet=s on_close=move || sheet.set(None) /> }.into_any(),
                None => loaded(class, "class-load-error", move |c| view! {
                    <ClassBody school=school.get_value() class=c manage=manage links=links sheet=sheet />
                })
                .into_any(),
            }).into_any())}
        </section>
    }
}

#[component]
fn ClassBody(
    school: SchoolOption,
    class: Class,
    manage: bool,
    links: bool,
    sheet: RwSignal<Option<InviteSheet>>,
) -> impl IntoView {
    let auth = use_auth();
    let school_id = school.id;
    let class_id = class.id;
    let today = chrono::Local::now().date_naive();
    let day = RwSignal::new(today.to_string());
    let on = Memo::new(move |_| parse_day(&day.get()));
    let students = Res::new(move || {
        let on = on.get();
        api::class_students(auth, school_id, class_id, on)
    });
    let groups = Res::new(move || api::groups(auth, school_id, class_id));
    let courses = Res::new(move || api::class_courses(auth, school_id, class_id));
    let dialog = RwSignal::new(None::<Dialog>);
    let done = RwSignal::new(None::<&'static str>);
    let close = move |changed: bool| {
        dialog.set(None);
        if changed {
            students.refetch();
            groups.refetch();
        }
    };
    let class_name = StoredValue::new(class.name.clone());

    let list = move || {
        match students.get() {
        None => view! { <p class="loading">{tr!(loading)}</p> }.into_any(),
        Some(Err(err)) if err.code() == Some(ErrorCode::Forbidden) => {
            view! { <NoAccess /> }.into_any()
        }
        Some(Err(err)) => view! {
            <LoadError error=err testid="students-load-error" retry_testid="students-retry" on_retry=move || students.refetch() />
        }
        .into_any(),
        Some(Ok(list)) => view! { <StudentTable school_id=school_id list=list manage=manage links=links dialog=dialog /> }.into_any(),
    }
    };

    view! {
        <h1 data-testid="class-name">{ltext(move |l| td_string!(l, classes.class_title, name = class_name.get_value()))}</h1>
        <PageSchool school=Some(school) />
        <p class="muted" data-testid="class-page-teacher">
            {tr!(classes.teacher)} ": " {class.class_teacher_name.clone().unwrap_or_else(|| "—".into())}
        </p>
        <p class="class-links">
            <a href=format!("/classes?school={school_id}") data-testid="back-to-classes">{tr!(classes.back)}</a>
            " "
            <a href=crate::class_summary::summary_href(school_id, class_id, None) data-testid="class-summary-link">{tr!(class_summary.link)}</a>
            " "
            <a href=crate::report_card::class_cards_href(school_id, class_id, None) data-testid="class-report-cards-link">{tr!(report_card.class_link)}</a>
        </p>
        {(!manage).then(|| view! { <ReadOnlyNote /> })}
        {manage.then(|| view! {
            <div class="actions toolbar">
                <button type="button" class="button button-primary" data-testid="arrive-open" on:click=move |_| dialog.set(Some(Dialog::Arrive))>
                    {tr!(classes.arrive)}
                </button>
                <button type="button" class="button" data-testid="invite-sheet-open" on:click=move |_| dialog.set(Some(Dialog::Sheet))>
                    {tr!(classes.sheet)}
                </button>
            </div>
        })}
        {dynv(move || (done.get().map(|what| view! { <p class="success" role="status" data-testid="roster-done" data-what=what>{tr!(classes.saved)}</p> })).into_any())}
        <h2>{tr!(classes.list_title)}</h2>
        <div class="toolbar">
            <label class="inline-field" for="class-date">
                <span>{tr!(classes.on_date)}</span>
                <input id="class-date" data-testid="class-date" type="date" bind:value=day />
            </label>
            {dynv(move || ((on.get() != Some(today)).then(|| view! {
                <button type="button" class="button button-quiet" data-testid="class-date-today" on:click=move |_| day.set(today.to_string())>
                    {tr!(classes.today_button)}
                </button>
            })).into_any())}
        </div>
        {list}
        <h2>{tr!(classes.groups)}</h2>
        {loaded(groups, "groups-load-error", |list| view! { <GroupList list=list /> })}
        <h2>{tr!(classes.courses)}</h2>
        {loaded(courses, "courses-load-error", |list| view! { <CourseTable list=list /> })}
        {dynv(move || (dialog.get().map(|d| match d {
            Dialog::Arrive => view! {
                <ArriveDialog school_id=school_id class_id=class_id on_done=move |ok| { if ok { done.set(Some("arrive")); } close(ok) } />
            }
            .into_any(),
            Dialog::Transfer(s) => view! {
                <TransferDialog school_id=school_id class_id=class_id student=s on_done=move |ok| { if ok { done.set(Some("transfer")); } close(ok) } />
            }
            .into_any(),
            Dialog::Withdraw(s) => view! {
                <WithdrawDialog school_id=school_id student=s on_done=move |ok| { if ok { done.set(Some("withdraw")); } close(ok) } />
            }
            .into_any(),
            Dialog::Sheet => view! {
                <SheetDialog
                    school_id=school_id
                    class_id=class_id
                    on_done=move |s| {
                        dialog.set(None);
                        if let Some(s) = s {
                            sheet.set(Some(s));
                        }
                    }
                />
            }
            .into_any(),
        })).into_any())}
    }
}

/// `Фамилия Имя Отчество` of a class-list row.
fn student_name(s: &ClassStudent) -> String {
    otmetka_domain::person::full_name(&s.last_name, &s.first_name, s.middle_name.as_deref())
}

#[component]
fn StudentTable(
    school_id: Uuid,
    list: Vec<ClassStudent>,
    manage: bool,
    links: bool,
    dialog: RwSignal<Option<Dialog>>,
) -> impl IntoView {
    let count = list.len() as u64;
    if list.is_empty() {
        return view! { <p class="muted" data-testid="no-students">{tr!(classes.no_students)}</p> }
            .into_any();
    }
    let list = std::sync::Arc::new(list);
    let picked = list.clone();
    let build = build_table(move |l| {
        let mut head: Vec<String> = vec![
            "№".into(),
            td_string!(l, classes.name).into(),
            td_string!(l, classes.group).into(),
            td_string!(l, classes.since).into(),
            td_string!(l, classes.account).into(),
            String::new(),
        ];
        if manage {
            head.push(String::new());
        }
        let rows = list.with_value(|list| {
            list.iter()
                .enumerate()
                .map(|(i, s)| {
                    let name = student_name(s);
                    let name = if links {
                        Part::Link {
                            href: person_href(school_id, s.student_id),
                            testid: "student-link",
                            text: name,
                        }
                    } else {
                        Part::Text(name)
                    };
                    let groups = s
                        .group_numbers
                        .iter()
                        .map(|n| n.to_string())
                        .collect::<Vec<_>>()
                        .join(", ");
                    let since = format_range(s.starts_on, s.ends_on, l);
                    let since = if s.ends_on.is_none() {
                        format_day(s.starts_on, l)
                    } else {
                        since
                    };
                    let account = if s.has_account {
                        td_string!(l, classes.has_account)
                    } else {
                        td_string!(l, classes.no_account)
                    };
                    let mut row = Row::new("student-row")
                        .attr("data-student-id", s.student_id.to_string())
                        .attr("data-enrollment-id", s.enrollment_id.to_string())
                        .cell(Cell::new("№").text((i + 1).to_string()))
                        .cell(
                            Cell::new(td_string!(l, classes.name))
                                .testid("student-name")
                                .part(name),
                        )
                        .cell(
                            Cell::new(td_string!(l, classes.group))
                                .testid("student-groups")
                                .text(groups),
                        )
                        .cell(Cell::new(td_string!(l, classes.since)).text(since))
                        .cell(
                            Cell::new(td_string!(l, classes.account))
                                .testid("student-account")
                                .attr("data-has-account", s.has_account.to_string())
                                .text(account),
                        )
                        // The student's diary and marks (the server checks who may read them).
                        .cell(
                            Cell::new("")
                                .part(Part::Link {
                                    href: crate::class_summary::student_diary_href(
                                        school_id,
                                        s.student_id,
                                    ),
                                    testid: "student-diary",
                                    text: td_string!(l, diary.open).into(),
                                })
                                .part(Part::Text(" · ".into()))
                                .part(Part::Link {
                                    href: crate::class_summary::student_marks_href(
                                        school_id,
                                        s.student_id,
                                        None,
                                    ),
                                    testid: "student-marks",
                                    text: td_string!(l, diary.open_marks).into(),
                                }),
                        );
                    if manage {
                        row = row.cell(
                            Cell::new("")
                                .part(Part::Button {
                                    action: "transfer",
                                    index: i,
                                    testid: "transfer-open",
                                    text: td_string!(l, classes.transfer).into(),
                                    danger: false,
                                })
                                .part(Part::Button {
                                    action: "withdraw",
                                    index: i,
                                    testid: "withdraw-open",
                                    text: td_string!(l, classes.withdraw).into(),
                                    danger: false,
                                }),
                        );
                    }
                    row
                })
                .collect()
        });
        Table {
            testid: "students-table",
            head,
            rows,
        }
    });
    let on_action = Callback::new(move |(action, i): (String, usize)| {
        let Some(s) = picked.with_value(|list| list.get(i).cloned()) else {
            return;
        };
        dialog.set(Some(if action == "transfer" {
            Dialog::Transfer(s)
        } else {
            Dialog::Withdraw(s)
        }));
    });
    view! {
        <p class="count" data-testid="students-count" data-count=count>
            {counted(Counted::Students, count)}
        </p>
        <DataTable table=build on_action=on_action />
    }
    .into_any()
}

#[component]
fn GroupList(mut list: Vec<Group>) -> impl IntoView {
    list.sort_by_key(|g| g.number);
    if list.is_empty() {
        return view! { <p class="muted" data-testid="no-groups">{tr!(classes.no_groups)}</p> }
            .into_any();
    }
    view! {
        <ul class="chips" data-testid="groups-list">
            {list.into_iter().map(|g| {
                let n = g.student_ids.len() as u64;
                view! {
                    <li class="chip" data-testid="group" data-number=g.number data-count=n>
                        <strong>{g.name}</strong> " · " {counted(Counted::Students, n)}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn CourseTable(mut list: Vec<Course>) -> impl IntoView {
    list.sort_by(|a, b| (&a.subject_name, a.group_number).cmp(&(&b.subject_name, b.group_number)));
    if list.is_empty() {
        return view! { <p class="muted" data-testid="no-courses">{tr!(classes.no_courses)}</p> }
            .into_any();
    }
    let list = std::sync::Arc::new(list);
    let build = build_table(move |l| Table {
        testid: "courses-table",
        head: vec![
            td_string!(l, classes.subject).into(),
            td_string!(l, classes.group).into(),
            td_string!(l, classes.teachers).into(),
            td_string!(l, classes.hours).into(),
        ],
        rows: list.with_value(|list| {
            list.iter()
                .map(|c| {
                    let hours = c.hours_per_week.max(0) as u64;
                    Row::new("course-row")
                        .attr("data-course-id", c.id.to_string())
                        .cell(
                            Cell::new(td_string!(l, classes.subject)).text(c.subject_name.clone()),
                        )
                        .cell(
                            Cell::new(td_string!(l, classes.group)).text(
                                c.group_number
                                    .map(|n| n.to_string())
                                    .unwrap_or_else(|| "—".into()),
                            ),
                        )
                        .cell(
                            Cell::new(td_string!(l, classes.teachers))
                                .text(c.teacher_names.join(", ")),
                        )
                        .cell(Cell::new(td_string!(l, classes.hours)).text(count_text(
                            l,
                            Counted::Hours,
                            hours,
                        )))
                })
                .collect()
        }),
    });
    view! { <DataTable table=build /> }.into_any()
}

/// A select of the school's classes (current year) for the arrival and transfer dialogs;
/// `except` is left out.
#[component]
fn ClassSelect(
    school_id: Uuid,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    #[prop(optional)] except: Option<Uuid>,
) -> impl IntoView {
    let auth = use_auth();
    let classes = Res::new(move || api::classes(auth, school_id));
    let options = move || {
        let list = match classes.get() {
            Some(Ok(list)) => visible_classes(list, true, None),
            _ => Vec::new(),
        };
        let mut out =
            vec![view! { <option value="">{tr!(classes.choose_class)}</option> }.into_any()];
        out.extend(list.into_iter().filter(|c| Some(c.id) != except).map(|c| {
            let id = c.id.to_string();
            let selected = value.get_untracked() == id;
            view! { <option value=id selected=selected>{c.name}</option> }.into_any()
        }));
        out.collect_view()
    };
    view! {
        <SelectInput id="roster-class" label=|l| td_string!(l, classes.class) value=value errors=errors field=Field::Class>
            {options}
        </SelectInput>
    }
}

/// A student who comes to the school: found among the student records without an open
/// enrollment, into a class from a day.
#[component]
fn ArriveDialog(
    school_id: Uuid,
    class_id: Uuid,
    on_done: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let search = RwSignal::new(String::new());
    let chosen = RwSignal::new(None::<(Uuid, String)>);
    let class = RwSignal::new(class_id.to_string());
    let date = RwSignal::new(chrono::Local::now().date_naive().to_string());
    let fields = RwSignal::new(FieldErrors::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    // The first few students found, each with their open enrollment (if any): someone on a
    // class list cannot arrive again.
    let found = Res::new(move || {
        let q = search.get();
        async move {
            let q = q.trim().to_string();
            if q.chars().count() < 2 {
                return Ok(Vec::new());
            }
            let page = api::persons(
                auth,
                school_id,
                Some(otmetka_domain::person::PersonKind::Student),
                Some(q),
                PICK_LIMIT,
                0,
            )
            .await?;
            let mut out = Vec::new();
            for p in page.items {
                let history = api::enrollments(auth, school_id, p.id)
                    .await
                    .unwrap_or_default();
                let open = open_enrollment(&history).map(|e| e.class_name.clone());
                out.push((p.id, p.full_name(), open));
            }
            Ok::<_, ApiError>(out)
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        let student = chosen.get_untracked().map(|(id, _)| id);
        let mut problems = FieldErrors::new();
        if student.is_none() {
            problems.push((Field::Person, crate::forms::FieldProblem::NotChosen));
        }
        let class_id = Uuid::parse_str(&class.get_untracked()).ok();
        let request = match check_arrive(class_id, &date.get_untracked()) {
            Ok(r) if problems.is_empty() => r,
            Ok(_) => return fields.set(problems),
            Err(mut p) => {
                problems.append(&mut p);
                return fields.set(problems);
            }
        };
        let Some(student) = student else { return };
        fields.set(Vec::new());
        busy.set(true);
        spawn_local(async move {
            let result = api::arrive(auth, school_id, student, &request).await;
            busy.set(false);
            match result {
                Ok(_) => on_done(true),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let results = move || {
        match found.get() {
        None => view! { <p class="loading">{tr!(loading)}</p> }.into_any(),
        Some(Err(err)) => {
            let e = RwSignal::new(Some(err));
            view! { <ProblemAlert error=e testid="arrive-search-error" /> }.into_any()
        }
        Some(Ok(list)) if list.is_empty() => {
            let short = search.with(|q| q.trim().chars().count() < 2);
            view! {
                <p class="muted" data-testid="arrive-none">
                    {ltext(move |l| if short { td_string!(l, classes.type_to_search) } else { td_string!(l, classes.none_found) }.to_string())}
                </p>
            }
            .into_any()
        }
        Some(Ok(list)) => view! {
            <ul class="pick-list" data-testid="arrive-results">
                {list.into_iter().map(|(id, name, open)| {
                    let enrolled = open.is_some();
                    let label = name.clone();
                    view! {
                        <li>
                            <button
                                type="button"
                                class="pick"
                                data-testid="arrive-pick"
                                data-person-id=id.to_string()
                                data-enrolled=enrolled.to_string()
                                disabled=enrolled
                                aria-pressed=move || (chosen.with(|c| c.as_ref().map(|c| c.0)) == Some(id)).to_string()
                                on:click=move |_| chosen.set(Some((id, label.clone())))
                            >
                                <span>{name}</span>
                                {open.map(|c| view! { <span class="muted">{ltext(move |l| td_string!(l, classes.already_in, class = c.clone()))}</span> })}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any(),
    }
    };
    view! {
        <Modal testid="arrive-dialog" title=stext(|l| td_string!(l, classes.arrive)) on_close=move || on_done(false)>
            <form class="dialog-form" on:submit=on_submit novalidate=true>
                <div class="field">
                    <label for="arrive-search">{tr!(classes.find_student)}</label>
                    <input id="arrive-search" data-testid="arrive-search" type="search" autocomplete="off" bind:value=search />
                    <p class="hint">{tr!(classes.find_student_hint)}</p>
                </div>
                {results}
                <p class="chosen" data-testid="arrive-chosen">
                    {tr!(classes.chosen)} ": "
                    <strong>{ltext(move |_| chosen.get().map(|c| c.1).unwrap_or_else(|| "—".into()))}</strong>
                </p>
                <crate::pages::FieldMessage errors=fields field=Field::Person input_id="arrive-person" />
                <ClassSelect school_id=school_id value=class errors=fields />
                <TextInput id="roster-date" label=|l| td_string!(l, classes.arrive_date) value=date errors=fields field=Field::Date kind="date" />
                <ProblemAlert error=error testid="roster-error" />
                <FormButtons testid="arrive-submit" label=|l| td_string!(l, classes.arrive) busy=busy on_cancel=Callback::new(move |_| on_done(false)) />
            </form>
        </Modal>
    }
}

#[component]
fn TransferDialog(
    school_id: Uuid,
    class_id: Uuid,
    student: ClassStudent,
    on_done: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let class = RwSignal::new(String::new());
    let date = RwSignal::new(chrono::Local::now().date_naive().to_string());
    let fields = RwSignal::new(FieldErrors::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let student_id = student.student_id;
    let name = student_name(&student);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        let target = Uuid::parse_str(&class.get_untracked()).ok();
        let request = match check_transfer(class_id, target, &date.get_untracked()) {
            Ok(r) => {
                fields.set(Vec::new());
                r
            }
            Err(p) => return fields.set(p),
        };
        busy.set(true);
        spawn_local(async move {
            let result = api::transfer(auth, school_id, student_id, &request).await;
            busy.set(false);
            match result {
                Ok(_) => on_done(true),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let title = Signal::derive(move || {
        td_string!(
            i18n.get_locale(),
            classes.transfer_title,
            name = name.clone()
        )
    });
    view! {
        <Modal testid="transfer-dialog" title=title on_close=move || on_done(false)>
            <form class="dialog-form" on:submit=on_submit novalidate=true>
                <ClassSelect school_id=school_id value=class errors=fields except=class_id />
                <TextInput id="roster-date" label=|l| td_string!(l, classes.transfer_date) value=date errors=fields field=Field::Date kind="date" hint=|l| td_string!(l, classes.transfer_hint) />
                <ProblemAlert error=error testid="roster-error" />
                <FormButtons testid="transfer-submit" label=|l| td_string!(l, classes.transfer) busy=busy on_cancel=Callback::new(move |_| on_done(false)) />
            </form>
        </Modal>
    }
}

#[component]
fn WithdrawDialog(
    school_id: Uuid,
    student: ClassStudent,
    on_done: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let date = RwSignal::new(chrono::Local::now().date_naive().to_string());
    let reason = RwSignal::new(String::new());
    let fields = RwSignal::new(FieldErrors::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let student_id = student.student_id;
    let name = student_name(&student);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        let request = match check_withdraw(&date.get_untracked(), &reason.get_untracked()) {
            Ok(r) => {
                fields.set(Vec::new());
                r
            }
            Err(p) => return fields.set(p),
        };
        busy.set(true);
        spawn_local(async move {
            let result = api::withdraw(auth, school_id, student_id, &request).await;
            busy.set(false);
            match result {
                Ok(_) => on_done(true),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let title = Signal::derive(move || {
        td_string!(
            i18n.get_locale(),
            classes.withdraw_title,
            name = name.clone()
        )
    });
    view! {
        <Modal testid="withdraw-dialog" title=title on_close=move || on_done(false)>
            <form class="dialog-form" on:submit=on_submit novalidate=true>
                <TextInput id="roster-date" label=|l| td_string!(l, classes.withdraw_date) value=date errors=fields field=Field::Date kind="date" hint=|l| td_string!(l, classes.withdraw_hint) />
                <TextInput id="withdraw-reason" label=|l| td_string!(l, classes.reason) value=reason errors=fields field=Field::Reason hint=|l| td_string!(l, classes.reason_hint) />
                <ProblemAlert error=error testid="roster-error" />
                <FormButtons testid="withdraw-submit" label=|l| td_string!(l, classes.withdraw) busy=busy on_cancel=Callback::new(move |_| on_done(false)) />
            </form>
        </Modal>
    }
}

/// Confirms issuing the invite sheet (it revokes earlier unused codes) and issues it.
#[component]
fn SheetDialog(
    school_id: Uuid,
    class_id: Uuid,
    on_done: impl Fn(Option<InviteSheet>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = api::invite_sheet(auth, school_id, class_id).await;
            busy.set(false);
            match result {
                Ok(s) => on_done(Some(s)),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    view! {
        <Modal testid="invite-sheet-dialog" title=stext(|l| td_string!(l, classes.sheet)) on_close=move || on_done(None)>
            <form class="dialog-form" on:submit=on_submit novalidate=true>
                <p>{tr!(classes.sheet_intro)}</p>
                <p class="warning" data-testid="invite-sheet-warning">{tr!(classes.sheet_warning)}</p>
                {dynv(move || (busy.get().then(|| view! { <Busy text=stext(|l| td_string!(l, classes.sheet_busy)) testid="invite-sheet-busy" /> })).into_any())}
                <ProblemAlert error=error testid="invite-sheet-error" />
                <FormButtons testid="invite-sheet-issue" label=|l| td_string!(l, classes.sheet_issue) busy=busy on_cancel=Callback::new(move |_| on_done(None)) />
            </form>
        </Modal>
    }
}

/// The issued sheet: one slip per person with cut lines; printing puts only the slips on paper,
/// several to an A4 page.
#[component]
fn SheetView(
    sheet: InviteSheet,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let origin = window().location().origin().unwrap_or_default();
    let slips = Slip::sheet(&sheet);
    let count = slips.len() as u64;
    let class_name = StoredValue::new(sheet.class_name.clone());
    let origin = StoredValue::new(origin);
    let slips = StoredValue::new(slips);
    let cards = move || {
        let locale = i18n.get_locale();
        slips
            .get_value()
            .into_iter()
            .map(|slip| {
                let role = slip.role.as_str();
                let lines = class_name.with_value(|c| {
                    origin.with_value(|o| sheet_slip_lines(locale, &slip, Some(c), o, &chrono::Local))
                });
                view! {
                    <div class="slip sheet-slip" data-testid="sheet-slip" data-role=role>
                        <p class="slip-title">{tr!(app_name)} " — " {tr!(slip.title)}</p>
                        <dl class="slip-facts">
                            {lines.into_iter().map(|(field, value)| {
                                let class = match field {
                                    SlipField::Code => "slip-value slip-code",
                                    SlipField::Url => "slip-value slip-url",
                                    _ => "slip-value",
                                };
                                view! { <dt>{field.label(locale)}</dt><dd class=class data-testid=field.testid()>{value}</dd> }
                            }).collect_view()}
                        </dl>
                        <p class="slip-how">{tr!(slip.how)}</p>
                    </div>
                }
            })
            .collect_view()
    };
    let print = move |_| {
        let _ = window().print();
    };
    view! {
        <div class="sheet" data-testid="invite-sheet">
            <div class="no-print">
                <h1>{ltext(move |l| td_string!(l, classes.sheet_title, name = class_name.get_value()))}</h1>
                <p class="count" data-testid="sheet-count" data-count=count>{counted(Counted::Slips, count)}</p>
                <p class="warning" role="status" data-testid="sheet-warning">{tr!(classes.sheet_once)}</p>
                <div class="actions">
                    <button type="button" class="button button-primary" data-testid="sheet-print" on:click=print>{tr!(print)}</button>
                    <button type="button" class="button button-quiet" data-testid="sheet-close" on:click=move |_| on_close()>{tr!(classes.sheet_close)}</button>
                </div>
            </div>
            {(count == 0).then(|| view! { <p class="muted" data-testid="sheet-empty">{tr!(classes.sheet_empty)}</p> })}
            <div class="sheet-slips">{cards}</div>
        </div>
    }
}
