//! Verifying AWS Signature Version 4 on admin calls. The signature is recomputed with
//! the `aws-sigv4` crate (the SDKs' own signer) over exactly the headers the client
//! says it signed, and compared in constant time. Error names and messages follow
//! what AWS answers for each failure.

use super::error::CognitoError;
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use axum::http::{HeaderMap, Method, Uri};
use domain::clock::Timestamp;
use domain::secret::SecretString;
use std::borrow::Cow;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How far a request's `X-Amz-Date` may be from our clock (AWS allows 5 minutes).
pub const CLOCK_WINDOW: Duration = Duration::from_secs(5 * 60);

/// The parsed `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The access key id.
    pub access_key_id: String,
    /// `YYYYMMDD` of the credential scope.
    pub date: String,
    /// Region of the scope.
    pub region: String,
    /// Service of the scope.
    pub service: String,
    /// Lower-case header names, in the client's order.
    pub signed_headers: Vec<String>,
    /// Hex signature.
    pub signature: String,
}

/// Parses `AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, SignedHeaders=a;b, Signature=hex`.
pub fn parse_authorization(value: &str) -> Result<Authorization, CognitoError> {
    let rest = value.strip_prefix("AWS4-HMAC-SHA256 ").ok_or_else(|| {
        CognitoError::incomplete_signature("Authorization header requires the AWS4-HMAC-SHA256 algorithm.")
    })?;
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("Credential=") {
            credential = Some(v);
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed = Some(v);
        } else if let Some(v) = part.strip_prefix("Signature=") {
            signature = Some(v);
        }
    }
    let missing = |what: &str| {
        CognitoError::incomplete_signature(format!(
            "Authorization header requires '{what}' parameter. Authorization={value}"
        ))
    };
    let credential = credential.ok_or_else(|| missing("Credential"))?;
    let signed = signed.ok_or_else(|| missing("SignedHeaders"))?;
    let signature = signature.ok_or_else(|| missing("Signature"))?;
    let scope: Vec<&str> = credential.split('/').collect();
    if scope.len() != 5 || scope[4] != "aws4_request" || scope.iter().any(|s| s.is_empty()) {
        return Err(CognitoError::incomplete_signature(format!(
            "Credential should be scoped to a valid region, not '{credential}'."
        )));
    }
    Ok(Authorization {
        access_key_id: scope[0].to_owned(),
        date: scope[1].to_owned(),
        region: scope[2].to_owned(),
        service: scope[3].to_owned(),
        signed_headers: signed.split(';').map(|h| h.trim().to_ascii_lowercase()).collect(),
        signature: signature.to_owned(),
    })
}

/// Parses `YYYYMMDDTHHMMSSZ`.
pub fn parse_amz_date(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, se) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    // days-from-civil (H. Hinnant)
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + h * 3600 + mi * 60 + se;
    Some(UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).ok()?))
}

/// What the verifier needs from the request.
pub struct Incoming<'a> {
    /// Method.
    pub method: &'a Method,
    /// URI as received (path and query).
    pub uri: &'a Uri,
    /// Headers.
    pub headers: &'a HeaderMap,
    /// Raw body.
    pub body: &'a [u8],
}

/// Checks scope, clock window and signature; `secret` is the key's secret.
pub fn verify(
    req: &Incoming<'_>,
    auth: &Authorization,
    secret: &SecretString,
    now: Timestamp,
    region: &str,
    service: &str,
) -> Result<(), CognitoError> {
    if auth.service != service || auth.region != region {
        return Err(CognitoError::invalid_signature(format!(
            "Credential should be scoped to correct service/region: '{service}' in '{region}'."
        )));
    }
    let amz_date = req.headers.get("x-amz-date").and_then(|v| v.to_str().ok()).ok_or_else(|| {
        CognitoError::incomplete_signature(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        )
    })?;
    let time = parse_amz_date(amz_date).ok_or_else(|| {
        CognitoError::incomplete_signature(format!("Date must be in ISO-8601 'basic format'. Got '{amz_date}'."))
    })?;
    if !amz_date.starts_with(&auth.date) {
        return Err(CognitoError::invalid_signature(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.",
        ));
    }
    let now_st = UNIX_EPOCH + Duration::from_millis(u64::try_from(now.millis()).unwrap_or(0));
    let skew = now_st.duration_since(time).unwrap_or_else(|e| e.duration());
    if skew > CLOCK_WINDOW {
        return Err(CognitoError::invalid_signature(format!(
            "Signature expired: {amz_date} is now earlier or later than the allowed 5 minute window."
        )));
    }
    // The signature must cover where the request goes, when it was made and which
    // action it runs: with `x-amz-target` unsigned, a captured request could be replayed
    // as another action within its window (SECURITY.md J-03).
    for (name, shown) in [("host", "Host"), ("x-amz-date", "X-Amz-Date"), ("x-amz-target", "X-Amz-Target")] {
        if !auth.signed_headers.iter().any(|h| h == name) {
            return Err(CognitoError::invalid_signature(format!("'{shown}' must be a signed header.")));
        }
    }
    let mut headers: Vec<(&str, &str)> = Vec::with_capacity(auth.signed_headers.len());
    for name in &auth.signed_headers {
        if name == "x-amz-date" {
            continue; // the signer adds it from `time`
        }
        for v in req.headers.get_all(name.as_str()) {
            let v = v.to_str().map_err(|_| CognitoError::invalid_signature("A signed header is not valid text."))?;
            headers.push((name.as_str(), v));
        }
    }
    let path_and_query = req.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let mut settings = SigningSettings::default();
    settings.excluded_headers = Some(vec![Cow::Borrowed("authorization")]);
    let identity: Identity = Credentials::new(&auth.access_key_id, secret.secret(), None, None, "cognate").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&auth.region)
        .name(&auth.service)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| CognitoError::internal(format!("signature check failed: {e}")))?
        .into();
    let signable =
        SignableRequest::new(req.method.as_str(), path_and_query, headers.into_iter(), SignableBody::Bytes(req.body))
            .map_err(|_| CognitoError::invalid_signature("The request could not be canonicalised."))?;
    let expected = sign(signable, &params)
        .map_err(|e| CognitoError::internal(format!("signature check failed: {e}")))?
        .signature()
        .to_owned();
    if domain::crypto::ct_eq(expected.as_bytes(), auth.signature.as_bytes()) {
        Ok(())
    } else {
        Err(CognitoError::invalid_signature(
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_headers_parse_and_bad_ones_are_incomplete() {
        let a = parse_authorization(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=abcdef",
        )
        .unwrap();
        assert_eq!(a.access_key_id, "AKIDEXAMPLE");
        assert_eq!(a.region, "us-east-1");
        assert_eq!(a.service, "cognito-idp");
        assert_eq!(a.signed_headers, ["host", "x-amz-date", "x-amz-target"]);
        for bad in [
            "Basic abc",
            "AWS4-HMAC-SHA256 Credential=a/b, SignedHeaders=host, Signature=x",
            "AWS4-HMAC-SHA256 SignedHeaders=host",
        ] {
            assert_eq!(parse_authorization(bad).unwrap_err().name, "IncompleteSignatureException", "{bad}");
        }
    }

    #[test]
    fn amz_dates_parse() {
        let t = parse_amz_date("20261122T004512Z").unwrap();
        assert_eq!(t.duration_since(UNIX_EPOCH).unwrap().as_secs(), 1_795_308_312);
        assert!(parse_amz_date("2026-11-22T00:45:12Z").is_none());
        assert!(parse_amz_date("20261322T004512Z").is_none());
    }
}
