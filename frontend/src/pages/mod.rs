//! The pages of the SPA and the small pieces they share.

pub mod accounts;
pub mod activity;
pub mod api_tokens;
pub mod audit;
pub mod class_summary;
pub mod classes;
pub mod closing;
pub mod control;
pub mod diary;
pub mod home;
pub mod import;
pub mod invites;
pub mod journal;
pub mod login;
pub mod mark_settings;
pub mod persons;
pub mod register;
pub mod report_card;
pub mod reports;
pub mod schedule;
pub mod schools;
pub mod sessions;
pub mod settings;
pub mod tt_admin;
pub mod years;

use leptos::prelude::*;

use crate::access::{Access, Area, PageGate, SchoolOption, page_gate};
use crate::api::ApiError;
use crate::auth::use_auth;
use crate::forms::{Field, FieldErrors, FieldProblem, PersonFields, problem_for};
use crate::i18n::*;
use crate::load::Res;
use crate::paging::Paging;
use crate::roster::problem_details;
use crate::school_ctx::{use_school_ctx, use_school_pick};
use crate::slip::{Slip, SlipField, slip_lines, slip_text};
use crate::text::{error_text, field_problem_text, save_error_text};

/// A static text in the current language (see the `tr!` macro): one reactive closure type for
/// every such text in the app.
pub fn tr(key: fn(Locale) -> &'static str) -> impl IntoView + use<> {
    lbl(key)
}

/// A static translated text for an attribute (`data-label`, `aria-label`, `placeholder`); the
/// same closure type as [`tr`], compiled once.
pub fn lbl(
    key: fn(Locale) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || key(i18n.get_locale())
}

/// A text computed from the language (a count, a date, a message with a name). Every such text
/// goes through one closure type, so that Leptos compiles its rendering once, not per call site.
pub fn ltext(f: impl Fn(Locale) -> String + Send + Sync + 'static) -> impl IntoView {
    ltext_arc(std::sync::Arc::new(f))
}

fn ltext_arc(f: std::sync::Arc<dyn Fn(Locale) -> String + Send + Sync>) -> impl IntoView + use<> {
    let i18n = use_i18n();
    move || f(i18n.get_locale())
}

/// A part of a view that changes with signals, through one closure type (see [`ltext`]).
pub fn dynv(f: impl Fn() -> AnyView + Send + Sync + 'static) -> impl IntoView {
    dynv_arc(std::sync::Arc::new(f))
}

fn dynv_arc(f: std::sync::Arc<dyn Fn() -> AnyView + Send + Sync>) -> impl IntoView + use<> {
    move || f()
}

/// A static translated text as a signal (a dialog's title, a busy line).
pub fn stext(key: fn(Locale) -> &'static str) -> Signal<String> {
    let text = lbl(key);
    Signal::derive(move || text().to_string())
}

/// A count with its plural form: "23 ученика".
pub fn counted(what: crate::text::Counted, n: u64) -> impl IntoView {
    ltext(move |l| crate::text::count_text(l, what, n))
}

/// Turns an error into text for a page that knows better than the generic message.
pub type DescribeError = fn(Locale, &ApiError) -> String;

/// An API error as a translated alert (`role="alert"`), or nothing.
#[component]
pub fn ErrorAlert(
    error: RwSignal<Option<ApiError>>,
    /// `data-testid` of the alert.
    testid: &'static str,
    /// The text for the error; [`error_text`] when absent.
    #[prop(optional)]
    describe: Option<DescribeError>,
) -> impl IntoView {
    let i18n = use_i18n();
    let describe = describe.unwrap_or(error_text);
    move || {
        error.get().map(|err| {
            let code = err.code().map(|c| c.as_str());
            view! {
                <p class="alert" role="alert" data-testid=testid data-code=code>
                    {dynv(move || (describe(i18n.get_locale(), &err)).into_any())}
                </p>
            }
        })
    }
}

/// The message under one input, or nothing. Its id is `{input_id}-error`, which the input names
/// in `aria-describedby`.
#[component]
pub fn FieldMessage(
    errors: RwSignal<FieldErrors>,
    field: Field,
    input_id: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let problem = move || errors.with(|e| problem_for(e, field));
    move || {
        problem().map(|p: FieldProblem| {
            view! {
                <p class="field-error" id=format!("{input_id}-error") data-testid=format!("{input_id}-error")>
                    {dynv(move || (field_problem_text(i18n.get_locale(), p)).into_any())}
                </p>
            }
        })
    }
}

