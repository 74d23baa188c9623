//! The pages of the SPA and the small pieces they share.

pub mod accounts;
pub mod api_tokens;
pub mod audit;
pub mod home;
pub mod invites;
pub mod login;
pub mod register;
pub mod schools;
pub mod sessions;

use leptos::prelude::*;

use crate::access::{Access, Area, PageGate, SchoolOption, page_gate};
use crate::api::ApiError;
use crate::auth::use_auth;
use crate::forms::{Field, FieldErrors, FieldProblem, PersonFields, problem_for};
use crate::i18n::*;
use crate::paging::Paging;
use crate::school_ctx::{use_school_ctx, use_school_pick};
use crate::slip::{Slip, SlipField, slip_lines, slip_text};
use crate::text::{error_text, field_problem_text};

/// A static text in the current language (see the `tr!` macro): one reactive closure type for
/// every such text in the app.
pub fn tr(key: fn(Locale) -> &'static str) -> impl IntoView + use<> {
    let i18n = use_i18n();
    move || key(i18n.get_locale())
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
                    {move || describe(i18n.get_locale(), &err)}
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
                    {move || field_problem_text(i18n.get_locale(), p)}
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
    move || match gate.get() {
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
        Some(PageGate::Open { school, access }) => render(school, access).into_any(),
    }
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
    let i18n = use_i18n();
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
                    {move || td_string!(i18n.get_locale(), pager.range, first = first, last = last, total = total)}
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
            {move || match copied.get() {
                Some(true) => t_string!(i18n, copied),
                Some(false) => t_string!(i18n, copy_failed),
                None => "",
            }}
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
                <button type="button" class="button button-quiet" data-testid="slip-done" on:click=move |_| on_done()>
                    {tr!(done)}
                </button>
            </div>
        </div>
    }
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
    let error = RwSignal::new(Some(error));
    view! {
        <ErrorAlert error=error testid=testid />
        <button type="button" class="button" data-testid=retry_testid on:click=move |_| on_retry()>
            {tr!(retry)}
        </button>
    }
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
