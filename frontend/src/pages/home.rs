//! `/`: greeting and the account's schools and roles.

use leptos::prelude::*;
use otmetka_domain::Role;
use otmetka_domain::auth::{Child, Me, Membership};

use crate::auth::use_auth;
use crate::diary::{diary_href, marks_href};
use crate::format::display_name;
use crate::i18n::*;
use crate::text::role_text;

/// A parent's children in a school, each once (by person), in the server's order.
pub fn children_once(children: &[Child]) -> Vec<Child> {
    let mut out: Vec<Child> = Vec::new();
    for c in children {
        if !out.iter().any(|o| o.person_id == c.person_id) {
            out.push(c.clone());
        }
    }
    out
}

#[component]
pub fn HomePage() -> impl IntoView {
    let auth = use_auth();
    move || auth.me.get().map(|me| view! { <Home me=me /> })
}

#[component]
fn Home(me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let name = display_name(&me);
    let superadmin = me.is_superadmin.then(|| {
        view! {
            <div class="card" data-testid="superadmin">
                <p class="badge">{tr!(role_superadmin)}</p>
                <p>{tr!(superadmin_note)}</p>
            </div>
        }
    });
    let memberships = if me.memberships.is_empty() {
        view! { <p class="muted" data-testid="no-memberships">{tr!(no_memberships)}</p> }.into_any()
    } else {
        view! {
            <ul class="list" data-testid="memberships">
                {me.memberships.into_iter().map(|m| view! { <MembershipRow membership=m /> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="page" data-testid="home-page">
            <h1 data-testid="greeting">{t!(i18n, greeting, name = move || name.clone())}</h1>
            {superadmin}
            <h2>{tr!(memberships_title)}</h2>
            {memberships}
        </section>
    }
}

#[component]
fn MembershipRow(membership: Membership) -> impl IntoView {
    let i18n = use_i18n();
    let roles = membership.roles.clone();
    let role_list = move || {
        let locale = i18n.get_locale();
        roles
            .iter()
            .map(|r| role_text(locale, *r))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let role_codes = membership
        .roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let school_id = membership.school_id;
    let own = (membership.roles.contains(&Role::Student)).then(|| {
        view! {
            <p class="home-links">
                <a class="button" href=diary_href(school_id, None, None) data-testid="home-diary">{tr!(diary.mine)}</a>
                <a class="button button-quiet" href=marks_href(school_id, None, None) data-testid="home-marks">{tr!(marks_page.mine)}</a>
            </p>
        }
    });
    let children = children_once(&membership.children);
    let children = (!children.is_empty()).then(|| {
        view! {
            <div class="children">
                <h3 class="children-title">{tr!(home.children)}</h3>
                <ul class="list" data-testid="children">
                    {children.into_iter().map(|c| view! {
                        <li class="child" data-testid="child" data-person-id=c.person_id.to_string()>
                            <strong data-testid="child-name">{c.name}</strong>
                            <span class="muted" data-testid="child-class">
                                {match c.class_name {
                                    Some(class) => view! { {tr!(home.class)} " " {class} }.into_any(),
                                    None => tr!(home.no_class).into_any(),
                                }}
                            </span>
                            <span class="home-links">
                                <a class="button button-quiet" href=diary_href(school_id, Some(c.person_id), None) data-testid="child-diary">{tr!(diary.open)}</a>
                                <a class="button button-quiet" href=marks_href(school_id, Some(c.person_id), None) data-testid="child-marks">{tr!(diary.open_marks)}</a>
                            </span>
                        </li>
                    }).collect_view()}
                </ul>
            </div>
        }
    });
    view! {
        <li class="list-row" data-testid="membership" data-school-id=membership.school_id.to_string()>
            <strong class="school-name">{membership.school_name}</strong>
            <span class="roles" data-testid="membership-roles" data-roles=role_codes>{role_list}</span>
            {membership.person_name.map(|n| view! { <span class="muted">{n}</span> })}
            {own}
            {children}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn each_child_is_listed_once() {
        let child = |id: u128, name: &str, class: Option<&str>| Child {
            person_id: Uuid::from_u128(id),
            name: name.into(),
            class_name: class.map(str::to_string),
        };
        let got = children_once(&[
            child(1, "Михайлов Кирилл", Some("1А")),
            child(2, "Михайлов Алексей", Some("4Б")),
            child(1, "Михайлов Кирилл", Some("1А")),
        ]);
        let names: Vec<&str> = got.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Михайлов Кирилл", "Михайлов Алексей"]);
        assert!(children_once(&[]).is_empty());
    }
}
