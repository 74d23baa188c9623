//! The pages of the SPA and the small pieces they share.

pub mod home;
pub mod login;
pub mod register;
pub mod sessions;

use leptos::prelude::*;

use crate::api::ApiError;
use crate::forms::{Field, FieldErrors, FieldProblem, problem_for};
use crate::i18n::*;
use crate::text::{error_text, field_problem_text};

/// An API error as a translated alert (`role="alert"`), or nothing.
#[component]
pub fn ErrorAlert(
    error: RwSignal<Option<ApiError>>,
    /// `data-testid` of the alert.
    testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|err| {
            let code = err.code().map(|c| c.as_str());
            view! {
                <p class="alert" role="alert" data-testid=testid data-code=code>
                    {move || error_text(i18n.get_locale(), &err)}
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
