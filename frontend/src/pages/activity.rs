//! `/reports/activity?school=&month=&role=&class=`: the monthly activity report (активность
//! пользователей, regulation §15) of the principal and the admin: per role and per class, the
//! people, the registered, the invite codes not used, sign-ins, diary views and journal edits
//! (the tables of the CSV/XLSX exports). A row opens its people (`GET …/reports/activity/users`).
//! The logic is in [`crate::activity`].

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use otmetka_domain::reports::{ActivityReport, UserActivity, activity_tables};
use otmetka_domain::{ErrorCode, Role};
use uuid::Uuid;

use crate::access::{Area, SchoolOption};
use crate::activity::{
    Month, View, activity_href, activity_query, current_month, local_offset, month_label,
    row_target, target_label, users_html,
};
use crate::auth::use_auth;
use crate::control_api;
use crate::i18n::*;
use crate::load::Res;
use crate::pages::{Gate, LoadError, NoAccess, PageSchool, dynv, loading, ltext};
use crate::report_view::{ExportButtons, ReportTableView};

#[component]
pub fn ActivityPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Activity
            render=|school, _| school.map(|school| view! { <Activity school=school /> })
        />
    }
}

fn this_month() -> Month {
    current_month(chrono::Utc::now(), local_offset())
}

#[component]
fn Activity(school: SchoolOption) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let school_id = school.id;
    let shown = Memo::new(move |_| {
        query.with(|q| {
            View::parse(
                q.get("month").as_deref(),
                q.get("role").as_deref(),
                q.get("class").as_deref(),
            )
        })
    });
    let month = Memo::new(move |_| shown.get().month);
    let data = Res::new(move || control_api::activity(auth, school_id, month.get()));
    let users_key = Memo::new(move |_| {
        let v = shown.get();
        v.role.map(|r| (v.month, r, v.class_id))
    });
    let users = Res::new(move || {
        let key = users_key.get();
        async move {
            match key {
                Some((month, role, class_id)) => {
                    control_api::activity_users(auth, school_id, month, role, class_id)
                        .await
                        .map(Some)
                }
                None => Ok(None::<Vec<UserActivity>>),
            }
        }
    });
    // The month shown: the one asked for, else the server's, else the browser's.
    let shown_month = Memo::new(move |_| {
        shown
            .get()
            .month
            .or_else(|| match data.get() {
                Some(Ok(r)) => Month::parse(&r.month),
                _ => None,
            })
            .unwrap_or_else(this_month)
    });

    let go = Callback::new(move |v: View| {
        navigate(&activity_href(school_id, v), NavigateOptions::default())
    });
    let go_month = move |m: Option<Month>| go.run(shown.get_untracked().in_month(m));
    let on_pick = move |ev: leptos::ev::Event| {
        if let Some(m) = Month::parse(&event_target_value(&ev)) {
            go_month(Some(m));
        }
    };

    let body = move || {
        match data.get() {
        None => loading(),
        Some(Err(err)) if err.code() == Some(ErrorCode::Forbidden) => {
            view! { <NoAccess /> }.into_any()
        }
        Some(Err(err)) => view! {
            <LoadError error=err testid="activity-load-error" retry_testid="load-retry" on_retry=move || data.refetch() />
        }
        .into_any(),
        // A month asked for whose report has not come yet: not the previous month's numbers.
        Some(Ok(r)) if shown.get().month.is_some_and(|m| Month::parse(&r.month) != Some(m)) => {
            loading()
        }
        Some(Ok(r)) => view! {
            <ActivityBody school_id=school_id report=Arc::new(r) shown=shown shown_month=shown_month go=go users=users />
        }
        .into_any(),
    }
    };

    view! {
        <section class="page page-wide report-page activity-page" data-testid="activity-page">
            <p class="no-print">
                <a href=format!("/reports?school={school_id}") data-testid="reports-back">"← " {tr!(reports.to_index)}</a>
            </p>
            <h1>{tr!(activity.title)}</h1>
            <PageSchool school=Some(school) />
            <p class="hint">{tr!(activity.intro)}</p>
            <div class="toolbar activity-month-nav no-print">
                <button
                    type="button"
                    class="button"
                    data-testid="activity-prev-month"
                    on:click=move |_| go_month(Some(shown_month.get_untracked().shift(-1)))
                >
                    {tr!(activity.prev_month)}
                </button>
                <label class="inline-field" for="activity-month">
                    <span>{tr!(activity.month)}</span>
                    <input
                        type="month"
                        id="activity-month"
                        data-testid="activity-month"
                        placeholder="2026-11"
                        data-month=move || shown_month.get().to_string()
                        prop:value=move || shown_month.get().to_string()
                        on:change=on_pick
                    />
                </label>
                <button
                    type="button"
                    class="button"
                    data-testid="activity-next-month"
                    on:click=move |_| go_month(Some(shown_month.get_untracked().shift(1)))
                >
                    {tr!(activity.next_month)}
                </button>
                <button
                    type="button"
                    class="button button-quiet"
                    data-testid="activity-this-month"
                    disabled=move || shown.get().month.is_none_or(|m| m == this_month())
                    on:click=move |_| go_month(None)
                >
                    {tr!(activity.this_month)}
                </button>
            </div>
            <h2 class="activity-month-label" data-testid="activity-month-label" data-month=move || shown_month.get().to_string()>
                {move || month_label(shown_month.get(), i18n.get_locale())}
            </h2>
            {dynv(body)}
        </section>
    }
}

