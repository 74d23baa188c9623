//! `/marks-settings?school=`: how the school marks (Оценивание). Mark scales with their values
//! (which count in averages, which pass), work types with their default weights, attendance
//! codes (which count as absence, which are excused), and each subject's scale. The admin edits;
//! the principal reads. The edit window itself is a school setting (`/settings`), shown here.

use std::sync::Arc;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use otmetka_domain::ErrorCode;
use otmetka_domain::grading::{AttendanceCode, MarkScale, MarkSettings, WorkType};
use otmetka_domain::structure::{Subject, SubjectInput};
use uuid::Uuid;

use crate::access::{Access, Area, SchoolOption};
use crate::api::ApiError;
use crate::auth::use_auth;
use crate::i18n::*;
use crate::load::Res;
use crate::mark_forms::{
    AttendanceDraft, Col, Place, Problem, Problems, ScaleDraft, ValueDraft, WorkTypeDraft,
    check_attendance, check_scale, check_work_type, default_scale, problem_at, testid_part,
};
use crate::mark_settings_api as marks;
use crate::pages::{Gate, PageSchool, ReadOnlyNote, dynv, lbl, loaded, ltext};
use crate::roster::problem_details;
use crate::text::{Counted, count_text, error_text, field_problem_text};

#[component]
pub fn MarkSettingsPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::MarkSettings
            render=|school, access| school.map(|school| view! { <MarkSettingsView school=school access=access /> })
        />
    }
}

/// What a section last did: saved something (its key), refused by the server, or refused by the
/// form's own checks (whose row, what).
#[derive(Debug, Clone, Copy)]
struct Status {
    saved: RwSignal<Option<String>>,
    error: RwSignal<Option<ApiError>>,
    problems: RwSignal<Option<(String, Problems)>>,
}

impl Status {
    fn new() -> Status {
        Status {
            saved: RwSignal::new(None),
            error: RwSignal::new(None),
            problems: RwSignal::new(None),
        }
    }

    fn clear(self) {
        self.saved.set(None);
        self.error.set(None);
        self.problems.set(None);
    }

    fn ok(self, what: String) {
        self.error.set(None);
        self.problems.set(None);
        self.saved.set(Some(what));
    }

    fn fail(self, err: ApiError) {
        self.saved.set(None);
        self.error.set(Some(err));
    }
}

/// The statuses of the four sections; they outlive a reload of the settings.
#[derive(Debug, Clone, Copy)]
struct Statuses {
    scales: Status,
    work: Status,
    att: Status,
    subjects: Status,
}

/// The text of a refused save or delete: `in_use` and `conflict` say what they mean here.
fn settings_error_text(locale: Locale, err: &ApiError) -> String {
    match err.code() {
        Some(ErrorCode::InUse) => td_string!(locale, mark_settings.err_in_use).to_string(),
        Some(ErrorCode::Conflict) => td_string!(locale, mark_settings.err_conflict).to_string(),
        _ => error_text(locale, err),
    }
}

/// The text of a problem found before sending.
fn problem_text(locale: Locale, p: Problem) -> String {
    match p {
        Problem::Field(f) => field_problem_text(locale, f),
        Problem::CodeChars => td_string!(locale, mark_settings.problem_code_chars).into(),
        Problem::NotANumber => td_string!(locale, mark_settings.problem_not_a_number).into(),
        Problem::WeightRange => td_string!(locale, mark_settings.problem_weight).into(),
        Problem::Duplicate => td_string!(locale, mark_settings.problem_duplicate).into(),
        Problem::CountsWithoutNumber => {
            td_string!(locale, mark_settings.problem_counts_without_number).into()
        }
        Problem::NoValues => td_string!(locale, mark_settings.problem_no_values).into(),
        Problem::TooManyValues => td_string!(locale, mark_settings.problem_too_many_values).into(),
    }
}

/// The name of the input a problem is in.
fn place_text(locale: Locale, place: Place) -> &'static str {
    match place {
        Place::Code => td_string!(locale, mark_settings.col_code),
        Place::Name => td_string!(locale, mark_settings.col_name),
        Place::ShortName => td_string!(locale, mark_settings.col_short),
        Place::Label | Place::Row(_, Col::Label) => td_string!(locale, mark_settings.col_label),
        Place::Weight => td_string!(locale, mark_settings.col_weight),
        Place::Position => td_string!(locale, mark_settings.col_position),
        Place::Values => td_string!(locale, mark_settings.values),
        Place::Row(_, Col::Value) => td_string!(locale, mark_settings.col_value),
        Place::Row(_, Col::Numeric) => td_string!(locale, mark_settings.col_numeric),
        Place::Row(_, Col::Counts) => td_string!(locale, mark_settings.col_counts),
    }
}

/// "«КР», вес: от 0,1 до 10." / "Строка 3, значение: повторяется."
fn problem_line(locale: Locale, who: &str, place: Place, p: Problem) -> String {
    let who = match place {
        Place::Row(i, _) => td_string!(locale, mark_settings.row_n, n = i + 1),
        _ => who.to_string(),
    };
    if who.is_empty() {
        format!("{}: {}", place_text(locale, place), problem_text(locale, p))
    } else {
        format!(
            "{who}, {}: {}",
            place_text(locale, place),
            problem_text(locale, p)
        )
    }
}

/// `aria-invalid` of an input while `place` has a problem.
fn invalid(problems: RwSignal<Problems>, place: Place) -> impl Fn() -> &'static str + Copy {
    move || {
        if problems.with(|p| problem_at(p, place).is_some()) {
            "true"
        } else {
            "false"
        }
    }
}