/// `aria-invalid` for an input: `"true"` while it has a problem.
pub fn invalid_attr(
    errors: RwSignal<FieldErrors>,
    field: Field,
) -> impl Fn() -> &'static str + Copy {
    move || {
        if errors.with(|e| problem_for(e, field).is_some()) {
            "true"
        } else {
            "false"
        }
    }
}

/// The page, once the account's role in the selected school allows it; otherwise a polite "no
/// access" (the API would refuse with 403/404 anyway).
#[component]
pub fn Gate<F, V>(area: Area, render: F) -> impl IntoView
where
    F: Fn(Option<SchoolOption>, Access) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    // The gate itself is compiled once; only this conversion is per page.
    gate(
        area,
        std::sync::Arc::new(move |s, a| render(s, a).into_any()),
    )
}

type RenderPage = std::sync::Arc<dyn Fn(Option<SchoolOption>, Access) -> AnyView + Send + Sync>;

fn gate(area: Area, render: RenderPage) -> AnyView {
    let auth = use_auth();
    let ctx = use_school_ctx();
    let pick = use_school_pick(auth);
    let gate = Memo::new(move |_| {
        let options = ctx.options(auth);
        auth.me.with(|me| {
            me.as_ref()
                .map(|me| page_gate(me, area, pick.get(), &options))
        })
    });
    dynv(move || match gate.get() {
        None | Some(PageGate::Loading) => {
            view! { <p class="loading">{tr!(loading)}</p> }.into_any()
        }
        Some(PageGate::NoSchool) => view! {
            <section class="page" data-testid="no-school">
                <h1>{tr!(no_access_title)}</h1>
                <p>{tr!(no_school)}</p>
                <p><a href="/">{tr!(go_home)}</a></p>
            </section>
        }
        .into_any(),
        Some(PageGate::NoAccess) => view! {
            <section class="page" data-testid="no-access">
                <h1>{tr!(no_access_title)}</h1>
                <p>
                    {if area.school_scoped() {
                        tr!(no_access_school).into_any()
                    } else {
                        tr!(no_access_superadmin).into_any()
                    }}
                </p>
                <p><a href="/">{tr!(go_home)}</a></p>
            </section>
        }
        .into_any(),
        Some(PageGate::Open { school, access }) => render(school, access),
    })
    .into_any()
}

/// "Школа: …" under a school page's heading.
#[component]
pub fn PageSchool(school: Option<SchoolOption>) -> impl IntoView {
    school.map(|s| {
        view! {
            <p class="page-school" data-testid="page-school" data-school-id=s.id.to_string()>
                {tr!(school_label)} ": " <strong>{s.name}</strong>
            </p>
        }
    })
}

/// A note that the page is read-only for this role.
#[component]
pub fn ReadOnlyNote() -> impl IntoView {
    view! { <p class="note" data-testid="read-only-note">{tr!(read_only_note)}</p> }
}

/// Previous / next page, and which rows are shown; nothing when everything fits on one page.
#[component]
pub fn Pager(
    paging: Paging,
    on_page: impl Fn(u64) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    pager(paging, Callback::new(on_page))
}

fn pager(paging: Paging, on_page: Callback<u64>) -> AnyView {
    let i18n = use_i18n();
    let on_page = move |p| on_page.run(p);
    (paging.pages() > 1).then(|| {
        let (first, last) = paging.shown();
        let total = paging.total;
        view! {
            <nav
                class="pager"
                data-testid="pager"
                data-page=paging.page
                data-pages=paging.pages()
                aria-label=move || t_string!(i18n, pager.label)
            >
                <button
                    type="button"
                    class="button button-quiet"
                    data-testid="pager-prev"
                    disabled=!paging.has_prev()
                    on:click=move |_| on_page(paging.page - 1)
                >
                    {tr!(pager.prev)}
                </button>
                <span class="pager-info" data-testid="pager-info">
                    {dynv(move || (td_string!(i18n.get_locale(), pager.range, first = first, last = last, total = total)).into_any())}
                </span>
                <button
                    type="button"
                    class="button button-quiet"
                    data-testid="pager-next"
                    disabled=!paging.has_next()
                    on:click=move |_| on_page(paging.page + 1)
                >
                    {tr!(pager.next)}
                </button>
            </nav>
        }
    })
    .into_any()
}

