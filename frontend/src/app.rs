//! The app root: i18n and session contexts, the router, the layout (header, navigation, language
//! switch) and the guard for pages that need a signed-in account.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::{NavigateOptions, path};
use otmetka_domain::auth::Me;

use crate::auth::{Phase, provide_auth, use_auth};
use crate::format::percent_encode;
use crate::i18n::*;
use crate::pages::home::HomePage;
use crate::pages::login::LoginPage;
use crate::pages::register::RegisterPage;
use crate::pages::sessions::SessionsPage;

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
    let i18n = use_i18n();
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
                                {t!(i18n, loading)}
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
                            path=path!("/sessions")
                            view=|| view! { <RequireAuth><SessionsPage /></RequireAuth> }
                        />
                    </Routes>
                </Show>
            </main>
        </Router>
    }
}

/// A link of the main navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NavItem {
    Home,
    Sessions,
}

/// The navigation for an account. Every account has Home and Sessions; role pages (schools for
/// the superadmin, invites and accounts for a school admin) are added here when their pages
/// exist, so the menu never links to a page that is not there.
pub fn nav_items(_me: &Me) -> Vec<NavItem> {
    vec![NavItem::Home, NavItem::Sessions]
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
    let nav = move || {
        auth.me
            .with(|me| me.as_ref().map(nav_items))
            .unwrap_or_default()
            .into_iter()
            .map(|item| match item {
                NavItem::Home => view! {
                    <A href="/" exact=true attr:data-testid="nav-home">{t!(i18n, nav.home)}</A>
                }
                .into_any(),
                NavItem::Sessions => view! {
                    <A href="/sessions" attr:data-testid="nav-sessions">{t!(i18n, nav.sessions)}</A>
                }
                .into_any(),
            })
            .collect_view()
    };

    view! {
        <header class="topbar">
            <div class="topbar-row">
                <a class="brand" href="/" data-testid="brand">{t!(i18n, app_name)}</a>
                <LangSwitch />
            </div>
            <Show when=signed_in>
                <div class="topbar-row">
                    <nav class="nav" aria-label=move || t_string!(i18n, main_menu)>
                        {nav}
                    </nav>
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
                            {t!(i18n, logout)}
                        </button>
                    </div>
                </div>
            </Show>
        </header>
    }
}

/// RU / EN buttons; the choice is kept in a cookie by leptos_i18n.
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
                on:click=move |_| i18n.set_locale(locale)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="lang" role="group" aria-label=move || t_string!(i18n, lang_switch)>
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
    let i18n = use_i18n();
    view! {
        <section class="page" data-testid="not-found">
            <h1>{t!(i18n, not_found_title)}</h1>
            <p>
                <A href="/">{t!(i18n, go_home)}</A>
            </p>
        </section>
    }
}