/// A refused save with `data-code` and the server's explanation, or nothing.
#[component]
fn SettingsAlert(error: RwSignal<Option<ApiError>>, testid: String) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|err| {
            let code = err.code().map(|c| c.as_str());
            let details = problem_details(&err);
            let details_id = format!("{testid}-details");
            view! {
                <div class="alert" role="alert" data-testid=testid.clone() data-code=code>
                    <p>{dynv(move || settings_error_text(i18n.get_locale(), &err).into_any())}</p>
                    {(!details.is_empty()).then(|| view! {
                        <ul class="problem-details" data-testid=details_id>
                            {details.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}
                        </ul>
                    })}
                </div>
            }
        })
    }
}

/// A section's status: "Сохранено", the problems found before sending, the server's refusal.
#[component]
fn StatusLine(status: Status, testid: &'static str) -> impl IntoView {
    view! {
        {dynv(move || (status.saved.get().map(|what| view! {
            <p class="success" role="status" data-testid=format!("{testid}-saved") data-what=what>{tr!(mark_settings.saved)}</p>
        })).into_any())}
        {dynv(move || (status.problems.get().map(|(who, list)| {
            let who = Arc::new(who);
            view! {
                <ul class="ms-problems" role="alert" data-testid=format!("{testid}-problems")>
                    {list.into_iter().map(|(place, p)| {
                        let who = who.clone();
                        view! { <li>{ltext(move |l| problem_line(l, &who, place, p))}</li> }
                    }).collect_view()}
                </ul>
            }
        })).into_any())}
        <SettingsAlert error=status.error testid=format!("{testid}-error") />
    }
}

#[component]
fn MarkSettingsView(school: SchoolOption, access: Access) -> impl IntoView {
    let auth = use_auth();
    let school_id = school.id;
    let manage = access == Access::Manage;
    let settings = Res::new(move || marks::mark_settings(auth, school_id));
    let st = Statuses {
        scales: Status::new(),
        work: Status::new(),
        att: Status::new(),
        subjects: Status::new(),
    };
    let on_change = Callback::new(move |_: ()| settings.refetch());
    view! {
        <section class="page ms-page" data-testid="mark-settings-page" data-access=if manage { "manage" } else { "read" }>
            <h1>{tr!(mark_settings.title)}</h1>
            <PageSchool school=Some(school) />
            {(!manage).then(|| view! { <ReadOnlyNote /> })}
            <p class="hint">{tr!(mark_settings.intro)}</p>
            {loaded(settings, "mark-settings-load-error", move |s| view! {
                <Body school_id=school_id settings=s manage=manage st=st on_change=on_change />
            })}
        </section>
    }
}

#[component]
fn Body(
    school_id: Uuid,
    settings: MarkSettings,
    manage: bool,
    st: Statuses,
    on_change: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let comma = i18n.get_locale_untracked() == Locale::ru;
    let adding_scale = RwSignal::new(false);
    let days = settings.edit_window_days;
    let scales = settings.scales.clone();
    let scale_cards = settings
        .scales
        .into_iter()
        .map(|s| {
            let on_done = Callback::new(move |changed: bool| {
                if changed {
                    on_change.run(());
                }
            });
            view! { <ScaleCard school_id=school_id scale=Some(s) manage=manage comma=comma status=st.scales on_done=on_done /> }
        })
        .collect_view();
    let new_scale = move || {
        if adding_scale.get() {
            let on_done = Callback::new(move |changed: bool| {
                adding_scale.set(false);
                if changed {
                    on_change.run(());
                }
            });
            view! { <ScaleCard school_id=school_id scale=None manage=manage comma=comma status=st.scales on_done=on_done /> }
                .into_any()
        } else if manage {
            view! {
                <button type="button" class="button" data-testid="scale-add" on:click=move |_| { st.scales.clear(); adding_scale.set(true) }>
                    {tr!(mark_settings.scale_add)}
                </button>
            }
            .into_any()
        } else {
            ().into_any()
        }
    };
    view! {
        <p class="note" data-testid="mark-settings-edit-window" data-days=days.map(|d| d.to_string()).unwrap_or_default()>
            {ltext(move |l| match days {
                Some(d) => td_string!(l, mark_settings.edit_window_is, days = count_text(l, Counted::Days, d.max(0) as u64)),
                None => td_string!(l, mark_settings.edit_window_none).to_string(),
            })}
            " "
            <a href=format!("/settings?school={school_id}") data-testid="mark-settings-edit-window-link">
                {tr!(mark_settings.edit_window_change)}
            </a>
        </p>

        <h2>{tr!(mark_settings.scales_title)}</h2>
        <p class="hint">{tr!(mark_settings.scales_hint)}</p>
        <div class="ms-cards" data-testid="scales">{scale_cards}</div>
        {dynv(new_scale)}
        <StatusLine status=st.scales testid="scales" />

        <h2>{tr!(mark_settings.work_types_title)}</h2>
        <p class="hint">{tr!(mark_settings.work_types_hint)}</p>
        <WorkTypes school_id=school_id list=settings.work_types manage=manage comma=comma status=st.work on_change=on_change />

        <h2>{tr!(mark_settings.att_title)}</h2>
        <p class="hint">{tr!(mark_settings.att_hint)}</p>
        <AttendanceCodes school_id=school_id list=settings.attendance_codes manage=manage status=st.att on_change=on_change />

        <h2>{tr!(mark_settings.subjects_title)}</h2>
        <p class="hint">{tr!(mark_settings.subjects_hint)}</p>
        <Subjects school_id=school_id scales=scales manage=manage status=st.subjects />
    }
}

