//! Who may see which page, in which school: the role → navigation mapping and the choice of the
//! school the school pages work on.
//!
//! The rules mirror the server's policy module (DESIGN §3): invites, accounts and the audit log
//! are read by a school's `admin` and `principal`; only `admin` changes invites and accounts; a
//! superadmin may do everything in every school and alone creates schools. The SPA only hides what
//! the server would refuse anyway (403/404), so a stale role here never grants anything.

use otmetka_domain::Role;
use otmetka_domain::auth::Me;
use otmetka_domain::school::School;
use uuid::Uuid;

/// A part of the SPA that needs a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// The account's own API tokens: everyone signed in.
    ApiTokens,
    /// All schools of the deployment: superadmin.
    Schools,
    /// A school's invite codes.
    Invites,
    /// A school's accounts and their roles.
    Accounts,
    /// A school's audit log.
    Audit,
    /// The school's name, time zone and final-mark period kind.
    Settings,
    /// Mark scales, work types and their weights, attendance codes, subjects' scales.
    MarkSettings,
    /// Academic years and their periods.
    Years,
    /// Classes, their lists on any date, subgroups and courses; arrivals, transfers,
    /// withdrawals and invite sheets.
    Classes,
    /// Person records: the people list and the person card (guardians, enrollment history).
    Persons,
    /// Importing the school's data from files.
    Import,
    /// A teacher's lessons today (own and substituted).
    Today,
    /// Week schedules: a teacher's, a class's, a room's (staff); a student's own or a child's.
    Schedule,
    /// The class journal of a course: its teachers and the admin write, the principal reads
    /// (the server says which lessons each may write).
    Journal,
    /// The diary and marks pages: a student's own, a parent's children's; staff (admin,
    /// principal, teachers) open a student's from the class summary (the server checks whose:
    /// the class teacher's students, any for the admin and the principal).
    Diary,
    /// Timetable administration: bell schedules, the weekly timetable of a class or a teacher,
    /// the calendar, substitutions and lesson changes (admin; the principal reads).
    Timetable,
    /// The period closing view: which courses still lack final marks, and the failing final
    /// marks (the principal and the admin read it).
    Closing,
    /// The reports (issue 7): performance and quality, attendance, journal-keeping control and
    /// user activity — the admin and the principal read the whole school's, a teacher their own
    /// courses' and class's (the server filters).
    Reports,
    /// The monthly user-activity report (regulation §15): the admin and the principal only.
    Activity,
}

impl Area {
    /// Whether the area works on one selected school.
    pub fn school_scoped(self) -> bool {
        !matches!(self, Area::ApiTokens | Area::Schools)
    }
}

/// How much of an area an account may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// The page says "no access".
    None,
    /// Lists only: no forms, no revoke or edit buttons.
    Read,
    /// Everything the page offers.
    Manage,
}

/// The account's roles in a school (empty when it is not a member).
pub fn roles_in(me: &Me, school_id: Uuid) -> Vec<Role> {
    me.memberships
        .iter()
        .filter(|m| m.school_id == school_id)
        .flat_map(|m| m.roles.iter().copied())
        .collect()
}

/// What `me` may do in `area`; `school_id` is the selected school for school-scoped areas.
pub fn access(me: &Me, school_id: Option<Uuid>, area: Area) -> Access {
    match area {
        Area::ApiTokens => Access::Manage,
        Area::Schools if me.is_superadmin => Access::Manage,
        Area::Schools => Access::None,
        _ => {
            let Some(school_id) = school_id else {
                return Access::None;
            };
            let roles = roles_in(me, school_id);
            let admin = me.is_superadmin || roles.contains(&Role::Admin);
            let principal = roles.contains(&Role::Principal);
            let teacher = roles.contains(&Role::Teacher);
            match area {
                // The audit log is read-only for everyone.
                Area::Audit if admin || principal => Access::Read,
                // Only the admin imports (the principal has nothing to see there).
                Area::Import if admin => Access::Manage,
                // Schedule views are read-only; "Today" lists a teacher's own lessons, the week
                // views serve every member (the server checks whose week each may see).
                Area::Today if teacher => Access::Read,
                Area::Schedule if admin || !roles.is_empty() => Access::Read,
                Area::Today | Area::Schedule => Access::None,
                Area::Journal if admin || teacher => Access::Manage,
                Area::Journal if principal => Access::Read,
                Area::Journal => Access::None,
                // The diary and the marks page (read-only) of a student or a parent's children;
                // staff reach a student's through the class summary (the server checks the
                // relation and answers 403 otherwise).
                Area::Diary
                    if admin
                        || principal
                        || teacher
                        || roles.contains(&Role::Student)
                        || roles.contains(&Role::Parent) =>
                {
                    Access::Read
                }
                Area::Diary => Access::None,
                Area::Closing if admin || principal => Access::Read,
                Area::Closing => Access::None,
                Area::Reports if admin || principal || teacher => Access::Read,
                Area::Reports => Access::None,
                Area::Activity if admin || principal => Access::Read,
                Area::Activity => Access::None,
                Area::Import | Area::Audit => Access::None,
                _ if admin => Access::Manage,
                _ if principal => Access::Read,
                // A class teacher reads their own classes' lists (the server checks the
                // relation and answers 403 for other classes).
                Area::Classes if teacher => Access::Read,
                _ => Access::None,
            }
        }
    }
}

