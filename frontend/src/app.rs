//! The app root: i18n, session and school contexts, the router, the layout (header, the
//! navigation the account's roles allow in the selected school, the school switch, the language
//! switch) and the guard for pages that need a signed-in account.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::{NavigateOptions, path};
use uuid::Uuid;

use crate::access::{NavItem, is_school_page, nav_items, switch_target};
use crate::auth::{Phase, provide_auth, use_auth};
use crate::format::percent_encode;
use crate::i18n::*;
use crate::pages::accounts::AccountsPage;
use crate::pages::activity::ActivityPage;
use crate::pages::api_tokens::ApiTokensPage;
use crate::pages::audit::AuditPage;
use crate::pages::class_summary::ClassSummaryPage;
use crate::pages::classes::{ClassPage, ClassesPage};
use crate::pages::closing::ClosingPage;
use crate::pages::control::ControlPage;
use crate::pages::diary::{DiaryPage, MarksPage};
use crate::pages::home::HomePage;
use crate::pages::import::ImportPage;
use crate::pages::invites::InvitesPage;
use crate::pages::journal::{JournalListPage, JournalPage};
use crate::pages::login::LoginPage;
use crate::pages::mark_settings::MarkSettingsPage;
use crate::pages::persons::{PersonPage, PersonsPage};
use crate::pages::register::RegisterPage;
use crate::pages::report_card::{ClassReportCardsPage, ReportCardPage};
use crate::pages::reports::{AttendanceReportPage, QualityPage, ReportsPage};
use crate::pages::schedule::{SchedulePage, TodayPage};
use crate::pages::schools::SchoolsPage;
use crate::pages::sessions::SessionsPage;
use crate::pages::settings::SettingsPage;
use crate::pages::tt_admin::bells::BellsPage;
use crate::pages::tt_admin::calendar::CalendarPage;
use crate::pages::tt_admin::grid::TimetablePage;
use crate::pages::tt_admin::subs::SubstitutionsPage;
use crate::pages::years::YearsPage;
use crate::pages::{dynv, lbl};
use crate::school_ctx::{provide_school_ctx, use_school_ctx, use_school_pick};

/// The whole SPA.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <I18nContextProvider>
            <Shell />
        </I18nContextProvider>
    }
}