/// One value row's inputs.
#[derive(Debug, Clone, Copy)]
struct ValueRow {
    key: u32,
    value: RwSignal<String>,
    label: RwSignal<String>,
    numeric: RwSignal<String>,
    counts: RwSignal<bool>,
    passing: RwSignal<bool>,
}

impl ValueRow {
    fn new(key: u32, d: ValueDraft) -> ValueRow {
        ValueRow {
            key,
            value: RwSignal::new(d.value),
            label: RwSignal::new(d.label),
            numeric: RwSignal::new(d.numeric),
            counts: RwSignal::new(d.counts),
            passing: RwSignal::new(d.passing),
        }
    }

    fn draft(self) -> ValueDraft {
        ValueDraft {
            value: self.value.get_untracked(),
            label: self.label.get_untracked(),
            numeric: self.numeric.get_untracked(),
            counts: self.counts.get_untracked(),
            passing: self.passing.get_untracked(),
        }
    }
}

/// A scale: its name, default flag and values; or a new one (code too).
#[component]
fn ScaleCard(
    school_id: Uuid,
    scale: Option<MarkScale>,
    manage: bool,
    comma: bool,
    status: Status,
    on_done: Callback<bool>,
) -> impl IntoView {
    let auth = use_auth();
    let id = scale.as_ref().map(|s| s.id);
    let draft = match &scale {
        Some(s) => ScaleDraft::of(s, comma),
        None => ScaleDraft::new_scale(comma),
    };
    // `scale-{code}` for a stored scale, `scale-new` for the new one; buttons by id.
    let part = scale
        .as_ref()
        .map_or("new".to_string(), |s| testid_part(&s.code));
    let key = id.map_or("new".to_string(), |id| id.to_string());
    let was_default = draft.is_default;
    let code = RwSignal::new(draft.code.clone());
    let name = RwSignal::new(draft.name.clone());
    let is_default = RwSignal::new(draft.is_default);
    let next_key = StoredValue::new(draft.values.len() as u32);
    let rows = RwSignal::new(
        draft
            .values
            .into_iter()
            .enumerate()
            .map(|(i, d)| ValueRow::new(i as u32, d))
            .collect::<Vec<_>>(),
    );
    let problems = RwSignal::new(Problems::new());
    let busy = RwSignal::new(false);
    let asking = RwSignal::new(false);
    let saved_key = key.clone();

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() || !manage {
            return;
        }
        status.clear();
        let draft = ScaleDraft {
            code: code.get_untracked(),
            name: name.get_untracked(),
            is_default: is_default.get_untracked(),
            values: rows.with_untracked(|r| r.iter().map(|r| r.draft()).collect()),
        };
        let input = match check_scale(&draft) {
            Ok(input) => {
                problems.set(Vec::new());
                input
            }
            Err(p) => return problems.set(p),
        };
        busy.set(true);
        let what = format!("scale-{}", testid_part(&input.code));
        spawn_local(async move {
            let result = marks::save_scale(auth, school_id, id, &input).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    status.ok(what);
                    on_done.run(true);
                }
                Err(err) => status.fail(err),
            }
        });
    };
    let on_delete = move |_| {
        let Some(id) = id else { return };
        asking.set(false);
        status.clear();
        busy.set(true);
        spawn_local(async move {
            let result = marks::delete_scale(auth, school_id, id).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    status.ok("scale-deleted".into());
                    on_done.run(true);
                }
                Err(err) => status.fail(err),
            }
        });
    };
    let add_row = move |_| {
        let k = next_key.get_value();
        next_key.set_value(k + 1);
        rows.update(|r| r.push(ValueRow::new(k, ValueDraft::default())));
    };

    let value_rows = move || {
        rows.get()
            .into_iter()
            .enumerate()
            .map(|(i, row)| {
                let k = row.key;
                view! {
                    <tr data-testid="scale-row" data-row=i>
                        <td data-label=lbl(|l| td_string!(l, mark_settings.col_value))>
                            <input type="text" class="ms-input ms-narrow" data-testid="scale-row-value" bind:value=row.value
                                aria-label=lbl(|l| td_string!(l, mark_settings.col_value))
                                aria-invalid=invalid(problems, Place::Row(i, Col::Value)) />
                        </td>
                        <td data-label=lbl(|l| td_string!(l, mark_settings.col_label))>
                            <input type="text" class="ms-input ms-narrow" data-testid="scale-row-label" bind:value=row.label
                                aria-label=lbl(|l| td_string!(l, mark_settings.col_label))
                                aria-invalid=invalid(problems, Place::Row(i, Col::Label)) />
                        </td>
                        <td data-label=lbl(|l| td_string!(l, mark_settings.col_numeric))>
                            <input type="text" inputmode="decimal" class="ms-input ms-narrow" data-testid="scale-row-numeric" bind:value=row.numeric
                                aria-label=lbl(|l| td_string!(l, mark_settings.col_numeric))
                                aria-invalid=invalid(problems, Place::Row(i, Col::Numeric)) />
                        </td>
                        <td class="ms-check" data-label=lbl(|l| td_string!(l, mark_settings.col_counts))>
                            <input type="checkbox" data-testid="scale-row-counts" bind:checked=row.counts
                                aria-label=lbl(|l| td_string!(l, mark_settings.col_counts))
                                aria-invalid=invalid(problems, Place::Row(i, Col::Counts)) />
                        </td>
                        <td class="ms-check" data-label=lbl(|l| td_string!(l, mark_settings.col_passing))>
                            <input type="checkbox" data-testid="scale-row-passing" bind:checked=row.passing
                                aria-label=lbl(|l| td_string!(l, mark_settings.col_passing)) />
                        </td>
                        {manage.then(|| view! {
                            <td>
                                <button type="button" class="button button-quiet" data-testid="scale-row-remove"
                                    aria-label=lbl(|l| td_string!(l, mark_settings.row_remove))
                                    on:click=move |_| rows.update(|r| r.retain(|x| x.key != k))>
                                    "×"
                                </button>
                            </td>
                        })}
                    </tr>
                }
            })
            .collect_view()
    };
    let problem_list = move || {
        let list = problems.get();
        (!list.is_empty()).then(|| {
            view! {
                <ul class="ms-problems" role="alert" data-testid=format!("scale-problems-{part}")>
                    {list.into_iter().map(|(place, p)| view! {
                        <li>{ltext(move |l| problem_line(l, "", place, p))}</li>
                    }).collect_view()}
                </ul>
            }
        })
    };
    let is_new = id.is_none();
    let testid = if is_new {
        "scale-new".to_string()
    } else {
        format!(
            "scale-{}",
            scale
                .as_ref()
                .map_or(String::new(), |s| testid_part(&s.code))
        )
    };
    let code_text = scale.as_ref().map(|s| s.code.clone());
    let k1 = key.clone();
    let k2 = key.clone();
    let k3 = key.clone();
    let k4 = key.clone();
    let k5 = key.clone();
    let k6 = key.clone();
    let name_id = format!("scale-name-{saved_key}");
    let name_label_for = name_id.clone();
    view! {
        <form class="ms-card" data-testid=testid data-scale-id=id.map(|i| i.to_string()) data-default=was_default.to_string() on:submit=on_submit novalidate=true>
            <fieldset class="plain" disabled=!manage>
                <div class="ms-card-head">
                    {if is_new {
                        view! {
                            <div class="field">
                                <label for="scale-code-new">{tr!(mark_settings.col_code)}</label>
                                <input id="scale-code-new" data-testid="scale-code-new" type="text" autocomplete="off" bind:value=code
                                    aria-invalid=invalid(problems, Place::Code) />
                                <p class="hint">{tr!(mark_settings.scale_code_hint)}</p>
                            </div>
                        }
                        .into_any()
                    } else {
                        view! {
                            <p class="ms-code muted" data-testid=format!("scale-code-{k1}")>
                                {tr!(mark_settings.col_code)} ": " <code>{code_text.clone()}</code>
                                {was_default.then(|| view! { " " <span class="badge" data-testid="scale-default-badge">{tr!(mark_settings.default_badge)}</span> })}
                            </p>
                        }
                        .into_any()
                    }}
                    <div class="field">
                        <label for=name_label_for>{tr!(mark_settings.scale_name)}</label>
                        <input id=name_id.clone() data-testid=name_id type="text" autocomplete="off" bind:value=name
                            aria-invalid=invalid(problems, Place::Name) />
                    </div>
                    {(!was_default && manage).then(|| view! {
                        <label class="check">
                            <input type="checkbox" data-testid=format!("scale-default-{k2}") bind:checked=is_default />
                            {tr!(mark_settings.make_default)}
                        </label>
                    })}
                </div>
                <div class="table-wrap">
                    <table class="ms-table" data-testid=format!("scale-values-{k3}")>
                        <thead>
                            <tr>
                                <th scope="col">{tr!(mark_settings.col_value)}</th>
                                <th scope="col">{tr!(mark_settings.col_label)}</th>
                                <th scope="col">{tr!(mark_settings.col_numeric)}</th>
                                <th scope="col">{tr!(mark_settings.col_counts)}</th>
                                <th scope="col">{tr!(mark_settings.col_passing)}</th>
                                {manage.then(|| view! { <th scope="col"><span class="visually-hidden">{tr!(mark_settings.row_remove)}</span></th> })}
                            </tr>
                        </thead>
                        <tbody>{dynv(move || value_rows().into_any())}</tbody>
                    </table>
                </div>
                {dynv(move || problem_list().into_any())}
                {manage.then(|| view! {
                    <div class="actions">
                        <button type="button" class="button button-quiet" data-testid=format!("scale-add-row-{k4}") on:click=add_row>
                            {tr!(mark_settings.row_add)}
                        </button>
                        <button type="submit" class="button button-primary" data-testid=format!("scale-save-{k5}") disabled=move || busy.get()>
                            {tr!(save)}
                        </button>
                        {if is_new {
                            view! {
                                <button type="button" class="button button-quiet" data-testid="scale-cancel-new" on:click=move |_| on_done.run(false)>
                                    {tr!(cancel)}
                                </button>
                            }
                            .into_any()
                        } else if !was_default {
                            let k6 = k6.clone();
                            view! {
                                {dynv(move || if asking.get() {
                                    view! {
                                        <span class="ms-confirm" role="group">
                                            {tr!(mark_settings.delete_scale_confirm)} " "
                                            <button type="button" class="button button-danger" data-testid=format!("scale-delete-confirm-{k6}") on:click=on_delete>
                                                {tr!(delete_yes)}
                                            </button>
                                            <button type="button" class="button button-quiet" on:click=move |_| asking.set(false)>
                                                {tr!(cancel)}
                                            </button>
                                        </span>
                                    }
                                    .into_any()
                                } else {
                                    view! {
                                        <button type="button" class="button button-quiet" data-testid=format!("scale-delete-{k6}") on:click=move |_| asking.set(true)>
                                            {tr!(delete)}
                                        </button>
                                    }
                                    .into_any()
                                })}
                            }
                            .into_any()
                        } else {
                            ().into_any()
                        }}
                    </div>
                })}
            </fieldset>
        </form>
    }
}

