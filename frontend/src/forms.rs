//! Form checks done before sending, and where a server error belongs on a form.
//!
//! The rules themselves come from `otmetka_domain::rules`, the same functions the server runs, so
//! the SPA refuses exactly what the server would refuse (except the common-password list, which
//! only the server has).

use std::ops::RangeInclusive;

use otmetka_domain::auth::CreateApiTokenRequest;
use otmetka_domain::invite::CreateInviteRequest;
use otmetka_domain::person::PersonInput;
use otmetka_domain::rules::{
    self, LOGIN_MAX_CHARS, LOGIN_MIN_CHARS, PasswordLengthError, check_login, check_password_length,
};
use otmetka_domain::school::CreateSchoolRequest;
use otmetka_domain::{ApiScope, ErrorCode, FieldError, Role};

use crate::api::ApiError;

/// An input of the login or registration form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    InviteCode,
    Login,
    Password,
    /// The repeated password.
    Password2,
    Email,
    /// What an API token is for.
    TokenName,
    /// The API token's scopes (a group of checkboxes).
    TokenScopes,
    /// Days until an API token or invite expires.
    ExpiresDays,
    /// A new school's full name.
    SchoolName,
    TimeZone,
    /// Фамилия of a new person.
    LastName,
    /// Имя.
    FirstName,
    /// Отчество.
    MiddleName,
    /// The role an invite gives.
    InviteRole,
    /// An academic year's name (`2026/2027`).
    YearName,
    /// The first day (of a year, period, enrollment).
    StartsOn,
    /// The last day.
    EndsOn,
    /// A period's kind, or the final-mark period kind of the settings.
    PeriodKind,
    /// A period's number within its kind.
    PeriodNumber,
    /// The day of an arrival, transfer or withdrawal.
    Date,
    /// Why a student leaves.
    Reason,
    /// The class chosen in a dialog.
    Class,
    /// The person chosen in a dialog (a student who arrives, a parent to link).
    Person,
    ExternalId,
    BirthDate,
    Phone,
    /// `мать`, `отец`, … of a guardian link.
    Relation,
    Sex,
    /// A staff member's position.
    Position,
    // Timetable administration forms (bells, timetable entries, calendar, lessons).
    /// A bell schedule's or calendar entry's name.
    TtName,
    /// The lesson slots of a bell schedule (as a whole: none, too many).
    TtSlots,
    /// A holiday or a vacation.
    TtHolidayKind,
    /// The course of a timetable entry or an extra lesson.
    TtCourse,
    /// 1 = Monday … 7 = Sunday.
    TtWeekday,
    /// A lesson number 0–12.
    TtLessonNumber,
    /// A room (кабинет).
    TtRoom,
    /// The day a timetable change takes effect.
    TtValidFrom,
    /// The teacher of an absence or a substitution.
    TtTeacher,
    /// The school's edit window for marks, in days (empty = no limit).
    EditWindowDays,
    /// The rounding threshold of final-mark suggestions (0.01–1).
    RoundingThreshold,
    /// K: days before a period's end the final marks open to teachers (0–60).
    FinalMarksOpenDays,
    /// N: days after a period's end teachers still set its final marks (0–60).
    FinalMarksCloseDays,
    /// M of the journal-keeping control: fewer marks in the period so far is flagged (1–20).
    ControlMinMarks,
    /// D of the control: a mark set more than this many days after its lesson is late (1–60).
    ControlLateDays,
}

/// What is wrong with one input; each has a translated text (`field_errors.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldProblem {
    Required,
    LoginLength,
    LoginChars,
    /// The server refused the login's form without saying why: both rules are shown.
    LoginFormat,
    LoginTaken,
    PasswordTooShort,
    PasswordTooLong,
    /// The server said the length is wrong without saying which way.
    PasswordLength,
    PasswordTooCommon,
    PasswordMismatch,
    EmailFormat,
    InviteFormat,
    /// Longer than this many characters.
    TooLong(u32),
    /// A whole number outside this range.
    NumberRange(u32, u32),
    /// No API-token scope is checked.
    ChooseScope,
    /// Nothing is chosen in a list.
    NotChosen,
    /// Not a date.
    DateFormat,
    /// The end is before the start.
    DateOrder,
    /// A period outside its academic year.
    OutsideYear,
    /// A rounding threshold outside 0.01–1.
    ThresholdRange,
    /// A rule the SPA has no specific text for.
    Invalid,
}

