//! The one JSON body extractor of the API, [`ApiJson`].
//!
//! On top of actix's `Json` (content type, size limit, syntax) it requires a JSON *object* (serde
//! would fill a struct from an array by position) and refuses NUL characters in any string
//! (PostgreSQL cannot store them and no name, login or code contains one) with a 422 naming the
//! field. Password fields are exempt: they are hashed, never stored as text, and may hold any
//! character. A number with no fraction is an integer whatever its spelling (`3.0`, `3e2`), as in
//! JSON Schema, so integer fields take it. Every other failure to match the DTO (unknown field, wrong type, missing field) is
//! 400 `malformed_json` with serde's explanation.
//!
//! Authorization comes before the body: a caller who may not make the request gets the same
//! 401/403/404 whatever they send. actix extracts a handler's arguments together and answers the
//! first failure, so a bad body (answered at once) would otherwise win over the [`Actor`]'s
//! database check, and the role check only runs in the service, after extraction. So when the
//! body fails, [`ApiJson`] first authenticates the caller and, on a `/schools/{school_id}/…`
//! route, checks the access its second type parameter declares ([`access`]): by default the
//! school's membership (404 for strangers), or the role an [`Action`] needs, as the service
//! will (`ApiJson<SchoolSettings, access::ManageStructure>`: a teacher gets 403). Relation
//! checks (a teacher of *this* course) stay in the services. A good body costs nothing extra.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use otmetka_domain::ErrorCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use uuid::Uuid;

use crate::auth::Actor;
use crate::auth::policy::{self, Action};
use crate::error::AppError;

/// Fields whose strings may hold NUL (hashed, never stored).
const OPAQUE_FIELDS: &[&str] = &["password", "current_password", "new_password"];

/// A JSON request body of type `T`, checked as described in the module docs; `A` is the access
/// checked before a bad body is answered (see [`access`]).
#[derive(Debug)]
pub struct ApiJson<T, A: access::BodyAccess = access::Member>(pub T, PhantomData<A>);

impl<T, A: access::BodyAccess> ApiJson<T, A> {
    /// The parsed body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// What a caller must be allowed before a bad body is answered (the second type parameter of
/// [`ApiJson`]). Every check is the service's own first check, made earlier: the service makes
/// it again for a good body.
pub mod access {
    use super::*;

    /// The access of a body's route.
    pub trait BodyAccess: 'static {
        /// Whether the caller must be signed in (401 first).
        const SIGNED_IN: bool;
        /// Superadmin only (403), for deployment-level routes.
        const SUPERADMIN: bool = false;
        /// The action on the route's `{school_id}`; `None`: membership only (404 for strangers).
        const ACTION: Option<Action> = None;
    }

    /// Any member of the route's school (404 for strangers); no check off `/schools/{school_id}`
    /// (sign-in and registration). The default.
    #[derive(Debug)]
    pub struct Member;
    impl BodyAccess for Member {
        const SIGNED_IN: bool = false;
    }

    /// A signed-in caller (`/me/…`).
    #[derive(Debug)]
    pub struct SignedIn;
    impl BodyAccess for SignedIn {
        const SIGNED_IN: bool = true;
    }

    /// A superadmin (creating schools).
    #[derive(Debug)]
    pub struct Superadmin;
    impl BodyAccess for Superadmin {
        const SIGNED_IN: bool = true;
        const SUPERADMIN: bool = true;
    }

    macro_rules! actions {
        ($($name:ident),+ $(,)?) => {$(
            #[doc = concat!("The roles of [`Action::", stringify!($name), "`] in the route's school.")]
            #[derive(Debug)]
            pub struct $name;
            impl BodyAccess for $name {
                const SIGNED_IN: bool = true;
                const ACTION: Option<Action> = Some(Action::$name);
            }
        )+};
    }
    actions!(
        ManageStructure,
        ManageTimetable,
        ManageRoster,
        ManagePersons,
        ManageInvites,
        ManageAccounts,
        WriteJournal,
        WriteFinalMarks,
    );
}