/// The work types table; a new row at the bottom while adding.
#[component]
fn WorkTypes(
    school_id: Uuid,
    list: Vec<WorkType>,
    manage: bool,
    comma: bool,
    status: Status,
    on_change: Callback<()>,
) -> impl IntoView {
    let adding = RwSignal::new(false);
    let mut list = list;
    list.sort_by_key(|w| w.position);
    let fresh = WorkTypeDraft::new_after(&list);
    let rows = list
        .into_iter()
        .map(|w| {
            let draft = WorkTypeDraft::of(&w, comma);
            view! {
                <WorkTypeRow school_id=school_id id=Some(w.id) draft=draft manage=manage comma=comma status=status
                    on_done=Callback::new(move |_| on_change.run(())) />
            }
        })
        .collect_view();
    let new_row = move || {
        adding.get().then(|| {
            view! {
                <WorkTypeRow school_id=school_id id=None draft=fresh.clone() manage=manage comma=comma status=status
                    on_done=Callback::new(move |changed: bool| {
                        adding.set(false);
                        if changed {
                            on_change.run(());
                        }
                    }) />
            }
        })
    };
    view! {
        <fieldset class="plain" disabled=!manage>
            <div class="table-wrap">
                <table class="ms-table" data-testid="work-types-table">
                    <thead>
                        <tr>
                            <th scope="col">{tr!(mark_settings.col_code)}</th>
                            <th scope="col">{tr!(mark_settings.col_name)}</th>
                            <th scope="col">{tr!(mark_settings.col_short)}</th>
                            <th scope="col">{tr!(mark_settings.col_weight)}</th>
                            <th scope="col">{tr!(mark_settings.col_position)}</th>
                            {manage.then(|| view! { <th scope="col">{tr!(mark_settings.col_actions)}</th> })}
                        </tr>
                    </thead>
                    <tbody>
                        {rows}
                        {dynv(move || new_row().into_any())}
                    </tbody>
                </table>
            </div>
        </fieldset>
        {dynv(move || ((manage && !adding.get()).then(|| view! {
            <button type="button" class="button" data-testid="work-type-add" on:click=move |_| { status.clear(); adding.set(true) }>
                {tr!(mark_settings.work_type_add)}
            </button>
        })).into_any())}
        <StatusLine status=status testid="work-types" />
    }
}

