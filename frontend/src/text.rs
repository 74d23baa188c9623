//! Translated texts chosen at run time (by error code, role, form problem), for a given locale.
//!
//! Views call these inside closures that read the locale signal, so they re-render when the
//! language changes: `move || error_text(i18n.get_locale(), &err)`.

use otmetka_domain::import::RowOutcome;
use otmetka_domain::invite::InviteState;
use otmetka_domain::person::{PersonKind, Sex, StaffPosition};
use otmetka_domain::roster::{EndReason, StartReason};
use otmetka_domain::structure::PeriodKind;
use otmetka_domain::{ApiScope, ErrorCode, Role};

use crate::api::ApiError;
use crate::forms::FieldProblem;
use crate::i18n::{Locale, td_string};

/// The message for an API error, chosen by its stable code (never the server's English text).
pub fn error_text(locale: Locale, err: &ApiError) -> String {
    match err {
        ApiError::Network => td_string!(locale, errors.network).to_string(),
        ApiError::Unexpected { status } => td_string!(locale, errors.unexpected, status = *status),
        ApiError::Problem {
            problem,
            retry_after,
        } => match (problem.code, retry_after) {
            (ErrorCode::TooManyRequests, Some(seconds)) => {
                let seconds = *seconds;
                td_string!(locale, errors.too_many_requests_retry, count = seconds)
            }
            (code, _) => code_text(locale, code).to_string(),
        },
    }
}

/// The message for an error code.
pub fn code_text(locale: Locale, code: ErrorCode) -> &'static str {
    use ErrorCode::*;
    match code {
        ValidationFailed => td_string!(locale, errors.validation_failed),
        MalformedJson => td_string!(locale, errors.malformed_json),
        UnsupportedMediaType => td_string!(locale, errors.unsupported_media_type),
        PayloadTooLarge => td_string!(locale, errors.payload_too_large),
        BadRequest
        | InvalidPathParameter
        | InvalidQueryParameter
        | InvalidHeader
        | MethodNotAllowed => {
            td_string!(locale, errors.invalid_request)
        }
        NotFound => td_string!(locale, errors.not_found),
        AuthenticationRequired => td_string!(locale, errors.authentication_required),
        InvalidCredentials => td_string!(locale, errors.invalid_credentials),
        TokenInvalid | TokenExpired | SessionRevoked | RefreshTokenInvalid => {
            td_string!(locale, errors.session_ended)
        }
        RefreshTokenReused => td_string!(locale, errors.refresh_token_reused),
        AccountDisabled => td_string!(locale, errors.account_disabled),
        Forbidden => td_string!(locale, errors.forbidden),
        InsufficientScope => td_string!(locale, errors.insufficient_scope),
        SessionRequired => td_string!(locale, errors.session_required),
        TooManyRequests => td_string!(locale, errors.too_many_requests),
        LoginTaken => td_string!(locale, errors.login_taken),
        PasswordLength => td_string!(locale, errors.password_length),
        PasswordTooCommon => td_string!(locale, errors.password_too_common),
        CurrentPasswordWrong => td_string!(locale, errors.current_password_wrong),
        InviteUnknown => td_string!(locale, errors.invite_unknown),
        InviteUsed => td_string!(locale, errors.invite_used),
        InviteExpired => td_string!(locale, errors.invite_expired),
        InviteRevoked => td_string!(locale, errors.invite_revoked),
        PersonHasAccount => td_string!(locale, errors.person_has_account),
        Conflict => td_string!(locale, errors.conflict),
        ImportRejected => td_string!(locale, errors.import_rejected),
        VersionMismatch => td_string!(locale, errors.version_mismatch),
        TimetableConflict => td_string!(locale, errors.timetable_conflict),
        NotASchoolDay => td_string!(locale, errors.not_a_school_day),
        LessonCancelled => td_string!(locale, errors.lesson_cancelled),
        LessonHasData => td_string!(locale, errors.lesson_has_data),
        InUse => td_string!(locale, mark_settings.err_in_use),
        EditWindowClosed => td_string!(locale, mark_settings.err_edit_window_closed),
        FinalMarkDeadlinePassed => td_string!(locale, finals.err_deadline_passed),
        FinalMarkNotOpen => td_string!(locale, finals.err_not_open),
        PeriodClosed => td_string!(locale, finals.err_period_closed),
        DatabaseUnavailable => td_string!(locale, errors.database_unavailable),
        Internal => td_string!(locale, errors.internal),
    }
}

