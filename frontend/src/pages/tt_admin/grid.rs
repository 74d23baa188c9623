//! `/timetable?school=&class=|teacher=&on=`: the weekly timetable (расписание уроков) of a class
//! or a teacher as valid on a day: weekdays as columns, lesson numbers as rows. The admin adds an
//! entry in a cell (a course of the class or of the teacher, a room), changes an entry's room,
//! day or slot from a chosen day, and ends an entry from a chosen day. Every candidate is checked
//! for collisions (`POST …/timetable/check`) while it is being chosen, and Save stays disabled
//! while there are any; a `409 timetable_conflict` on save lists them too. The principal reads.

use std::sync::Arc;

use chrono::NaiveDate;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use otmetka_domain::structure::{Class, Course};
use otmetka_domain::timetable::{BellSchedule, TimetableConflict, TimetableEntry};
use uuid::Uuid;

use crate::access::{Access, Area, SchoolOption};
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::forms::{Field, FieldErrors};
use crate::i18n::*;
use crate::load::Res;
use crate::pages::{
    Gate, Modal, PageSchool, ProblemAlert, ReadOnlyNote, SelectInput, TextInput, dynv, lbl, loaded,
    ltext, stext,
};
use crate::roster::{format_day, parse_day, sort_classes};
use crate::tt_admin::{
    GridMode, build_grid, cell_of_index, check_entry_form, check_request, course_label, grid_html,
    lesson_number_text, lessons_count_text, schedule_for_class, short_name, sort_courses,
    teacher_options, weekday_long,
};
use crate::tt_admin_api::{self as tt, Whose};

use super::{ChoiceSelect, ConflictList, HtmlActions, SaveError, Tab, TtTabs, chosen_id, today};

#[component]
pub fn TimetablePage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Timetable
            render=|school, access| school.map(|school| view! { <Timetable school=school access=access /> })
        />
    }
}

/// The page's address for a class or teacher and a day.
fn grid_href(school_id: Uuid, whose: Option<Whose>, on: Option<NaiveDate>) -> String {
    let mut href = format!("/timetable?school={school_id}");
    match whose {
        Some(Whose::Class(id)) => href.push_str(&format!("&class={id}")),
        Some(Whose::Teacher(id)) => href.push_str(&format!("&teacher={id}")),
        None => {}
    }
    if let Some(on) = on {
        href.push_str(&format!("&on={on}"));
    }
    href
}

/// What the editor dialog shows.
#[derive(Debug, Clone, PartialEq)]
enum Editor {
    New { weekday: i32, number: i32 },
    Edit(TimetableEntry),
}