/// A link of the main navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NavItem {
    Home,
    Today,
    Journal,
    Closing,
    Reports,
    Diary,
    Marks,
    ReportCard,
    Schedule,
    Timetable,
    Schools,
    Classes,
    Persons,
    Years,
    Settings,
    MarkSettings,
    Import,
    Invites,
    Accounts,
    Audit,
    ApiTokens,
    Sessions,
}

impl NavItem {
    /// The page's path.
    pub fn path(self) -> &'static str {
        match self {
            NavItem::Home => "/",
            NavItem::Today => "/today",
            NavItem::Journal => "/journal",
            NavItem::Closing => "/closing",
            NavItem::Reports => "/reports",
            NavItem::ReportCard => "/report-card",
            NavItem::Diary => "/diary",
            NavItem::Marks => "/marks",
            NavItem::Schedule => "/schedule",
            NavItem::Timetable => "/timetable",
            NavItem::Schools => "/schools",
            NavItem::Classes => "/classes",
            NavItem::Persons => "/persons",
            NavItem::Years => "/years",
            NavItem::Settings => "/settings",
            NavItem::MarkSettings => "/marks-settings",
            NavItem::Import => "/import",
            NavItem::Invites => "/invites",
            NavItem::Accounts => "/accounts",
            NavItem::Audit => "/audit",
            NavItem::ApiTokens => "/api-tokens",
            NavItem::Sessions => "/sessions",
        }
    }

    /// `data-testid` of the link.
    pub fn testid(self) -> &'static str {
        match self {
            NavItem::Home => "nav-home",
            NavItem::Today => "nav-today",
            NavItem::Journal => "nav-journal",
            NavItem::Closing => "nav-closing",
            NavItem::Reports => "nav-reports",
            NavItem::ReportCard => "nav-report-card",
            NavItem::Diary => "nav-diary",
            NavItem::Marks => "nav-marks",
            NavItem::Schedule => "nav-schedule",
            NavItem::Timetable => "nav-timetable",
            NavItem::Schools => "nav-schools",
            NavItem::Classes => "nav-classes",
            NavItem::Persons => "nav-persons",
            NavItem::Years => "nav-years",
            NavItem::Settings => "nav-settings",
            NavItem::MarkSettings => "nav-mark-settings",
            NavItem::Import => "nav-import",
            NavItem::Invites => "nav-invites",
            NavItem::Accounts => "nav-accounts",
            NavItem::Audit => "nav-audit",
            NavItem::ApiTokens => "nav-api-tokens",
            NavItem::Sessions => "nav-sessions",
        }
    }

    /// The area behind the link (`None` for pages every account has).
    pub fn area(self) -> Option<Area> {
        match self {
            NavItem::Home | NavItem::Sessions => None,
            NavItem::Schools => Some(Area::Schools),
            NavItem::Today => Some(Area::Today),
            NavItem::Journal => Some(Area::Journal),
            NavItem::Closing => Some(Area::Closing),
            NavItem::Reports => Some(Area::Reports),
            NavItem::Diary | NavItem::Marks | NavItem::ReportCard => Some(Area::Diary),
            NavItem::Schedule => Some(Area::Schedule),
            NavItem::Timetable => Some(Area::Timetable),
            NavItem::Classes => Some(Area::Classes),
            NavItem::Persons => Some(Area::Persons),
            NavItem::Years => Some(Area::Years),
            NavItem::Settings => Some(Area::Settings),
            NavItem::MarkSettings => Some(Area::MarkSettings),
            NavItem::Import => Some(Area::Import),
            NavItem::Invites => Some(Area::Invites),
            NavItem::Accounts => Some(Area::Accounts),
            NavItem::Audit => Some(Area::Audit),
            NavItem::ApiTokens => Some(Area::ApiTokens),
        }
    }

    /// The link's target; school pages carry the selected school, so that the URL can be shared
    /// and a reload stays in the same school.
    pub fn href(self, school_id: Option<Uuid>) -> String {
        match (self.area(), school_id) {
            (Some(area), Some(id)) if area.school_scoped() => {
                format!("{}?school={id}", self.path())
            }
            _ => self.path().to_string(),
        }
    }

    /// Whether the link is the current page (`pathname` without the query); a class or person
    /// page counts as its list's.
    pub fn is_current(self, pathname: &str) -> bool {
        let path = pathname.trim_end_matches('/');
        match self {
            NavItem::Home => path.is_empty(),
            NavItem::Classes
            | NavItem::Persons
            | NavItem::Timetable
            | NavItem::Journal
            | NavItem::Reports => path
                .strip_prefix(self.path())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/')),
            _ => path == self.path(),
        }
    }

    /// Every link, in menu order.
    pub const ALL: [NavItem; 22] = [
        NavItem::Home,
        NavItem::Today,
        NavItem::Journal,
        NavItem::Closing,
        NavItem::Reports,
        NavItem::Diary,
        NavItem::Marks,
        NavItem::ReportCard,
        NavItem::Schedule,
        NavItem::Timetable,
        NavItem::Schools,
        NavItem::Classes,
        NavItem::Persons,
        NavItem::Years,
        NavItem::Settings,
        NavItem::MarkSettings,
        NavItem::Import,
        NavItem::Invites,
        NavItem::Accounts,
        NavItem::Audit,
        NavItem::ApiTokens,
        NavItem::Sessions,
    ];
}