/// Problems found on a form, at most one per field.
pub type FieldErrors = Vec<(Field, FieldProblem)>;

/// The problem shown under `field`, if any.
pub fn problem_for(errors: &[(Field, FieldProblem)], field: Field) -> Option<FieldProblem> {
    errors.iter().find(|(f, _)| *f == field).map(|(_, p)| *p)
}

/// Checks a typed invite code and returns its normalized form (12 characters, no dashes,
/// upper case) to send.
pub fn check_invite_code(input: &str) -> Result<String, FieldProblem> {
    let code = rules::normalize_invite_code(input);
    if code.is_empty() {
        Err(FieldProblem::Required)
    } else if rules::is_valid_invite_code(&code) {
        Ok(code)
    } else {
        Err(FieldProblem::InviteFormat)
    }
}

/// Reads a code from the `?code=` query parameter: prefilled only when it looks like a code, so
/// that a mangled link does not show garbage.
pub fn invite_code_from_query(value: Option<&str>) -> Option<String> {
    let code = check_invite_code(value?).ok()?;
    Some(rules::format_invite_code(&code))
}

/// The login form: both fields are required; everything else is the server's to judge (an old
/// account may have a login that today's rules would refuse).
pub fn check_login_form(login: &str, password: &str) -> FieldErrors {
    let mut errors = Vec::new();
    if login.trim().is_empty() {
        errors.push((Field::Login, FieldProblem::Required));
    }
    if password.is_empty() {
        errors.push((Field::Password, FieldProblem::Required));
    }
    errors
}

/// The registration form as typed.
#[derive(Debug, Clone, Default)]
pub struct RegisterInput {
    pub login: String,
    pub password: String,
    pub password2: String,
    pub email: String,
}

/// The e-mail to send: trimmed, `None` when left empty.
pub fn normalize_email(email: &str) -> Option<String> {
    let email = email.trim();
    (!email.is_empty()).then(|| email.to_string())
}

/// A light e-mail check (one `@`, a dot in the domain, no spaces, at most 254 characters); the
/// server has the final word.
pub fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.chars().count() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

/// Checks the registration form with the domain's rules.
pub fn check_register(input: &RegisterInput) -> FieldErrors {
    let mut errors = Vec::new();
    let login = input.login.trim();
    if login.is_empty() {
        errors.push((Field::Login, FieldProblem::Required));
    } else if check_login(login).is_err() {
        let n = login.chars().count();
        let problem = if (LOGIN_MIN_CHARS..=LOGIN_MAX_CHARS).contains(&n) {
            FieldProblem::LoginChars
        } else {
            FieldProblem::LoginLength
        };
        errors.push((Field::Login, problem));
    }
    if input.password.is_empty() {
        errors.push((Field::Password, FieldProblem::Required));
    } else {
        match check_password_length(&input.password) {
            Ok(()) => {}
            Err(PasswordLengthError::TooShort) => {
                errors.push((Field::Password, FieldProblem::PasswordTooShort));
            }
            Err(PasswordLengthError::TooLong) => {
                errors.push((Field::Password, FieldProblem::PasswordTooLong));
            }
        }
    }
    if input.password2 != input.password {
        errors.push((Field::Password2, FieldProblem::PasswordMismatch));
    }
    if let Some(email) = normalize_email(&input.email)
        && !looks_like_email(&email)
    {
        errors.push((Field::Email, FieldProblem::EmailFormat));
    }
    errors
}

/// Maps one of the server's per-field errors to an input and a problem.
pub fn server_field_problem(error: &FieldError) -> Option<(Field, FieldProblem)> {
    let field = match error.field.as_str() {
        "login" => Field::Login,
        "password" => Field::Password,
        "email" => Field::Email,
        "invite_code" => Field::InviteCode,
        _ => return None,
    };
    let problem = match (field, error.code.as_str()) {
        (_, "required") => FieldProblem::Required,
        (Field::Login, "length") => FieldProblem::LoginLength,
        (Field::Login, "taken" | "login_taken") => FieldProblem::LoginTaken,
        (Field::Login, _) => FieldProblem::LoginFormat,
        (Field::Password, "too_common" | "password_too_common") => FieldProblem::PasswordTooCommon,
        (Field::Password, "length" | "password_length") => FieldProblem::PasswordLength,
        (Field::Email, _) => FieldProblem::EmailFormat,
        (Field::InviteCode, _) => FieldProblem::InviteFormat,
        _ => FieldProblem::Invalid,
    };
    Some((field, problem))
}