/// One work type: inputs and its save / delete buttons (a new one: save / cancel).
#[component]
fn WorkTypeRow(
    school_id: Uuid,
    id: Option<Uuid>,
    draft: WorkTypeDraft,
    manage: bool,
    comma: bool,
    status: Status,
    /// After a create or delete (`true`: reload), or a cancelled new row (`false`).
    on_done: Callback<bool>,
) -> impl IntoView {
    let auth = use_auth();
    let key = if id.is_some() {
        testid_part(&draft.code)
    } else {
        "new".to_string()
    };
    let code = RwSignal::new(draft.code);
    let name = RwSignal::new(draft.name);
    let short = RwSignal::new(draft.short_name);
    let weight = RwSignal::new(draft.weight);
    let position = RwSignal::new(draft.position);
    let problems = RwSignal::new(Problems::new());
    let busy = RwSignal::new(false);
    let asking = RwSignal::new(false);
    let save = move || {
        if busy.get_untracked() || !manage {
            return;
        }
        status.clear();
        let draft = WorkTypeDraft {
            code: code.get_untracked(),
            name: name.get_untracked(),
            short_name: short.get_untracked(),
            weight: weight.get_untracked(),
            position: position.get_untracked(),
        };
        let input = match check_work_type(&draft) {
            Ok(i) => {
                problems.set(Vec::new());
                i
            }
            Err(p) => {
                let who = if draft.name.trim().is_empty() {
                    draft.code.trim().to_string()
                } else {
                    format!("«{}»", draft.name.trim())
                };
                problems.set(p.clone());
                status.problems.set(Some((who, p)));
                return;
            }
        };
        busy.set(true);
        let what = format!("work-type-{}", testid_part(&input.code));
        spawn_local(async move {
            let result = marks::save_work_type(auth, school_id, id, &input).await;
            busy.set(false);
            match result {
                Ok(w) => {
                    status.ok(what);
                    if id.is_some() {
                        // Show what the server stored (spaces collapsed, the weight as a number).
                        name.set(w.name);
                        short.set(w.short_name);
                        weight.set(crate::mark_forms::number_text(w.weight, comma));
                        position.set(w.position.to_string());
                    } else {
                        on_done.run(true);
                    }
                }
                Err(err) => status.fail(err),
            }
        });
    };
    let remove = move |_| {
        let Some(id) = id else { return };
        asking.set(false);
        status.clear();
        busy.set(true);
        spawn_local(async move {
            let result = marks::delete_work_type(auth, school_id, id).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    status.ok("work-type-deleted".into());
                    on_done.run(true);
                }
                Err(err) => status.fail(err),
            }
        });
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" {
            ev.prevent_default();
            save();
        }
    };
    let k = key.clone();
    view! {
        <tr data-testid=format!("work-type-{k}") data-id=id.map(|i| i.to_string()) on:keydown=on_key>
            <td data-label=lbl(|l| td_string!(l, mark_settings.col_code))>
                {if id.is_some() {
                    view! { <code>{move || code.get()}</code> }.into_any()
                } else {
                    view! {
                        <input type="text" class="ms-input ms-narrow" data-testid="work-type-code-new" bind:value=code
                            aria-label=lbl(|l| td_string!(l, mark_settings.col_code))
                            aria-invalid=invalid(problems, Place::Code) />
                    }
                    .into_any()
                }}
            </td>
            <td data-label=lbl(|l| td_string!(l, mark_settings.col_name))>
                <input type="text" class="ms-input" data-testid=format!("work-type-name-{k}") bind:value=name
                    aria-label=lbl(|l| td_string!(l, mark_settings.col_name))
                    aria-invalid=invalid(problems, Place::Name) />
            </td>
            <td data-label=lbl(|l| td_string!(l, mark_settings.col_short))>
                <input type="text" class="ms-input ms-narrow" data-testid=format!("work-type-short-{k}") bind:value=short
                    aria-label=lbl(|l| td_string!(l, mark_settings.col_short))
                    aria-invalid=invalid(problems, Place::ShortName) />
            </td>
            <td data-label=lbl(|l| td_string!(l, mark_settings.col_weight))>
                <input type="text" inputmode="decimal" class="ms-input ms-num" data-testid=format!("work-type-weight-{k}") bind:value=weight
                    aria-label=lbl(|l| td_string!(l, mark_settings.col_weight))
                    aria-invalid=invalid(problems, Place::Weight) />
            </td>
            <td data-label=lbl(|l| td_string!(l, mark_settings.col_position))>
                <input type="number" min="0" max="1000" inputmode="numeric" class="ms-input ms-num" data-testid=format!("work-type-position-{k}") bind:value=position
                    aria-label=lbl(|l| td_string!(l, mark_settings.col_position))
                    aria-invalid=invalid(problems, Place::Position) />
            </td>
            {manage.then(|| view! {
                <td class="ms-actions">
                    <RowButtons prefix="work-type" code=key.clone() is_new=id.is_none() busy=busy asking=asking
                        on_save=Callback::new(move |_| save())
                        on_delete=Callback::new(move |_| remove(()))
                        on_cancel=Callback::new(move |_| on_done.run(false)) />
                </td>
            })}
        </tr>
    }
}

