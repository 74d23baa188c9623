//! The timetable administration pages (admin; the principal reads): bell schedules, the weekly
//! timetable of a class or a teacher, the school calendar, substitutions and lesson changes. Their
//! plain logic is in [`crate::tt_admin`], their API calls in [`crate::tt_admin_api`].

pub mod bells;
pub mod calendar;
pub mod grid;
pub mod subs;

use std::sync::Arc;

use leptos::prelude::*;
use otmetka_domain::timetable::TimetableConflict;
use uuid::Uuid;

use crate::api::ApiError;
use crate::forms::{Field, FieldErrors};
use crate::i18n::*;
use crate::pages::{FieldMessage, ProblemAlert, dynv, invalid_attr, ltext};
use crate::tt_admin::{conflict_kind_text, conflict_text, problem_conflicts};

/// One of the four pages, for the tabs at their top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Grid,
    Bells,
    Calendar,
    Substitutions,
}

impl Tab {
    const ALL: [Tab; 4] = [Tab::Grid, Tab::Substitutions, Tab::Calendar, Tab::Bells];

    fn path(self) -> &'static str {
        match self {
            Tab::Grid => "/timetable",
            Tab::Bells => "/timetable/bells",
            Tab::Calendar => "/timetable/calendar",
            Tab::Substitutions => "/timetable/substitutions",
        }
    }

    fn testid(self) -> &'static str {
        match self {
            Tab::Grid => "tt-tab-grid",
            Tab::Bells => "tt-tab-bells",
            Tab::Calendar => "tt-tab-calendar",
            Tab::Substitutions => "tt-tab-substitutions",
        }
    }

    fn label(self, locale: Locale) -> &'static str {
        match self {
            Tab::Grid => td_string!(locale, tt_admin.tab_grid),
            Tab::Bells => td_string!(locale, tt_admin.tab_bells),
            Tab::Calendar => td_string!(locale, tt_admin.tab_calendar),
            Tab::Substitutions => td_string!(locale, tt_admin.tab_substitutions),
        }
    }
}

/// Links between the timetable administration pages.
#[component]
pub fn TtTabs(current: Tab, school_id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="tt-tabs" data-testid="tt-tabs" aria-label=move || td_string!(i18n.get_locale(), tt_admin.tabs)>
            {Tab::ALL
                .into_iter()
                .map(|tab| {
                    let href = format!("{}?school={school_id}", tab.path());
                    let current = (tab == current).then_some("page");
                    view! {
                        <a href=href data-testid=tab.testid() aria-current=current>
                            {dynv(move || (tab.label(i18n.get_locale())).into_any())}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// HTML built from plain data (a grid, month calendars) whose buttons report
/// `(data-action, data-index)` to `on_action`, like [`crate::pages::DataTable`].
#[component]
pub fn HtmlActions(
    html: Arc<dyn Fn(Locale) -> String + Send + Sync>,
    #[prop(optional)] on_action: Option<Callback<(String, usize)>>,
    class: &'static str,
) -> impl IntoView {
    use leptos::wasm_bindgen::JsCast as _;
    let i18n = use_i18n();
    let render = move || html(i18n.get_locale());
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(callback) = on_action else { return };
        let button = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.closest("[data-action]").ok().flatten());
        if let Some(b) = button
            && let Some(action) = crate::table::parse_action(
                b.get_attribute("data-action"),
                b.get_attribute("data-index"),
            )
        {
            callback.run(action);
        }
    };
    view! { <div class=class inner_html=render on:click=on_click></div> }
}

/// The collisions of a candidate (a check before saving, or a refused save): kind, class,
/// subject, the shared teacher or room, when.
#[component]
pub fn ConflictList(
    conflicts: Signal<Vec<TimetableConflict>>,
    testid: &'static str,
    /// The heading; "Пересечения в расписании" when absent.
    #[prop(optional)]
    title: Option<crate::pages::Text>,
) -> impl IntoView {
    let title = title.unwrap_or(|l| td_string!(l, tt_admin.conflicts_title));
    dynv(move || {
        let list = conflicts.get();
        (!list.is_empty()).then(|| {
            let n = list.len();
            view! {
                <div class="tt-conflicts" role="alert" data-testid=testid data-count=n>
                    <p class="tt-conflicts-title">{crate::pages::tr(title)}</p>
                    <ul>
                        {list
                            .into_iter()
                            .map(|c| {
                                let kind = c.kind;
                                let kind_name = match kind {
                                    otmetka_domain::timetable::ConflictKind::Teacher => "teacher",
                                    otmetka_domain::timetable::ConflictKind::Class => "class",
                                    otmetka_domain::timetable::ConflictKind::Group => "group",
                                    otmetka_domain::timetable::ConflictKind::Room => "room",
                                };
                                view! {
                                    <li data-testid="tt-conflict" data-kind=kind_name>
                                        <span class="badge badge-danger">{ltext(move |l| conflict_kind_text(l, kind).to_string())}</span>
                                        " "
                                        {ltext(move |l| conflict_text(l, &c))}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </div>
            }
        })
        .into_any()
    })
}

/// A refused save: the collisions when it is a `timetable_conflict`, else the usual alert with the
/// server's explanation.
#[component]
pub fn SaveError(error: RwSignal<Option<ApiError>>, testid: &'static str) -> impl IntoView {
    let conflicts = Signal::derive(move || {
        error
            .with(|e| e.as_ref().and_then(problem_conflicts))
            .unwrap_or_default()
    });
    let other = RwSignal::new(None::<ApiError>);
    Effect::new(move |_| {
        let e = error.get();
        let is_conflict = e.as_ref().and_then(problem_conflicts).is_some();
        other.set(if is_conflict { None } else { e });
    });
    view! {
        <ConflictList conflicts=conflicts testid=testid title=|l| td_string!(l, tt_admin.conflicts_refused) />
        <ProblemAlert error=other testid=testid />
    }
}

/// A labelled select of choices `(id, text)` with a "—" first option; the chosen id (or "")
/// goes to `value`.
#[component]
pub fn ChoiceSelect(
    id: &'static str,
    label: crate::pages::Text,
    value: RwSignal<String>,
    choices: Signal<Vec<(Uuid, String)>>,
    errors: RwSignal<FieldErrors>,
    field: Field,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for=id>{dynv(move || (label(i18n.get_locale())).into_any())}</label>
            <select
                id=id
                data-testid=id
                aria-invalid=invalid_attr(errors, field)
                aria-describedby=format!("{id}-error")
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                <option value="" selected=move || value.with(String::is_empty)>"—"</option>
                {dynv(move || {
                    choices
                        .get()
                        .into_iter()
                        .map(|(cid, text)| {
                            let v = cid.to_string();
                            let selected = value.get_untracked() == v;
                            view! { <option value=v selected=selected>{text}</option> }
                        })
                        .collect_view()
                        .into_any()
                })}
            </select>
            <FieldMessage errors=errors field=field input_id=id />
        </div>
    }
}

/// Reads a UUID from a select's value.
pub fn chosen_id(value: &str) -> Option<Uuid> {
    Uuid::parse_str(value.trim()).ok()
}

/// Today in the browser's time zone (the server decides "today" in the school's zone; the two
/// differ only around midnight).
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}