/// Copies text to the clipboard; `done(true)` once it is there. Tries the Clipboard API, then the
/// old `execCommand("copy")` (the Clipboard API needs HTTPS or localhost).
#[cfg(target_arch = "wasm32")]
pub fn copy_text(text: String, done: impl Fn(bool) + Clone + 'static) {
    use leptos::wasm_bindgen::{JsCast as _, JsValue, closure::Closure};

    fn with_exec_command(text: &str) -> bool {
        let document = document();
        let Ok(area) = document.create_element("textarea") else {
            return false;
        };
        let Ok(area) = area.dyn_into::<web_sys::HtmlTextAreaElement>() else {
            return false;
        };
        area.set_value(text);
        let _ = area.set_attribute("readonly", "");
        let _ = area.set_attribute("style", "position:fixed;top:0;left:0;opacity:0");
        let Some(body) = document.body() else {
            return false;
        };
        if body.append_child(&area).is_err() {
            return false;
        }
        area.select();
        let copied = document
            .dyn_ref::<web_sys::HtmlDocument>()
            .and_then(|d| d.exec_command("copy").ok())
            .unwrap_or(false);
        area.remove();
        copied
    }

    let clipboard: JsValue = window().navigator().clipboard().into();
    if clipboard.is_undefined() || clipboard.is_null() {
        done(with_exec_command(&text));
        return;
    }
    let clipboard: web_sys::Clipboard = clipboard.unchecked_into();
    let promise = clipboard.write_text(&text);
    let on_ok = {
        let done = done.clone();
        Closure::once(move |_: JsValue| done(true))
    };
    let on_err = Closure::once(move |_: JsValue| done(with_exec_command(&text)));
    let _ = promise.then2(&on_ok, &on_err);
    // Each runs at most once; the promise keeps them until then.
    on_ok.forget();
    on_err.forget();
}

/// The host build (unit tests) has no clipboard.
#[cfg(not(target_arch = "wasm32"))]
pub fn copy_text(_text: String, done: impl Fn(bool) + Clone + 'static) {
    done(false);
}

/// A "Copy" button with a status line ("Скопировано" / how to copy by hand).
#[component]
pub fn CopyButton<T>(
    /// The text to copy, read at the click.
    text: T,
    /// `data-testid` of the button; the status line has `{testid}-status`.
    testid: &'static str,
) -> impl IntoView
where
    T: Fn() -> String + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let copied = RwSignal::new(None::<bool>);
    let on_click = move |_| {
        copied.set(None);
        copy_text(text(), move |ok| copied.set(Some(ok)));
    };
    view! {
        <button type="button" class="button" data-testid=testid on:click=on_click>
            {tr!(copy)}
        </button>
        <span
            class="copy-status"
            class:copy-failed=move || copied.get() == Some(false)
            role="status"
            data-testid=format!("{testid}-status")
        >
            {dynv(move || (match copied.get() {
                Some(true) => t_string!(i18n, copied),
                Some(false) => t_string!(i18n, copy_failed),
                None => "",
            }).into_any())}
        </span>
    }
}

/// Scrolls a just-shown card (a code or token shown once) to the top of the screen and focuses it,
/// so that its warning is seen and read out even when the form that made it was far below.
pub fn reveal(node: NodeRef<leptos::html::Div>) {
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            el.scroll_into_view();
            let _ = el.focus();
        }
    });
}

/// Prints the page with only the invite slip on paper (see `html.print-slip` in style.css).
fn print_slip() {
    let root = document().document_element();
    if let Some(root) = &root {
        let _ = root.class_list().add_1("print-slip");
    }
    // `print()` returns when the print dialog closes.
    let _ = window().print();
    if let Some(root) = &root {
        let _ = root.class_list().remove_1("print-slip");
    }
}

/// A freshly issued invite code as a printable slip, with the warning that it is shown only now.
#[component]
pub fn SlipCard(
    slip: Slip,
    /// The button that closes the slip ("Готово", "Выдать ещё").
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    slip_card(slip, Callback::new(move |_: ()| on_done()))
}