/// Save, delete (asks first) or, for a new row, cancel: `{prefix}-save-{code}`,
/// `{prefix}-delete-{code}`, `{prefix}-delete-confirm-{code}`, `{prefix}-cancel-new`.
#[component]
fn RowButtons(
    prefix: &'static str,
    code: String,
    is_new: bool,
    busy: RwSignal<bool>,
    asking: RwSignal<bool>,
    on_save: Callback<()>,
    on_delete: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let save_id = format!("{prefix}-save-{code}");
    let delete_id = format!("{prefix}-delete-{code}");
    let confirm_id = format!("{prefix}-delete-confirm-{code}");
    let cancel_id = format!("{prefix}-cancel-{code}");
    view! {
        <button type="button" class="button button-primary" data-testid=save_id disabled=move || busy.get() on:click=move |_| on_save.run(())>
            {tr!(save)}
        </button>
        {if is_new {
            view! {
                <button type="button" class="button button-quiet" data-testid=cancel_id on:click=move |_| on_cancel.run(())>
                    {tr!(cancel)}
                </button>
            }
            .into_any()
        } else {
            view! {
                {dynv(move || if asking.get() {
                    view! {
                        <button type="button" class="button button-danger" data-testid=confirm_id.clone() on:click=move |_| on_delete.run(())>
                            {tr!(delete_yes)}
                        </button>
                        <button type="button" class="button button-quiet" on:click=move |_| asking.set(false)>
                            {tr!(cancel)}
                        </button>
                    }
                    .into_any()
                } else {
                    view! {
                        <button type="button" class="button button-quiet" data-testid=delete_id.clone() on:click=move |_| asking.set(true)>
                            {tr!(delete)}
                        </button>
                    }
                    .into_any()
                })}
            }
            .into_any()
        }}
    }
}

/// The attendance codes table; a new row at the bottom while adding.
#[component]
fn AttendanceCodes(
    school_id: Uuid,
    list: Vec<AttendanceCode>,
    manage: bool,
    status: Status,
    on_change: Callback<()>,
) -> impl IntoView {
    let adding = RwSignal::new(false);
    let mut list = list;
    list.sort_by_key(|a| a.position);
    let fresh = AttendanceDraft::new_after(&list);
    let rows = list
        .into_iter()
        .map(|a| {
            let draft = AttendanceDraft::of(&a);
            view! {
                <AttRow school_id=school_id id=Some(a.id) draft=draft manage=manage status=status
                    on_done=Callback::new(move |_| on_change.run(())) />
            }
        })
        .collect_view();
    let new_row = move || {
        adding.get().then(|| {
            view! {
                <AttRow school_id=school_id id=None draft=fresh.clone() manage=manage status=status
                    on_done=Callback::new(move |changed: bool| {
                        adding.set(false);
                        if changed {
                            on_change.run(());
                        }
                    }) />
            }
        })
    };
    view! {
        <fieldset class="plain" disabled=!manage>
            <div class="table-wrap">
                <table class="ms-table" data-testid="att-codes-table">
                    <thead>
                        <tr>
                            <th scope="col">{tr!(mark_settings.col_code)}</th>
                            <th scope="col">{tr!(mark_settings.col_label)}</th>
                            <th scope="col">{tr!(mark_settings.col_name)}</th>
                            <th scope="col">{tr!(mark_settings.col_absence)}</th>
                            <th scope="col">{tr!(mark_settings.col_excused)}</th>
                            <th scope="col">{tr!(mark_settings.col_position)}</th>
                            {manage.then(|| view! { <th scope="col">{tr!(mark_settings.col_actions)}</th> })}
                        </tr>
                    </thead>
                    <tbody>
                        {rows}
                        {dynv(move || new_row().into_any())}
                    </tbody>
                </table>
            </div>
        </fieldset>
        {dynv(move || ((manage && !adding.get()).then(|| view! {
            <button type="button" class="button" data-testid="att-add" on:click=move |_| { status.clear(); adding.set(true) }>
                {tr!(mark_settings.att_add)}
            </button>
        })).into_any())}
        <StatusLine status=status testid="att-codes" />
    }
}