/// The navigation for an account in the selected school, in menu order: only links to pages the
/// account may open. «Дневник», «Оценки» and «Табель» are a student's and a parent's: staff open
/// a student's diary, marks and report card from the class summary and the class page instead.
pub fn nav_items(me: &Me, school_id: Option<Uuid>) -> Vec<NavItem> {
    let own_diary = school_id.is_some_and(|id| {
        roles_in(me, id)
            .iter()
            .any(|r| matches!(r, Role::Student | Role::Parent))
    });
    NavItem::ALL
        .into_iter()
        .filter(|item| {
            item.area()
                .is_none_or(|area| access(me, school_id, area) != Access::None)
        })
        .filter(|item| {
            own_diary || !matches!(item, NavItem::Diary | NavItem::Marks | NavItem::ReportCard)
        })
        .collect()
}

/// A school the switcher offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolOption {
    pub id: Uuid,
    pub name: String,
}

/// The schools to choose from: the account's memberships in their order, then (for a superadmin)
/// every other school of the deployment by name.
pub fn school_options(me: &Me, all: Option<&[School]>) -> Vec<SchoolOption> {
    let mut options: Vec<SchoolOption> = Vec::new();
    for m in &me.memberships {
        if !options.iter().any(|o| o.id == m.school_id) {
            options.push(SchoolOption {
                id: m.school_id,
                name: m.school_name.clone(),
            });
        }
    }
    if me.is_superadmin {
        let mut others: Vec<&School> = all
            .unwrap_or_default()
            .iter()
            .filter(|s| !options.iter().any(|o| o.id == s.id))
            .collect();
        others.sort_by(|a, b| a.name.cmp(&b.name));
        options.extend(others.into_iter().map(|s| SchoolOption {
            id: s.id,
            name: s.name.clone(),
        }));
    }
    options
}

/// Which school the school pages work on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchoolPick {
    /// The superadmin's list of schools is still loading.
    Loading,
    /// The account has no school to choose.
    NoSchool,
    /// The URL names a school the account cannot choose.
    Unknown(Uuid),
    Chosen(Uuid),
}

impl SchoolPick {
    pub fn chosen(self) -> Option<Uuid> {
        match self {
            SchoolPick::Chosen(id) => Some(id),
            _ => None,
        }
    }
}

/// Chooses the school: the one in the URL (`?school=`), else the one remembered from the
/// switcher, else the first option. `complete` is false while the options may still grow (the
/// superadmin's list is loading), so that a link to a school is not refused too early.
///
/// A school in the URL that is not an option is refused rather than replaced, so that a shared
/// link never shows another school's data under the same address.
pub fn pick_school(
    options: &[SchoolOption],
    from_url: Option<Uuid>,
    remembered: Option<Uuid>,
    complete: bool,
) -> SchoolPick {
    let known = |id: Uuid| options.iter().any(|o| o.id == id);
    if let Some(id) = from_url {
        return match (known(id), complete) {
            (true, _) => SchoolPick::Chosen(id),
            (false, false) => SchoolPick::Loading,
            (false, true) => SchoolPick::Unknown(id),
        };
    }
    if let Some(id) = remembered.filter(|id| known(*id)) {
        return SchoolPick::Chosen(id);
    }
    match (options.first(), complete) {
        (Some(first), _) => SchoolPick::Chosen(first.id),
        (None, false) => SchoolPick::Loading,
        (None, true) => SchoolPick::NoSchool,
    }
}