#[component]
fn Timetable(school: SchoolOption, access: Access) -> impl IntoView {
    let auth = use_auth();
    let school_id = school.id;
    let manage = access == Access::Manage;
    let query = use_query_map();
    let navigate = use_navigate();
    let classes = Res::new(move || async move {
        let mut list = api::classes(auth, school_id).await?;
        sort_classes(&mut list);
        Ok::<Vec<Class>, ApiError>(list)
    });
    let staff = Res::new(move || tt::staff(auth, school_id));
    let schedules = Res::new(move || tt::bell_schedules(auth, school_id));
    let from_url = Memo::new(move |_| {
        query.with(|q| {
            if let Some(t) = q.get("teacher").and_then(|v| chosen_id(&v)) {
                Some(Whose::Teacher(t))
            } else {
                q.get("class").and_then(|v| chosen_id(&v)).map(Whose::Class)
            }
        })
    });
    let on_url = Memo::new(move |_| query.with(|q| q.get("on").and_then(|v| parse_day(&v))));
    let on = Memo::new(move |_| on_url.get().unwrap_or_else(today));
    // Without a choice in the URL: the first class.
    let whose = Memo::new(move |_| {
        from_url.get().or_else(|| match classes.get() {
            Some(Ok(list)) => list.first().map(|c| Whose::Class(c.id)),
            _ => None,
        })
    });
    let first_class = Memo::new(move |_| match classes.get() {
        Some(Ok(list)) => list.first().map(|c| c.id),
        _ => None,
    });
    let teachers = Memo::new(move |_| match staff.get() {
        Some(Ok(list)) => teacher_options(&list),
        _ => Vec::new(),
    });
    let go = {
        let navigate = navigate.clone();
        Arc::new(move |w: Option<Whose>, d: Option<NaiveDate>| {
            navigate(&grid_href(school_id, w, d), NavigateOptions::default());
        })
    };
    let go_mode = go.clone();
    let on_mode = move |ev: leptos::ev::Event| {
        let target = match event_target_value(&ev).as_str() {
            "teacher" => teachers.with_untracked(|t| t.first().map(|(id, _)| Whose::Teacher(*id))),
            _ => first_class.get_untracked().map(Whose::Class),
        };
        go_mode(target, on_url.get_untracked());
    };
    let go_whose = go.clone();
    let on_whose = move |ev: leptos::ev::Event| {
        let Some(id) = chosen_id(&event_target_value(&ev)) else {
            return;
        };
        let w = match whose.get_untracked() {
            Some(Whose::Teacher(_)) => Whose::Teacher(id),
            _ => Whose::Class(id),
        };
        go_whose(Some(w), on_url.get_untracked());
    };
    let go_day = go.clone();
    let on_day = move |ev: leptos::ev::Event| {
        let d = parse_day(&event_target_value(&ev));
        go_day(whose.get_untracked(), d);
    };
    let is_teacher = move || matches!(whose.get(), Some(Whose::Teacher(_)));
    let whose_options = move || {
        let current = whose.get();
        match current {
            Some(Whose::Teacher(t)) => teachers
                .get()
                .into_iter()
                .map(|(id, name)| view! { <option value=id.to_string() selected=id == t>{name}</option> })
                .collect_view()
                .into_any(),
            _ => {
                let chosen = match current {
                    Some(Whose::Class(c)) => Some(c),
                    _ => None,
                };
                match classes.get() {
                    Some(Ok(list)) => list
                        .into_iter()
                        .map(|c| view! { <option value=c.id.to_string() selected=Some(c.id) == chosen>{c.name}</option> })
                        .collect_view()
                        .into_any(),
                    _ => ().into_any(),
                }
            }
        }
    };

    let entries = Res::new(move || {
        let w = whose.get();
        let on = on.get();
        async move {
            match w {
                Some(w) => tt::timetable(auth, school_id, w, Some(on)).await,
                None => Ok(Vec::new()),
            }
        }
    });
    let courses = Res::new(move || {
        let w = whose.get();
        async move {
            let mut list = match w {
                Some(Whose::Class(c)) => api::class_courses(auth, school_id, c).await?,
                Some(Whose::Teacher(t)) => tt::teacher_courses(auth, school_id, t).await?,
                None => Vec::new(),
            };
            sort_courses(&mut list);
            Ok::<Vec<Course>, ApiError>(list)
        }
    });
    let editor = RwSignal::new(None::<Editor>);
    let saved = RwSignal::new(false);

    let body = move |list: Vec<TimetableEntry>| {
        let w = whose.get_untracked();
        let mode = match w {
            Some(Whose::Teacher(_)) => GridMode::Teacher,
            _ => GridMode::Class,
        };
        let all = match schedules.get() {
            Some(Ok(s)) => s,
            _ => Vec::new(),
        };
        let schedule: Option<BellSchedule> = match w {
            Some(Whose::Class(c)) => schedule_for_class(&all, c).cloned(),
            _ => all.iter().find(|s| s.is_default).cloned(),
        };
        view! { <GridView list=list mode=mode schedule=schedule manage=manage editor=editor /> }
    };
    let dialog = move || {
        let ed = editor.get()?;
        let w = whose.get_untracked()?;
        let mode = match w {
            Whose::Teacher(_) => GridMode::Teacher,
            Whose::Class(_) => GridMode::Class,
        };
        let list = match courses.get() {
            Some(Ok(list)) => list,
            _ => Vec::new(),
        };
        Some(view! {
            <EntryDialog
                school_id=school_id
                mode=mode
                courses=list
                editor=ed
                on=on.get_untracked()
                on_done=move |changed| {
                    editor.set(None);
                    if changed {
                        saved.set(true);
                        entries.refetch();
                    }
                }
            />
        })
    };

    view! {
        <section class="page page-wide" data-testid="tt-grid-page" data-access=if manage { "manage" } else { "read" }>
            <TtTabs current=Tab::Grid school_id=school_id />
            <h1>{tr!(tt_admin.grid_title)}</h1>
            <PageSchool school=Some(school) />
            {(!manage).then(|| view! { <ReadOnlyNote /> })}
            <div class="toolbar tt-toolbar">
                <label class="inline-field" for="tt-mode">
                    <span>{tr!(tt_admin.show)}</span>
                    <select id="tt-mode" data-testid="tt-mode" on:change=on_mode>
                        <option value="class" selected=move || !is_teacher()>{tr!(tt_admin.mode_class)}</option>
                        <option value="teacher" selected=is_teacher>{tr!(tt_admin.mode_teacher)}</option>
                    </select>
                </label>
                <label class="inline-field inline-field-grow" for="tt-whose">
                    <span class="visually-hidden">{tr!(tt_admin.whose)}</span>
                    <select id="tt-whose" data-testid="tt-whose" on:change=on_whose>{dynv(whose_options)}</select>
                </label>
                <label class="inline-field" for="tt-on">
                    <span>{tr!(tt_admin.on_date)}</span>
                    <input id="tt-on" data-testid="tt-on" type="date" prop:value=move || on.get().to_string() on:change=on_day />
                </label>
            </div>
            {dynv(move || (saved.get().then(|| view! { <p class="success" role="status" data-testid="tt-entry-saved">{tr!(tt_admin.saved)}</p> })).into_any())}
            {dynv(move || match whose.get() {
                None => match classes.get() {
                    Some(Ok(_)) => view! { <p class="muted" data-testid="tt-no-classes">{tr!(tt_admin.no_classes)}</p> }.into_any(),
                    _ => crate::pages::loading(),
                },
                Some(_) => loaded(entries, "tt-grid-load-error", body).into_any(),
            })}
            {dynv(move || dialog().into_any())}
        </section>
    }
}