/// One attendance code (its code is fixed once created).
#[component]
fn AttRow(
    school_id: Uuid,
    id: Option<Uuid>,
    draft: AttendanceDraft,
    manage: bool,
    status: Status,
    on_done: Callback<bool>,
) -> impl IntoView {
    let auth = use_auth();
    let key = if id.is_some() {
        testid_part(&draft.code)
    } else {
        "new".to_string()
    };
    let code = RwSignal::new(draft.code);
    let label = RwSignal::new(draft.label);
    let name = RwSignal::new(draft.name);
    let absence = RwSignal::new(draft.counts_as_absence);
    let excused = RwSignal::new(draft.excused);
    let position = RwSignal::new(draft.position);
    let problems = RwSignal::new(Problems::new());
    let busy = RwSignal::new(false);
    let asking = RwSignal::new(false);
    let save = move || {
        if busy.get_untracked() || !manage {
            return;
        }
        status.clear();
        let draft = AttendanceDraft {
            code: code.get_untracked(),
            label: label.get_untracked(),
            name: name.get_untracked(),
            counts_as_absence: absence.get_untracked(),
            excused: excused.get_untracked(),
            position: position.get_untracked(),
        };
        let input = match check_attendance(&draft) {
            Ok(i) => {
                problems.set(Vec::new());
                i
            }
            Err(p) => {
                problems.set(p.clone());
                status
                    .problems
                    .set(Some((format!("«{}»", draft.code.trim()), p)));
                return;
            }
        };
        busy.set(true);
        let what = format!("att-code-{}", testid_part(&input.code));
        spawn_local(async move {
            let result = marks::save_attendance_code(auth, school_id, id, &input).await;
            busy.set(false);
            match result {
                Ok(a) => {
                    status.ok(what);
                    if id.is_some() {
                        label.set(a.label);
                        name.set(a.name);
                        absence.set(a.counts_as_absence);
                        excused.set(a.excused);
                        position.set(a.position.to_string());
                    } else {
                        on_done.run(true);
                    }
                }
                Err(err) => status.fail(err),
            }
        });
    };
    let remove = move |_: ()| {
        let Some(id) = id else { return };
        asking.set(false);
        status.clear();
        busy.set(true);
        spawn_local(async move {
            let result = marks::delete_attendance_code(auth, school_id, id).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    status.ok("att-code-deleted".into());
                    on_done.run(true);
                }
                Err(err) => status.fail(err),
            }
        });
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" {
            ev.prevent_default();
            save();
        }
    };
    let k = key.clone();
    view! {
        <tr data-testid=format!("att-code-{k}") data-id=id.map(|i| i.to_string()) on:keydown=on_key>
            <td data-label=lbl(|l| td_string!(l, mark_settings.col_code))>
                {if id.is_some() {
                    view! { <code>{move || code.get()}</code> }.into_any()
                } else {
                    view! {
                        <input type="text" class="ms-input ms-narrow" data-testid="att-code-input-new" bind:value=code
                            aria-label=lbl(|l| td_string!(l, mark_settings.col_code))
                            aria-invalid=invalid(problems, Place::Code) />
                    }
                    .into_any()
                }}
            </td>
            <td data-label=lbl(|l| td_string!(l, mark_settings.col_label))>
                <input type="text" class="ms-input ms-narrow" data-testid=format!("att-label-{k}") bind:value=label
                    aria-label=lbl(|l| td_string!(l, mark_settings.col_label))
                    aria-invalid=invalid(problems, Place::Label) />
            </td>
            <td data-label=lbl(|l| td_string!(l, mark_settings.col_name))>
                <input type="text" class="ms-input" data-testid=format!("att-name-{k}") bind:value=name
                    aria-label=lbl(|l| td_string!(l, mark_settings.col_name))
                    aria-invalid=invalid(problems, Place::Name) />
            </td>
            <td class="ms-check" data-label=lbl(|l| td_string!(l, mark_settings.col_absence))>
                <input type="checkbox" data-testid=format!("att-absence-{k}") bind:checked=absence
                    aria-label=lbl(|l| td_string!(l, mark_settings.col_absence)) />
            </td>
            <td class="ms-check" data-label=lbl(|l| td_string!(l, mark_settings.col_excused))>
                <input type="checkbox" data-testid=format!("att-excused-{k}") bind:checked=excused
                    aria-label=lbl(|l| td_string!(l, mark_settings.col_excused)) />
            </td>
            <td data-label=lbl(|l| td_string!(l, mark_settings.col_position))>
                <input type="number" min="0" max="1000" inputmode="numeric" class="ms-input ms-num" data-testid=format!("att-position-{k}") bind:value=position
                    aria-label=lbl(|l| td_string!(l, mark_settings.col_position))
                    aria-invalid=invalid(problems, Place::Position) />
            </td>
            {manage.then(|| view! {
                <td class="ms-actions">
                    <RowButtons prefix="att" code=key.clone() is_new=id.is_none() busy=busy asking=asking
                        on_save=Callback::new(move |_| save())
                        on_delete=Callback::new(move |_| remove(()))
                        on_cancel=Callback::new(move |_| on_done.run(false)) />
                </td>
            })}
        </tr>
    }
}