/// The message under an input.
pub fn field_problem_text(locale: Locale, problem: FieldProblem) -> String {
    use FieldProblem::*;
    match problem {
        Required => td_string!(locale, field_errors.required).to_string(),
        LoginLength => td_string!(locale, field_errors.login_length).to_string(),
        LoginChars => td_string!(locale, field_errors.login_chars).to_string(),
        LoginFormat => td_string!(locale, field_errors.login_format).to_string(),
        LoginTaken => td_string!(locale, field_errors.login_taken).to_string(),
        PasswordTooShort => td_string!(locale, field_errors.password_too_short).to_string(),
        PasswordTooLong => td_string!(locale, field_errors.password_too_long).to_string(),
        PasswordLength => td_string!(locale, field_errors.password_length).to_string(),
        PasswordTooCommon => td_string!(locale, field_errors.password_too_common).to_string(),
        PasswordMismatch => td_string!(locale, field_errors.password_mismatch).to_string(),
        EmailFormat => td_string!(locale, field_errors.email_format).to_string(),
        InviteFormat => td_string!(locale, field_errors.invite_format).to_string(),
        TooLong(max) => td_string!(locale, field_errors.too_long, count = max),
        NumberRange(min, max) => {
            td_string!(locale, field_errors.number_range, min = min, max = max)
        }
        ChooseScope => td_string!(locale, field_errors.choose_scope).to_string(),
        NotChosen => td_string!(locale, field_errors.not_chosen).to_string(),
        DateFormat => td_string!(locale, field_errors.date_format).to_string(),
        DateOrder => td_string!(locale, field_errors.date_order).to_string(),
        OutsideYear => td_string!(locale, field_errors.outside_year).to_string(),
        ThresholdRange => td_string!(locale, settings.threshold_range).to_string(),
        Invalid => td_string!(locale, field_errors.invalid).to_string(),
    }
}

/// A role's name (`role_*` keys).
pub fn role_text(locale: Locale, role: Role) -> &'static str {
    match role {
        Role::Admin => td_string!(locale, role_admin),
        Role::Principal => td_string!(locale, role_principal),
        Role::Teacher => td_string!(locale, role_teacher),
        Role::Student => td_string!(locale, role_student),
        Role::Parent => td_string!(locale, role_parent),
    }
}

/// "3 активных сеанса" with the plural form for the count.
pub fn sessions_count_text(locale: Locale, count: usize) -> String {
    td_string!(locale, sessions_count, count = count)
}

/// An API-token scope's name.
pub fn scope_text(locale: Locale, scope: ApiScope) -> &'static str {
    match scope {
        ApiScope::Read => td_string!(locale, tokens.scope_read),
        ApiScope::Write => td_string!(locale, tokens.scope_write),
        ApiScope::Import => td_string!(locale, tokens.scope_import),
    }
}

/// What a scope allows, in a few words.
pub fn scope_hint(locale: Locale, scope: ApiScope) -> &'static str {
    match scope {
        ApiScope::Read => td_string!(locale, tokens.scope_read_hint),
        ApiScope::Write => td_string!(locale, tokens.scope_write_hint),
        ApiScope::Import => td_string!(locale, tokens.scope_import_hint),
    }
}

/// An invite's state, for one invite ("Действует", "Использован").
pub fn invite_state_text(locale: Locale, state: InviteState) -> &'static str {
    match state {
        InviteState::Active => td_string!(locale, invites.state_active),
        InviteState::Used => td_string!(locale, invites.state_used),
        InviteState::Expired => td_string!(locale, invites.state_expired),
        InviteState::Revoked => td_string!(locale, invites.state_revoked),
    }
}

/// The state filter's option ("Действующие"); `None` is every state.
pub fn invite_filter_text(locale: Locale, state: Option<InviteState>) -> &'static str {
    match state {
        None => td_string!(locale, invites.filter_all),
        Some(InviteState::Active) => td_string!(locale, invites.filter_active),
        Some(InviteState::Used) => td_string!(locale, invites.filter_used),
        Some(InviteState::Expired) => td_string!(locale, invites.filter_expired),
        Some(InviteState::Revoked) => td_string!(locale, invites.filter_revoked),
    }
}

