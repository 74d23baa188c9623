//! `/closing?school=&term=&class=&by=&all=`: the period closing view (закрытие периода) of the
//! principal and the admin — for a term of the school's final kind (or the year), which courses
//! still lack final marks, grouped by teacher or by class, the totals, and the failing final
//! marks. The server chooses the term when the URL names none (the period that ended last). The
//! body's HTML comes from [`crate::closing`]; each course links to its journal.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use otmetka_domain::ErrorCode;
use otmetka_domain::finals::Term;
use otmetka_domain::structure::{Class, PeriodKind};
use uuid::Uuid;

use crate::access::{Area, SchoolOption};
use crate::api;
use crate::auth::use_auth;
use crate::closing::{GroupBy, View, class_key, closing_href, closing_html, term_choices};
use crate::diary_api;
use crate::i18n::*;
use crate::load::Res;
use crate::pages::{Gate, LoadError, NoAccess, PageSchool, dynv, loading};
use crate::report_api;
use crate::report_card::term_label;

#[component]
pub fn ClosingPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Closing
            render=|school, _| school.map(|school| view! { <Closing school=school /> })
        />
    }
}

#[component]
fn Closing(school: SchoolOption) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let school_id = school.id;
    let shown = Memo::new(move |_| {
        query.with(|q| {
            View::parse(
                q.get("term").as_deref(),
                q.get("class").as_deref(),
                q.get("by").as_deref(),
                q.get("all").as_deref(),
            )
        })
    });
    // Only the term and the class go to the server; grouping and the filter are local.
    let asked = Memo::new(move |_| {
        let v = shown.get();
        (v.term, v.class_id)
    });
    let data = Res::new(move || {
        let (term, class) = asked.get();
        report_api::closing(auth, school_id, term, class)
    });
    let periods = Res::new(move || diary_api::current_periods(auth, school_id));
    let settings = Res::new(move || api::settings(auth, school_id));
    let classes = Res::new(move || api::classes(auth, school_id));

    // The term shown: the one asked for, else the one the server chose.
    let term = Memo::new(move |_| {
        shown.get().term.or_else(|| match data.get() {
            Some(Ok(c)) => Some(c.term),
            _ => None,
        })
    });
    let kind = Memo::new(move |_| match settings.get() {
        Some(Ok(s)) => s.final_period_kind,
        _ => match term.get() {
            Some(Term::Period { kind, .. }) => kind,
            _ => PeriodKind::Quarter,
        },
    });

    let go = StoredValue::new(move |v: View| {
        navigate(
            &closing_href(school_id, v),
            NavigateOptions {
                replace: true,
                ..NavigateOptions::default()
            },
        )
    });
    let change = move |f: &dyn Fn(&mut View)| {
        let mut v = shown.get_untracked();
        f(&mut v);
        go.with_value(|go| go(v));
    };
    let on_term = move |ev: leptos::ev::Event| {
        let t: Option<Term> = event_target_value(&ev).parse().ok();
        change(&|v| v.term = t);
    };
    let on_class = move |ev: leptos::ev::Event| {
        let c = Uuid::parse_str(&event_target_value(&ev)).ok();
        change(&|v| v.class_id = c);
    };
    let on_by = move |ev: leptos::ev::Event| {
        let by = GroupBy::from_param(Some(&event_target_value(&ev)));
        change(&|v| v.by = by);
    };
    let on_only_missing = move |ev: leptos::ev::Event| {
        let only = event_target_checked(&ev);
        change(&|v| v.all = !only);
    };

    let term_options = move || {
        let locale = i18n.get_locale();
        let list = periods.get().and_then(Result::ok).unwrap_or_default();
        let chosen = term.get();
        let mut options = String::new();
        if chosen.is_none() {
            options.push_str("<option value=\"\" selected>");
            crate::table::escape(td_string!(locale, closing.term_current), &mut options);
            options.push_str("</option>");
        }
        for t in term_choices(&list, kind.get(), chosen) {
            options.push_str("<option value=\"");
            options.push_str(&t.code());
            options.push('"');
            if chosen == Some(t) {
                options.push_str(" selected");
            }
            options.push('>');
            crate::table::escape(&term_label(locale, t), &mut options);
            options.push_str("</option>");
        }
        options
    };
    let class_options = move || {
        let locale = i18n.get_locale();
        let mut list: Vec<Class> = classes.get().and_then(Result::ok).unwrap_or_default();
        list.sort_by_key(|c| class_key(&c.name));
        let chosen = shown.get().class_id;
        let mut options = String::from("<option value=\"\">");
        crate::table::escape(td_string!(locale, closing.all_classes), &mut options);
        options.push_str("</option>");
        for c in list {
            options.push_str("<option value=\"");
            options.push_str(&c.id.to_string());
            options.push('"');
            if chosen == Some(c.id) {
                options.push_str(" selected");
            }
            options.push('>');
            crate::table::escape(&c.name, &mut options);
            options.push_str("</option>");
        }
        options
    };

    let body = move || {
        match data.get() {
        None => loading(),
        Some(Err(err)) if err.code() == Some(ErrorCode::Forbidden) => {
            view! { <NoAccess /> }.into_any()
        }
        Some(Err(err)) => view! {
            <LoadError error=err testid="closing-load-error" retry_testid="load-retry" on_retry=move || data.refetch() />
        }
        .into_any(),
        Some(Ok(c)) => {
            let c = Arc::new(c);
            view! {
                <div
                    class="closing-body"
                    data-testid="closing-body"
                    inner_html=move || closing_html(&c, shown.get(), school_id, i18n.get_locale())
                ></div>
            }
            .into_any()
        }
    }
    };

    view! {
        <section class="page page-wide closing-page" data-testid="closing-page">
            <h1>{tr!(closing.title)}</h1>
            <PageSchool school=Some(school) />
            <p class="hint">{tr!(closing.intro)}</p>
            <div class="toolbar closing-controls">
                <label class="inline-field" for="closing-term-select">
                    <span>{tr!(closing.term)}</span>
                    <select
                        id="closing-term-select"
                        data-testid="closing-term-select"
                        on:change=on_term
                        inner_html=term_options
                    ></select>
                </label>
                <label class="inline-field" for="closing-class-select">
                    <span>{tr!(closing.class)}</span>
                    <select
                        id="closing-class-select"
                        data-testid="closing-class-select"
                        on:change=on_class
                        inner_html=class_options
                    ></select>
                </label>
                <label class="inline-field" for="closing-by-select">
                    <span>{tr!(closing.group_by)}</span>
                    <select
                        id="closing-by-select"
                        data-testid="closing-by-select"
                        on:change=on_by
                        prop:value=move || shown.get().by.value()
                    >
                        <option value="teacher">{tr!(closing.by_teacher)}</option>
                        <option value="class">{tr!(closing.by_class)}</option>
                    </select>
                </label>
                <label class="check">
                    <input
                        type="checkbox"
                        id="closing-only-missing"
                        data-testid="closing-only-missing"
                        prop:checked=move || shown.get().only_missing()
                        on:change=on_only_missing
                    />
                    {tr!(closing.only_missing)}
                </label>
            </div>
            {dynv(body)}
        </section>
    }
}
