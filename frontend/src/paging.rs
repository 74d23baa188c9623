//! Pagination math and list URLs: the one pagination helper of the SPA.
//!
//! Pages are numbered from 1 in the UI and the URL (`?page=2`); the API takes `limit` and
//! `offset` and tells the total in `X-Total-Count`.

use crate::format::percent_encode;

/// Rows per page of the invite list.
pub const INVITES_PER_PAGE: u64 = 20;
/// Rows per page of the audit log.
pub const AUDIT_PER_PAGE: u64 = 50;
/// Rows per page of the account list (paged in the browser: the API returns all of them).
pub const ACCOUNTS_PER_PAGE: u64 = 50;

/// Where a list is: page `page` (from 1) of `per_page` rows out of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

impl Paging {
    /// How many pages there are; an empty list still has one (empty) page.
    pub fn pages(self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }

    /// `offset` for the API.
    pub fn offset(self) -> u64 {
        offset_of(self.page, self.per_page)
    }

    /// The 1-based numbers of the first and last rows shown (`(0, 0)` for an empty list).
    pub fn shown(self) -> (u64, u64) {
        if self.total == 0 || self.offset() >= self.total {
            return (0, 0);
        }
        let first = self.offset() + 1;
        (first, (self.offset() + self.per_page).min(self.total))
    }

    pub fn has_prev(self) -> bool {
        self.page > 1
    }

    pub fn has_next(self) -> bool {
        self.page < self.pages()
    }

    /// The page to show instead when this one is past the end (after rows were removed, or a
    /// stale link): the last page; `None` when this page is fine.
    pub fn correction(self) -> Option<u64> {
        (self.page > self.pages()).then(|| self.pages())
    }

    /// The rows of this page out of a list held in full (the accounts).
    pub fn slice<T>(self, items: &[T]) -> &[T] {
        let start = usize::try_from(self.offset())
            .unwrap_or(usize::MAX)
            .min(items.len());
        let end = usize::try_from(self.offset().saturating_add(self.per_page))
            .unwrap_or(usize::MAX)
            .min(items.len());
        &items[start..end]
    }
}

/// `offset` of a page.
pub fn offset_of(page: u64, per_page: u64) -> u64 {
    page.max(1).saturating_sub(1).saturating_mul(per_page)
}

/// Reads `?page=`: a positive number, else 1.
pub fn page_from_query(value: Option<&str>) -> u64 {
    value
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
}

/// Reads `X-Total-Count`; without a usable header, the rows received are all there is (as far as
/// the SPA can tell).
pub fn total_from_header(value: Option<&str>, received: usize, offset: u64) -> u64 {
    value
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or_else(|| offset + received as u64)
}

/// `?a=1&b=x` from the parameters that have a value, percent-encoded; `""` when none has.
pub fn query_string(params: &[(&str, Option<String>)]) -> String {
    let parts: Vec<String> = params
        .iter()
        .filter_map(|(name, value)| {
            value
                .as_deref()
                .map(|v| format!("{}={}", percent_encode(name), percent_encode(v)))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// The `page` parameter of a list URL: absent for the first page, so that `/invites` and
/// `/invites?page=1` do not both exist.
pub fn page_param(page: u64) -> Option<String> {
    (page > 1).then(|| page.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(page: u64, total: u64) -> Paging {
        Paging {
            page,
            per_page: 20,
            total,
        }
    }

    #[test]
    fn pages_round_up_and_an_empty_list_has_one_page() {
        assert_eq!(at(1, 0).pages(), 1);
        assert_eq!(at(1, 1).pages(), 1);
        assert_eq!(at(1, 20).pages(), 1);
        assert_eq!(at(1, 21).pages(), 2);
        assert_eq!(at(1, 123).pages(), 7);
    }

    #[test]
    fn offsets_and_shown_rows_follow_the_page() {
        assert_eq!(at(1, 123).offset(), 0);
        assert_eq!(at(3, 123).offset(), 40);
        assert_eq!(at(1, 123).shown(), (1, 20));
        assert_eq!(at(7, 123).shown(), (121, 123));
        assert_eq!(at(1, 0).shown(), (0, 0));
        assert_eq!(at(9, 123).shown(), (0, 0));
        assert_eq!(offset_of(0, 20), 0, "page 0 is read as page 1");
    }

    #[test]
    fn prev_and_next_exist_only_inside_the_range() {
        assert!(!at(1, 123).has_prev());
        assert!(at(1, 123).has_next());
        assert!(at(7, 123).has_prev());
        assert!(!at(7, 123).has_next());
        assert!(!at(1, 5).has_next());
    }

    #[test]
    fn a_page_past_the_end_moves_to_the_last_one() {
        assert_eq!(at(8, 123).correction(), Some(7));
        assert_eq!(
            at(2, 20).correction(),
            Some(1),
            "the last row of page 2 was revoked"
        );
        assert_eq!(at(3, 0).correction(), Some(1));
        assert_eq!(at(7, 123).correction(), None);
        assert_eq!(at(1, 0).correction(), None);
    }

    #[test]
    fn a_list_held_in_full_is_sliced_by_page() {
        let items: Vec<u32> = (1..=45).collect();
        assert_eq!(at(1, 45).slice(&items), &items[0..20]);
        assert_eq!(at(3, 45).slice(&items), &[41, 42, 43, 44, 45]);
        assert!(at(4, 45).slice(&items).is_empty());
    }

    #[test]
    fn page_parameter_is_a_positive_number() {
        assert_eq!(page_from_query(Some("3")), 3);
        assert_eq!(page_from_query(Some("0")), 1);
        assert_eq!(page_from_query(Some("-2")), 1);
        assert_eq!(page_from_query(Some("x")), 1);
        assert_eq!(page_from_query(None), 1);
        assert_eq!(page_param(1), None);
        assert_eq!(page_param(2).as_deref(), Some("2"));
    }

    #[test]
    fn total_comes_from_the_header_or_from_what_was_received() {
        assert_eq!(total_from_header(Some("123"), 20, 0), 123);
        assert_eq!(total_from_header(None, 7, 40), 47);
        assert_eq!(total_from_header(Some("lots"), 7, 0), 7);
    }

    #[test]
    fn query_string_skips_empty_parameters_and_encodes_values() {
        assert_eq!(
            query_string(&[
                ("school", Some("0190-ab".into())),
                ("state", None),
                ("page", Some("2".into())),
            ]),
            "?school=0190-ab&page=2"
        );
        assert_eq!(
            query_string(&[("action", Some("a&b c".into()))]),
            "?action=a%26b%20c"
        );
        assert_eq!(query_string(&[("state", None)]), "");
    }
}