#[component]
fn GridView(
    list: Vec<TimetableEntry>,
    mode: GridMode,
    schedule: Option<BellSchedule>,
    manage: bool,
    editor: RwSignal<Option<Editor>>,
) -> impl IntoView {
    let slots = schedule
        .as_ref()
        .map(|s| s.slots.clone())
        .unwrap_or_default();
    let grid = build_grid(&list, &slots);
    let count = list.len() as u64;
    let entries = Arc::new(list);
    let picked = entries.clone();
    let html = Arc::new(move |l: Locale| grid_html(&grid, &entries, mode, manage, l));
    let on_action = Callback::new(move |(action, i): (String, usize)| {
        if action == "edit" {
            if let Some(e) = picked.get(i).cloned() {
                editor.set(Some(Editor::Edit(e)));
            }
        } else {
            let (weekday, number) = cell_of_index(i);
            editor.set(Some(Editor::New { weekday, number }));
        }
    });
    let bells = schedule.map(|s| s.name);
    view! {
        <p class="count tt-grid-info" data-testid="tt-grid-count" data-count=count>
            {ltext(move |l| td_string!(l, tt_admin.per_week, lessons = lessons_count_text(l, count)))}
            {bells.map(|name| view! {
                " · " <span data-testid="tt-grid-bells">{ltext(move |l| td_string!(l, tt_admin.bells_of, name = name.clone()))}</span>
            })}
        </p>
        {manage.then(|| view! { <p class="hint">{tr!(tt_admin.grid_hint)}</p> })}
        <HtmlActions html=html on_action=on_action class="table-wrap tt-grid-wrap" />
    }
}

/// The entry editor in a dialog: a new entry in a cell, or an existing one.
#[component]
fn EntryDialog(
    school_id: Uuid,
    mode: GridMode,
    courses: Vec<Course>,
    editor: Editor,
    on: NaiveDate,
    on_done: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (title, entry, weekday, number) = match editor {
        Editor::New { weekday, number } => (
            stext(|l| td_string!(l, tt_admin.entry_new)),
            None,
            weekday,
            number,
        ),
        Editor::Edit(e) => {
            let (w, n) = (e.weekday, e.lesson_number);
            (stext(|l| td_string!(l, tt_admin.entry_edit)), Some(e), w, n)
        }
    };
    view! {
        <Modal testid="tt-entry-dialog" title=title on_close=move || on_done(false)>
            <EntryForm school_id=school_id mode=mode courses=courses entry=entry weekday=weekday number=number on=on on_done=on_done />
        </Modal>
    }
}

/// The state of the conflict check of the form's candidate.
#[derive(Debug, Clone, PartialEq)]
enum Check {
    /// The form is not complete yet.
    Idle,
    Checking,
    Done(Vec<TimetableConflict>),
    Failed(ApiError),
}