fn slip_card(slip: Slip, on_done: Callback<()>) -> AnyView {
    let i18n = use_i18n();
    let origin = window().location().origin().unwrap_or_default();
    let slip = StoredValue::new(slip);
    let origin = StoredValue::new(origin);
    let lines = move || {
        let locale = i18n.get_locale();
        slip_lines(
            locale,
            &slip.read_value(),
            &origin.read_value(),
            &chrono::Local,
        )
        .into_iter()
        .map(|(field, value)| {
            let class = match field {
                SlipField::Code => "slip-value slip-code",
                SlipField::Url => "slip-value slip-url",
                _ => "slip-value",
            };
            view! {
                <dt>{field.label(locale)}</dt>
                <dd class=class data-testid=field.testid()>{value}</dd>
            }
        })
        .collect_view()
    };
    let text = move || {
        slip_text(
            i18n.get_locale(),
            &slip.read_value(),
            &origin.read_value(),
            &chrono::Local,
        )
    };
    let wrap = NodeRef::<leptos::html::Div>::new();
    reveal(wrap);
    view! {
        <div class="slip-wrap" data-testid="invite-slip" node_ref=wrap tabindex="-1">
            <p class="warning no-print" role="status" data-testid="slip-warning">
                {tr!(slip.once_warning)}
            </p>
            <div class="slip">
                <p class="slip-title">{tr!(app_name)} " — " {tr!(slip.title)}</p>
                <dl class="slip-facts">{lines}</dl>
                <p class="slip-how">{tr!(slip.how)}</p>
            </div>
            <div class="actions no-print">
                <button type="button" class="button button-primary" data-testid="slip-print" on:click=move |_| print_slip()>
                    {tr!(print)}
                </button>
                <CopyButton text=text testid="slip-copy" />
                <button type="button" class="button button-quiet" data-testid="slip-done" on:click=move |_| on_done.run(())>
                    {tr!(done)}
                </button>
            </div>
        </div>
    }
    .into_any()
}

/// The signals of a new person's name inputs.
#[derive(Debug, Clone, Copy)]
pub struct PersonSignals {
    pub last_name: RwSignal<String>,
    pub first_name: RwSignal<String>,
    pub middle_name: RwSignal<String>,
}

impl PersonSignals {
    pub fn new() -> PersonSignals {
        PersonSignals {
            last_name: RwSignal::new(String::new()),
            first_name: RwSignal::new(String::new()),
            middle_name: RwSignal::new(String::new()),
        }
    }

    pub fn read(self) -> PersonFields {
        PersonFields {
            last_name: self.last_name.get_untracked(),
            first_name: self.first_name.get_untracked(),
            middle_name: self.middle_name.get_untracked(),
        }
    }

    pub fn clear(self) {
        self.last_name.set(String::new());
        self.first_name.set(String::new());
        self.middle_name.set(String::new());
    }
}

