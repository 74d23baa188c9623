//! Formatting of names, instants and devices for display, and the post-login redirect target.

use chrono::{DateTime, TimeZone};
use otmetka_domain::auth::Me;

use crate::i18n::Locale;

/// How to address the signed-in user: the first linked person's name (`Фамилия Имя Отчество`),
/// else the login.
pub fn display_name(me: &Me) -> String {
    me.memberships
        .iter()
        .filter_map(|m| m.person_name.as_deref())
        .map(str::trim)
        .find(|name| !name.is_empty())
        .unwrap_or(&me.login)
        .to_string()
}

/// An instant as a date and a time in `tz`: `29.11.2026 14:05` in Russian, `29 Nov 2026, 14:05`
/// in English.
pub fn format_instant<Tz: TimeZone>(at: &DateTime<Tz>, locale: Locale) -> String
where
    Tz::Offset: std::fmt::Display,
{
    match locale {
        Locale::ru => at.format("%d.%m.%Y %H:%M").to_string(),
        Locale::en => at.format("%-d %b %Y, %H:%M").to_string(),
    }
}

/// An instant as a date only: `29.11.2026` / `29 Nov 2026`.
pub fn format_date<Tz: TimeZone>(at: &DateTime<Tz>, locale: Locale) -> String
where
    Tz::Offset: std::fmt::Display,
{
    match locale {
        Locale::ru => at.format("%d.%m.%Y").to_string(),
        Locale::en => at.format("%-d %b %Y").to_string(),
    }
}

/// An instant with seconds, for the audit log: `29.11.2026 14:05:07` / `29 Nov 2026, 14:05:07`.
pub fn format_instant_seconds<Tz: TimeZone>(at: &DateTime<Tz>, locale: Locale) -> String
where
    Tz::Offset: std::fmt::Display,
{
    match locale {
        Locale::ru => at.format("%d.%m.%Y %H:%M:%S").to_string(),
        Locale::en => at.format("%-d %b %Y, %H:%M:%S").to_string(),
    }
}

/// A long id shortened for a table: `…` and its last 8 characters. The end of a UUID v7 is its
/// random part; the start is a timestamp that ids made in the same minute share.
pub fn short_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 9 {
        return id.to_string();
    }
    let tail: String = chars[chars.len() - 8..].iter().collect();
    format!("…{tail}")
}