#[component]
fn EntryForm(
    school_id: Uuid,
    mode: GridMode,
    courses: Vec<Course>,
    entry: Option<TimetableEntry>,
    weekday: i32,
    number: i32,
    on: NaiveDate,
    on_done: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let entry_id = entry.as_ref().map(|e| e.id);
    let from_default = on.max(today()).to_string();
    let first_course = (courses.len() == 1).then(|| courses[0].id);
    let course = RwSignal::new(
        entry
            .as_ref()
            .map(|e| e.course_id)
            .or(first_course)
            .map_or(String::new(), |c| c.to_string()),
    );
    let weekday = RwSignal::new(weekday.to_string());
    let number = RwSignal::new(number.to_string());
    let room = RwSignal::new(
        entry
            .as_ref()
            .and_then(|e| e.room.clone())
            .unwrap_or_default(),
    );
    let valid_from = RwSignal::new(if entry.is_some() {
        from_default.clone()
    } else {
        String::new()
    });
    let fields = RwSignal::new(FieldErrors::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let check = RwSignal::new(Check::Idle);
    let seq = StoredValue::new(0u32);

    // Check the candidate whenever it changes; only the latest answer counts.
    Effect::new(move |_| {
        let input = check_entry_form(
            chosen_id(&course.get()),
            &weekday.get(),
            &number.get(),
            &room.get(),
            &valid_from.get(),
        );
        let n = seq.get_value() + 1;
        seq.set_value(n);
        let Ok(input) = input else {
            check.set(Check::Idle);
            return;
        };
        let request = check_request(&input, entry_id);
        check.set(Check::Checking);
        spawn_local(async move {
            let result = tt::check_entry(auth, school_id, &request).await;
            if seq.get_value() != n {
                return;
            }
            check.set(match result {
                Ok(c) => Check::Done(c.conflicts),
                Err(err) => Check::Failed(err),
            });
        });
    });
    let conflicts = Signal::derive(move || match check.get() {
        Check::Done(list) => list,
        _ => Vec::new(),
    });
    let blocked = move || busy.get() || !conflicts.with(Vec::is_empty);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() || !conflicts.with_untracked(Vec::is_empty) {
            return;
        }
        error.set(None);
        let request = match check_entry_form(
            chosen_id(&course.get_untracked()),
            &weekday.get_untracked(),
            &number.get_untracked(),
            &room.get_untracked(),
            &valid_from.get_untracked(),
        ) {
            Ok(r) => {
                fields.set(Vec::new());
                r
            }
            Err(p) => return fields.set(p),
        };
        busy.set(true);
        spawn_local(async move {
            let result = tt::save_entry(auth, school_id, entry_id, &request).await;
            busy.set(false);
            match result {
                Ok(_) => on_done(true),
                // A clash the check did not see (saved by someone meanwhile) is listed by the
                // refusal; the check runs again when the form changes.
                Err(err) => error.set(Some(err)),
            }
        });
    };

    let course_choices = {
        let courses = courses.clone();
        Signal::derive(move || {
            let l = i18n.get_locale();
            courses
                .iter()
                .map(|c| (c.id, course_label(l, c, mode)))
                .collect::<Vec<_>>()
        })
    };
    let no_courses = courses.is_empty();
    let from_hint: crate::pages::Text = if entry_id.is_some() {
        |l| td_string!(l, tt_admin.valid_from_change_hint)
    } else {
        |l| td_string!(l, tt_admin.valid_from_new_hint)
    };
    let about = entry.as_ref().map(|e| {
        let e = e.clone();
        view! {
            <p class="tt-entry-about" data-testid="tt-entry-about">
                {ltext(move |l| {
                    let who = match mode {
                        GridMode::Class => e.teacher_names.iter().map(|n| short_name(n)).collect::<Vec<_>>().join(", "),
                        GridMode::Teacher => e.class_name.clone(),
                    };
                    td_string!(
                        l,
                        tt_admin.entry_about,
                        subject = e.subject_name.clone(),
                        who = who,
                        from = format_day(e.valid_from, l),
                        to = format_day(e.valid_to, l)
                    )
                })}
            </p>
        }
    });
    let status = move || {
        match check.get() {
        Check::Idle => ().into_any(),
        Check::Checking => view! {
            <p class="hint" role="status" data-testid="tt-entry-checking">{tr!(tt_admin.checking)}</p>
        }
        .into_any(),
        Check::Done(list) if list.is_empty() => view! {
            <p class="success" role="status" data-testid="tt-entry-free">{tr!(tt_admin.no_conflicts)}</p>
        }
        .into_any(),
        Check::Done(_) => view! {
            <p class="hint" data-testid="tt-entry-blocked">{tr!(tt_admin.save_blocked)}</p>
        }
        .into_any(),
        Check::Failed(err) => {
            let e = RwSignal::new(Some(err));
            view! { <ProblemAlert error=e testid="tt-entry-check-error" /> }.into_any()
        }
    }
    };

    view! {
        <form class="dialog-form" on:submit=on_submit novalidate=true data-testid="tt-entry-form">
            {about}
            {if no_courses {
                view! { <p class="warning" data-testid="tt-no-courses">{tr!(tt_admin.no_courses)}</p> }.into_any()
            } else {
                ().into_any()
            }}
            <ChoiceSelect id="tt-entry-course" label=|l| td_string!(l, tt_admin.course) value=course choices=course_choices errors=fields field=Field::TtCourse />
            <div class="field-row">
                <SelectInput id="tt-entry-weekday" label=|l| td_string!(l, tt_admin.weekday) value=weekday errors=fields field=Field::TtWeekday>
                    {dynv(move || ((1..=7).map(|wd| {
                        view! { <option value=wd.to_string() selected=move || weekday.get() == wd.to_string()>{ltext(move |l| weekday_long(l, wd).to_string())}</option> }
                    }).collect_view()).into_any())}
                </SelectInput>
                <SelectInput id="tt-entry-number" label=|l| td_string!(l, tt_admin.lesson) value=number errors=fields field=Field::TtLessonNumber>
                    {dynv(move || ((0..=12).map(|n| {
                        view! { <option value=n.to_string() selected=move || number.get() == n.to_string()>{ltext(move |l| lesson_number_text(l, n))}</option> }
                    }).collect_view()).into_any())}
                </SelectInput>
            </div>
            <TextInput id="tt-entry-room" label=|l| td_string!(l, tt_admin.room) value=room errors=fields field=Field::TtRoom hint=|l| td_string!(l, tt_admin.room_hint) />
            <TextInput
                id="tt-entry-from"
                label=|l| td_string!(l, tt_admin.valid_from)
                value=valid_from
                errors=fields
                field=Field::TtValidFrom
                kind="date"
                hint=from_hint
            />
            <ConflictList conflicts=conflicts testid="tt-entry-conflicts" />
            {dynv(status)}
            <SaveError error=error testid="tt-entry-error" />
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="tt-entry-save" disabled=blocked>
                    {tr!(save)}
                </button>
                <button type="button" class="button button-quiet" data-testid="tt-entry-save-cancel" on:click=move |_| on_done(false)>
                    {tr!(cancel)}
                </button>
            </div>
        </form>
        {entry_id.map(|id| view! { <EndEntry school_id=school_id entry_id=id from_default=from_default.clone() on_done=on_done /> })}
    }
}