#[component]
fn Shell() -> impl IntoView {
    let auth = provide_auth();
    provide_school_ctx(auth);
    let i18n = use_i18n();
    // After leptos_i18n's own first effect, which sets the browser's language.
    if let Some(locale) = saved_locale() {
        Effect::new(move |done: Option<()>| {
            if done.is_none() {
                i18n.set_locale(locale);
            }
        });
    }
    Effect::new(move |_| document().set_title(td_string!(i18n.get_locale(), app_name)));

    view! {
        <Router>
            <Header />
            <main class="main" id="main">
                <Show
                    when=move || auth.phase.get() != Phase::Checking
                    fallback=move || {
                        view! {
                            <p class="loading" data-testid="app-loading">
                                {tr!(loading)}
                            </p>
                        }
                    }
                >
                    <Routes fallback=NotFound>
                        <Route path=path!("/login") view=LoginPage />
                        <Route path=path!("/register") view=RegisterPage />
                        <Route
                            path=path!("/")
                            view=|| view! { <RequireAuth><HomePage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/today")
                            view=|| view! { <RequireAuth><TodayPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/journal")
                            view=|| view! { <RequireAuth><JournalListPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/journal/:course_id")
                            view=|| view! { <RequireAuth><JournalPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/closing")
                            view=|| view! { <RequireAuth><ClosingPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/reports")
                            view=|| view! { <RequireAuth><ReportsPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/reports/quality")
                            view=|| view! { <RequireAuth><QualityPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/reports/attendance")
                            view=|| view! { <RequireAuth><AttendanceReportPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/reports/control")
                            view=|| view! { <RequireAuth><ControlPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/reports/activity")
                            view=|| view! { <RequireAuth><ActivityPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/diary")
                            view=|| view! { <RequireAuth><DiaryPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/marks")
                            view=|| view! { <RequireAuth><MarksPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/report-card")
                            view=|| view! { <RequireAuth><ReportCardPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/schedule")
                            view=|| view! { <RequireAuth><SchedulePage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/timetable")
                            view=|| view! { <RequireAuth><TimetablePage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/timetable/bells")
                            view=|| view! { <RequireAuth><BellsPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/timetable/calendar")
                            view=|| view! { <RequireAuth><CalendarPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/timetable/substitutions")
                            view=|| view! { <RequireAuth><SubstitutionsPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/sessions")
                            view=|| view! { <RequireAuth><SessionsPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/api-tokens")
                            view=|| view! { <RequireAuth><ApiTokensPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/schools")
                            view=|| view! { <RequireAuth><SchoolsPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/invites")
                            view=|| view! { <RequireAuth><InvitesPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/accounts")
                            view=|| view! { <RequireAuth><AccountsPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/audit")
                            view=|| view! { <RequireAuth><AuditPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/settings")
                            view=|| view! { <RequireAuth><SettingsPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/marks-settings")
                            view=|| view! { <RequireAuth><MarkSettingsPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/years")
                            view=|| view! { <RequireAuth><YearsPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/classes")
                            view=|| view! { <RequireAuth><ClassesPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/classes/:id")
                            view=|| view! { <RequireAuth><ClassPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/classes/:id/summary")
                            view=|| view! { <RequireAuth><ClassSummaryPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/classes/:id/report-cards")
                            view=|| view! { <RequireAuth><ClassReportCardsPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/persons")
                            view=|| view! { <RequireAuth><PersonsPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/persons/:id")
                            view=|| view! { <RequireAuth><PersonPage /></RequireAuth> }
                        />
                        <Route
                            path=path!("/import")
                            view=|| view! { <RequireAuth><ImportPage /></RequireAuth> }
                        />
                    </Routes>
                </Show>
            </main>
        </Router>
    }
}

#[component]
fn Header() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let navigate = use_navigate();
    let on_logout = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            auth.logout().await;
            navigate("/login", NavigateOptions::default());
        });
    };
    let signed_in = move || auth.phase.get() == Phase::SignedIn;
    let login = move || {
        auth.me
            .with(|me| me.as_ref().map(|me| me.login.clone()))
            .unwrap_or_default()
    };
    let ctx = use_school_ctx();
    let pick = use_school_pick(auth);
    let location = use_location();
    // The school chosen by the URL becomes the remembered one, so that the menu and the other
    // school pages follow it.
    Effect::new(move |_| {
        if let Some(id) = pick.get().chosen()
            && ctx.remembered.get_untracked() != Some(id)
        {
            ctx.remembered.set(Some(id));
        }
    });
    let nav = move || {
        let school = pick.get().chosen();
        let pathname = location.pathname.get();
        auth.me
            .with(|me| me.as_ref().map(|me| nav_items(me, school)))
            .unwrap_or_default()
            .into_iter()
            .map(|item| {
                let current = item.is_current(&pathname).then_some("page");
                view! {
                    <a href=item.href(school) data-testid=item.testid() aria-current=current>
                        {dynv(move || (nav_label(i18n.get_locale(), item)).into_any())}
                    </a>
                }
            })
            .collect_view()
    };

    view! {
        <header class="topbar">
            <div class="topbar-row">
                <a class="brand" href="/" data-testid="brand">{tr!(app_name)}</a>
                <div class="topbar-tools">
                    <Show when=signed_in>
                        <div class="account">
                            <span class="whoami" data-testid="whoami" title=move || t_string!(i18n, signed_in_as, login = login())>
                                {login}
                            </span>
                            <button
                                type="button"
                                class="button button-quiet"
                                data-testid="logout"
                                on:click=on_logout.clone()
                            >
                                {tr!(logout)}
                            </button>
                        </div>
                    </Show>
                    <LangSwitch />
                </div>
            </div>
            <Show when=signed_in>
                <div class="topbar-row topbar-nav">
                    <nav class="nav" aria-label=lbl(|l| td_string!(l, main_menu))>
                        {nav}
                    </nav>
                    <SchoolSwitch />
                </div>
            </Show>
        </header>
    }
}

/// A navigation link's text.
fn nav_label(locale: Locale, item: NavItem) -> &'static str {
    match item {
        NavItem::Home => td_string!(locale, nav.home),
        NavItem::Today => td_string!(locale, schedule_view.nav_today),
        NavItem::Journal => td_string!(locale, journal.nav),
        NavItem::Closing => td_string!(locale, nav.closing),
        NavItem::Reports => td_string!(locale, reports.nav),
        NavItem::ReportCard => td_string!(locale, nav.report_card),
        NavItem::Diary => td_string!(locale, diary.nav),
        NavItem::Marks => td_string!(locale, marks_page.nav),
        NavItem::Schedule => td_string!(locale, schedule_view.nav_schedule),
        NavItem::Timetable => td_string!(locale, nav.timetable),
        NavItem::Schools => td_string!(locale, nav.schools),
        NavItem::Classes => td_string!(locale, nav.classes),
        NavItem::Persons => td_string!(locale, nav.persons),
        NavItem::Years => td_string!(locale, nav.years),
        NavItem::Settings => td_string!(locale, nav.settings),
        NavItem::MarkSettings => td_string!(locale, mark_settings.nav),
        NavItem::Import => td_string!(locale, nav.import),
        NavItem::Invites => td_string!(locale, nav.invites),
        NavItem::Accounts => td_string!(locale, nav.accounts),
        NavItem::Audit => td_string!(locale, nav.audit),
        NavItem::ApiTokens => td_string!(locale, nav.api_tokens),
        NavItem::Sessions => td_string!(locale, nav.sessions),
    }
}

/// The school the school pages work on, for accounts with two or more schools to choose from
/// (a superadmin chooses among all). Choosing one on a school page opens the same page for it.
#[component]
fn SchoolSwitch() -> impl IntoView {
    let auth = use_auth();
    let ctx = use_school_ctx();
    let pick = use_school_pick(auth);
    let navigate = use_navigate();
    let location = use_location();
    let query = use_query_map();
    let options = Memo::new(move |_| ctx.options(auth));
    let on_change = move |ev: leptos::ev::Event| {
        let Ok(id) = Uuid::parse_str(&event_target_value(&ev)) else {
            return;
        };
        ctx.remembered.set(Some(id));
        let path = location.pathname.get_untracked();
        let in_url = query.with_untracked(|q| q.get("school").is_some());
        if is_school_page(&path) || in_url {
            // Filters and pages belong to the previous school; so do a class and a person.
            navigate(&switch_target(&path, id), NavigateOptions::default());
        }
    };
    move || {
        let list = options.get();
        (list.len() > 1).then(|| {
            let chosen = pick.get().chosen();
            let on_change = on_change.clone();
            view! {
                <label class="school-switch">
                    <span class="school-switch-label">{tr!(school_label)}</span>
                    <select data-testid="school-switch" on:change=on_change>
                        {list
                            .into_iter()
                            .map(|o| {
                                let selected = chosen == Some(o.id);
                                view! {
                                    <option value=o.id.to_string() selected=selected>{o.name}</option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
            }
        })
    }
}

/// The cookie that keeps the language chosen with the RU / EN buttons.
const LOCALE_COOKIE: &str = "i18n_pref_locale";

/// The language chosen earlier in this browser, if any.
fn saved_locale() -> Option<Locale> {
    use leptos::wasm_bindgen::JsCast as _;
    let cookies = document()
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()?
        .cookie()
        .ok()?;
    let value = cookie_value(&cookies, LOCALE_COOKIE)?;
    Locale::get_all()
        .iter()
        .copied()
        .find(|l| l.as_str() == value)
}

/// Remembers the chosen language for a year.
fn save_locale(locale: Locale) {
    use leptos::wasm_bindgen::JsCast as _;
    if let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() {
        let _ = doc.set_cookie(&format!(
            "{LOCALE_COOKIE}={}; path=/; max-age=31536000; samesite=lax",
            locale.as_str()
        ));
    }
}

/// A cookie's value in a `document.cookie` string (`a=1; b=2`).
pub fn cookie_value<'a>(cookies: &'a str, name: &str) -> Option<&'a str> {
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
}

/// RU / EN buttons; the choice is kept in the `i18n_pref_locale` cookie.
#[component]
fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let button = move |locale: Locale, testid: &'static str| {
        let pressed = move || (i18n.get_locale() == locale).to_string();
        let (label, name) = match locale {
            Locale::ru => (
                td_string!(Locale::ru, lang_ru),
                td_string!(Locale::ru, lang_ru_name),
            ),
            Locale::en => (
                td_string!(Locale::en, lang_en),
                td_string!(Locale::en, lang_en_name),
            ),
        };
        view! {
            <button
                type="button"
                class="lang-button"
                data-testid=testid
                lang=locale.as_str()
                title=name
                aria-label=name
                aria-pressed=pressed
                on:click=move |_| {
                    i18n.set_locale(locale);
                    save_locale(locale);
                }
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="lang" role="group" aria-label=lbl(|l| td_string!(l, lang_switch))>
            {button(Locale::ru, "lang-ru")}
            {button(Locale::en, "lang-en")}
        </div>
    }
}

/// Renders its children only for a signed-in account; otherwise sends the user to the login page,
/// remembering where they wanted to go.
#[component]
fn RequireAuth(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move |_| {
        if auth.phase.get() == Phase::SignedOut {
            let path = location.pathname.get_untracked();
            // After a logout the header has already gone to the login page.
            if path.starts_with("/login") {
                return;
            }
            let here = format!("{path}{}", location.search.get_untracked());
            let target = if here == "/" {
                "/login".to_string()
            } else {
                format!("/login?next={}", percent_encode(&here))
            };
            navigate(
                &target,
                NavigateOptions {
                    replace: true,
                    ..NavigateOptions::default()
                },
            );
        }
    });
    move || (auth.phase.get() == Phase::SignedIn).then(|| children())
}

#[component]
fn NotFound() -> impl IntoView {
    view! {
        <section class="page" data-testid="not-found">
            <h1>{tr!(not_found_title)}</h1>
            <p>
                <A href="/">{tr!(go_home)}</A>
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_cookie_is_found_among_others() {
        assert_eq!(
            cookie_value("a=1; i18n_pref_locale=en; b=2", LOCALE_COOKIE),
            Some("en")
        );
        assert_eq!(
            cookie_value("i18n_pref_locale=ru", LOCALE_COOKIE),
            Some("ru")
        );
        assert_eq!(cookie_value("x_i18n_pref_locale=en", LOCALE_COOKIE), None);
        assert_eq!(cookie_value("", LOCALE_COOKIE), None);
    }
}