/// A count of things with the Russian plural form for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Tokens,
    Schools,
    Invites,
    Accounts,
    AuditRecords,
    Days,
    Classes,
    Students,
    Persons,
    Rows,
    Periods,
    Slips,
    Hours,
}

/// "3 токена", "21 школа", "5 записей".
pub fn count_text(locale: Locale, what: Counted, count: u64) -> String {
    match what {
        Counted::Tokens => td_string!(locale, tokens.count, count = count),
        Counted::Schools => td_string!(locale, schools.count, count = count),
        Counted::Invites => td_string!(locale, invites.count, count = count),
        Counted::Accounts => td_string!(locale, accounts.count, count = count),
        Counted::AuditRecords => td_string!(locale, audit.count, count = count),
        Counted::Days => td_string!(locale, days, count = count),
        Counted::Classes => td_string!(locale, counts.classes, count = count),
        Counted::Students => td_string!(locale, counts.students, count = count),
        Counted::Persons => td_string!(locale, counts.persons, count = count),
        Counted::Rows => td_string!(locale, counts.rows, count = count),
        Counted::Periods => td_string!(locale, counts.periods, count = count),
        Counted::Slips => td_string!(locale, counts.slips, count = count),
        Counted::Hours => td_string!(locale, counts.hours, count = count),
    }
}

/// A period kind: "Четверть", "Полугодие".
pub fn period_kind_text(locale: Locale, kind: PeriodKind) -> &'static str {
    match kind {
        PeriodKind::Quarter => td_string!(locale, kinds.quarter),
        PeriodKind::Trimester => td_string!(locale, kinds.trimester),
        PeriodKind::HalfYear => td_string!(locale, kinds.half_year),
        PeriodKind::Year => td_string!(locale, kinds.year),
    }
}

/// What a person is to the school: "Ученик", "Сотрудник", "Родитель".
pub fn person_kind_text(locale: Locale, kind: PersonKind) -> &'static str {
    match kind {
        PersonKind::Student => td_string!(locale, kinds.student),
        PersonKind::Staff => td_string!(locale, kinds.staff),
        PersonKind::Parent => td_string!(locale, kinds.parent),
    }
}

/// The people filter's option; `None` is everyone.
pub fn person_filter_text(locale: Locale, kind: Option<PersonKind>) -> &'static str {
    match kind {
        None => td_string!(locale, kinds.everyone),
        Some(PersonKind::Student) => td_string!(locale, kinds.students),
        Some(PersonKind::Staff) => td_string!(locale, kinds.staff_plural),
        Some(PersonKind::Parent) => td_string!(locale, kinds.parents),
    }
}

pub fn sex_text(locale: Locale, sex: Sex) -> &'static str {
    match sex {
        Sex::M => td_string!(locale, kinds.male),
        Sex::F => td_string!(locale, kinds.female),
    }
}

pub fn position_text(locale: Locale, position: StaffPosition) -> &'static str {
    match position {
        StaffPosition::Admin => td_string!(locale, role_admin),
        StaffPosition::Principal => td_string!(locale, role_principal),
        StaffPosition::Teacher => td_string!(locale, role_teacher),
    }
}

/// Why an enrollment started: "Прибытие", "Перевод".
pub fn start_reason_text(locale: Locale, reason: StartReason) -> &'static str {
    match reason {
        StartReason::Arrival => td_string!(locale, kinds.arrival),
        StartReason::Transfer => td_string!(locale, kinds.transfer_in),
    }
}

/// Why an enrollment ended: "Перевод", "Выбытие".
pub fn end_reason_text(locale: Locale, reason: EndReason) -> &'static str {
    match reason {
        EndReason::Transfer => td_string!(locale, kinds.transfer_out),
        EndReason::Withdrawal => td_string!(locale, kinds.withdrawal),
    }
}

/// An import row's outcome: "Создана", "Ошибка".
pub fn outcome_text(locale: Locale, outcome: RowOutcome) -> &'static str {
    match outcome {
        RowOutcome::Created => td_string!(locale, import.created),
        RowOutcome::Updated => td_string!(locale, import.updated),
        RowOutcome::Unchanged => td_string!(locale, import.unchanged),
        RowOutcome::Error => td_string!(locale, import.error),
    }
}