/// Where the registration form shows a server error.
#[derive(Debug, Clone, PartialEq)]
pub enum RegisterErrorPlace {
    /// Under the inputs it concerns.
    Fields(FieldErrors),
    /// The invite cannot be used (any more): back to step 1 with the message.
    Invite,
    /// Above the submit button.
    Form,
}

/// Decides where a registration error is shown.
pub fn register_error_place(err: &ApiError) -> RegisterErrorPlace {
    let ApiError::Problem { problem, .. } = err else {
        return RegisterErrorPlace::Form;
    };
    match problem.code {
        ErrorCode::InviteUnknown
        | ErrorCode::InviteUsed
        | ErrorCode::InviteExpired
        | ErrorCode::InviteRevoked => RegisterErrorPlace::Invite,
        ErrorCode::LoginTaken => {
            RegisterErrorPlace::Fields(vec![(Field::Login, FieldProblem::LoginTaken)])
        }
        ErrorCode::PasswordTooCommon => {
            RegisterErrorPlace::Fields(vec![(Field::Password, FieldProblem::PasswordTooCommon)])
        }
        ErrorCode::PasswordLength => {
            RegisterErrorPlace::Fields(vec![(Field::Password, FieldProblem::PasswordLength)])
        }
        ErrorCode::ValidationFailed => {
            let mut fields: FieldErrors = Vec::new();
            for (field, problem) in problem.errors.iter().filter_map(server_field_problem) {
                if problem_for(&fields, field).is_none() {
                    fields.push((field, problem));
                }
            }
            if fields.is_empty() || problem_for(&fields, Field::InviteCode).is_some() {
                RegisterErrorPlace::Form
            } else {
                RegisterErrorPlace::Fields(fields)
            }
        }
        _ => RegisterErrorPlace::Form,
    }
}

/// Longest person name part (фамилия, имя, отчество), as the API's `PersonInput` allows.
pub const PERSON_NAME_MAX: u32 = 100;
/// Longest school name (`CreateSchoolRequest::name`).
pub const SCHOOL_NAME_MAX: u32 = 300;
/// Longest API-token name (`CreateApiTokenRequest::name`).
pub const TOKEN_NAME_MAX: u32 = 100;
/// Invite validity in days (`CreateInviteRequest::expires_in_days`), and the form's default.
pub const INVITE_DAYS: RangeInclusive<u32> = 1..=365;
pub const INVITE_DAYS_DEFAULT: u32 = 30;
/// API-token validity in days (`CreateApiTokenRequest::expires_in_days`), and the form's default.
pub const TOKEN_DAYS: RangeInclusive<u32> = 1..=366;
pub const TOKEN_DAYS_DEFAULT: u32 = 90;

/// Trims and collapses runs of spaces, as the server stores names.
pub fn clean_text(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A required one-line text of at most `max` characters, cleaned.
pub fn required_text(
    errors: &mut FieldErrors,
    field: Field,
    value: &str,
    max: u32,
) -> Option<String> {
    let value = clean_text(value);
    if value.is_empty() {
        errors.push((field, FieldProblem::Required));
        None
    } else if value.chars().count() > max as usize {
        errors.push((field, FieldProblem::TooLong(max)));
        None
    } else {
        Some(value)
    }
}

/// A whole number of days within `range`.
pub fn check_days(value: &str, range: &RangeInclusive<u32>) -> Result<u32, FieldProblem> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldProblem::Required);
    }
    match value.parse::<u32>() {
        Ok(days) if range.contains(&days) => Ok(days),
        _ => Err(FieldProblem::NumberRange(*range.start(), *range.end())),
    }
}

/// The name of a new person as typed.
#[derive(Debug, Clone, Default)]
pub struct PersonFields {
    pub last_name: String,
    pub first_name: String,
    pub middle_name: String,
}

