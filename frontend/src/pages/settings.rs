//! `/settings?school=`: the school's name, time zone, the period kind of final marks, the edit
//! window for marks, and the final marks' rounding threshold and window (K days before a
//! period's end to N days after it), and M and D of the weekly journal-keeping control. The
//! admin changes them; the principal reads.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use otmetka_domain::structure::{PeriodKind, SchoolSettings};
use uuid::Uuid;

use crate::access::{Access, Area, SchoolOption};
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::forms::{Field, FieldErrors};
use crate::i18n::*;
use crate::load::Res;
use crate::pages::{
    FormButtons, Gate, PageSchool, ProblemAlert, ReadOnlyNote, SelectInput, TextInput, dynv,
    loaded, ltext,
};
use crate::roster::{FINAL_KINDS, FinalsSettingsForm, check_settings};
use crate::school_ctx::use_school_ctx;
use crate::text::{SCHOOL_TIME_ZONES, period_kind_text, time_zone_text};

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Settings
            render=|school, access| school.map(|school| view! { <Settings school=school access=access /> })
        />
    }
}

#[component]
fn Settings(school: SchoolOption, access: Access) -> impl IntoView {
    let auth = use_auth();
    let school_id = school.id;
    let manage = access == Access::Manage;
    let settings = Res::new(move || api::settings(auth, school_id));
    view! {
        <section class="page" data-testid="settings-page" data-access=if manage { "manage" } else { "read" }>
            <h1>{tr!(settings.title)}</h1>
            <PageSchool school=Some(school) />
            {(!manage).then(|| view! { <ReadOnlyNote /> })}
            {loaded(settings, "settings-load-error", move |s| view! { <SettingsForm school_id=school_id settings=s manage=manage /> })}
        </section>
    }
}

