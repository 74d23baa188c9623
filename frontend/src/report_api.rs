//! API calls of the period closing view and the report cards, and saving a downloaded file.

use otmetka_domain::finals::{PeriodClosing, ReportCard, Term};
use uuid::Uuid;

use crate::api::{ApiError, FileAnswer, get_file, get_json};
use crate::auth::Auth;
use crate::closing::api_query;
use crate::report_card::year_query;

/// `GET …/final-marks/closing?term=&class_id=` → [`PeriodClosing`] (principal, admin). Without a
/// term the server takes the final-kind period that ended last (or the current one).
pub async fn closing(
    auth: Auth,
    school_id: Uuid,
    term: Option<Term>,
    class_id: Option<Uuid>,
) -> Result<PeriodClosing, ApiError> {
    get_json(
        auth,
        school_id,
        &format!("/final-marks/closing{}", api_query(term, class_id)),
    )
    .await
}

/// `GET …/students/{id}/report-card?academic_year_id=` → [`ReportCard`] (the student, their
/// parents, the class teacher, the admin, the principal). Without a year: the current one.
pub async fn report_card(
    auth: Auth,
    school_id: Uuid,
    student_id: Uuid,
    year: Option<Uuid>,
) -> Result<ReportCard, ApiError> {
    get_json(
        auth,
        school_id,
        &format!("/students/{student_id}/report-card{}", year_query(year)),
    )
    .await
}

/// `GET …/classes/{id}/report-cards?academic_year_id=` → every student's [`ReportCard`] (the
/// class teacher, the admin, the principal).
pub async fn class_report_cards(
    auth: Auth,
    school_id: Uuid,
    class_id: Uuid,
    year: Option<Uuid>,
) -> Result<Vec<ReportCard>, ApiError> {
    get_json(
        auth,
        school_id,
        &format!("/classes/{class_id}/report-cards{}", year_query(year)),
    )
    .await
}

/// `GET …/students/{id}/report-card.csv` (UTF-8 with BOM, `;`-separated).
pub async fn report_card_csv(
    auth: Auth,
    school_id: Uuid,
    student_id: Uuid,
    year: Option<Uuid>,
) -> Result<FileAnswer, ApiError> {
    get_file(
        auth,
        school_id,
        &format!("/students/{student_id}/report-card.csv{}", year_query(year)),
        "text/csv",
    )
    .await
}

/// `GET …/classes/{id}/report-cards.csv`.
pub async fn class_report_cards_csv(
    auth: Auth,
    school_id: Uuid,
    class_id: Uuid,
    year: Option<Uuid>,
) -> Result<FileAnswer, ApiError> {
    get_file(
        auth,
        school_id,
        &format!("/classes/{class_id}/report-cards.csv{}", year_query(year)),
        "text/csv",
    )
    .await
}

/// Hands a downloaded file to the browser as a download named `name` (a blob URL behind a
/// temporary link; the API needs the bearer token, so a plain link would not do).
#[cfg(target_arch = "wasm32")]
pub fn save_file(file: &FileAnswer, name: &str) -> bool {
    use leptos::prelude::{document, set_timeout};
    use leptos::wasm_bindgen::JsCast as _;

    let bytes = js_sys::Uint8Array::from(file.data.as_slice());
    let parts = js_sys::Array::of1(&bytes);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(file.content_type.as_deref().unwrap_or("text/csv"));
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return false;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return false;
    };
    let link = document()
        .create_element("a")
        .ok()
        .and_then(|el| el.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    let (Some(link), Some(body)) = (link, document().body()) else {
        let _ = web_sys::Url::revoke_object_url(&url);
        return false;
    };
    link.set_href(&url);
    link.set_download(name);
    let _ = link.set_attribute("hidden", "");
    if body.append_child(&link).is_err() {
        let _ = web_sys::Url::revoke_object_url(&url);
        return false;
    }
    link.click();
    link.remove();
    // The browser reads the blob after the click returns; let it go a little later.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(30),
    );
    true
}

/// The host build (unit tests) has no browser to save to.
#[cfg(not(target_arch = "wasm32"))]
pub fn save_file(_file: &FileAnswer, _name: &str) -> bool {
    false
}