/// Checks a new person's name: фамилия and имя required, отчество optional, each at most
/// [`PERSON_NAME_MAX`] characters.
fn check_person(errors: &mut FieldErrors, person: &PersonFields) -> Option<PersonInput> {
    let last_name = required_text(errors, Field::LastName, &person.last_name, PERSON_NAME_MAX);
    let first_name = required_text(
        errors,
        Field::FirstName,
        &person.first_name,
        PERSON_NAME_MAX,
    );
    let middle_name = clean_text(&person.middle_name);
    if middle_name.chars().count() > PERSON_NAME_MAX as usize {
        errors.push((Field::MiddleName, FieldProblem::TooLong(PERSON_NAME_MAX)));
        return None;
    }
    let middle_name = (!middle_name.is_empty()).then_some(middle_name);
    Some(PersonInput::named(
        &last_name?,
        &first_name?,
        middle_name.as_deref(),
    ))
}

/// Days as typed, checked into `errors`.
fn days_field(errors: &mut FieldErrors, value: &str, range: &RangeInclusive<u32>) -> Option<u32> {
    check_days(value, range)
        .map_err(|problem| errors.push((Field::ExpiresDays, problem)))
        .ok()
}

/// The new-API-token form → the request, or the problems. Scopes keep the display order.
pub fn check_token_form(
    name: &str,
    scopes: &[ApiScope],
    days: &str,
) -> Result<CreateApiTokenRequest, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = required_text(&mut errors, Field::TokenName, name, TOKEN_NAME_MAX);
    let scopes: Vec<ApiScope> = ApiScope::ALL
        .into_iter()
        .filter(|s| scopes.contains(s))
        .collect();
    if scopes.is_empty() {
        errors.push((Field::TokenScopes, FieldProblem::ChooseScope));
    }
    let days = days_field(&mut errors, days, &TOKEN_DAYS);
    match (name, days) {
        (Some(name), Some(days)) if errors.is_empty() => Ok(CreateApiTokenRequest {
            name,
            scopes,
            expires_in_days: Some(days),
        }),
        _ => Err(errors),
    }
}

/// The new-school form → the request, or the problems.
pub fn check_school_form(
    name: &str,
    time_zone: &str,
    first_admin: &PersonFields,
) -> Result<CreateSchoolRequest, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = required_text(&mut errors, Field::SchoolName, name, SCHOOL_NAME_MAX);
    let time_zone = time_zone.trim();
    if time_zone.is_empty() {
        errors.push((Field::TimeZone, FieldProblem::Required));
    }
    let person = check_person(&mut errors, first_admin);
    match (name, person) {
        (Some(name), Some(first_admin)) if errors.is_empty() => Ok(CreateSchoolRequest {
            name,
            time_zone: Some(time_zone.to_string()),
            first_admin,
        }),
        _ => Err(errors),
    }
}

/// The new-invite form (a new person and a role, which must be chosen: no role is preselected,
/// so that a slip is never printed with a role nobody picked) → the request, or the problems.
pub fn check_invite_form(
    person: &PersonFields,
    role: Option<Role>,
    days: &str,
) -> Result<CreateInviteRequest, FieldErrors> {
    let mut errors = FieldErrors::new();
    let person = check_person(&mut errors, person);
    if role.is_none() {
        errors.push((Field::InviteRole, FieldProblem::NotChosen));
    }
    let days = days_field(&mut errors, days, &INVITE_DAYS);
    match (person, role, days) {
        (Some(person), Some(role), Some(days)) if errors.is_empty() => Ok(CreateInviteRequest {
            person_id: None,
            person: Some(person),
            role,
            expires_in_days: Some(days),
        }),
        _ => Err(errors),
    }
}

/// The administration forms, whose server field names differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminForm {
    ApiToken,
    School,
    Invite,
}