/// Every subject with its scale; a change is saved at once (`PUT …/subjects/{id}`).
#[component]
fn Subjects(
    school_id: Uuid,
    scales: Vec<MarkScale>,
    manage: bool,
    status: Status,
) -> impl IntoView {
    let auth = use_auth();
    let subjects = Res::new(move || marks::subjects(auth, school_id));
    let default_name = default_scale(&scales).map(|s| s.name.clone());
    let scales = Arc::new(scales);
    loaded(
        subjects,
        "subjects-load-error",
        move |mut list: Vec<Subject>| {
            list.sort_by(|a, b| a.name.cmp(&b.name));
            if list.is_empty() {
                return view! { <p class="muted" data-testid="subjects-none">{tr!(mark_settings.no_subjects)}</p> }
                .into_any();
            }
            let rows = list
            .into_iter()
            .map(|s| {
                view! { <SubjectRow school_id=school_id subject=s scales=scales.clone() default_name=default_name.clone() manage=manage status=status /> }
            })
            .collect_view();
            view! {
                <div class="table-wrap">
                    <table class="ms-table" data-testid="subjects-table">
                        <thead>
                            <tr>
                                <th scope="col">{tr!(mark_settings.col_subject)}</th>
                                <th scope="col">{tr!(mark_settings.col_short)}</th>
                                <th scope="col">{tr!(mark_settings.col_scale)}</th>
                                <th scope="col">{tr!(mark_settings.col_homework)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <StatusLine status=status testid="subjects" />
            }
            .into_any()
        },
    )
}

#[component]
fn SubjectRow(
    school_id: Uuid,
    subject: Subject,
    scales: Arc<Vec<MarkScale>>,
    default_name: Option<String>,
    manage: bool,
    status: Status,
) -> impl IntoView {
    let auth = use_auth();
    let sid = subject.id;
    let current = RwSignal::new(subject.mark_scale_id);
    let homework = RwSignal::new(subject.homework_expected);
    let busy = RwSignal::new(false);
    let name = subject.name.clone();
    let short = subject.short_name.clone();
    // Saves the subject with its scale and the «Задаётся д/з» flag; on failure both go back.
    let save = {
        let name = name.clone();
        let short = short.clone();
        move |scale: Option<Uuid>, homework_expected: bool| {
            let before = (current.get_untracked(), homework.get_untracked());
            status.clear();
            current.set(scale);
            homework.set(homework_expected);
            busy.set(true);
            let input = SubjectInput {
                name: name.clone(),
                short_name: short.clone(),
                mark_scale_id: scale,
                homework_expected,
            };
            spawn_local(async move {
                let result = marks::save_subject(auth, school_id, sid, &input).await;
                busy.set(false);
                match result {
                    Ok(s) => {
                        current.set(s.mark_scale_id);
                        homework.set(s.homework_expected);
                        status.ok(format!("subject-{sid}"));
                    }
                    Err(err) => {
                        current.set(before.0);
                        homework.set(before.1);
                        status.fail(err);
                    }
                }
            });
        }
    };
    let on_homework = {
        let save = save.clone();
        move |ev: leptos::ev::Event| {
            let checked = event_target_checked(&ev);
            if checked == homework.get_untracked() || busy.get_untracked() {
                return;
            }
            save(current.get_untracked(), checked);
        }
    };
    let on_change = {
        move |ev: leptos::ev::Event| {
            let before = current.get_untracked();
            let chosen = Uuid::parse_str(&event_target_value(&ev)).ok();
            if chosen == before || busy.get_untracked() {
                return;
            }
            save(chosen, homework.get_untracked());
        }
    };
    let options = scales
        .iter()
        .map(|s| {
            let id = s.id;
            view! { <option value=id.to_string() selected=move || current.get() == Some(id)>{s.name.clone()}</option> }
        })
        .collect_view();
    let default_label = default_name.unwrap_or_default();
    view! {
        <tr data-testid="subject-row" data-subject-id=sid.to_string()>
            <td data-label=lbl(|l| td_string!(l, mark_settings.col_subject))>{name}</td>
            <td data-label=lbl(|l| td_string!(l, mark_settings.col_short))>{short}</td>
            <td data-label=lbl(|l| td_string!(l, mark_settings.col_scale))>
                <select
                    class="ms-input"
                    data-testid=format!("subject-scale-{sid}")
                    aria-label=lbl(|l| td_string!(l, mark_settings.col_scale))
                    disabled=move || !manage || busy.get()
                    prop:value=move || current.get().map(|i| i.to_string()).unwrap_or_default()
                    on:change=on_change
                >
                    <option value="" selected=move || current.get().is_none()>
                        {ltext(move |l| td_string!(l, mark_settings.scale_default_option, name = default_label.clone()))}
                    </option>
                    {options}
                </select>
            </td>
            <td data-label=lbl(|l| td_string!(l, mark_settings.col_homework))>
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="subject-homework-expected"
                        data-subject-id=sid.to_string()
                        disabled=move || !manage || busy.get()
                        prop:checked=move || homework.get()
                        on:change=on_homework
                    />
                    {tr!(mark_settings.homework_expected)}
                </label>
            </td>
        </tr>
    }
}