/// The refusal a caller gets before their bad body is answered, if any: authentication, then the
/// access `A` declares (see the module docs).
async fn refusal<A: access::BodyAccess>(req: &HttpRequest) -> Option<AppError> {
    let school_id = req
        .match_info()
        .get("school_id")
        .and_then(|s| s.parse::<Uuid>().ok());
    if !A::SIGNED_IN && school_id.is_none() {
        return None;
    }
    let actor = match Actor::from_request(req, &mut Payload::None).await {
        Ok(actor) => actor,
        Err(e) => return Some(e),
    };
    if A::SUPERADMIN {
        return policy::require_superadmin(&actor, "this request").err();
    }
    let school_id = school_id?;
    policy::authorize(&actor, school_id, A::ACTION.unwrap_or(Action::ReadSchool)).err()
}

/// Turns every number with no fraction that fits an `i64` (`3.0`, `-2e3`) into that integer, so
/// that a DTO's integer fields take it (serde refuses a float for an integer); float fields take
/// integers anyway.
fn integral_floats_to_integers(value: &mut Value) {
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f >= i64::MIN as f64
                && f < i64::MAX as f64
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_to_integers),
        Value::Object(map) => map.values_mut().for_each(integral_floats_to_integers),
        _ => {}
    }
}

/// The dotted path of the first string holding a NUL, if any.
fn find_nul(value: &Value, path: &str) -> Option<String> {
    match value {
        Value::String(s) if s.contains('\0') => Some(if path.is_empty() {
            "body".into()
        } else {
            path.into()
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| find_nul(v, &format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k.contains('\0') {
                return Some(if path.is_empty() {
                    "body".into()
                } else {
                    path.into()
                });
            }
            if OPAQUE_FIELDS.contains(&k.as_str()) {
                return None;
            }
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            find_nul(v, &p)
        }),
        _ => None,
    }
}

/// Reads and checks the body (see the module docs).
async fn parse<T: DeserializeOwned>(
    fut: <web::Json<Value> as FromRequest>::Future,
) -> Result<T, actix_web::Error> {
    let mut value = fut.await?.into_inner();
    if !value.is_object() {
        return Err(AppError::new(ErrorCode::MalformedJson)
            .detail("the body must be a JSON object")
            .into());
    }
    if let Some(field) = find_nul(&value, "") {
        return Err(AppError::field(&field, "format", "must not contain NUL characters").into());
    }
    integral_floats_to_integers(&mut value);
    serde_json::from_value::<T>(value).map_err(|e| {
        AppError::new(ErrorCode::MalformedJson)
            .detail(e.to_string())
            .into()
    })
}

impl<T: DeserializeOwned + 'static, A: access::BodyAccess> FromRequest for ApiJson<T, A> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let fut = web::Json::<Value>::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            match parse::<T>(fut).await {
                Ok(body) => Ok(ApiJson(body, PhantomData)),
                // Who may not make the request learns nothing of their body.
                Err(bad_body) => Err(refusal::<A>(&req)
                    .await
                    .map(actix_web::Error::from)
                    .unwrap_or(bad_body)),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[test]
    fn integral_floats_become_integers_and_fractions_stay() {
        let mut v = json!({"n": 3.0, "list": [-2e3, 0.5], "big": 1e300, "i": 7});
        integral_floats_to_integers(&mut v);
        assert_eq!(
            v,
            json!({"n": 3, "list": [-2000, 0.5], "big": 1e300, "i": 7})
        );
        #[derive(Deserialize)]
        struct Dto {
            n: i32,
            w: f64,
        }
        let mut v = json!({"n": 4.0, "w": 2});
        integral_floats_to_integers(&mut v);
        let d: Dto = serde_json::from_value(v).unwrap();
        assert_eq!((d.n, d.w), (4, 2.0));
    }

    #[test]
    fn nul_is_found_with_its_path_except_in_password_fields() {
        assert_eq!(
            find_nul(&json!({"person": {"last_name": "a\u{0}b"}}), ""),
            Some("person.last_name".into())
        );
        assert_eq!(
            find_nul(&json!({"scopes": ["read", "x\u{0}"]}), ""),
            Some("scopes[1]".into())
        );
        assert_eq!(
            find_nul(&json!({"login": "ok", "password": "p\u{0}ss"}), ""),
            None
        );
        assert_eq!(
            find_nul(&json!({"new_password": "\u{0}", "name": "ok"}), ""),
            None
        );
    }
}