/// Maps a server field error of an administration form to an input. Nested names
/// (`person.last_name`, `first_admin.first_name`) count by their last part.
pub fn admin_field_problem(form: AdminForm, error: &FieldError) -> Option<(Field, FieldProblem)> {
    let name = error.field.rsplit('.').next().unwrap_or_default();
    let field = match (form, name) {
        (AdminForm::ApiToken, "name") => Field::TokenName,
        (AdminForm::ApiToken, "scopes") => Field::TokenScopes,
        (AdminForm::ApiToken | AdminForm::Invite, "expires_in_days") => Field::ExpiresDays,
        (AdminForm::School, "name") => Field::SchoolName,
        (AdminForm::School, "time_zone") => Field::TimeZone,
        (AdminForm::School | AdminForm::Invite, "last_name") => Field::LastName,
        (AdminForm::School | AdminForm::Invite, "first_name") => Field::FirstName,
        (AdminForm::School | AdminForm::Invite, "middle_name") => Field::MiddleName,
        (AdminForm::Invite, "role") => Field::InviteRole,
        _ => return None,
    };
    let days = if form == AdminForm::ApiToken {
        TOKEN_DAYS
    } else {
        INVITE_DAYS
    };
    let problem = match (field, error.code.as_str()) {
        (Field::TokenScopes, _) => FieldProblem::ChooseScope,
        (_, "required") => FieldProblem::Required,
        (Field::ExpiresDays, _) => FieldProblem::NumberRange(*days.start(), *days.end()),
        (Field::SchoolName, "length") => FieldProblem::TooLong(SCHOOL_NAME_MAX),
        (Field::TokenName, "length") => FieldProblem::TooLong(TOKEN_NAME_MAX),
        (Field::LastName | Field::FirstName | Field::MiddleName, "length") => {
            FieldProblem::TooLong(PERSON_NAME_MAX)
        }
        _ => FieldProblem::Invalid,
    };
    Some((field, problem))
}