/// Фамилия, имя, отчество inputs; `ids` are their ids and test ids.
#[component]
pub fn PersonInputs(
    person: PersonSignals,
    errors: RwSignal<FieldErrors>,
    ids: [&'static str; 3],
) -> impl IntoView {
    let [last_id, first_id, middle_id] = ids;
    view! {
        <div class="field">
            <label for=last_id>{tr!(person.last_name)}</label>
            <input
                id=last_id
                data-testid=last_id
                type="text"
                autocomplete="off"
                aria-invalid=invalid_attr(errors, Field::LastName)
                aria-describedby=format!("{last_id}-error")
                bind:value=person.last_name
            />
            <FieldMessage errors=errors field=Field::LastName input_id=last_id />
        </div>
        <div class="field">
            <label for=first_id>{tr!(person.first_name)}</label>
            <input
                id=first_id
                data-testid=first_id
                type="text"
                autocomplete="off"
                aria-invalid=invalid_attr(errors, Field::FirstName)
                aria-describedby=format!("{first_id}-error")
                bind:value=person.first_name
            />
            <FieldMessage errors=errors field=Field::FirstName input_id=first_id />
        </div>
        <div class="field">
            <label for=middle_id>
                {tr!(person.middle_name)} " " <span class="muted">"(" {tr!(optional)} ")"</span>
            </label>
            <input
                id=middle_id
                data-testid=middle_id
                type="text"
                autocomplete="off"
                aria-invalid=invalid_attr(errors, Field::MiddleName)
                aria-describedby=format!("{middle_id}-error")
                bind:value=person.middle_name
            />
            <FieldMessage errors=errors field=Field::MiddleName input_id=middle_id />
        </div>
    }
}

/// A list that could not be loaded: the error and a retry button.
#[component]
pub fn LoadError(
    error: ApiError,
    /// `data-testid` of the alert; the button has `{prefix}-retry`.
    testid: &'static str,
    retry_testid: &'static str,
    on_retry: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    load_error_view(
        error,
        testid,
        retry_testid,
        Callback::new(move |_: ()| on_retry()),
    )
}

fn load_error_view(
    error: ApiError,
    testid: &'static str,
    retry_testid: &'static str,
    on_retry: Callback<()>,
) -> AnyView {
    let error = RwSignal::new(Some(error));
    view! {
        <ErrorAlert error=error testid=testid />
        <button type="button" class="button" data-testid=retry_testid on:click=move |_| on_retry.run(())>
            {tr!(retry)}
        </button>
    }
    .into_any()
}

/// "90 дней, до 28.02.2027." under a days input, while the number is valid.
#[component]
pub fn ValidityPreview(
    days: RwSignal<String>,
    range: std::ops::RangeInclusive<u32>,
    /// `data-testid` (and id) of the line.
    testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || {
        let locale = i18n.get_locale();
        let days = crate::forms::check_days(&days.get(), &range).ok()?;
        let until = chrono::Utc::now() + chrono::Duration::days(i64::from(days));
        Some(td_string!(
            locale,
            valid_until_preview,
            days = crate::text::count_text(locale, crate::text::Counted::Days, u64::from(days)),
            date = crate::format::format_date(&until.with_timezone(&chrono::Local), locale)
        ))
    };
    view! { <p class="hint" id=testid data-testid=testid aria-live="polite">{text}</p> }
}

/// An API error as a translated alert with the server's explanation under it (`detail` and the
/// field errors of a 409 or 422: which dates overlap, which name is taken), or nothing.
#[component]
pub fn ProblemAlert(
    error: RwSignal<Option<ApiError>>,
    /// `data-testid` of the alert; the explanation list has `{testid}-details`.
    testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|err| {
            let code = err.code().map(|c| c.as_str());
            let details = problem_details(&err);
            let details = (!details.is_empty()).then(|| {
                view! {
                    <ul class="problem-details" data-testid=format!("{testid}-details")>
                        {details.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}
                    </ul>
                }
            });
            view! {
                <div class="alert" role="alert" data-testid=testid data-code=code>
                    <p>{dynv(move || (save_error_text(i18n.get_locale(), &err)).into_any())}</p>
                    {details}
                </div>
            }
        })
    }
}

/// A translated static text: a non-capturing closure `|l| td_string!(l, key)`.
pub type Text = fn(Locale) -> &'static str;

/// A labelled one-line input (`id` is also its test id) with its problem message.
#[component]
pub fn TextInput(
    id: &'static str,
    label: Text,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    field: Field,
    /// `text`, `date`, `email`, `tel`, `number`.
    #[prop(default = "text")]
    kind: &'static str,
    #[prop(optional)] hint: Option<Text>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for=id>{dynv(move || (label(i18n.get_locale())).into_any())}</label>
            <input
                id=id
                data-testid=id
                type=kind
                autocomplete="off"
                aria-invalid=invalid_attr(errors, field)
                aria-describedby=format!("{id}-error")
                bind:value=value
            />
            {hint.map(|h| view! { <p class="hint">{dynv(move || (h(i18n.get_locale())).into_any())}</p> })}
            <FieldMessage errors=errors field=field input_id=id />
        </div>
    }
}

/// A labelled select (`id` is also its test id) whose options are the children; the chosen value
/// goes to `value`.
#[component]
pub fn SelectInput(
    id: &'static str,
    label: Text,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    field: Field,
    children: ChildrenFn,
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
                prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                {children()}
            </select>
            <FieldMessage errors=errors field=field input_id=id />
        </div>
    }
}

