//! `/journal?school=&period=`: the course picker (a teacher's own courses, every course for the
//! admin and the principal), grouped by class; `/journal/{course_id}?school=&period=`: the class
//! journal grid of a course for a period (see [`crate::journal`] for the entry rules).
//!
//! The grid is drawn as HTML once and then patched cell by cell; one `keydown` and one `click`
//! handler on its scrolling box drive the state machine. Changes are sent in one batch 400 ms
//! after the last entry (one batch in flight at a time).
//!
//! The course's final-mark sheet (`GET …/final-marks`) is loaded alongside and adds the final
//! columns at the right ([`crate::finals`]); their marks go in batches of their own. The admin
//! reopens a closed term for the course under the grid.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use otmetka_domain::finals::{CourseFinalMarks, Term, TermReopening, TermState};
use otmetka_domain::journal::{Journal, JournalLesson, Work, WorkInput, WorkUpdate};
use otmetka_domain::structure::{Course, Period};
use otmetka_domain::timetable::Lesson;
use otmetka_domain::{ErrorCode, Role};
use uuid::Uuid;

use crate::access::{Access, Area, SchoolOption};
use crate::api::ApiError;
use crate::auth::{Auth, use_auth};
use crate::finals::{
    ReopenProblem, check_reopening, final_batch_error, reopen_problem_text, reopenable, term_title,
};
use crate::i18n::*;
use crate::journal::{
    Grid, Key, Outcome, batch_error, content_input, course_groups, course_list_html,
    course_subject, date_value, journal_href, list_href, parse_key, parse_weight, period_label,
    weight_text,
};
use crate::load::Res;
use crate::pages::{ErrorAlert, Gate, Modal, PageSchool, ReadOnlyNote, loaded, ltext};
use crate::{finals_api, journal_api};

fn period_from_query(value: Option<String>) -> Option<Uuid> {
    value.and_then(|v| Uuid::parse_str(v.trim()).ok())
}

/// Options of a period select: "the current one" (empty), then every period of the year.
fn period_options(periods: &[Period], chosen: Option<Uuid>, locale: Locale) -> AnyView {
    let current = view! {
        <option value="" selected=chosen.is_none()>{td_string!(locale, journal.period_current)}</option>
    };
    let list = periods
        .iter()
        .map(|p| {
            let text = format!(
                "{} ({} – {})",
                period_label(locale, p),
                p.starts_on.format("%d.%m"),
                p.ends_on.format("%d.%m.%Y")
            );
            view! { <option value=p.id.to_string() selected=chosen == Some(p.id)>{text}</option> }
        })
        .collect_view();
    view! { {current} {list} }.into_any()
}

#[component]
pub fn JournalListPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Journal
            render=|school, _| school.map(|school| view! { <CourseList school=school /> })
        />
    }
}

#[component]
fn CourseList(school: SchoolOption) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let school_id = school.id;
    let viewer = auth
        .me
        .with_untracked(|m| m.as_ref().map(|m| crate::schedule::viewer(m, school_id)))
        .unwrap_or_default();
    let all = viewer.any_teacher;
    let teacher = viewer.teacher;
    let period = Memo::new(move |_| query.with(|q| period_from_query(q.get("period"))));
    let courses = Res::new(move || async move {
        match (all, teacher) {
            (true, _) => journal_api::courses(auth, school_id, None).await,
            (false, Some(t)) => journal_api::courses(auth, school_id, Some(t)).await,
            (false, None) => Ok(Vec::<Course>::new()),
        }
    });
    let periods = Res::new(move || journal_api::periods(auth, school_id));
    let on_period = move |ev: leptos::ev::Event| {
        let id = Uuid::parse_str(&event_target_value(&ev)).ok();
        navigate(&list_href(school_id, id), NavigateOptions::default());
    };
    let period_select = move || {
        let list = periods.get().and_then(Result::ok).unwrap_or_default();
        period_options(&list, period.get(), i18n.get_locale())
    };
    let body = loaded(courses, "journal-load-error", move |list: Vec<Course>| {
        if list.is_empty() {
            let text = move |l: Locale| {
                if !all && teacher.is_none() {
                    td_string!(l, journal.no_person).to_string()
                } else {
                    td_string!(l, journal.no_courses).to_string()
                }
            };
            return view! { <p class="note" data-testid="journal-no-courses">{ltext(text)}</p> }
                .into_any();
        }
        let groups = std::sync::Arc::new(course_groups(list));
        view! {
            <div inner_html=move || course_list_html(&groups, school_id, period.get(), i18n.get_locale())></div>
        }
        .into_any()
    });
    view! {
        <section class="page page-wide" data-testid="journal-list-page">
            <h1>{tr!(journal.title)}</h1>
            <PageSchool school=Some(school) />
            <div class="toolbar">
                <label class="inline-field" for="journal-period">
                    <span>{tr!(journal.period)}</span>
                    <select id="journal-period" data-testid="journal-period" on:change=on_period>
                        {period_select}
                    </select>
                </label>
            </div>
            <p class="muted">{tr!(journal.pick)}</p>
            {body}
        </section>
    }
}

#[component]
pub fn JournalPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Journal
            render=|school, access| school.map(|school| view! { <JournalView school=school access=access /> })
        />
    }
}