/// The field problems of a 422 answer to an administration form, when every one of them belongs
/// to an input of the form; `None` to show the error above the button instead.
pub fn admin_field_problems(form: AdminForm, err: &ApiError) -> Option<FieldErrors> {
    let ApiError::Problem { problem, .. } = err else {
        return None;
    };
    if problem.errors.is_empty() {
        return None;
    }
    problem
        .errors
        .iter()
        .map(|e| admin_field_problem(form, e))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(code: ErrorCode, errors: Vec<FieldError>) -> ApiError {
        let mut err = ApiError::from_code(code, 422);
        if let ApiError::Problem { problem, .. } = &mut err {
            problem.errors = errors;
        }
        err
    }

    fn field_error(field: &str, code: &str) -> FieldError {
        FieldError {
            field: field.into(),
            code: code.into(),
            message: "english text never shown".into(),
        }
    }

    fn input(login: &str, password: &str, password2: &str, email: &str) -> RegisterInput {
        RegisterInput {
            login: login.into(),
            password: password.into(),
            password2: password2.into(),
            email: email.into(),
        }
    }

    #[test]
    fn invite_code_is_accepted_in_any_case_with_or_without_dashes() {
        assert_eq!(
            check_invite_code("k7qf-m3xp-2whn").as_deref(),
            Ok("K7QFM3XP2WHN")
        );
        assert_eq!(
            check_invite_code(" K7QF M3XP 2WHN ").as_deref(),
            Ok("K7QFM3XP2WHN")
        );
        assert_eq!(
            check_invite_code("K7QFM3XP2WHN").as_deref(),
            Ok("K7QFM3XP2WHN")
        );
        assert_eq!(check_invite_code(""), Err(FieldProblem::Required));
        assert_eq!(check_invite_code(" - "), Err(FieldProblem::Required));
        assert_eq!(
            check_invite_code("K7QF-M3XP-2WH0"),
            Err(FieldProblem::InviteFormat)
        );
        assert_eq!(check_invite_code("K7QF"), Err(FieldProblem::InviteFormat));
    }

    #[test]
    fn invite_code_in_the_link_is_prefilled_formatted_or_ignored() {
        assert_eq!(
            invite_code_from_query(Some("k7qfm3xp2whn")).as_deref(),
            Some("K7QF-M3XP-2WHN")
        );
        assert_eq!(invite_code_from_query(Some("<script>")), None);
        assert_eq!(invite_code_from_query(None), None);
    }

    #[test]
    fn login_form_needs_both_fields_but_judges_nothing_else() {
        assert_eq!(
            check_login_form("  ", ""),
            vec![
                (Field::Login, FieldProblem::Required),
                (Field::Password, FieldProblem::Required)
            ]
        );
        assert!(
            check_login_form("ab", "x").is_empty(),
            "old short logins may still sign in"
        );
    }

    #[test]
    fn register_form_applies_the_domain_rules() {
        assert!(check_register(&input("Иванова.мп", "пароль12", "пароль12", "")).is_empty());
        assert_eq!(
            check_register(&input("ab", "short", "short", "")),
            vec![
                (Field::Login, FieldProblem::LoginLength),
                (Field::Password, FieldProblem::PasswordTooShort)
            ]
        );
        assert_eq!(
            check_register(&input("a b", &"ж".repeat(129), &"ж".repeat(129), "")),
            vec![
                (Field::Login, FieldProblem::LoginChars),
                (Field::Password, FieldProblem::PasswordTooLong)
            ]
        );
    }

    #[test]
    fn register_form_requires_the_same_password_twice() {
        assert_eq!(
            check_register(&input("ivanova", "correct horse", "correct hors", "")),
            vec![(Field::Password2, FieldProblem::PasswordMismatch)]
        );
    }

    #[test]
    fn email_is_optional_but_checked_when_given() {
        assert_eq!(normalize_email("  "), None);
        assert_eq!(normalize_email(" a@b.ru ").as_deref(), Some("a@b.ru"));
        assert!(
            check_register(&input("ivanova", "password1", "password1", " a@school.ru ")).is_empty()
        );
        for bad in ["ivanova", "a@b", "@b.ru", "a@@b.ru", "a b@c.ru", "a@b.ru."] {
            assert!(!looks_like_email(bad), "{bad} should be refused");
        }
    }

    #[test]
    fn server_errors_land_on_the_field_they_concern() {
        assert_eq!(
            register_error_place(&problem(ErrorCode::LoginTaken, vec![])),
            RegisterErrorPlace::Fields(vec![(Field::Login, FieldProblem::LoginTaken)])
        );
        assert_eq!(
            register_error_place(&problem(
                ErrorCode::ValidationFailed,
                vec![
                    field_error("email", "email"),
                    field_error("login", "length")
                ]
            )),
            RegisterErrorPlace::Fields(vec![
                (Field::Email, FieldProblem::EmailFormat),
                (Field::Login, FieldProblem::LoginLength)
            ])
        );
        assert_eq!(
            server_field_problem(&field_error("login", "format")),
            Some((Field::Login, FieldProblem::LoginFormat))
        );
        assert_eq!(
            server_field_problem(&field_error("password", "too_common")),
            Some((Field::Password, FieldProblem::PasswordTooCommon))
        );
        assert_eq!(
            register_error_place(&problem(ErrorCode::PasswordTooCommon, vec![])),
            RegisterErrorPlace::Fields(vec![(Field::Password, FieldProblem::PasswordTooCommon)])
        );
    }

    #[test]
    fn spent_invites_send_the_user_back_to_the_code_step() {
        for code in [
            ErrorCode::InviteUnknown,
            ErrorCode::InviteUsed,
            ErrorCode::InviteExpired,
            ErrorCode::InviteRevoked,
        ] {
            assert_eq!(
                register_error_place(&problem(code, vec![])),
                RegisterErrorPlace::Invite
            );
        }
        assert_eq!(
            register_error_place(&ApiError::Network),
            RegisterErrorPlace::Form
        );
        assert_eq!(
            register_error_place(&problem(
                ErrorCode::ValidationFailed,
                vec![field_error("x", "y")]
            )),
            RegisterErrorPlace::Form
        );
    }

    fn person(last: &str, first: &str, middle: &str) -> PersonFields {
        PersonFields {
            last_name: last.into(),
            first_name: first.into(),
            middle_name: middle.into(),
        }
    }

    #[test]
    fn token_form_needs_a_name_a_scope_and_sensible_days() {
        let ok = check_token_form(
            "  Скрипт   импорта ",
            &[ApiScope::Import, ApiScope::Read],
            "30",
        )
        .unwrap();
        assert_eq!(ok.name, "Скрипт импорта");
        assert_eq!(
            ok.scopes,
            [ApiScope::Read, ApiScope::Import],
            "display order"
        );
        assert_eq!(ok.expires_in_days, Some(30));
        assert_eq!(
            check_token_form(" ", &[], "0").unwrap_err(),
            vec![
                (Field::TokenName, FieldProblem::Required),
                (Field::TokenScopes, FieldProblem::ChooseScope),
                (Field::ExpiresDays, FieldProblem::NumberRange(1, 366)),
            ]
        );
        assert_eq!(
            check_token_form(&"я".repeat(101), &[ApiScope::Read], "366").unwrap_err(),
            vec![(Field::TokenName, FieldProblem::TooLong(100))]
        );
    }

    #[test]
    fn days_are_a_whole_number_in_range() {
        assert_eq!(check_days(" 30 ", &INVITE_DAYS), Ok(30));
        assert_eq!(check_days("", &INVITE_DAYS), Err(FieldProblem::Required));
        for bad in ["0", "366", "-1", "2.5", "тридцать"] {
            assert_eq!(
                check_days(bad, &INVITE_DAYS),
                Err(FieldProblem::NumberRange(1, 365)),
                "{bad}"
            );
        }
        assert_eq!(check_days("366", &TOKEN_DAYS), Ok(366));
    }

    #[test]
    fn invite_form_sends_a_new_person_with_a_cleaned_name() {
        let req = check_invite_form(
            &person(" Иванова ", "Мария", "  "),
            Some(Role::Teacher),
            "14",
        )
        .unwrap();
        let p = req.person.unwrap();
        assert_eq!(
            (p.last_name.as_str(), p.first_name.as_str()),
            ("Иванова", "Мария")
        );
        assert_eq!(p.middle_name, None, "an empty отчество is left out");
        assert_eq!(req.person_id, None);
        assert_eq!(req.role, Role::Teacher);
        assert_eq!(req.expires_in_days, Some(14));
        assert_eq!(
            check_invite_form(&person("", "", &"ж".repeat(101)), None, "30").unwrap_err(),
            vec![
                (Field::LastName, FieldProblem::Required),
                (Field::FirstName, FieldProblem::Required),
                (Field::MiddleName, FieldProblem::TooLong(100)),
                (Field::InviteRole, FieldProblem::NotChosen),
            ]
        );
    }

    #[test]
    fn school_form_needs_a_name_a_zone_and_the_first_admin() {
        let req = check_school_form(
            "МБОУ «СОШ № 1»",
            "Asia/Vladivostok",
            &person("Петрова", "Мадина", "Магомедовна"),
        )
        .unwrap();
        assert_eq!(req.time_zone.as_deref(), Some("Asia/Vladivostok"));
        assert_eq!(req.first_admin.middle_name.as_deref(), Some("Магомедовна"));
        assert_eq!(
            check_school_form(&"Ш".repeat(301), "", &person("Петрова", "Мадина", "")).unwrap_err(),
            vec![
                (Field::SchoolName, FieldProblem::TooLong(300)),
                (Field::TimeZone, FieldProblem::Required),
            ]
        );
    }

    #[test]
    fn server_errors_of_admin_forms_land_on_their_inputs() {
        let err = problem(
            ErrorCode::ValidationFailed,
            vec![
                field_error("first_admin.last_name", "length"),
                field_error("time_zone", "format"),
            ],
        );
        assert_eq!(
            admin_field_problems(AdminForm::School, &err),
            Some(vec![
                (Field::LastName, FieldProblem::TooLong(100)),
                (Field::TimeZone, FieldProblem::Invalid),
            ])
        );
        let err = problem(
            ErrorCode::ValidationFailed,
            vec![
                field_error("person.first_name", "required"),
                field_error("expires_in_days", "range"),
            ],
        );
        assert_eq!(
            admin_field_problems(AdminForm::Invite, &err),
            Some(vec![
                (Field::FirstName, FieldProblem::Required),
                (Field::ExpiresDays, FieldProblem::NumberRange(1, 365)),
            ])
        );
        assert_eq!(
            admin_field_problem(AdminForm::ApiToken, &field_error("scopes", "length")),
            Some((Field::TokenScopes, FieldProblem::ChooseScope))
        );
        // An error the form has no input for goes above the button.
        let err = problem(
            ErrorCode::ValidationFailed,
            vec![field_error("person_id", "one_of")],
        );
        assert_eq!(admin_field_problems(AdminForm::Invite, &err), None);
        assert_eq!(
            admin_field_problems(AdminForm::Invite, &ApiError::Network),
            None
        );
    }
}