/// Ends an entry from a chosen day (default today): lessons from that day on are removed.
#[component]
fn EndEntry(
    school_id: Uuid,
    entry_id: Uuid,
    from_default: String,
    on_done: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let from = RwSignal::new(from_default);
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let fields = RwSignal::new(FieldErrors::new());
    let end = move |_| {
        if busy.get_untracked() {
            return;
        }
        let Some(day) = parse_day(&from.get_untracked()) else {
            fields.set(vec![(Field::Date, crate::forms::FieldProblem::DateFormat)]);
            asking.set(false);
            return;
        };
        fields.set(Vec::new());
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = tt::delete_entry(auth, school_id, entry_id, Some(day)).await;
            busy.set(false);
            match result {
                Ok(()) => on_done(true),
                Err(err) => {
                    asking.set(false);
                    error.set(Some(err));
                }
            }
        });
    };
    view! {
        <div class="editor tt-end" data-testid="tt-entry-end">
            <h3 class="form-title">{tr!(tt_admin.end_title)}</h3>
            <TextInput id="tt-entry-end-from" label=|l| td_string!(l, tt_admin.end_from) value=from errors=fields field=Field::Date kind="date" hint=|l| td_string!(l, tt_admin.end_hint) />
            <ProblemAlert error=error testid="tt-entry-end-error" />
            {dynv(move || if asking.get() {
                view! {
                    <div class="confirm" role="group" data-testid="tt-entry-end-ask">
                        <p>{tr!(tt_admin.end_confirm)}</p>
                        <div class="actions">
                            <button type="button" class="button button-danger" data-testid="tt-entry-end-confirm" disabled=move || busy.get() on:click=end>
                                {tr!(tt_admin.end_yes)}
                            </button>
                            <button type="button" class="button button-quiet" data-testid="tt-entry-end-cancel" on:click=move |_| asking.set(false)>
                                {tr!(cancel)}
                            </button>
                        </div>
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <div class="actions">
                        <button type="button" class="button button-danger" data-testid="tt-entry-end-open" aria-label=lbl(|l| td_string!(l, tt_admin.end_title)) on:click=move |_| asking.set(true)>
                            {tr!(tt_admin.end_button)}
                        </button>
                    </div>
                }
                .into_any()
            })}
        </div>
    }
}