/// A JSON value on one line for the audit log's details; strings without quotes.
pub fn compact_json(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A short device description from a `User-Agent`: `Firefox · Windows`, `Chrome · Android`.
/// `None` when neither the browser nor the system is recognised. Browser and system names are
/// proper names and are not translated.
pub fn describe_user_agent(user_agent: &str) -> Option<String> {
    // Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari", Android also
    // says "Linux", iOS also says "Mac OS X".
    const BROWSERS: [(&str, &str); 7] = [
        ("YaBrowser/", "Yandex Browser"),
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ];
    const SYSTEMS: [(&str, &str); 7] = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("CrOS", "ChromeOS"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ];
    let find = |table: &[(&str, &'static str)]| {
        table
            .iter()
            .find(|(needle, _)| user_agent.contains(needle))
            .map(|(_, name)| *name)
    };
    match (find(&BROWSERS), find(&SYSTEMS)) {
        (Some(browser), Some(system)) => Some(format!("{browser} · {system}")),
        (Some(name), None) | (None, Some(name)) => Some(name.to_string()),
        (None, None) => None,
    }
}

/// Where to go after signing in: the `next` query parameter when it is a path of this site,
/// else `/`. Refuses absolute and protocol-relative URLs (`//evil.example`), so a crafted link
/// cannot send the user elsewhere, and does not go back to the login or registration page.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.starts_with("/login")
                && !path.starts_with("/register")
                && !path.chars().any(char::is_control) =>
        {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

/// Percent-encodes a query value (everything but RFC 3986 unreserved characters).
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, Utc};
    use otmetka_domain::Role;
    use otmetka_domain::auth::Membership;
    use uuid::Uuid;

    fn me(names: &[Option<&str>]) -> Me {
        Me {
            account_id: Uuid::nil(),
            login: "ivanova".into(),
            email: None,
            is_superadmin: false,
            memberships: names
                .iter()
                .map(|name| Membership {
                    school_id: Uuid::nil(),
                    school_name: "МБОУ «СОШ № 1»".into(),
                    roles: vec![Role::Parent],
                    person_id: None,
                    person_name: name.map(str::to_string),
                    children: Vec::new(),
                })
                .collect(),
            session_id: None,
        }
    }

    #[test]
    fn user_is_greeted_by_person_name_or_else_by_login() {
        assert_eq!(
            display_name(&me(&[None, Some("Иванова Мария Петровна")])),
            "Иванова Мария Петровна"
        );
        assert_eq!(display_name(&me(&[Some("  ")])), "ivanova");
        assert_eq!(display_name(&me(&[])), "ivanova");
    }

    #[test]
    fn instants_are_shown_in_the_given_zone_and_locale_format() {
        let at = Utc.with_ymd_and_hms(2026, 11, 29, 11, 5, 0).unwrap();
        let moscow = FixedOffset::east_opt(3 * 3600).unwrap();
        assert_eq!(
            format_instant(&at.with_timezone(&moscow), Locale::ru),
            "29.11.2026 14:05"
        );
        assert_eq!(format_instant(&at, Locale::en), "29 Nov 2026, 11:05");
        assert_eq!(
            format_date(&at.with_timezone(&moscow), Locale::ru),
            "29.11.2026"
        );
        assert_eq!(format_date(&at, Locale::en), "29 Nov 2026");
    }

    #[test]
    fn common_user_agents_are_recognised() {
        let firefox =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0";
        let yandex = "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0 YaBrowser/24.10 Safari/537.36";
        assert_eq!(
            describe_user_agent(firefox).as_deref(),
            Some("Firefox · Windows")
        );
        assert_eq!(
            describe_user_agent(android).as_deref(),
            Some("Chrome · Android")
        );
        assert_eq!(describe_user_agent(iphone).as_deref(), Some("Safari · iOS"));
        assert_eq!(describe_user_agent(edge).as_deref(), Some("Edge · Windows"));
        assert_eq!(
            describe_user_agent(yandex).as_deref(),
            Some("Yandex Browser · Windows")
        );
        assert_eq!(describe_user_agent("curl/8.5.0"), None);
        assert_eq!(describe_user_agent("").as_deref(), None);
    }

    #[test]
    fn next_path_is_percent_encoded_for_the_query() {
        assert_eq!(
            percent_encode("/sessions?x=1&y=ж"),
            "%2Fsessions%3Fx%3D1%26y%3D%D0%B6"
        );
        assert_eq!(percent_encode("a-b_c.d~"), "a-b_c.d~");
    }

    #[test]
    fn redirect_after_login_stays_on_this_site() {
        assert_eq!(safe_next(Some("/sessions")), "/sessions");
        assert_eq!(safe_next(Some("/sessions?x=1")), "/sessions?x=1");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/login")), "/");
        assert_eq!(safe_next(Some("/register?code=X")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn audit_times_have_seconds() {
        let at = Utc.with_ymd_and_hms(2026, 11, 29, 11, 5, 7).unwrap();
        let moscow = FixedOffset::east_opt(3 * 3600).unwrap();
        assert_eq!(
            format_instant_seconds(&at.with_timezone(&moscow), Locale::ru),
            "29.11.2026 14:05:07"
        );
        assert_eq!(
            format_instant_seconds(&at, Locale::en),
            "29 Nov 2026, 11:05:07"
        );
    }

    #[test]
    fn ids_are_shortened_to_their_random_end() {
        assert_eq!(
            short_id("0190a3f2-7c1e-7d2a-9b3c-4d5e6f708192"),
            "…6f708192"
        );
        assert_eq!(short_id("abc"), "abc");
    }

    #[test]
    fn audit_values_are_compact() {
        assert_eq!(compact_json(&serde_json::json!("x")), "x");
        assert_eq!(
            compact_json(&serde_json::json!(["admin", "teacher"])),
            r#"["admin","teacher"]"#
        );
        assert_eq!(
            compact_json(&serde_json::json!({"is_active": false})),
            r#"{"is_active":false}"#
        );
    }
}