/// What an import kind holds: "Учебные периоды", "Ученики".
pub fn import_kind_text(locale: Locale, kind: crate::import::ImportKind) -> &'static str {
    use crate::import::ImportKind::*;
    match kind {
        Periods => td_string!(locale, import.kind_periods),
        Subjects => td_string!(locale, import.kind_subjects),
        Staff => td_string!(locale, import.kind_staff),
        Classes => td_string!(locale, import.kind_classes),
        Students => td_string!(locale, import.kind_students),
        Parents => td_string!(locale, import.kind_parents),
        Courses => td_string!(locale, import.kind_courses),
        BellSchedule => td_string!(locale, import.kind_bell_schedule),
        Holidays => td_string!(locale, import.kind_holidays),
        Timetable => td_string!(locale, import.kind_timetable),
    }
}

/// Audit actions a school's log may hold, in the order the filter offers them.
pub const SCHOOL_AUDIT_ACTIONS: [&str; 13] = [
    "invite_created",
    "invite_revoked",
    "invite_used",
    "registered",
    "person_created",
    "roles_changed",
    "account_disabled",
    "account_enabled",
    "sessions_revoked",
    "login_succeeded",
    "login_failed",
    "login_refused_disabled",
    "school_created",
];

/// An audit action in words; `None` for an action this version of the SPA does not know (shown
/// as its code).
pub fn audit_action_text(locale: Locale, action: &str) -> Option<&'static str> {
    Some(match action {
        "login_succeeded" => td_string!(locale, audit.actions.login_succeeded),
        "login_failed" => td_string!(locale, audit.actions.login_failed),
        "login_refused_disabled" => td_string!(locale, audit.actions.login_refused_disabled),
        "refresh_token_reused" => td_string!(locale, audit.actions.refresh_token_reused),
        "registered" => td_string!(locale, audit.actions.registered),
        "invite_created" => td_string!(locale, audit.actions.invite_created),
        "invite_used" => td_string!(locale, audit.actions.invite_used),
        "invite_revoked" => td_string!(locale, audit.actions.invite_revoked),
        "person_created" => td_string!(locale, audit.actions.person_created),
        "roles_changed" => td_string!(locale, audit.actions.roles_changed),
        "account_disabled" => td_string!(locale, audit.actions.account_disabled),
        "account_enabled" => td_string!(locale, audit.actions.account_enabled),
        "session_revoked" => td_string!(locale, audit.actions.session_revoked),
        "sessions_revoked" => td_string!(locale, audit.actions.sessions_revoked),
        "password_changed" => td_string!(locale, audit.actions.password_changed),
        "api_token_created" => td_string!(locale, audit.actions.api_token_created),
        "api_token_revoked" => td_string!(locale, audit.actions.api_token_revoked),
        "school_created" => td_string!(locale, audit.actions.school_created),
        "superadmin_created" => td_string!(locale, audit.actions.superadmin_created),
        "settings_changed" => td_string!(locale, audit.actions.settings_changed),
        "student_arrived" => td_string!(locale, audit.actions.student_arrived),
        "student_transferred" => td_string!(locale, audit.actions.student_transferred),
        "student_withdrawn" => td_string!(locale, audit.actions.student_withdrawn),
        "enrollment_corrected" => td_string!(locale, audit.actions.enrollment_corrected),
        "guardian_linked" => td_string!(locale, audit.actions.guardian_linked),
        "guardian_unlinked" => td_string!(locale, audit.actions.guardian_unlinked),
        "invite_sheet_issued" => td_string!(locale, audit.actions.invite_sheet_issued),
        "person_changed" => td_string!(locale, audit.actions.person_changed),
        "import_committed" => td_string!(locale, audit.actions.import_committed),
        "academic_year_created" => td_string!(locale, audit.actions.academic_year_created),
        "academic_year_changed" => td_string!(locale, audit.actions.academic_year_changed),
        "period_created" => td_string!(locale, audit.actions.period_created),
        "period_changed" => td_string!(locale, audit.actions.period_changed),
        "period_deleted" => td_string!(locale, audit.actions.period_deleted),
        _ => return None,
    })
}