/// Reads `?school=` (a UUID; anything else counts as absent).
pub fn school_from_query(value: Option<&str>) -> Option<Uuid> {
    value.and_then(|v| Uuid::parse_str(v.trim()).ok())
}

/// Whether a path is one of the school pages (the switcher then rewrites its `?school=`).
pub fn is_school_page(pathname: &str) -> bool {
    NavItem::ALL
        .into_iter()
        .any(|item| item.area().is_some_and(Area::school_scoped) && item.is_current(pathname))
}

/// Where the school switcher goes from `pathname` for another school: the same page, except that
/// a class or person page (which belongs to the previous school) becomes its list.
pub fn switch_target(pathname: &str, school_id: Uuid) -> String {
    let page = NavItem::ALL
        .into_iter()
        .find(|item| item.area().is_some_and(Area::school_scoped) && item.is_current(pathname))
        .map(NavItem::path)
        .unwrap_or(pathname);
    format!("{page}?school={school_id}")
}

/// The person id of the account in a school (a teacher's own record), if linked.
pub fn my_person(me: &Me, school_id: Uuid) -> Option<Uuid> {
    me.memberships
        .iter()
        .filter(|m| m.school_id == school_id)
        .find_map(|m| m.person_id)
}

/// What a page behind a role shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageGate {
    /// The superadmin's schools are loading.
    Loading,
    /// A school page, but the account has no school.
    NoSchool,
    /// The role (in the selected school) does not allow the page.
    NoAccess,
    /// The page itself; `school` is set for school pages.
    Open {
        school: Option<SchoolOption>,
        access: Access,
    },
}