#[component]
fn JournalView(school: SchoolOption, access: Access) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let navigate = use_navigate();
    let school_id = school.id;
    let shown = Memo::new(move |_| {
        let course = params.with(|p| p.get("course_id").and_then(|v| Uuid::parse_str(&v).ok()));
        let period = query.with(|q| period_from_query(q.get("period")));
        (course, period)
    });
    let data = Res::new(move || {
        let (course, period) = shown.get();
        async move {
            match course {
                Some(c) => journal_api::journal(auth, school_id, c, period)
                    .await
                    .map(Some),
                None => Ok(None),
            }
        }
    });
    // The final marks are of the course's whole year: a new period does not load them again.
    let course = Memo::new(move |_| shown.get().0);
    let finals = Res::new(move || {
        let course = course.get();
        async move {
            match course {
                Some(c) => finals_api::sheet(auth, school_id, c).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let is_admin = auth
        .me
        .with_untracked(|m| {
            m.as_ref().map(|m| {
                m.is_superadmin || crate::access::roles_in(m, school_id).contains(&Role::Admin)
            })
        })
        .unwrap_or(false);
    let periods = Res::new(move || journal_api::periods(auth, school_id));
    let on_period = move |ev: leptos::ev::Event| {
        let id = Uuid::parse_str(&event_target_value(&ev)).ok();
        if let (Some(course), _) = shown.get_untracked() {
            navigate(
                &journal_href(school_id, course, id),
                NavigateOptions::default(),
            );
        }
    };
    let heading = move || {
        let locale = i18n.get_locale();
        match data.get() {
            Some(Ok(Some(j))) => format!(
                "{} · {}",
                course_subject(locale, &j.course),
                j.course.class_name
            ),
            _ => td_string!(locale, journal.title).to_string(),
        }
    };
    let period_select = move || {
        let list = periods.get().and_then(Result::ok).unwrap_or_default();
        let chosen = match data.get() {
            Some(Ok(Some(j))) => Some(j.period.id),
            _ => shown.get().1,
        };
        period_options(&list, chosen, i18n.get_locale())
    };
    let back = move || list_href(school_id, shown.get().1);
    let body = loaded(
        data,
        "journal-load-error",
        move |j: Option<Journal>| match j {
            None => view! { <p class="note" data-testid="not-found">{tr!(not_found_title)}</p> }
                .into_any(),
            Some(j) => {
                let course_id = j.course.id;
                view! {
                    <GridView
                        school_id=school_id
                        course_id=course_id
                        journal=j
                        finals=finals
                        on_reload=move || {
                            data.refetch();
                            finals.refetch();
                        }
                    />
                    {is_admin.then(|| view! { <Reopenings school_id=school_id course_id=course_id sheet=finals /> })}
                }
                .into_any()
            }
        },
    );
    view! {
        <section class="page page-wide page-journal" data-testid="journal-page">
            <p class="journal-back"><a href=back data-testid="journal-back">{tr!(journal.back)}</a></p>
            <h1 data-testid="journal-title">{heading}</h1>
            <PageSchool school=Some(school) />
            {(access == Access::Read).then(|| view! { <ReadOnlyNote /> })}
            <div class="toolbar journal-toolbar">
                <label class="inline-field" for="journal-period">
                    <span>{tr!(journal.period)}</span>
                    <select id="journal-period" data-testid="journal-period" on:change=on_period>
                        {period_select}
                    </select>
                </label>
                <p class="journal-hint muted">{tr!(journal.hint)} " " {tr!(finals.hint)}</p>
            </div>
            {body}
        </section>
    }
}

/// Everything the grid's handlers share.
#[derive(Clone, Copy)]
struct Ctx {
    grid: StoredValue<Grid>,
    /// Bumped when the whole table must be drawn again.
    full: RwSignal<u64>,
    /// Bumped after every step (the panel under the grid).
    panel: RwSignal<u64>,
    timer: StoredValue<Option<TimeoutHandle>>,
    scroll: NodeRef<leptos::html::Div>,
    auth: Auth,
    school_id: Uuid,
    course_id: Uuid,
    locale: Memo<Locale>,
    /// The course's final-mark sheet: loaded again after marks were saved, so that the final
    /// columns' suggestions and averages follow the marks just typed.
    finals: Res<Option<CourseFinalMarks>>,
}

/// Redraws what a step changed, scrolls the cursor into view, schedules the save.
fn apply(ctx: Ctx, out: Outcome) {
    let locale = ctx.locale.get_untracked();
    let Some(dirty) = ctx.grid.try_update_value(|g| g.take_dirty()) else {
        return;
    };
    if dirty.full {
        // Drawing the table anew would lose the box's scroll position: put it back once the new
        // table is there (after the render effect), then bring the cursor into view.
        let saved = ctx
            .scroll
            .get_untracked()
            .map(|el| (el.scroll_left(), el.scroll_top()));
        ctx.full.update(|n| *n += 1);
        request_animation_frame(move || {
            if let (Some(el), Some((left, top))) = (ctx.scroll.get_untracked(), saved) {
                el.set_scroll_left(left);
                el.set_scroll_top(top);
            }
            scroll_to_cursor(ctx);
        });
    } else {
        let doc = document();
        ctx.grid.with_value(|g| {
            for (r, c) in &dirty.cells {
                if let Some(el) = doc.get_element_by_id(&format!("jc-{r}-{c}")) {
                    el.set_outer_html(&g.cell_html(*r, *c, locale));
                }
            }
            for r in &dirty.rows {
                if let Some(el) = doc.get_element_by_id(&format!("ja-{r}")) {
                    el.set_outer_html(&g.avg_html(*r, locale));
                }
                if let Some(el) = doc.get_element_by_id(&format!("jb-{r}")) {
                    el.set_outer_html(&g.abs_html(*r));
                }
            }
        });
    }
    // The panel is drawn anew: a comment or a reason being typed keeps its focus (its text is
    // the draft); a final mark far from its suggestion asks for its comment.
    let typing = document()
        .active_element()
        .map(|el| el.id())
        .filter(|id| id == COMMENT_INPUT || id == REASON_INPUT);
    let panel_before = panel_rect().map(|(top, bottom)| bottom - top);
    ctx.panel.update(|n| *n += 1);
    // The panel sticks to the bottom of the screen: once it is drawn anew, the cursor's row
    // must not be under it (a conflict or an error grew it, or the cursor went down).
    let moved = out.moved || dirty.full;
    request_animation_frame(move || {
        let grew = panel_rect().map(|(top, bottom)| bottom - top) > panel_before;
        if moved || grew {
            uncover_cursor(ctx);
        }
    });
    if let Some(id) = typing {
        request_animation_frame(move || focus_input(&id));
    } else if out.ask_comment {
        request_animation_frame(focus_comment);
    }
    if out.moved && !dirty.full {
        scroll_to_cursor(ctx);
    }
    if out.save {
        schedule_save(ctx);
    }
}

/// The `id` of the comment input in the panel.
const COMMENT_INPUT: &str = "journal-comment";
/// The `id` of the reason input (final marks outside the teachers' window).
const REASON_INPUT: &str = "finals-reason";

fn panel_input(id: &str) -> Option<web_sys::HtmlInputElement> {
    use leptos::wasm_bindgen::JsCast as _;
    document()
        .get_element_by_id(id)
        .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok())
}

fn comment_input() -> Option<web_sys::HtmlInputElement> {
    panel_input(COMMENT_INPUT)
}

/// Focuses a panel input with the caret at the end.
fn focus_input(id: &str) {
    if let Some(input) = panel_input(id) {
        let _ = input.focus();
        let end = input.value().encode_utf16().count() as u32;
        let _ = input.set_selection_range(end, end);
    }
}

/// Focuses the comment input with the caret at the end.
fn focus_comment() {
    focus_input(COMMENT_INPUT);
}

fn scroll_to_cursor(ctx: Ctx) {
    #[cfg(target_arch = "wasm32")]
    {
        let Some((r, c)) = ctx.grid.try_with_value(|g| g.cursor) else {
            return;
        };
        if let Some(el) = document().get_element_by_id(&format!("jc-{r}-{c}")) {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Nearest);
            options.set_inline(web_sys::ScrollLogicalPosition::Nearest);
            el.scroll_into_view_with_scroll_into_view_options(&options);
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = ctx;
}

/// `(top, bottom)` of an element's box on the screen.
#[cfg(target_arch = "wasm32")]
fn screen_rect(el: &web_sys::Element) -> Option<(f64, f64)> {
    let rect = el.get_bounding_client_rect();
    Some((rect.top(), rect.bottom()))
}

/// Where the panel under the grid is on the screen.
fn panel_rect() -> Option<(f64, f64)> {
    #[cfg(target_arch = "wasm32")]
    {
        let panel = document()
            .query_selector("[data-testid=journal-panel]")
            .ok()??;
        screen_rect(&panel)
    }
    #[cfg(not(target_arch = "wasm32"))]
    None
}

/// Scrolls the page so that the cursor's cell is above the panel, which sticks to the bottom of
/// the screen and would otherwise hide the cursor's row (with a conflict's choices it is tall).
/// Scrolling down always helps: at the end of the page the panel stands below the grid.
fn uncover_cursor(ctx: Ctx) {
    #[cfg(target_arch = "wasm32")]
    {
        let Some((r, c)) = ctx.grid.try_with_value(|g| g.cursor) else {
            return;
        };
        let Some(cell) = document().get_element_by_id(&format!("jc-{r}-{c}")) else {
            return;
        };
        let (Some((top, bottom)), Some((panel_top, panel_bottom))) =
            (screen_rect(&cell), panel_rect())
        else {
            return;
        };
        let covered = bottom - panel_top;
        if covered > 0.0 && top < panel_bottom {
            // A little air between the row and the panel.
            window().scroll_by_with_x_and_y(0.0, covered + 8.0);
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = ctx;
}

/// Sends the pending changes 400 ms after the last one.
fn schedule_save(ctx: Ctx) {
    if let Some(Some(t)) = ctx.timer.try_get_value() {
        t.clear();
    }
    let handle = set_timeout_with_handle(move || flush(ctx), Duration::from_millis(400)).ok();
    ctx.timer.set_value(handle);
}

/// Sends what waits: the journal's batch and the final marks' batch.
fn flush(ctx: Ctx) {
    flush_journal(ctx);
    flush_finals(ctx);
}

/// Sends one batch of the pending final marks (unless one is in flight; its answer sends the
/// rest). Marks waiting for a comment or a reason stay.
fn flush_finals(ctx: Ctx) {
    let Some(Some(batch)) = ctx.grid.try_update_value(|g| g.take_final_batch()) else {
        return;
    };
    apply(ctx, Outcome::default());
    spawn_local(async move {
        let result = finals_api::save(ctx.auth, ctx.school_id, ctx.course_id, &batch).await;
        let again = ctx.grid.try_update_value(|g| {
            match result {
                Ok(saved) => g.final_saved(saved),
                Err(err) => g.final_failed(final_batch_error(&err)),
            }
            g.final_pending()
        });
        let Some(again) = again else {
            return;
        };
        apply(ctx, Outcome::default());
        if again {
            flush_finals(ctx);
        }
    });
}

/// Sends one batch of the pending changes (unless one is in flight; its answer sends the rest).
fn flush_journal(ctx: Ctx) {
    let Some(Some(batch)) = ctx.grid.try_update_value(|g| g.take_batch()) else {
        return;
    };
    apply(ctx, Outcome::default());
    spawn_local(async move {
        let result = journal_api::save(ctx.auth, ctx.school_id, ctx.course_id, &batch).await;
        let marks_saved = matches!(&result, Ok(saved) if !saved.marks.is_empty());
        let again = ctx.grid.try_update_value(|g| {
            match result {
                Ok(saved) => g.batch_saved(saved),
                Err(err) => g.batch_failed(batch_error(&err)),
            }
            g.counts().pending > 0
        });
        let Some(again) = again else {
            return;
        };
        apply(ctx, Outcome::default());
        if marks_saved {
            // The suggestions depend on the marks (edits of the final columns stay).
            ctx.finals.refetch();
        }
        if again {
            flush_journal(ctx);
        }
    });
}

#[component]
fn GridView(
    school_id: Uuid,
    course_id: Uuid,
    journal: Journal,
    /// The course's final-mark sheet (its columns appear once it is loaded).
    finals: Res<Option<CourseFinalMarks>>,
    on_reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    use leptos::wasm_bindgen::JsCast as _;
    let auth = use_auth();
    let i18n = use_i18n();
    let empty = journal.students.is_empty() || journal.lessons.is_empty();
    let no_students = journal.students.is_empty();
    let ctx = Ctx {
        grid: StoredValue::new(Grid::new(journal)),
        full: RwSignal::new(0),
        panel: RwSignal::new(0),
        timer: StoredValue::new(None),
        scroll: NodeRef::new(),
        auth,
        school_id,
        course_id,
        locale: Memo::new(move |_| i18n.get_locale()),
        finals,
    };
    let editor = RwSignal::new(None::<usize>);

    // Unsaved changes: warn before the page is left, and send what waits when the view goes.
    let unload = window_event_listener_untyped("beforeunload", move |ev| {
        if ctx.grid.try_with_value(|g| g.unsaved()).unwrap_or(false) {
            ev.prevent_default();
            if let Ok(ev) = ev.dyn_into::<web_sys::BeforeUnloadEvent>() {
                ev.set_return_value("unsaved");
            }
        }
    });
    on_cleanup(move || {
        unload.remove();
        if let Some(Some(t)) = ctx.timer.try_get_value() {
            t.clear();
        }
        if let Some(Some(batch)) = ctx.grid.try_update_value(|g| g.take_batch()) {
            spawn_local(async move {
                let _ = journal_api::save(auth, school_id, course_id, &batch).await;
            });
        }
        if let Some(Some(batch)) = ctx.grid.try_update_value(|g| g.take_final_batch()) {
            spawn_local(async move {
                let _ = finals_api::save(auth, school_id, course_id, &batch).await;
            });
        }
    });

    // The final-mark sheet: its columns, again after a reload or a reopening.
    let finals_error = RwSignal::new(None::<ApiError>);
    Effect::new(move |_| match finals.get() {
        Some(Ok(Some(sheet))) => {
            finals_error.set(None);
            ctx.grid.update_value(|g| g.set_finals(sheet));
            apply(ctx, Outcome::default());
        }
        Some(Err(err)) => finals_error.set(Some(err)),
        _ => {}
    });

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.is_composing() || ev.target() != ev.current_target() {
            return;
        }
        let Some(key) = parse_key(
            &ev.key(),
            ev.shift_key(),
            ev.ctrl_key() || ev.alt_key() || ev.meta_key(),
        ) else {
            return;
        };
        let Some(out) = ctx.grid.try_update_value(|g| g.key(key)) else {
            return;
        };
        if out.handled {
            ev.prevent_default();
        }
        apply(ctx, out);
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(target) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        if let Ok(Some(b)) = target.closest("[data-action=accept-all]") {
            if let Some(term) = b
                .get_attribute("data-term")
                .and_then(|v| v.parse::<Term>().ok())
            {
                let out = ctx
                    .grid
                    .try_update_value(|g| g.accept_all(term))
                    .unwrap_or_default();
                apply(ctx, out);
            }
            // Keys reach the grid only when its box, not the button, has the focus.
            if let Some(el) = ctx.scroll.get_untracked() {
                let _ = el.focus();
            }
            return;
        }
        if let Ok(Some(b)) = target.closest("[data-action=lesson]") {
            if let Some(i) = b
                .get_attribute("data-lesson")
                .and_then(|v| v.parse::<usize>().ok())
            {
                editor.set(Some(i));
            }
            return;
        }
        let Ok(Some(cell)) = target.closest("td[data-r]") else {
            return;
        };
        let num = |name: &str| {
            cell.get_attribute(name)
                .and_then(|v| v.parse::<usize>().ok())
        };
        if let (Some(r), Some(c)) = (num("data-r"), num("data-c")) {
            let out = ctx
                .grid
                .try_update_value(|g| g.click(r, c))
                .unwrap_or_default();
            apply(ctx, out);
        }
    };
    let focus_grid = move || {
        if let Some(el) = ctx.scroll.get_untracked() {
            let _ = el.focus();
        }
    };
    let on_panel = move |ev: leptos::ev::MouseEvent| {
        let Some(b) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.closest("[data-action]").ok().flatten())
        else {
            return;
        };
        let action = b.get_attribute("data-action").unwrap_or_default();
        let value = b.get_attribute("data-value").unwrap_or_default();
        if action == "reload" {
            on_reload();
            return;
        }
        let out = ctx
            .grid
            .try_update_value(|g| {
                let (r, c) = g.cursor;
                let key = g.key_at(r, c);
                match (action.as_str(), key) {
                    ("put", _) => g.put_value(&value),
                    ("accept", _) => g.accept_suggestion(),
                    ("comment", _) => {
                        let text = comment_input().map(|i| i.value()).unwrap_or_default();
                        g.set_comment(&text)
                    }
                    ("reason", _) => {
                        let text = panel_input(REASON_INPUT)
                            .map(|i| i.value())
                            .unwrap_or_default();
                        g.set_reason(&text)
                    }
                    ("clear", _) => g.key(Key::Delete),
                    ("keep", Some(k)) => Outcome {
                        save: g.keep_mine(k),
                        ..Outcome::default()
                    },
                    ("theirs", Some(k)) => {
                        g.take_theirs(k);
                        Outcome::default()
                    }
                    ("retry", Some(k)) => {
                        let failed = g.edit(k).is_some_and(|e| {
                            matches!(e.state, crate::journal::EditState::Failed(_))
                        });
                        if failed {
                            g.retry_failed();
                        }
                        Outcome {
                            save: failed,
                            ..Outcome::default()
                        }
                    }
                    ("discard", Some(k)) => {
                        g.discard(k);
                        Outcome::default()
                    }
                    ("retry-all", _) => Outcome {
                        save: g.retry_failed(),
                        ..Outcome::default()
                    },
                    ("discard-all", _) => {
                        g.discard_failed();
                        Outcome::default()
                    }
                    _ => Outcome::default(),
                }
            })
            .unwrap_or_default();
        apply(ctx, out);
        focus_grid();
    };

    // The comment input: typing is kept as the draft; Enter saves, Escape goes back to the grid.
    // (It is outside `journal-scroll`, so the grid's keys never see it.)
    let on_panel_key = move |ev: leptos::ev::KeyboardEvent| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .filter(|i| i.id() == COMMENT_INPUT || i.id() == REASON_INPUT)
        else {
            return;
        };
        if ev.is_composing() {
            return;
        }
        let reason = input.id() == REASON_INPUT;
        let out = match ev.key().as_str() {
            "Enter" => {
                let text = input.value();
                ctx.grid.try_update_value(|g| {
                    if reason {
                        g.set_reason(&text)
                    } else {
                        g.set_comment(&text)
                    }
                })
            }
            "Escape" | "Esc" => ctx.grid.try_update_value(|g| {
                if reason {
                    if let Some(f) = g.finals.as_mut() {
                        f.reason_draft = None;
                    }
                } else {
                    g.comment_draft = None;
                }
                Outcome::default()
            }),
            _ => return,
        };
        ev.prevent_default();
        focus_grid();
        apply(ctx, out.unwrap_or_default());
    };
    let on_panel_input = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .filter(|i| i.id() == COMMENT_INPUT || i.id() == REASON_INPUT)
        else {
            return;
        };
        let text = input.value();
        let reason = input.id() == REASON_INPUT;
        ctx.grid.update_value(|g| {
            if reason {
                if let Some(f) = g.finals.as_mut() {
                    f.reason_draft = Some(text);
                }
            } else {
                let (r, c) = g.cursor;
                g.comment_draft = g.key_at(r, c).map(|k| (k, text));
            }
        });
    };

    let grid_html = move || {
        ctx.full.get();
        let locale = ctx.locale.get();
        ctx.grid.with_value(|g| g.grid_html(locale))
    };
    let panel_html = move || {
        ctx.panel.get();
        ctx.full.get();
        let locale = ctx.locale.get();
        ctx.grid.with_value(|g| g.panel_html(locale))
    };
    // The first draw puts the cursor in view (today's lesson).
    Effect::new(move |done: Option<()>| {
        if done.is_none() && ctx.scroll.get().is_some() {
            scroll_to_cursor(ctx);
        }
    });

    let editor_view = move || {
        editor.get().and_then(|i| {
            let lesson = ctx.grid.with_value(|g| g.journal.lessons.get(i).cloned())?;
            let close = move || {
                editor.set(None);
                focus_grid();
            };
            Some(view! { <LessonEditor ctx=ctx lesson=lesson on_close=close /> })
        })
    };

    if empty {
        return view! {
            <p class="note" data-testid="journal-empty">
                {if no_students { tr!(journal.no_students).into_any() } else { tr!(journal.no_lessons).into_any() }}
            </p>
        }
        .into_any();
    }
    // "Период закрыт" for a teacher; "открыт заново до …" after the admin reopened it.
    let banner = move || {
        ctx.full.get();
        ctx.panel.get();
        let state = ctx.grid.with_value(|g| {
            let f = g.finals.as_ref()?;
            let t = f.period_term()?;
            if f.closed_for_reader() {
                Some((true, None))
            } else if t.state == TermState::Reopened {
                Some((false, t.reopened_until))
            } else {
                None
            }
        });
        state.map(|(closed, until)| {
            if closed {
                view! {
                    <div class="jf-banner jf-banner-closed" role="status" data-testid="finals-period-closed">
                        <strong>{tr!(finals.period_closed_banner)}</strong>
                        " "
                        <span>{tr!(finals.period_closed_hint)}</span>
                    </div>
                }
                .into_any()
            } else {
                let until = until.map(crate::journal::day_month).unwrap_or_default();
                view! {
                    <div class="jf-banner" role="status" data-testid="finals-period-reopened">
                        {ltext(move |l| td_string!(l, finals.period_reopened_banner, date = until.clone()))}
                    </div>
                }
                .into_any()
            }
        })
    };
    let finals_note = move || {
        finals_error.get().map(|err| {
            let text = move |l: Locale| {
                td_string!(
                    l,
                    finals.load_error,
                    error = crate::text::error_text(l, &err)
                )
            };
            view! { <p class="warning" data-testid="finals-load-error">{ltext(text)}</p> }
        })
    };
    view! {
        {banner}
        {finals_note}
        <div class="journal">
            <div
                class="jg-scroll"
                tabindex="0"
                role="region"
                aria-label=move || td_string!(ctx.locale.get(), journal.grid_label)
                data-testid="journal-scroll"
                node_ref=ctx.scroll
                on:keydown=on_keydown
                on:click=on_click
                inner_html=grid_html
            ></div>
            <div
                class="jp"
                data-testid="journal-panel"
                on:click=on_panel
                on:keydown=on_panel_key
                on:input=on_panel_input
                inner_html=panel_html
            ></div>
            {editor_view}
        </div>
    }
    .into_any()
}

/// The column header's editor: the lesson's topic, homework and due date, and its works.
#[component]
fn LessonEditor(
    ctx: Ctx,
    lesson: JournalLesson,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let l = lesson.lesson.clone();
    let taken = lesson.attendance_taken;
    let lesson_id = l.id;
    let writable = lesson.writable;
    let next = ctx.grid.with_value(|g| g.next_lesson_date(lesson_id));
    let topic = RwSignal::new(l.topic.clone().unwrap_or_default());
    let homework = RwSignal::new(l.homework.clone().unwrap_or_default());
    let due = RwSignal::new(date_value(l.homework_due_on.or(next)));
    let version = RwSignal::new(l.version);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let changed = RwSignal::new(None::<Lesson>);
    let bad_date = RwSignal::new(false);
    let title = {
        let date = l.date.format("%d.%m.%Y").to_string();
        let n = l.lesson_number;
        Signal::derive(move || {
            format!(
                "{}, {}",
                date,
                td_string!(i18n.get_locale(), journal.lesson_n, n = n)
            )
        })
    };
    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Ok(body) = content_input(
            &topic.get_untracked(),
            &homework.get_untracked(),
            &due.get_untracked(),
            version.get_untracked(),
        ) else {
            bad_date.set(true);
            return;
        };
        bad_date.set(false);
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = journal_api::save_content(ctx.auth, ctx.school_id, lesson_id, &body).await;
            busy.set(false);
            match result {
                Ok(saved) => {
                    ctx.grid.update_value(|g| g.set_lesson(saved));
                    apply(ctx, Outcome::default());
                    on_close();
                }
                Err(err) => {
                    // Someone saved the lesson meanwhile: show theirs, keep what was typed, and
                    // let a second save write over it.
                    let current = match &err {
                        ApiError::Problem { problem, .. }
                            if problem.code == ErrorCode::VersionMismatch =>
                        {
                            problem
                                .current
                                .clone()
                                .and_then(|v| serde_json::from_value::<Lesson>(v).ok())
                        }
                        _ => None,
                    };
                    if let Some(current) = current {
                        version.set(current.version);
                        ctx.grid.update_value(|g| g.set_lesson(current.clone()));
                        apply(ctx, Outcome::default());
                        changed.set(Some(current));
                    } else {
                        error.set(Some(err));
                    }
                }
            }
        });
    };
    let changed_note = move || {
        changed.get().map(|c| {
            let text = move |locale: Locale| {
                td_string!(
                    locale,
                    journal.content_changed,
                    topic = c.topic.clone().unwrap_or_default(),
                    homework = c.homework.clone().unwrap_or_default()
                )
                .to_string()
            };
            view! { <p class="warning" role="alert" data-testid="journal-content-conflict">{ltext(text)}</p> }
        })
    };
    // The lesson's works, changed only when they change (not at every redraw of the table):
    // a row keeps what is being chosen or typed in it while the grid is patched or drawn again.
    let works = Memo::new(move |_| {
        ctx.full.get();
        ctx.grid.with_value(|g| {
            g.journal
                .lessons
                .iter()
                .find(|x| x.lesson.id == lesson_id)
                .map(|x| x.works.clone())
                .unwrap_or_default()
        })
    });
    let no_works = Memo::new(move |_| works.with(Vec::is_empty));
    let work_rows = move || {
        if no_works.get() {
            let first = ctx.grid.with_value(|g| {
                g.journal
                    .work_types
                    .iter()
                    .min_by_key(|t| t.position)
                    .map(|t| t.name.clone())
                    .unwrap_or_default()
            });
            return view! {
                <p class="muted" data-testid="journal-no-works">
                    {ltext(move |l| td_string!(l, journal.no_works, kind = first.clone()).to_string())}
                </p>
            }
            .into_any();
        }
        // Keyed by the work and its version: a saved work's row shows what was stored, the
        // other rows stay as they are.
        view! {
            <For
                each=move || works.get()
                key=|w| (w.id, w.version)
                children=move |w| view! { <WorkRow ctx=ctx work=w writable=writable /> }
            />
        }
        .into_any()
    };
    view! {
        <Modal testid="journal-lesson-editor" title=title on_close=on_close>
            <form class="dialog-form" on:submit=on_save novalidate=true>
                <div class="field">
                    <label for="journal-topic">{tr!(journal.topic)}</label>
                    <input
                        id="journal-topic"
                        data-testid="journal-topic"
                        type="text"
                        maxlength="500"
                        autocomplete="off"
                        disabled=!writable
                        bind:value=topic
                    />
                </div>
                <div class="field">
                    <label for="journal-homework">{tr!(journal.homework)}</label>
                    <textarea
                        id="journal-homework"
                        data-testid="journal-homework"
                        rows="3"
                        maxlength="4000"
                        disabled=!writable
                        prop:value=move || homework.get()
                        on:input=move |ev| homework.set(event_target_value(&ev))
                    ></textarea>
                </div>
                <div class="field">
                    <label for="journal-homework-due">{tr!(journal.due)}</label>
                    <input
                        id="journal-homework-due"
                        data-testid="journal-homework-due"
                        type="date"
                        disabled=!writable
                        bind:value=due
                    />
                    {move || bad_date.get().then(|| view! {
                        <p class="field-error" data-testid="journal-homework-due-error">{tr!(journal.bad_date)}</p>
                    })}
                </div>
                {changed_note}
                <ErrorAlert error=error testid="journal-content-error" />
                <div class="actions">
                    {writable.then(|| view! {
                        <button type="submit" class="button button-primary" data-testid="journal-content-save" disabled=move || busy.get()>
                            {tr!(journal.save)}
                        </button>
                    })}
                    <button type="button" class="button button-quiet" data-testid="journal-editor-close" on:click=move |_| on_close()>
                        {tr!(journal.close)}
                    </button>
                </div>
            </form>
            <AllPresent ctx=ctx lesson_id=lesson_id writable=writable taken=taken />
            <h3 class="journal-works-title">{tr!(journal.works)}</h3>
            <div class="journal-works" data-testid="journal-works">{work_rows}</div>
            {writable.then(|| view! { <NewWork ctx=ctx lesson_id=lesson_id /> })}
        </Modal>
    }
}