/// An audit action in words, or its code when unknown.
pub fn audit_action_label(locale: Locale, action: &str) -> String {
    audit_action_text(locale, action)
        .map(str::to_string)
        .unwrap_or_else(|| action.to_string())
}

/// The kind of object an audit record is about, in words (`None` when unknown).
pub fn audit_object_text(locale: Locale, object_type: &str) -> Option<&'static str> {
    Some(match object_type {
        "account" => td_string!(locale, audit.objects.account),
        "invite" => td_string!(locale, audit.objects.invite),
        "person" => td_string!(locale, audit.objects.person),
        "school" => td_string!(locale, audit.objects.school),
        "session" => td_string!(locale, audit.objects.session),
        "api_token" => td_string!(locale, audit.objects.api_token),
        "class" => td_string!(locale, audit.objects.class),
        "enrollment" => td_string!(locale, audit.objects.enrollment),
        "period" => td_string!(locale, audit.objects.period),
        "academic_year" => td_string!(locale, audit.objects.academic_year),
        _ => return None,
    })
}

/// The message for a refused account change. The API's `conflict` here means the admin tried to
/// drop their own admin role or disable themself, and `forbidden` on a disable means the account
/// also works in another school; both get a text that says so.
pub fn account_update_error_text(locale: Locale, err: &ApiError, disabling: bool) -> String {
    match err.code() {
        Some(ErrorCode::Conflict) => td_string!(locale, accounts.conflict_self).to_string(),
        Some(ErrorCode::Forbidden) if disabling => {
            td_string!(locale, accounts.other_school).to_string()
        }
        _ => error_text(locale, err),
    }
}

/// The message for a refused save of a form: a 409 there means the data collides with what is
/// stored (an overlapping year, a taken name), which the server's details under it explain.
pub fn save_error_text(locale: Locale, err: &ApiError) -> String {
    match err.code() {
        Some(ErrorCode::Conflict) => td_string!(locale, errors.conflict_save).to_string(),
        _ => error_text(locale, err),
    }
}

/// The message for a refused invite revocation: `conflict` means the code was used meanwhile.
pub fn invite_revoke_error_text(locale: Locale, err: &ApiError) -> String {
    match err.code() {
        Some(ErrorCode::Conflict) => td_string!(locale, invites.revoke_conflict).to_string(),
        _ => error_text(locale, err),
    }
}

/// Time zones offered for a new school: Russia's, west to east (any IANA zone is accepted by the
/// API; these cover Russian schools).
pub const SCHOOL_TIME_ZONES: [&str; 11] = [
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
];