/// A modal dialog: a panel over the page, focused when it opens, closed by Escape or its own
/// buttons (never by a stray click, which would lose what was typed).
#[component]
pub fn Modal(
    /// `data-testid` of the panel.
    testid: &'static str,
    title: Signal<String>,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
    children: Children,
) -> impl IntoView {
    modal(
        testid,
        title,
        Callback::new(move |_: ()| on_close()),
        children,
    )
}

fn modal(
    testid: &'static str,
    title: Signal<String>,
    on_close: Callback<()>,
    children: Children,
) -> AnyView {
    let node = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            let _ = el.focus();
        }
    });
    let heading = format!("{testid}-title");
    let heading_id = heading.clone();
    view! {
        <div class="modal-backdrop">
            <div
                class="modal"
                role="dialog"
                aria-modal="true"
                aria-labelledby=heading.clone()
                data-testid=testid
                tabindex="-1"
                node_ref=node
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        on_close.run(());
                    }
                }
            >
                <h2 id=heading_id class="form-title">{dynv(move || (title.get()).into_any())}</h2>
                {children()}
            </div>
        </div>
    }
    .into_any()
}

/// A busy line with a spinner (`role="status"`).
#[component]
pub fn Busy(text: Signal<String>, testid: &'static str) -> impl IntoView {
    view! {
        <p class="busy" role="status" data-testid=testid>
            <span class="spinner" aria-hidden="true"></span>
            {dynv(move || (text.get()).into_any())}
        </p>
    }
}

/// Submit and cancel buttons of a form or dialog.
#[component]
pub fn FormButtons(
    /// `data-testid` of the submit button; the cancel button has `{testid}-cancel`.
    testid: &'static str,
    label: Text,
    busy: RwSignal<bool>,
    #[prop(optional)] on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <div class="actions">
            <button type="submit" class="button button-primary" data-testid=testid disabled=move || busy.get()>
                {crate::pages::tr(label)}
            </button>
            {on_cancel.map(|cancel| view! {
                <button
                    type="button"
                    class="button button-quiet"
                    data-testid=format!("{testid}-cancel")
                    on:click=move |_| cancel.run(())
                >
                    {tr!(cancel)}
                </button>
            })}
        </div>
    }
}

/// A page's load error, or the page once the resource is there.
pub fn loaded<T: Clone + Send + Sync + 'static, V: IntoView + 'static>(
    res: Res<T>,
    testid: &'static str,
    view: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView {
    dynv(move || match res.get() {
        None => loading(),
        Some(Ok(value)) => view(value).into_any(),
        Some(Err(err)) => load_error(err, testid, Callback::new(move |_| res.refetch())),
    })
}

/// "Загрузка…".
pub fn loading() -> AnyView {
    view! { <p class="loading">{tr!(loading)}</p> }.into_any()
}

/// [`LoadError`] with the common retry button.
fn load_error(error: ApiError, testid: &'static str, retry: Callback<()>) -> AnyView {
    view! { <LoadError error=error testid=testid retry_testid="load-retry" on_retry=move || retry.run(()) /> }
        .into_any()
}

/// "No access" inside a page whose data the server refused (403): a class list of another
/// teacher's class.
#[component]
pub fn NoAccess() -> impl IntoView {
    view! {
        <div class="note" data-testid="no-access">
            <strong>{tr!(no_access_title)}</strong>
            <p>{tr!(no_access_school)}</p>
        </div>
    }
}

/// How a page builds a [`crate::table::Table`] for a language.
pub type BuildTable = std::sync::Arc<dyn Fn(Locale) -> crate::table::Table + Send + Sync>;

/// Wraps a table builder for [`DataTable`].
pub fn build_table(
    f: impl Fn(Locale) -> crate::table::Table + Send + Sync + 'static,
) -> BuildTable {
    std::sync::Arc::new(f)
}

/// A data table rendered from plain data (see [`crate::table`]); it follows the language and the
/// signals its builder reads. A click on one of its buttons calls `on_action(action, index)`.
#[component]
pub fn DataTable(
    table: BuildTable,
    #[prop(optional)] on_action: Option<Callback<(String, usize)>>,
) -> impl IntoView {
    use leptos::wasm_bindgen::JsCast as _;
    let i18n = use_i18n();
    let html = move || crate::table::render(&table(i18n.get_locale()));
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
    view! { <div class="table-wrap" inner_html=html on:click=on_click></div> }
}