/// «Все присутствуют»: records that attendance was taken for the lesson with nobody absent
/// (`POST …/lessons/{id}/attendance-taken`; writing any attendance code records it too), for the
/// weekly journal-keeping control. Once taken, the lesson says so instead.
#[component]
fn AllPresent(ctx: Ctx, lesson_id: Uuid, writable: bool, taken: bool) -> impl IntoView {
    let busy = RwSignal::new(false);
    let done = RwSignal::new(taken);
    let error = RwSignal::new(None::<ApiError>);
    let on_click = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result =
                crate::control_api::attendance_taken(ctx.auth, ctx.school_id, lesson_id).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    done.set(true);
                    ctx.grid.update_value(|g| g.set_attendance_taken(lesson_id));
                    apply(ctx, Outcome::default());
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    view! {
        <div class="journal-all-present" data-testid="attendance-taken" data-taken=move || done.get().to_string()>
            {move || {
                if done.get() {
                    view! {
                        <p class="success" role="status" data-testid="attendance-taken-done">
                            {tr!(control.attendance_done)}
                        </p>
                    }
                    .into_any()
                } else if writable {
                    view! {
                        <button
                            type="button"
                            class="button"
                            data-testid=format!("attendance-taken-{lesson_id}")
                            title=crate::pages::lbl(|l| td_string!(l, control.all_present_hint))
                            disabled=move || busy.get()
                            on:click=on_click
                        >
                            {tr!(control.all_present)}
                        </button>
                    }
                    .into_any()
                } else {
                    ().into_any()
                }
            }}
            <ErrorAlert error=error testid="attendance-taken-error" />
        </div>
    }
}