/// Decides what a page of `area` shows for `me`, given the school picked for the URL.
pub fn page_gate(me: &Me, area: Area, pick: SchoolPick, options: &[SchoolOption]) -> PageGate {
    if !area.school_scoped() {
        return match access(me, None, area) {
            Access::None => PageGate::NoAccess,
            access => PageGate::Open {
                school: None,
                access,
            },
        };
    }
    match pick {
        SchoolPick::Loading => PageGate::Loading,
        SchoolPick::NoSchool => PageGate::NoSchool,
        SchoolPick::Unknown(_) => PageGate::NoAccess,
        SchoolPick::Chosen(id) => match access(me, Some(id), area) {
            Access::None => PageGate::NoAccess,
            access => PageGate::Open {
                school: options.iter().find(|o| o.id == id).cloned(),
                access,
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use otmetka_domain::auth::Membership;

    const A: Uuid = Uuid::from_u128(0xA);
    const B: Uuid = Uuid::from_u128(0xB);
    const C: Uuid = Uuid::from_u128(0xC);

    fn me(superadmin: bool, memberships: &[(Uuid, &[Role])]) -> Me {
        Me {
            account_id: Uuid::from_u128(1),
            login: "user".into(),
            email: None,
            is_superadmin: superadmin,
            memberships: memberships
                .iter()
                .map(|(id, roles)| Membership {
                    school_id: *id,
                    school_name: format!("School {}", id.as_u128()),
                    roles: roles.to_vec(),
                    person_id: None,
                    person_name: None,
                    children: Vec::new(),
                })
                .collect(),
            session_id: None,
        }
    }

    fn school(id: Uuid, name: &str) -> School {
        School {
            id,
            name: name.into(),
            time_zone: "Europe/Moscow".into(),
            created_at: Utc::now(),
        }
    }

    use NavItem::*;

    #[test]
    fn students_teachers_and_parents_see_only_their_own_pages() {
        assert_eq!(
            nav_items(&me(false, &[(A, &[Role::Teacher])]), Some(A)),
            [
                Home, Today, Journal, Reports, Schedule, Classes, ApiTokens, Sessions
            ],
            "a teacher sees the classes (a class teacher reads their own class's list)"
        );
        for role in [Role::Student, Role::Parent] {
            assert_eq!(
                nav_items(&me(false, &[(A, &[role])]), Some(A)),
                [
                    Home, Diary, Marks, ReportCard, Schedule, ApiTokens, Sessions
                ],
                "{role}"
            );
        }
        assert_eq!(
            nav_items(&me(false, &[]), None),
            [Home, ApiTokens, Sessions]
        );
    }

    #[test]
    fn school_admin_and_principal_get_the_school_pages() {
        let admin = me(false, &[(A, &[Role::Admin])]);
        assert_eq!(
            nav_items(&admin, Some(A)),
            [
                Home,
                Journal,
                Closing,
                Reports,
                Schedule,
                Timetable,
                Classes,
                Persons,
                Years,
                Settings,
                MarkSettings,
                Import,
                Invites,
                Accounts,
                Audit,
                ApiTokens,
                Sessions
            ]
        );
        for area in [
            Area::Settings,
            Area::Years,
            Area::Classes,
            Area::Persons,
            Area::Import,
        ] {
            assert_eq!(access(&admin, Some(A), area), Access::Manage, "{area:?}");
        }
        assert_eq!(access(&admin, Some(A), Area::Invites), Access::Manage);
        assert_eq!(access(&admin, Some(A), Area::Accounts), Access::Manage);
        assert_eq!(access(&admin, Some(A), Area::Audit), Access::Read);

        let principal = me(false, &[(A, &[Role::Principal, Role::Teacher])]);
        assert_eq!(
            nav_items(&principal, Some(A)),
            [
                Home,
                Today,
                Journal,
                Closing,
                Reports,
                Schedule,
                Timetable,
                Classes,
                Persons,
                Years,
                Settings,
                MarkSettings,
                Invites,
                Accounts,
                Audit,
                ApiTokens,
                Sessions
            ],
            "the principal reads everything but has nothing to import"
        );
        for area in [Area::Settings, Area::Years, Area::Classes, Area::Persons] {
            assert_eq!(access(&principal, Some(A), area), Access::Read, "{area:?}");
        }
        assert_eq!(access(&principal, Some(A), Area::Import), Access::None);
        assert_eq!(access(&principal, Some(A), Area::Invites), Access::Read);
        assert_eq!(access(&principal, Some(A), Area::Accounts), Access::Read);
        assert_eq!(access(&principal, Some(A), Area::Audit), Access::Read);
        assert_eq!(access(&principal, Some(A), Area::Schools), Access::None);
    }

    #[test]
    fn timetable_administration_is_the_admins_and_read_by_the_principal() {
        let admin = me(false, &[(A, &[Role::Admin])]);
        assert_eq!(access(&admin, Some(A), Area::Timetable), Access::Manage);
        let principal = me(false, &[(A, &[Role::Principal])]);
        assert_eq!(access(&principal, Some(A), Area::Timetable), Access::Read);
        for role in [Role::Teacher, Role::Student, Role::Parent] {
            let user = me(false, &[(A, &[role])]);
            assert_eq!(
                access(&user, Some(A), Area::Timetable),
                Access::None,
                "{role}"
            );
        }
        assert_eq!(Timetable.href(Some(A)), format!("/timetable?school={A}"));
        assert!(Timetable.is_current("/timetable"));
        assert!(Timetable.is_current("/timetable/substitutions"));
        assert!(!Timetable.is_current("/timetables"));
        assert!(is_school_page("/timetable/bells"));
        assert_eq!(
            switch_target("/timetable/calendar", B),
            format!("/timetable?school={B}")
        );
    }

    #[test]
    fn the_diary_and_marks_are_for_students_and_parents_and_staff_open_them_from_the_summary() {
        for role in [Role::Student, Role::Parent] {
            let user = me(false, &[(A, &[role])]);
            assert_eq!(access(&user, Some(A), Area::Diary), Access::Read, "{role}");
            assert_eq!(access(&user, Some(B), Area::Diary), Access::None, "{role}");
            let nav = nav_items(&user, Some(A));
            assert!(
                nav.contains(&Diary) && nav.contains(&Marks) && nav.contains(&ReportCard),
                "{role}"
            );
        }
        for role in [Role::Teacher, Role::Admin, Role::Principal] {
            let user = me(false, &[(A, &[role])]);
            assert_eq!(
                access(&user, Some(A), Area::Diary),
                Access::Read,
                "{role}: the page lets them in, the server checks the student"
            );
            assert_eq!(access(&user, Some(B), Area::Diary), Access::None, "{role}");
            let nav = nav_items(&user, Some(A));
            assert!(
                !nav.contains(&Diary) && !nav.contains(&Marks) && !nav.contains(&ReportCard),
                "{role}: no menu items, the pages are reached from the class summary"
            );
        }
        let teaching_parent = me(false, &[(A, &[Role::Teacher, Role::Parent])]);
        assert!(nav_items(&teaching_parent, Some(A)).contains(&Diary));
        let root = me(true, &[]);
        assert_eq!(access(&root, Some(A), Area::Diary), Access::Read);
        assert!(!nav_items(&root, Some(A)).contains(&Diary));
        assert_eq!(access(&me(false, &[]), Some(A), Area::Diary), Access::None);
        assert_eq!(access(&root, None, Area::Diary), Access::None);
        assert_eq!(Diary.href(Some(A)), format!("/diary?school={A}"));
        assert_eq!(Marks.href(Some(A)), format!("/marks?school={A}"));
        assert!(Diary.is_current("/diary"));
        assert!(!Diary.is_current("/marks"));
        assert!(is_school_page("/marks"));
        assert_eq!(switch_target("/diary", B), format!("/diary?school={B}"));
    }

    #[test]
    fn the_closing_view_is_the_principals_and_the_admins() {
        for role in [Role::Admin, Role::Principal] {
            let user = me(false, &[(A, &[role])]);
            assert_eq!(
                access(&user, Some(A), Area::Closing),
                Access::Read,
                "{role}"
            );
            assert!(nav_items(&user, Some(A)).contains(&Closing), "{role}");
            assert_eq!(
                access(&user, Some(B), Area::Closing),
                Access::None,
                "{role}"
            );
        }
        for role in [Role::Teacher, Role::Student, Role::Parent] {
            let user = me(false, &[(A, &[role])]);
            assert_eq!(
                access(&user, Some(A), Area::Closing),
                Access::None,
                "{role}"
            );
            assert!(!nav_items(&user, Some(A)).contains(&Closing), "{role}");
        }
        assert_eq!(access(&me(true, &[]), Some(A), Area::Closing), Access::Read);
        assert_eq!(Closing.href(Some(A)), format!("/closing?school={A}"));
        assert!(Closing.is_current("/closing"));
        assert!(is_school_page("/closing"));
        assert_eq!(ReportCard.href(Some(A)), format!("/report-card?school={A}"));
        assert!(ReportCard.is_current("/report-card"));
        assert!(!ReportCard.is_current("/report-cards"));
        assert!(is_school_page("/report-card"));
        // The class's report cards belong to the classes.
        assert!(Classes.is_current(&format!("/classes/{A}/report-cards")));
        assert_eq!(
            switch_target(&format!("/classes/{A}/report-cards"), B),
            format!("/classes?school={B}")
        );
    }

    #[test]
    fn the_journal_is_written_by_teachers_and_the_admin_and_read_by_the_principal() {
        assert_eq!(
            access(&me(false, &[(A, &[Role::Teacher])]), Some(A), Area::Journal),
            Access::Manage
        );
        assert_eq!(
            access(&me(false, &[(A, &[Role::Admin])]), Some(A), Area::Journal),
            Access::Manage
        );
        assert_eq!(
            access(
                &me(false, &[(A, &[Role::Principal])]),
                Some(A),
                Area::Journal
            ),
            Access::Read
        );
        assert_eq!(
            access(
                &me(false, &[(A, &[Role::Principal, Role::Teacher])]),
                Some(A),
                Area::Journal
            ),
            Access::Manage,
            "a deputy who teaches writes their own lessons"
        );
        for role in [Role::Student, Role::Parent] {
            let user = me(false, &[(A, &[role])]);
            assert_eq!(
                access(&user, Some(A), Area::Journal),
                Access::None,
                "{role}"
            );
        }
        assert_eq!(Journal.href(Some(A)), format!("/journal?school={A}"));
        assert!(Journal.is_current(&format!("/journal/{B}")));
        assert!(!Journal.is_current("/journals"));
        assert_eq!(
            switch_target(&format!("/journal/{B}"), C),
            format!("/journal?school={C}")
        );
    }

    #[test]
    fn mark_settings_are_the_admins_and_read_by_the_principal() {
        let admin = me(false, &[(A, &[Role::Admin])]);
        assert_eq!(access(&admin, Some(A), Area::MarkSettings), Access::Manage);
        let principal = me(false, &[(A, &[Role::Principal])]);
        assert_eq!(
            access(&principal, Some(A), Area::MarkSettings),
            Access::Read
        );
        for role in [Role::Teacher, Role::Student, Role::Parent] {
            let user = me(false, &[(A, &[role])]);
            assert_eq!(
                access(&user, Some(A), Area::MarkSettings),
                Access::None,
                "{role}"
            );
        }
        assert_eq!(
            MarkSettings.href(Some(A)),
            format!("/marks-settings?school={A}")
        );
        assert!(MarkSettings.is_current("/marks-settings"));
        assert!(!MarkSettings.is_current("/marks"));
        assert!(is_school_page("/marks-settings"));
        // The class summary belongs to the classes.
        assert!(Classes.is_current(&format!("/classes/{A}/summary")));
        assert_eq!(
            switch_target(&format!("/classes/{A}/summary"), B),
            format!("/classes?school={B}")
        );
    }

    #[test]
    fn roles_count_only_in_the_selected_school() {
        let user = me(false, &[(A, &[Role::Admin]), (B, &[Role::Parent])]);
        assert_eq!(access(&user, Some(A), Area::Invites), Access::Manage);
        assert_eq!(access(&user, Some(B), Area::Invites), Access::None);
        assert_eq!(access(&user, Some(C), Area::Audit), Access::None);
        assert_eq!(access(&user, None, Area::Audit), Access::None);
        assert_eq!(
            nav_items(&user, Some(B)),
            [
                Home, Diary, Marks, ReportCard, Schedule, ApiTokens, Sessions
            ]
        );
    }

    #[test]
    fn reports_are_for_staff() {
        for role in [Role::Admin, Role::Principal, Role::Teacher] {
            let user = me(false, &[(A, &[role])]);
            assert_eq!(
                access(&user, Some(A), Area::Reports),
                Access::Read,
                "{role}"
            );
            assert!(nav_items(&user, Some(A)).contains(&Reports), "{role}");
            assert_eq!(
                access(&user, Some(B), Area::Reports),
                Access::None,
                "{role}"
            );
        }
        for role in [Role::Student, Role::Parent] {
            let user = me(false, &[(A, &[role])]);
            assert_eq!(
                access(&user, Some(A), Area::Reports),
                Access::None,
                "{role}"
            );
            assert!(!nav_items(&user, Some(A)).contains(&Reports), "{role}");
        }
        // The activity report: the admin and the principal, not the teachers.
        for (role, want) in [
            (Role::Admin, Access::Read),
            (Role::Principal, Access::Read),
            (Role::Teacher, Access::None),
            (Role::Parent, Access::None),
        ] {
            let user = me(false, &[(A, &[role])]);
            assert_eq!(access(&user, Some(A), Area::Activity), want, "{role}");
        }
        assert_eq!(Reports.href(Some(A)), format!("/reports?school={A}"));
        assert_eq!(Reports.testid(), "nav-reports");
        assert!(Reports.is_current("/reports"));
        assert!(Reports.is_current("/reports/quality"));
        assert!(!Reports.is_current("/report-card"));
    }

    #[test]
    fn superadmin_manages_schools_and_any_selected_school() {
        let root = me(true, &[]);
        assert_eq!(nav_items(&root, None), [Home, Schools, ApiTokens, Sessions]);
        assert_eq!(
            nav_items(&root, Some(C)),
            [
                Home,
                Journal,
                Closing,
                Reports,
                Schedule,
                Timetable,
                Schools,
                Classes,
                Persons,
                Years,
                Settings,
                MarkSettings,
                Import,
                Invites,
                Accounts,
                Audit,
                ApiTokens,
                Sessions
            ]
        );
        assert_eq!(access(&root, Some(C), Area::Accounts), Access::Manage);
        assert_eq!(access(&root, Some(C), Area::Audit), Access::Read);
    }

    #[test]
    fn school_links_carry_the_selected_school() {
        assert_eq!(Invites.href(Some(A)), format!("/invites?school={A}"));
        assert_eq!(Invites.href(None), "/invites");
        assert_eq!(Sessions.href(Some(A)), "/sessions");
        assert!(Home.is_current("/"));
        assert!(!Home.is_current("/sessions"));
        assert!(Audit.is_current("/audit"));
        assert!(Audit.is_current("/audit/"));
        assert!(!Audit.is_current("/audit-x"));
        assert!(is_school_page("/accounts"));
        assert!(!is_school_page("/api-tokens"));
        assert!(Classes.is_current("/classes"));
        assert!(Classes.is_current(&format!("/classes/{A}")));
        assert!(!Classes.is_current("/classesx"));
        assert!(Persons.is_current(&format!("/persons/{A}")));
        assert!(is_school_page(&format!("/persons/{A}")));
        assert!(is_school_page("/import"));
        assert_eq!(Years.href(Some(A)), format!("/years?school={A}"));
    }

    #[test]
    fn switching_school_on_a_class_or_person_page_goes_to_its_list() {
        assert_eq!(
            switch_target(&format!("/classes/{A}"), B),
            format!("/classes?school={B}")
        );
        assert_eq!(
            switch_target(&format!("/persons/{A}"), B),
            format!("/persons?school={B}")
        );
        assert_eq!(switch_target("/years", B), format!("/years?school={B}"));
        assert_eq!(switch_target("/", B), format!("/?school={B}"));
    }

    #[test]
    fn my_person_is_the_membership_link_in_that_school() {
        let mut teacher = me(false, &[(A, &[Role::Teacher]), (B, &[Role::Teacher])]);
        teacher.memberships[1].person_id = Some(C);
        assert_eq!(my_person(&teacher, A), None);
        assert_eq!(my_person(&teacher, B), Some(C));
    }

    #[test]
    fn switcher_offers_memberships_then_other_schools_for_a_superadmin() {
        let user = me(false, &[(B, &[Role::Admin]), (A, &[Role::Parent])]);
        let all = [school(C, "Лицей"), school(A, "Гимназия")];
        let ids: Vec<Uuid> = school_options(&user, Some(&all))
            .iter()
            .map(|o| o.id)
            .collect();
        assert_eq!(ids, [B, A], "a member sees only their schools");

        let root = me(true, &[(B, &[Role::Admin])]);
        let options = school_options(
            &root,
            Some(&[school(C, "Лицей"), school(A, "Гимназия"), school(B, "Б")]),
        );
        let names: Vec<&str> = options.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["School 11", "Гимназия", "Лицей"]);
    }

    #[test]
    fn school_is_taken_from_the_url_then_memory_then_the_first_membership() {
        let options = vec![
            SchoolOption {
                id: A,
                name: "A".into(),
            },
            SchoolOption {
                id: B,
                name: "B".into(),
            },
        ];
        assert_eq!(
            pick_school(&options, Some(B), Some(A), true),
            SchoolPick::Chosen(B)
        );
        assert_eq!(
            pick_school(&options, None, Some(B), true),
            SchoolPick::Chosen(B)
        );
        assert_eq!(
            pick_school(&options, None, None, true),
            SchoolPick::Chosen(A)
        );
        assert_eq!(
            pick_school(&options, None, Some(C), true),
            SchoolPick::Chosen(A),
            "a remembered school that is gone falls back to the first"
        );
        assert_eq!(
            pick_school(&options, Some(C), None, true),
            SchoolPick::Unknown(C),
            "a link to a foreign school is refused, not replaced"
        );
        assert_eq!(
            pick_school(&options, Some(C), None, false),
            SchoolPick::Loading
        );
        assert_eq!(pick_school(&[], None, None, true), SchoolPick::NoSchool);
        assert_eq!(pick_school(&[], None, None, false), SchoolPick::Loading);
    }

    #[test]
    fn school_query_must_be_a_uuid() {
        assert_eq!(school_from_query(Some(&A.to_string())), Some(A));
        assert_eq!(school_from_query(Some("x")), None);
        assert_eq!(school_from_query(None), None);
    }

    #[test]
    fn pages_reached_without_the_role_say_no_access() {
        let options = vec![SchoolOption {
            id: A,
            name: "A".into(),
        }];
        let teacher = me(false, &[(A, &[Role::Teacher])]);
        let chosen = SchoolPick::Chosen(A);
        assert_eq!(
            page_gate(&teacher, Area::Invites, chosen, &options),
            PageGate::NoAccess
        );
        assert_eq!(
            page_gate(&teacher, Area::Schools, chosen, &options),
            PageGate::NoAccess
        );
        assert_eq!(
            page_gate(&teacher, Area::ApiTokens, chosen, &options),
            PageGate::Open {
                school: None,
                access: Access::Manage
            }
        );
        let principal = me(false, &[(A, &[Role::Principal])]);
        assert_eq!(
            page_gate(&principal, Area::Accounts, chosen, &options),
            PageGate::Open {
                school: Some(options[0].clone()),
                access: Access::Read
            }
        );
        assert_eq!(
            page_gate(&principal, Area::Accounts, SchoolPick::Unknown(B), &options),
            PageGate::NoAccess
        );
        assert_eq!(
            page_gate(&me(false, &[]), Area::Audit, SchoolPick::NoSchool, &[]),
            PageGate::NoSchool
        );
        assert_eq!(
            page_gate(&me(true, &[]), Area::Audit, SchoolPick::Loading, &[]),
            PageGate::Loading
        );
    }
}