#[component]
fn SettingsForm(school_id: Uuid, settings: SchoolSettings, manage: bool) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let ctx = use_school_ctx();
    let name = RwSignal::new(settings.name.clone());
    let zone = RwSignal::new(settings.time_zone.clone());
    let kind = RwSignal::new(settings.final_period_kind.as_str().to_string());
    let edit_window = RwSignal::new(
        settings
            .edit_window_days
            .map_or(String::new(), |d| d.to_string()),
    );
    let stored = FinalsSettingsForm::from_settings(&settings);
    let threshold = RwSignal::new(stored.threshold);
    let open_days = RwSignal::new(stored.open_days);
    let close_days = RwSignal::new(stored.close_days);
    let min_marks = RwSignal::new(stored.min_marks);
    let late_days = RwSignal::new(stored.late_days);
    let fields = RwSignal::new(FieldErrors::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(false);
    // A zone outside the offered list (set through the API) stays choosable.
    let stored_zone = settings.time_zone.clone();
    let extra_zone = (!SCHOOL_TIME_ZONES.contains(&stored_zone.as_str())).then_some(stored_zone);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() || !manage {
            return;
        }
        error.set(None);
        saved.set(false);
        let kind = PeriodKind::parse(&kind.get_untracked());
        let finals = FinalsSettingsForm {
            threshold: threshold.get_untracked(),
            open_days: open_days.get_untracked(),
            close_days: close_days.get_untracked(),
            min_marks: min_marks.get_untracked(),
            late_days: late_days.get_untracked(),
        };
        let request = match check_settings(
            &name.get_untracked(),
            &zone.get_untracked(),
            kind,
            &edit_window.get_untracked(),
            &finals,
        ) {
            Ok(r) => {
                fields.set(Vec::new());
                r
            }
            Err(p) => return fields.set(p),
        };
        busy.set(true);
        spawn_local(async move {
            let result = api::save_settings(auth, school_id, &request).await;
            busy.set(false);
            match result {
                Ok(s) => {
                    let f = FinalsSettingsForm::from_settings(&s);
                    name.set(s.name);
                    edit_window.set(s.edit_window_days.map_or(String::new(), |d| d.to_string()));
                    threshold.set(f.threshold);
                    open_days.set(f.open_days);
                    close_days.set(f.close_days);
                    min_marks.set(f.min_marks);
                    late_days.set(f.late_days);
                    saved.set(true);
                    // The switcher and the page headings show the new name.
                    ctx.reload(auth);
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };

    let zones = move || {
        let locale = i18n.get_locale();
        SCHOOL_TIME_ZONES
            .iter()
            .map(|z| z.to_string())
            .chain(extra_zone.clone())
            .map(|z| {
                let text = time_zone_text(locale, &z)
                    .map(str::to_string)
                    .unwrap_or_else(|| z.clone());
                let selected = zone.get_untracked() == z;
                view! { <option value=z selected=selected>{text}</option> }
            })
            .collect_view()
    };

    view! {
        <form class="form" on:submit=on_submit novalidate=true data-testid="settings-form">
            <fieldset class="plain" disabled=!manage>
                <TextInput id="settings-name" label=|l| td_string!(l, schools.name) value=name errors=fields field=Field::SchoolName />
                <div class="field">
                    <label for="settings-tz">{tr!(schools.time_zone)}</label>
                    <select id="settings-tz" data-testid="settings-tz" on:change=move |ev| zone.set(event_target_value(&ev))>
                        {zones}
                    </select>
                    <p class="hint">{tr!(settings.tz_hint)}</p>
                </div>
                <SelectInput id="settings-final-kind" label=|l| td_string!(l, settings.final_kind) value=kind errors=fields field=Field::PeriodKind>
                    {dynv(move || (FINAL_KINDS.into_iter().map(|k| {
                        view! { <option value=k.as_str() selected=move || kind.get() == k.as_str()>{ltext(move |l| period_kind_text(l, k).to_string())}</option> }
                    }).collect_view()).into_any())}
                </SelectInput>
                <p class="hint">{tr!(settings.final_kind_hint)}</p>
                <TextInput
                    id="edit-window-days"
                    label=|l| td_string!(l, mark_settings.edit_window)
                    value=edit_window
                    errors=fields
                    field=Field::EditWindowDays
                    kind="number"
                    hint=|l| td_string!(l, mark_settings.edit_window_hint)
                />
                <h2 class="form-title" data-testid="settings-finals-title">{tr!(settings.finals_title)}</h2>
                <TextInput
                    id="settings-rounding-threshold"
                    label=|l| td_string!(l, settings.rounding_threshold)
                    value=threshold
                    errors=fields
                    field=Field::RoundingThreshold
                    hint=|l| td_string!(l, settings.rounding_threshold_hint)
                />
                <TextInput
                    id="settings-final-open-days"
                    label=|l| td_string!(l, settings.final_marks_open_days)
                    value=open_days
                    errors=fields
                    field=Field::FinalMarksOpenDays
                    kind="number"
                    hint=|l| td_string!(l, settings.final_marks_open_days_hint)
                />
                <TextInput
                    id="settings-final-close-days"
                    label=|l| td_string!(l, settings.final_marks_close_days)
                    value=close_days
                    errors=fields
                    field=Field::FinalMarksCloseDays
                    kind="number"
                    hint=|l| td_string!(l, settings.final_marks_close_days_hint)
                />
                <h2 class="form-title" data-testid="settings-control-title">{tr!(settings.control_title)}</h2>
                <TextInput
                    id="settings-control-min-marks"
                    label=|l| td_string!(l, settings.control_min_marks)
                    value=min_marks
                    errors=fields
                    field=Field::ControlMinMarks
                    kind="number"
                    hint=|l| td_string!(l, settings.control_min_marks_hint)
                />
                <TextInput
                    id="settings-control-late-days"
                    label=|l| td_string!(l, settings.control_late_days)
                    value=late_days
                    errors=fields
                    field=Field::ControlLateDays
                    kind="number"
                    hint=|l| td_string!(l, settings.control_late_days_hint)
                />
            </fieldset>
            <ProblemAlert error=error testid="settings-error" />
            {dynv(move || (saved.get().then(|| view! { <p class="success" role="status" data-testid="settings-saved">{tr!(accounts.saved)}</p> })).into_any())}
            {manage.then(|| view! { <FormButtons testid="settings-save" label=|l| td_string!(l, save) busy=busy /> })}
        </form>
    }
}