/// Options of a work type select.
fn work_type_options(ctx: Ctx, chosen: Uuid) -> AnyView {
    ctx.grid
        .with_value(|g| g.journal.work_types.clone())
        .into_iter()
        .map(|t| {
            let text = format!("{} ({})", t.name, t.short_name);
            view! { <option value=t.id.to_string() selected=t.id == chosen>{text}</option> }
        })
        .collect_view()
        .into_any()
}

/// One work of the lesson: its type, weight and title; save or delete.
#[component]
fn WorkRow(ctx: Ctx, work: Work, writable: bool) -> impl IntoView {
    let id = work.id;
    let kind = RwSignal::new(work.work_type_id.to_string());
    let weight = RwSignal::new(weight_text(work.weight));
    let title = RwSignal::new(work.title.clone().unwrap_or_default());
    let version = work.version;
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let bad = RwSignal::new(false);
    let on_save = move |_| {
        let (Some(w), Ok(type_id)) = (
            parse_weight(&weight.get_untracked()),
            Uuid::parse_str(&kind.get_untracked()),
        ) else {
            bad.set(true);
            return;
        };
        bad.set(false);
        busy.set(true);
        error.set(None);
        let title = title.get_untracked().trim().to_string();
        let body = WorkUpdate {
            work_type_id: type_id,
            weight: w,
            title: (!title.is_empty()).then_some(title),
            version,
        };
        spawn_local(async move {
            let result = journal_api::update_work(ctx.auth, ctx.school_id, id, &body).await;
            busy.set(false);
            match result {
                Ok(saved) => {
                    ctx.grid.update_value(|g| g.put_work(saved));
                    apply(ctx, Outcome::default());
                    // A new weight or type changes the averages the suggestions come from.
                    ctx.finals.refetch();
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let on_delete = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = journal_api::delete_work(ctx.auth, ctx.school_id, id).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    ctx.grid.update_value(|g| g.remove_work(id));
                    apply(ctx, Outcome::default());
                    // The work's marks left the averages the suggestions come from.
                    ctx.finals.refetch();
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let describe = |l: Locale, err: &ApiError| match err.code() {
        Some(ErrorCode::InUse) => td_string!(l, journal.work_in_use).to_string(),
        _ => crate::text::error_text(l, err),
    };
    view! {
        <div class="journal-work" data-testid=format!("journal-work-{id}")>
            <select
                data-testid=format!("journal-work-type-{id}")
                disabled=!writable
                on:change=move |ev| kind.set(event_target_value(&ev))
            >
                {work_type_options(ctx, work.work_type_id)}
            </select>
            <input
                class="journal-weight"
                type="text"
                inputmode="decimal"
                data-testid=format!("journal-work-weight-{id}")
                aria-label=move || td_string!(ctx.locale.get(), journal.weight)
                disabled=!writable
                bind:value=weight
            />
            <input
                class="journal-work-title"
                type="text"
                maxlength="200"
                data-testid=format!("journal-work-title-{id}")
                placeholder=move || td_string!(ctx.locale.get(), journal.work_title)
                disabled=!writable
                bind:value=title
            />
            {writable.then(|| view! {
                <button type="button" class="button" data-testid=format!("journal-work-save-{id}") disabled=move || busy.get() on:click=on_save>
                    {tr!(journal.save)}
                </button>
                <button type="button" class="button button-danger" data-testid=format!("journal-work-delete-{id}") disabled=move || busy.get() on:click=on_delete>
                    {tr!(journal.delete_work)}
                </button>
            })}
            {move || bad.get().then(|| view! { <p class="field-error">{tr!(journal.bad_weight)}</p> })}
            <ErrorAlert error=error testid="journal-work-error" describe=describe />
        </div>
    }
}

/// Adds a work (a sub-column) to the lesson.
#[component]
fn NewWork(ctx: Ctx, lesson_id: Uuid) -> impl IntoView {
    let types = ctx.grid.with_value(|g| g.journal.work_types.clone());
    let first = types.iter().min_by_key(|t| t.position).cloned();
    let kind = RwSignal::new(first.as_ref().map(|t| t.id.to_string()).unwrap_or_default());
    let weight = RwSignal::new(
        first
            .as_ref()
            .map(|t| weight_text(t.weight))
            .unwrap_or_default(),
    );
    let title = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let bad = RwSignal::new(false);
    let types = StoredValue::new(types);
    let on_kind = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        // A new type brings its default weight.
        if let Some(t) = types.with_value(|ts| ts.iter().find(|t| t.id.to_string() == v).cloned()) {
            weight.set(weight_text(t.weight));
        }
        kind.set(v);
    };
    let on_add = move |_| {
        let (Some(w), Ok(type_id)) = (
            parse_weight(&weight.get_untracked()),
            Uuid::parse_str(&kind.get_untracked()),
        ) else {
            bad.set(true);
            return;
        };
        bad.set(false);
        busy.set(true);
        error.set(None);
        let t = title.get_untracked().trim().to_string();
        let body = WorkInput {
            work_type_id: type_id,
            weight: Some(w),
            title: (!t.is_empty()).then_some(t),
        };
        spawn_local(async move {
            let result = journal_api::add_work(ctx.auth, ctx.school_id, lesson_id, &body).await;
            busy.set(false);
            match result {
                Ok(work) => {
                    title.set(String::new());
                    ctx.grid.update_value(|g| g.put_work(work));
                    apply(ctx, Outcome::default());
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let chosen = first.map(|t| t.id).unwrap_or_default();
    view! {
        <div class="journal-work journal-work-new" data-testid="journal-work-new">
            <select data-testid="journal-work-new-type" on:change=on_kind>
                {work_type_options(ctx, chosen)}
            </select>
            <input
                class="journal-weight"
                type="text"
                inputmode="decimal"
                data-testid="journal-work-new-weight"
                aria-label=move || td_string!(ctx.locale.get(), journal.weight)
                bind:value=weight
            />
            <input
                class="journal-work-title"
                type="text"
                maxlength="200"
                data-testid="journal-work-new-title"
                placeholder=move || td_string!(ctx.locale.get(), journal.work_title)
                bind:value=title
            />
            <button type="button" class="button" data-testid="journal-work-add" disabled=move || busy.get() on:click=on_add>
                {tr!(journal.add_work)}
            </button>
            {move || bad.get().then(|| view! { <p class="field-error">{tr!(journal.bad_weight)}</p> })}
            <ErrorAlert error=error testid="journal-work-add-error" />
        </div>
    }
}

/// The admin's reopenings of the course's closed terms: a form (term, last day, reason) and
/// the list with delete. Reopening lets the course's teachers set the term's final marks and
/// write its lessons again until the last day.
#[component]
fn Reopenings(
    school_id: Uuid,
    course_id: Uuid,
    sheet: Res<Option<CourseFinalMarks>>,
) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let list = Res::new(move || finals_api::reopenings(auth, school_id, course_id));
    let open = RwSignal::new(false);
    let term = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<ReopenProblem>::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let loaded_sheet = move || match sheet.get() {
        Some(Ok(Some(s))) => Some(s),
        _ => None,
    };
    let on_open = move |_| {
        if let Some(s) = untrack(|| sheet.get()).and_then(Result::ok).flatten() {
            let first = reopenable(&s.terms).first().map(|t| t.term.to_string());
            term.set(first.unwrap_or_default());
            until.set((s.today + chrono::Duration::days(7)).to_string());
        }
        problems.set(Vec::new());
        error.set(None);
        open.set(true);
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(today) = untrack(|| sheet.get())
            .and_then(Result::ok)
            .flatten()
            .map(|s| s.today)
        else {
            return;
        };
        let body = match check_reopening(
            &term.get_untracked(),
            &until.get_untracked(),
            &reason.get_untracked(),
            today,
        ) {
            Ok(b) => b,
            Err(p) => return problems.set(p),
        };
        problems.set(Vec::new());
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = finals_api::reopen(auth, school_id, course_id, &body).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    reason.set(String::new());
                    open.set(false);
                    list.refetch();
                    sheet.refetch();
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let remove = move |id: Uuid| {
        error.set(None);
        spawn_local(async move {
            match finals_api::delete_reopening(auth, school_id, id).await {
                Ok(()) => {
                    list.refetch();
                    sheet.refetch();
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let term_options = move || {
        let locale = i18n.get_locale();
        let chosen = term.get();
        loaded_sheet()
            .map(|s| {
                reopenable(&s.terms)
                    .into_iter()
                    .map(|t| {
                        let code = t.term.to_string();
                        let selected = code == chosen;
                        view! { <option value=code selected=selected>{term_title(locale, t.term)}</option> }
                    })
                    .collect_view()
                    .into_any()
            })
            .unwrap_or_else(|| ().into_any())
    };
    let nothing_closed = move || loaded_sheet().is_some_and(|s| reopenable(&s.terms).is_empty());
    let problem = move |which: ReopenProblem| {
        move || {
            problems.get().contains(&which).then(|| {
                view! { <p class="field-error">{move || reopen_problem_text(i18n.get_locale(), which)}</p> }
            })
        }
    };
    let rows = move || {
        match list.get() {
        None => ().into_any(),
        Some(Err(err)) => {
            let text = move |l: Locale| crate::text::error_text(l, &err);
            view! { <p class="warning" data-testid="finals-reopenings-error">{ltext(text)}</p> }
                .into_any()
        }
        Some(Ok(items)) if items.is_empty() => view! {
            <p class="muted" data-testid="finals-reopenings-empty">{tr!(finals.reopen_none_yet)}</p>
        }
        .into_any(),
        Some(Ok(items)) => view! {
            <ul class="jf-reopenings" data-testid="finals-reopenings">
                {items.into_iter().map(|r| view! { <ReopeningRow item=r on_delete=remove /> }).collect_view()}
            </ul>
        }
        .into_any(),
    }
    };
    view! {
        <section class="jf-reopen" data-testid="finals-reopen">
            <h2 class="journal-works-title">{tr!(finals.reopen_title)}</h2>
            <p class="muted">{tr!(finals.reopen_intro)}</p>
            {rows}
            {move || (!open.get()).then(|| view! {
                <button type="button" class="button" data-testid="finals-reopen-open" on:click=on_open disabled=nothing_closed>
                    {tr!(finals.reopen_button)}
                </button>
            })}
            {move || nothing_closed().then(|| view! { <p class="muted">{tr!(finals.reopen_nothing_closed)}</p> })}
            {move || open.get().then(|| view! {
                <form class="jf-reopen-form" on:submit=on_submit novalidate=true data-testid="finals-reopen-form">
                    <div class="field">
                        <label for="finals-reopen-term">{tr!(finals.reopen_term)}</label>
                        <select id="finals-reopen-term" data-testid="finals-reopen-term" on:change=move |ev| term.set(event_target_value(&ev))>
                            {term_options}
                        </select>
                        {problem(ReopenProblem::Term)}
                    </div>
                    <div class="field">
                        <label for="finals-reopen-until">{tr!(finals.reopen_until)}</label>
                        <input id="finals-reopen-until" data-testid="finals-reopen-until" type="date" bind:value=until />
                        <p class="hint">{tr!(finals.reopen_until_hint)}</p>
                        {problem(ReopenProblem::UntilFormat)}
                        {problem(ReopenProblem::UntilRange)}
                    </div>
                    <div class="field">
                        <label for="finals-reopen-reason">{tr!(finals.reopen_reason)}</label>
                        <input id="finals-reopen-reason" data-testid="finals-reopen-reason" type="text" maxlength="500" autocomplete="off" bind:value=reason />
                        {problem(ReopenProblem::Reason)}
                    </div>
                    <div class="actions">
                        <button type="submit" class="button button-primary" data-testid="finals-reopen-save" disabled=move || busy.get()>
                            {tr!(finals.reopen_save)}
                        </button>
                        <button type="button" class="button button-quiet" data-testid="finals-reopen-cancel" on:click=move |_| open.set(false)>
                            {tr!(cancel)}
                        </button>
                    </div>
                </form>
            })}
            <ErrorAlert error=error testid="finals-reopen-error" />
        </section>
    }
}

/// One reopening: the term, until when, the reason and who; delete.
#[component]
fn ReopeningRow(
    item: TermReopening,
    on_delete: impl Fn(Uuid) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = item.id;
    let term = item.term;
    let until = item.until.format("%d.%m.%Y").to_string();
    let who = item.reopened_by_name.clone().unwrap_or_default();
    let reason = item.reason.clone();
    let text = move |l: Locale| {
        td_string!(
            l,
            finals.reopening_line,
            term = term_title(l, term),
            date = until.clone()
        )
    };
    view! {
        <li class="jf-reopening" data-testid=format!("finals-reopening-{id}") data-term=term.to_string()>
            <span class="jf-reopening-what">{ltext(text)}</span>
            <span class="muted">" · " {reason} {(!who.is_empty()).then(|| format!(" · {who}"))}</span>
            <button type="button" class="button button-quiet button-danger" data-testid=format!("finals-reopening-delete-{id}") on:click=move |_| on_delete(id)>
                {tr!(finals.reopen_delete)}
            </button>
        </li>
    }
}
