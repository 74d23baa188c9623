//! Access tokens: HS256 JWTs with `iss`, `aud`, `sub` (account id), `sid` (session id), `iat`
//! and `exp`, all required and checked. Only HS256 is accepted (`alg: none` and every other
//! algorithm are refused).

use chrono::Utc;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use otmetka_domain::ErrorCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// Account id.
    pub sub: Uuid,
    /// Session id (the refresh-token family); checked against the database on every request.
    pub sid: Uuid,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
}

/// Signing and verifying keys with the issuer, audience and lifetime.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    /// Lifetime of issued tokens in seconds.
    pub ttl_secs: u64,
}

impl JwtKeys {
    /// Keys from a secret of at least 32 bytes.
    pub fn new(
        secret: &[u8],
        issuer: &str,
        audience: &str,
        ttl_secs: u64,
    ) -> Result<Self, AppError> {
        let encoding = EncodingKey::from_secret(secret).map_err(AppError::internal)?;
        let decoding = DecodingKey::from_secret(secret).map_err(AppError::internal)?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Ok(JwtKeys {
            encoding,
            decoding,
            validation,
            issuer: issuer.into(),
            audience: audience.into(),
            ttl_secs,
        })
    }

    /// Issues a token for an account and session.
    pub fn issue(&self, account_id: Uuid, session_id: Uuid) -> Result<String, AppError> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: account_id,
            sid: session_id,
            iat: now,
            exp: now + self.ttl_secs as i64,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(AppError::internal)
    }

    /// Verifies a token. Errors: 401 `token_expired`, 401 `token_invalid` (bad signature, wrong
    /// algorithm, issuer or audience, missing claims, malformed).
    pub fn verify(&self, token: &str) -> Result<Claims, AppError> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|d| d.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => {
                    AppError::new(ErrorCode::TokenExpired).detail("the access token has expired")
                }
                _ => AppError::new(ErrorCode::TokenInvalid).detail("the access token is not valid"),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn keys() -> JwtKeys {
        JwtKeys::new(&[7u8; 32], "otmetka", "otmetka-api", 900).unwrap()
    }

    #[test]
    fn issued_token_verifies_with_its_claims() {
        let k = keys();
        let (a, s) = (Uuid::now_v7(), Uuid::now_v7());
        let c = k.verify(&k.issue(a, s).unwrap()).unwrap();
        assert_eq!(
            (c.sub, c.sid, c.iss.as_str(), c.aud.as_str()),
            (a, s, "otmetka", "otmetka-api")
        );
        assert_eq!(c.exp - c.iat, 900);
    }

    #[test]
    fn wrong_audience_other_secret_alg_none_and_expired_are_refused() {
        let k = keys();
        let other_aud = JwtKeys::new(&[7u8; 32], "otmetka", "someone-else", 900).unwrap();
        let t = other_aud.issue(Uuid::now_v7(), Uuid::now_v7()).unwrap();
        assert_eq!(k.verify(&t).unwrap_err().code, ErrorCode::TokenInvalid);

        let other_key = JwtKeys::new(&[8u8; 32], "otmetka", "otmetka-api", 900).unwrap();
        let t = other_key.issue(Uuid::now_v7(), Uuid::now_v7()).unwrap();
        assert_eq!(k.verify(&t).unwrap_err().code, ErrorCode::TokenInvalid);

        // alg: none with valid-looking claims.
        let now = Utc::now().timestamp();
        let claims = serde_json::json!({"iss":"otmetka","aud":"otmetka-api","sub":Uuid::now_v7(),
            "sid":Uuid::now_v7(),"iat":now,"exp":now+900});
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        assert_eq!(k.verify(&none).unwrap_err().code, ErrorCode::TokenInvalid);

        let expired = Claims {
            iss: "otmetka".into(),
            aud: "otmetka-api".into(),
            sub: Uuid::now_v7(),
            sid: Uuid::now_v7(),
            iat: now - 2000,
            exp: now - 1000,
        };
        let t = encode(
            &Header::new(Algorithm::HS256),
            &expired,
            &EncodingKey::from_secret(&[7u8; 32]).unwrap(),
        )
        .unwrap();
        assert_eq!(k.verify(&t).unwrap_err().code, ErrorCode::TokenExpired);

        // Missing sid.
        let no_sid = serde_json::json!({"iss":"otmetka","aud":"otmetka-api","sub":Uuid::now_v7(),"iat":now,"exp":now+900});
        let t = encode(
            &Header::new(Algorithm::HS256),
            &no_sid,
            &EncodingKey::from_secret(&[7u8; 32]).unwrap(),
        )
        .unwrap();
        assert_eq!(k.verify(&t).unwrap_err().code, ErrorCode::TokenInvalid);
        assert_eq!(
            k.verify("garbage").unwrap_err().code,
            ErrorCode::TokenInvalid
        );
    }
}