#[component]
fn ActivityBody(
    school_id: Uuid,
    report: Arc<ActivityReport>,
    shown: Memo<View>,
    shown_month: Memo<Month>,
    go: Callback<View>,
    users: Res<Option<Vec<UserActivity>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let export_query = Signal::derive(move || activity_query(shown.get().month, None));
    let period = {
        let (from, to) = (report.from, report.to);
        ltext(move |l| {
            td_string!(
                l,
                activity.period_line,
                month = month_label(shown_month.get(), l),
                from = crate::roster::format_day(from, l),
                to = crate::roster::format_day(to, l)
            )
        })
    };
    let tables = {
        let report = report.clone();
        move || {
            let chosen = shown.get();
            activity_tables(&report)
                .into_iter()
                .map(|table| {
                    let key = table.key.clone();
                    let highlight: Vec<usize> = (0..table.rows.len())
                        .filter(|i| {
                            row_target(&report, &key, *i).is_some_and(|(r, c)| {
                                Some(r) == chosen.role && c == chosen.class_id
                            })
                        })
                        .collect();
                    let on_row = {
                        let report = report.clone();
                        let key = key.clone();
                        Callback::new(move |i: usize| {
                            if let Some((role, class_id)) = row_target(&report, &key, i) {
                                go.run(View {
                                    role: Some(role),
                                    class_id,
                                    ..shown.get_untracked()
                                });
                            }
                        })
                    };
                    view! {
                        <section class="report-section" data-testid=format!("activity-{key}")>
                            <h2>{table.title.clone()}</h2>
                            <p class="hint no-print">{tr!(activity.rows_hint)}</p>
                            <ExportButtons
                                school_id=school_id
                                path="reports/activity"
                                query=export_query
                                table=Some(key.clone())
                            />
                            <ReportTableView table=table on_row=on_row highlight=highlight />
                        </section>
                    }
                })
                .collect_view()
                .into_any()
        }
    };

    let drill = {
        let report = report.clone();
        move || {
            let v = shown.get();
            v.role.map(|role| {
                let label = target_label(&report, role, v.class_id, i18n.get_locale());
                view! { <Users label=label role=role class_id=v.class_id shown=shown shown_month=shown_month go=go users=users /> }
            })
        }
    };

    view! {
        <p class="hint" data-testid="activity-period" data-from=report.from.to_string() data-to=report.to.to_string()>
            {period}
        </p>
        {dynv(tables)}
        {drill}
    }
}

/// The people behind a row.
#[component]
fn Users(
    label: String,
    role: Role,
    class_id: Option<Uuid>,
    shown: Memo<View>,
    shown_month: Memo<Month>,
    go: Callback<View>,
    users: Res<Option<Vec<UserActivity>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let node = NodeRef::<leptos::html::Section>::new();
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            el.scroll_into_view();
        }
    });
    let close = move |_| {
        go.run(View {
            role: None,
            class_id: None,
            ..shown.get_untracked()
        })
    };
    let title = ltext(move |l| {
        td_string!(
            l,
            activity.users_title,
            label = label.clone(),
            month = month_label(shown_month.get(), l)
        )
    });
    let body = move || {
        match users.get() {
        None | Some(Ok(None)) => loading(),
        Some(Err(err)) if err.code() == Some(ErrorCode::Forbidden) => {
            view! { <NoAccess /> }.into_any()
        }
        Some(Err(err)) => view! {
            <LoadError error=err testid="activity-users-error" retry_testid="activity-users-retry" on_retry=move || users.refetch() />
        }
        .into_any(),
        Some(Ok(Some(list))) => {
            let list = Arc::new(list);
            let offset = local_offset();
            view! {
                <div
                    class="activity-users-body"
                    data-testid="activity-users-body"
                    inner_html=move || users_html(&list, i18n.get_locale(), offset)
                ></div>
            }
            .into_any()
        }
    }
    };
    view! {
        <section
            class="report-section activity-users"
            data-testid="activity-users"
            data-role=role.as_str()
            data-class-id=class_id.map(|c| c.to_string())
            node_ref=node
        >
            <h2>{title}</h2>
            <div class="toolbar no-print">
                <button type="button" class="button button-quiet" data-testid="activity-users-close" on:click=close>
                    {tr!(activity.close)}
                </button>
            </div>
            {dynv(body)}
        </section>
    }
}
