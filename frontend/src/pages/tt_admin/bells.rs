//! `/timetable/bells?school=`: bell schedules (расписание звонков). The admin creates, edits and
//! deletes them: name, default flag, the numbered lesson slots (checked with the domain's
//! `check_slots` before sending) and the classes that follow a schedule of their own (a second
//! shift); the principal reads.

use std::sync::Arc;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use otmetka_domain::structure::Class;
use otmetka_domain::timetable::BellSchedule;
use uuid::Uuid;

use crate::access::{Access, Area, SchoolOption};
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::forms::{Field, FieldErrors};
use crate::i18n::*;
use crate::load::{Res, Shared};
use crate::pages::{
    DataTable, FieldMessage, FormButtons, Gate, PageSchool, ProblemAlert, ReadOnlyNote, TextInput,
    build_table, dynv, lbl, loaded, ltext,
};
use crate::roster::sort_classes;
use crate::table::{Cell, Part, Row, Table};
use crate::tt_admin::{
    SlotDraft, check_bell_form, default_slots, next_slot, schedule_summary, schedules_count_text,
    slot_problem_text,
};
use crate::tt_admin_api as tt;

use super::{Tab, TtTabs};

#[component]
pub fn BellsPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Timetable
            render=|school, access| school.map(|school| view! { <Bells school=school access=access /> })
        />
    }
}

/// What the editor is doing.
#[derive(Debug, Clone, PartialEq)]
enum Editing {
    Closed,
    New,
    Edit(BellSchedule),
}

#[component]
fn Bells(school: SchoolOption, access: Access) -> impl IntoView {
    let auth = use_auth();
    let school_id = school.id;
    let manage = access == Access::Manage;
    let schedules = Res::new(move || tt::bell_schedules(auth, school_id));
    let classes = Res::new(move || api::classes(auth, school_id));
    let body = move |list: Vec<BellSchedule>| {
        let classes = match classes.get() {
            Some(Ok(mut c)) => {
                sort_classes(&mut c);
                c
            }
            _ => Vec::new(),
        };
        view! { <ScheduleList school_id=school_id list=list classes=classes manage=manage on_change=move || schedules.refetch() /> }
    };
    view! {
        <section class="page" data-testid="tt-bells-page" data-access=if manage { "manage" } else { "read" }>
            <TtTabs current=Tab::Bells school_id=school_id />
            <h1>{tr!(tt_admin.bells_title)}</h1>
            <PageSchool school=Some(school) />
            {(!manage).then(|| view! { <ReadOnlyNote /> })}
            <p class="hint">{tr!(tt_admin.bells_intro)}</p>
            {loaded(schedules, "tt-bells-load-error", body)}
        </section>
    }
}