/// A time zone as offered: "Москва (UTC+3)"; `None` for zones outside the list.
pub fn time_zone_text(locale: Locale, zone: &str) -> Option<&'static str> {
    Some(match zone {
        "Europe/Kaliningrad" => td_string!(locale, time_zones.kaliningrad),
        "Europe/Moscow" => td_string!(locale, time_zones.moscow),
        "Europe/Samara" => td_string!(locale, time_zones.samara),
        "Asia/Yekaterinburg" => td_string!(locale, time_zones.yekaterinburg),
        "Asia/Omsk" => td_string!(locale, time_zones.omsk),
        "Asia/Krasnoyarsk" => td_string!(locale, time_zones.krasnoyarsk),
        "Asia/Irkutsk" => td_string!(locale, time_zones.irkutsk),
        "Asia/Yakutsk" => td_string!(locale, time_zones.yakutsk),
        "Asia/Vladivostok" => td_string!(locale, time_zones.vladivostok),
        "Asia/Magadan" => td_string!(locale, time_zones.magadan),
        "Asia/Kamchatka" => td_string!(locale, time_zones.kamchatka),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn too_many(retry_after: Option<u64>) -> ApiError {
        ApiError::from_code(ErrorCode::TooManyRequests, 429).with_retry_after(retry_after)
    }

    #[test]
    fn session_count_uses_russian_plural_forms() {
        let forms: Vec<String> = [1, 2, 3, 5, 11, 21, 22, 25, 101, 111]
            .into_iter()
            .map(|n| sessions_count_text(Locale::ru, n))
            .collect();
        assert_eq!(
            forms,
            [
                "1 активный сеанс",
                "2 активных сеанса",
                "3 активных сеанса",
                "5 активных сеансов",
                "11 активных сеансов",
                "21 активный сеанс",
                "22 активных сеанса",
                "25 активных сеансов",
                "101 активный сеанс",
                "111 активных сеансов",
            ]
        );
        assert_eq!(sessions_count_text(Locale::en, 1), "1 active session");
        assert_eq!(sessions_count_text(Locale::en, 3), "3 active sessions");
    }

    #[test]
    fn rate_limit_message_tells_the_seconds_in_the_right_form() {
        assert_eq!(
            error_text(Locale::ru, &too_many(Some(1))),
            "Слишком много попыток. Повторите через 1 секунду."
        );
        assert_eq!(
            error_text(Locale::ru, &too_many(Some(3))),
            "Слишком много попыток. Повторите через 3 секунды."
        );
        assert_eq!(
            error_text(Locale::ru, &too_many(Some(60))),
            "Слишком много попыток. Повторите через 60 секунд."
        );
        assert_eq!(
            error_text(Locale::ru, &too_many(None)),
            "Слишком много попыток. Попробуйте позже."
        );
        assert_eq!(
            error_text(Locale::en, &too_many(Some(1))),
            "Too many attempts. Try again in 1 second."
        );
    }

    #[test]
    fn errors_are_translated_by_code_not_by_server_text() {
        let mut err = ApiError::from_code(ErrorCode::InvalidCredentials, 401);
        if let ApiError::Problem { problem, .. } = &mut err {
            problem.title = "Invalid credentials".into();
            problem.detail = Some("login or password is wrong".into());
        }
        assert_eq!(error_text(Locale::ru, &err), "Неверный логин или пароль.");
        assert_eq!(error_text(Locale::en, &err), "Wrong login or password.");
        assert_eq!(
            error_text(Locale::ru, &ApiError::Unexpected { status: 502 }),
            "Неожиданный ответ сервера (код 502). Попробуйте позже."
        );
    }

    #[test]
    fn every_code_and_role_has_a_text_in_both_languages() {
        use ErrorCode::*;
        let codes = [
            ValidationFailed,
            BadRequest,
            MalformedJson,
            UnsupportedMediaType,
            PayloadTooLarge,
            InvalidPathParameter,
            InvalidQueryParameter,
            InvalidHeader,
            NotFound,
            MethodNotAllowed,
            AuthenticationRequired,
            InvalidCredentials,
            TokenInvalid,
            TokenExpired,
            SessionRevoked,
            RefreshTokenInvalid,
            RefreshTokenReused,
            AccountDisabled,
            Forbidden,
            InsufficientScope,
            SessionRequired,
            TooManyRequests,
            LoginTaken,
            PasswordLength,
            PasswordTooCommon,
            CurrentPasswordWrong,
            InviteUnknown,
            InviteUsed,
            InviteExpired,
            InviteRevoked,
            PersonHasAccount,
            Conflict,
            ImportRejected,
            VersionMismatch,
            TimetableConflict,
            NotASchoolDay,
            LessonCancelled,
            LessonHasData,
            DatabaseUnavailable,
            Internal,
        ];
        for locale in [Locale::ru, Locale::en] {
            for code in codes {
                assert!(!code_text(locale, code).is_empty(), "{code} in {locale:?}");
            }
            for role in Role::ALL {
                assert!(!role_text(locale, role).is_empty());
            }
        }
        assert_eq!(role_text(Locale::ru, Role::Teacher), "Учитель");
    }

    #[test]
    fn counts_of_new_pages_use_russian_plural_forms() {
        let forms = |what| -> Vec<String> {
            [1, 2, 5, 11, 21, 22]
                .into_iter()
                .map(|n| count_text(Locale::ru, what, n))
                .collect()
        };
        assert_eq!(
            forms(Counted::Invites),
            [
                "1 приглашение",
                "2 приглашения",
                "5 приглашений",
                "11 приглашений",
                "21 приглашение",
                "22 приглашения"
            ]
        );
        assert_eq!(
            forms(Counted::Accounts),
            [
                "1 учётная запись",
                "2 учётные записи",
                "5 учётных записей",
                "11 учётных записей",
                "21 учётная запись",
                "22 учётные записи"
            ]
        );
        assert_eq!(
            forms(Counted::AuditRecords),
            [
                "1 запись",
                "2 записи",
                "5 записей",
                "11 записей",
                "21 запись",
                "22 записи"
            ]
        );
        assert_eq!(
            forms(Counted::Tokens),
            [
                "1 токен",
                "2 токена",
                "5 токенов",
                "11 токенов",
                "21 токен",
                "22 токена"
            ]
        );
        assert_eq!(
            forms(Counted::Schools),
            [
                "1 школа",
                "2 школы",
                "5 школ",
                "11 школ",
                "21 школа",
                "22 школы"
            ]
        );
        assert_eq!(
            forms(Counted::Days),
            ["1 день", "2 дня", "5 дней", "11 дней", "21 день", "22 дня"]
        );
        assert_eq!(count_text(Locale::en, Counted::Invites, 1), "1 invite");
        assert_eq!(
            count_text(Locale::en, Counted::AuditRecords, 2),
            "2 records"
        );
    }

    #[test]
    fn limits_in_field_messages_use_plural_forms() {
        assert_eq!(
            field_problem_text(Locale::ru, FieldProblem::TooLong(100)),
            "Не больше 100 знаков."
        );
        assert_eq!(
            field_problem_text(Locale::ru, FieldProblem::TooLong(1)),
            "Не больше 1 знака."
        );
        assert_eq!(
            field_problem_text(Locale::ru, FieldProblem::NumberRange(1, 365)),
            "Укажите целое число от 1 до 365."
        );
        assert_eq!(
            field_problem_text(Locale::en, FieldProblem::TooLong(300)),
            "At most 300 characters."
        );
    }

    #[test]
    fn audit_actions_are_translated_where_known_and_shown_as_codes_otherwise() {
        assert_eq!(
            audit_action_label(Locale::ru, "invite_created"),
            "Выдан пригласительный код"
        );
        assert_eq!(
            audit_action_label(Locale::en, "roles_changed"),
            "Roles changed"
        );
        assert_eq!(
            audit_action_label(Locale::ru, "marks_imported"),
            "marks_imported"
        );
        for locale in [Locale::ru, Locale::en] {
            for action in SCHOOL_AUDIT_ACTIONS {
                assert!(audit_action_text(locale, action).is_some(), "{action}");
            }
            for zone in SCHOOL_TIME_ZONES {
                assert!(time_zone_text(locale, zone).is_some(), "{zone}");
            }
            for state in [
                InviteState::Active,
                InviteState::Used,
                InviteState::Expired,
                InviteState::Revoked,
            ] {
                assert!(!invite_state_text(locale, state).is_empty());
                assert!(!invite_filter_text(locale, Some(state)).is_empty());
            }
            for scope in ApiScope::ALL {
                assert!(!scope_text(locale, scope).is_empty());
                assert!(!scope_hint(locale, scope).is_empty());
            }
        }
        assert_eq!(audit_object_text(Locale::ru, "invite"), Some("Приглашение"));
        assert_eq!(audit_object_text(Locale::ru, "lesson"), None);
    }

    #[test]
    fn refused_account_changes_say_why() {
        let conflict = ApiError::from_code(ErrorCode::Conflict, 409);
        assert_eq!(
            account_update_error_text(Locale::ru, &conflict, false),
            "Нельзя снять с себя роль администратора или отключить собственную учётную запись. Попросите об этом другого администратора."
        );
        let forbidden = ApiError::from_code(ErrorCode::Forbidden, 403);
        assert!(account_update_error_text(Locale::ru, &forbidden, true).contains("другой школе"));
        assert_eq!(
            account_update_error_text(Locale::ru, &forbidden, false),
            "Недостаточно прав для этого действия."
        );
        assert!(invite_revoke_error_text(Locale::ru, &conflict).contains("уже зарегистрировались"));
        assert_eq!(
            save_error_text(Locale::ru, &conflict),
            "Не сохранено: изменение противоречит уже сохранённым данным."
        );
        assert_eq!(
            save_error_text(Locale::ru, &forbidden),
            "Недостаточно прав для этого действия."
        );
    }
}