#[component]
fn ScheduleList(
    school_id: Uuid,
    list: Vec<BellSchedule>,
    classes: Vec<Class>,
    manage: bool,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let editing = RwSignal::new(Editing::Closed);
    let deleting = RwSignal::new(None::<BellSchedule>);
    let error = RwSignal::new(None::<ApiError>);
    let count = list.len() as u64;
    let empty = list.is_empty();
    let first = empty;
    let list = Arc::new(list);
    let classes = Arc::new(classes);
    let picked = list.clone();
    let names = classes.clone();
    let build = build_table(move |l| {
        let mut head: Vec<String> = vec![
            td_string!(l, tt_admin.name).into(),
            td_string!(l, tt_admin.lessons).into(),
            td_string!(l, tt_admin.classes).into(),
        ];
        if manage {
            head.push(String::new());
        }
        let rows = list.with_value(|list| {
            list.iter()
                .enumerate()
                .map(|(i, s)| {
                    let mut name = Cell::new(td_string!(l, tt_admin.name))
                        .testid("tt-bell-row-name")
                        .text(s.name.clone());
                    if s.is_default {
                        name = name.text(" ").part(Part::Badge {
                            class: "badge",
                            text: td_string!(l, tt_admin.default_badge).into(),
                        });
                    }
                    let class_names: Vec<String> = names.with_value(|cs| {
                        cs.iter()
                            .filter(|c| s.class_ids.contains(&c.id))
                            .map(|c| c.name.clone())
                            .collect()
                    });
                    let classes_cell = Cell::new(td_string!(l, tt_admin.classes));
                    let classes_cell = if !class_names.is_empty() {
                        classes_cell.text(class_names.join(", "))
                    } else if s.is_default {
                        classes_cell.muted(td_string!(l, tt_admin.other_classes))
                    } else {
                        classes_cell.muted("—")
                    };
                    let mut row = Row::new("tt-bell-row")
                        .attr("data-schedule-id", s.id.to_string())
                        .attr("data-default", s.is_default.to_string())
                        .cell(name)
                        .cell(
                            Cell::new(td_string!(l, tt_admin.lessons))
                                .testid("tt-bell-summary")
                                .text(schedule_summary(l, s)),
                        )
                        .cell(classes_cell);
                    if manage {
                        row = row.cell(
                            Cell::new("")
                                .part(Part::Button {
                                    action: "edit",
                                    index: i,
                                    testid: "tt-bell-edit",
                                    text: td_string!(l, edit).into(),
                                    danger: false,
                                })
                                .part(Part::Button {
                                    action: "delete",
                                    index: i,
                                    testid: "tt-bell-delete",
                                    text: td_string!(l, delete).into(),
                                    danger: false,
                                }),
                        );
                    }
                    row
                })
                .collect()
        });
        Table {
            testid: "tt-bells-table",
            head,
            rows,
        }
    });
    let on_action = Callback::new(move |(action, i): (String, usize)| {
        let Some(s) = picked.with_value(|list| list.get(i).cloned()) else {
            return;
        };
        error.set(None);
        if action == "edit" {
            deleting.set(None);
            editing.set(Editing::Edit(s));
        } else {
            editing.set(Editing::Closed);
            deleting.set(Some(s));
        }
    });
    let delete = move |id: Uuid| {
        error.set(None);
        spawn_local(async move {
            match tt::delete_bell_schedule(auth, school_id, id).await {
                Ok(()) => on_change(),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let editor = move || {
        let schedule = match editing.get() {
            Editing::Closed => return None,
            Editing::New => None,
            Editing::Edit(s) => Some(s),
        };
        Some(view! {
            <BellForm
                school_id=school_id
                schedule=schedule
                first=first
                classes=classes.clone()
                on_done=move |saved| {
                    editing.set(Editing::Closed);
                    if saved {
                        on_change();
                    }
                }
            />
        })
    };
    view! {
        <p class="count" data-testid="tt-bells-count" data-count=count>
            {ltext(move |l| schedules_count_text(l, count))}
        </p>
        {dynv(move || match deleting.get() {
            Some(s) => view! {
                <div class="confirm note" role="group" data-testid="tt-bell-delete-ask">
                    <p>{ltext(move |l| td_string!(l, tt_admin.bell_delete_confirm, name = s.name.clone()))}</p>
                    <div class="actions">
                        <button type="button" class="button button-danger" data-testid="tt-bell-delete-confirm" on:click=move |_| { deleting.set(None); delete(s.id); }>
                            {tr!(delete_yes)}
                        </button>
                        <button type="button" class="button button-quiet" data-testid="tt-bell-delete-cancel" on:click=move |_| deleting.set(None)>
                            {tr!(cancel)}
                        </button>
                    </div>
                </div>
            }
            .into_any(),
            None => ().into_any(),
        })}
        <ProblemAlert error=error testid="tt-bell-delete-error" />
        {if empty {
            view! { <p class="muted" data-testid="tt-no-bells">{tr!(tt_admin.no_bells)}</p> }.into_any()
        } else {
            view! { <DataTable table=build on_action=on_action /> }.into_any()
        }}
        {dynv(move || ((manage && editing.with(|e| *e == Editing::Closed)).then(|| view! {
            <button type="button" class="button" data-testid="tt-bell-new" on:click=move |_| { deleting.set(None); editing.set(Editing::New) }>
                {tr!(tt_admin.bell_new)}
            </button>
        })).into_any())}
        {dynv(move || editor().into_any())}
    }
}

/// One slot row's inputs.
#[derive(Debug, Clone, Copy)]
struct SlotRow {
    key: u32,
    number: RwSignal<String>,
    starts: RwSignal<String>,
    ends: RwSignal<String>,
}

impl SlotRow {
    fn new(key: u32, d: SlotDraft) -> SlotRow {
        SlotRow {
            key,
            number: RwSignal::new(d.number),
            starts: RwSignal::new(d.starts_at),
            ends: RwSignal::new(d.ends_at),
        }
    }

    fn draft(self) -> SlotDraft {
        SlotDraft {
            number: self.number.get_untracked(),
            starts_at: self.starts.get_untracked(),
            ends_at: self.ends.get_untracked(),
        }
    }
}

/// A new schedule (the usual bells, default when it is the first) or an existing one.
#[component]
fn BellForm(
    school_id: Uuid,
    schedule: Option<BellSchedule>,
    first: bool,
    classes: Arc<Vec<Class>>,
    on_done: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let id = schedule.as_ref().map(|s| s.id);
    let name = RwSignal::new(schedule.as_ref().map_or(String::new(), |s| s.name.clone()));
    let is_default = RwSignal::new(schedule.as_ref().map_or(first, |s| s.is_default));
    let drafts: Vec<SlotDraft> = match &schedule {
        Some(s) => s.slots.iter().map(SlotDraft::of).collect(),
        None => default_slots(),
    };
    let next_key = StoredValue::new(drafts.len() as u32);
    let rows = RwSignal::new(
        drafts
            .into_iter()
            .enumerate()
            .map(|(i, d)| SlotRow::new(i as u32, d))
            .collect::<Vec<_>>(),
    );
    let on_schedule: Vec<Uuid> = schedule
        .as_ref()
        .map(|s| s.class_ids.clone())
        .unwrap_or_default();
    let chosen = RwSignal::new(on_schedule);
    let fields = RwSignal::new(FieldErrors::new());
    let bad_slot = RwSignal::new(None::<(usize, crate::tt_admin::SlotProblem)>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);

    let add_row = move |_| {
        let drafts: Vec<SlotDraft> = rows.with_untracked(|r| r.iter().map(|r| r.draft()).collect());
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        rows.update(|r| r.push(SlotRow::new(key, next_slot(&drafts))));
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        let drafts: Vec<SlotDraft> = rows.with_untracked(|r| r.iter().map(|r| r.draft()).collect());
        let request = match check_bell_form(
            &name.get_untracked(),
            is_default.get_untracked(),
            &drafts,
            chosen.get_untracked(),
        ) {
            Ok(r) => {
                fields.set(Vec::new());
                bad_slot.set(None);
                r
            }
            Err(e) => {
                fields.set(e.fields);
                bad_slot.set(e.slot);
                return;
            }
        };
        busy.set(true);
        spawn_local(async move {
            let result = tt::save_bell_schedule(auth, school_id, id, &request).await;
            busy.set(false);
            match result {
                Ok(_) => on_done(true),
                Err(err) => error.set(Some(err)),
            }
        });
    };

    let slot_rows = move || {
        let list = rows.get();
        list.into_iter()
            .enumerate()
            .map(|(i, row)| {
                let key = row.key;
                let invalid = move || {
                    if bad_slot.get().is_some_and(|(b, _)| b == i) {
                        "true"
                    } else {
                        "false"
                    }
                };
                view! {
                    <div class="tt-slot" data-testid="tt-slot-row" data-row=i aria-invalid=invalid>
                        <label class="tt-slot-field tt-slot-number">
                            <span>{tr!(tt_admin.slot_number_label)}</span>
                            <input type="number" min="0" max="12" inputmode="numeric" data-testid="tt-slot-number" bind:value=row.number aria-invalid=invalid />
                        </label>
                        <label class="tt-slot-field">
                            <span>{tr!(tt_admin.slot_starts)}</span>
                            <input type="time" data-testid="tt-slot-starts" bind:value=row.starts aria-invalid=invalid />
                        </label>
                        <label class="tt-slot-field">
                            <span>{tr!(tt_admin.slot_ends)}</span>
                            <input type="time" data-testid="tt-slot-ends" bind:value=row.ends aria-invalid=invalid />
                        </label>
                        <button
                            type="button"
                            class="button button-quiet tt-slot-remove"
                            data-testid="tt-slot-remove"
                            aria-label=lbl(|l| td_string!(l, tt_admin.slot_remove))
                            on:click=move |_| rows.update(|r| r.retain(|x| x.key != key))
                        >
                            "×"
                        </button>
                    </div>
                }
            })
            .collect_view()
    };
    let slot_error = move || {
        bad_slot.get().map(|(i, p)| {
            view! {
                <p class="field-error" data-testid="tt-slot-error" data-row=i>
                    {ltext(move |l| td_string!(l, tt_admin.slot_row_problem, row = i + 1, problem = slot_problem_text(l, p)))}
                </p>
            }
        })
    };
    let class_checks = {
        let classes = classes.clone();
        move || {
            classes
                .iter()
                .map(|c| {
                    let cid = c.id;
                    let checked = move || chosen.with(|ids| ids.contains(&cid));
                    view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                data-testid="tt-bell-class"
                                data-class-id=cid.to_string()
                                prop:checked=checked
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|ids| {
                                        ids.retain(|x| *x != cid);
                                        if on {
                                            ids.push(cid);
                                        }
                                    });
                                }
                            />
                            {c.name.clone()}
                        </label>
                    }
                })
                .collect_view()
        }
    };
    let no_classes = classes.is_empty();
    view! {
        <form class="form" on:submit=on_submit novalidate=true data-testid="tt-bell-form">
            <h3 class="form-title">
                {if id.is_some() { tr!(tt_admin.bell_edit).into_any() } else { tr!(tt_admin.bell_new).into_any() }}
            </h3>
            <TextInput id="tt-bell-name" label=|l| td_string!(l, tt_admin.name) value=name errors=fields field=Field::TtName hint=|l| td_string!(l, tt_admin.bell_name_hint) />
            <label class="check">
                <input type="checkbox" data-testid="tt-bell-default" bind:checked=is_default />
                {tr!(tt_admin.bell_default)}
            </label>
            <fieldset class="fieldset">
                <legend>{tr!(tt_admin.slots)}</legend>
                <div class="tt-slots" data-testid="tt-slots">{dynv(move || slot_rows().into_any())}</div>
                {dynv(move || slot_error().into_any())}
                <FieldMessage errors=fields field=Field::TtSlots input_id="tt-slots" />
                <div class="actions">
                    <button type="button" class="button button-quiet" data-testid="tt-slot-add" on:click=add_row>
                        {tr!(tt_admin.slot_add)}
                    </button>
                </div>
            </fieldset>
            <fieldset class="fieldset">
                <legend>{tr!(tt_admin.bell_classes)}</legend>
                <p class="hint">{tr!(tt_admin.bell_classes_hint)}</p>
                {if no_classes {
                    view! { <p class="muted">{tr!(tt_admin.no_classes)}</p> }.into_any()
                } else {
                    view! { <div class="checks" data-testid="tt-bell-classes">{class_checks()}</div> }.into_any()
                }}
            </fieldset>
            <ProblemAlert error=error testid="tt-bell-error" />
            <FormButtons testid="tt-bell-save" label=|l| td_string!(l, save) busy=busy on_cancel=Callback::new(move |_| on_done(false)) />
        </form>
    }
}
