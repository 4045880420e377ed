//! Branding of the hosted pages (Cognito's UI customization): a logo and a stylesheet
//! per pool, and per app client overriding the pool's.
//!
//! The CSS is the operator's to write, but it is parsed with a real CSS parser
//! (lightningcss) and re-serialised; anything that could load from elsewhere or run
//! code is refused with a message naming the rule: `@import`, `url()` other than a
//! `data:` raster image, unknown at-rules, IE's `expression()`, `behavior` and
//! `-moz-binding`. The logo must decode as PNG or JPEG.

use crate::access::{AdminCtx, WriteCtx};
use crate::clock::{Clock, Timestamp};
use crate::pool::UserPoolId;
use crate::ports::{Store, StoreError};
use lightningcss::properties::Property;
use lightningcss::rules::CssRule;
use lightningcss::stylesheet::{ParserOptions, PrinterOptions, StyleSheet};
use lightningcss::traits::ToCss;
use lightningcss::values::url::Url;
use lightningcss::visit_types;
use lightningcss::visitor::{Visit, VisitTypes, Visitor};
use std::sync::Arc;

/// Largest stylesheet accepted, in bytes.
pub const MAX_CSS_BYTES: usize = 100 * 1024;
/// Largest logo accepted, in bytes (Cognito: 100 KB).
pub const MAX_LOGO_BYTES: usize = 100 * 1024;
/// The client id under which the pool-wide customization is kept.
pub const ALL_CLIENTS: &str = "ALL";

/// A logo's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogoKind {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
}

impl LogoKind {
    /// The media type it is served as.
    pub fn content_type(self) -> &'static str {
        match self {
            LogoKind::Png => "image/png",
            LogoKind::Jpeg => "image/jpeg",
        }
    }

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            LogoKind::Png => "png",
            LogoKind::Jpeg => "jpeg",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "png" => Some(LogoKind::Png),
            "jpeg" => Some(LogoKind::Jpeg),
            _ => None,
        }
    }
}

/// A pool's or a client's customization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UiCustomization {
    /// Pool.
    pub pool_id: UserPoolId,
    /// Client id, or [`ALL_CLIENTS`].
    pub client_id: String,
    /// The sanitised stylesheet.
    pub css: Option<String>,
    /// The logo and its format.
    pub logo: Option<(Vec<u8>, LogoKind)>,
    /// Changes with every update (cache busting).
    pub version: String,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

/// Why a customization was refused.
#[derive(Debug, thiserror::Error)]
pub enum BrandingError {
    /// No such pool.
    #[error("User pool {0} does not exist.")]
    PoolNotFound(String),
    /// No such client in the pool.
    #[error("User pool client {0} does not exist.")]
    ClientNotFound(String),
    /// The CSS or the logo breaks a rule.
    #[error("{0}")]
    Invalid(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid(m: impl Into<String>) -> BrandingError {
    BrandingError::Invalid(m.into())
}

/// `bytes` as a `data:` URL (the console inlines logos and draft stylesheets this way).
pub fn data_url(content_type: &str, bytes: &[u8]) -> String {
    use base64::Engine;
    format!("data:{content_type};base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// Checks a logo: at most 100 KB, and it must decode as PNG or JPEG (never SVG).
pub fn check_logo(bytes: &[u8]) -> Result<LogoKind, BrandingError> {
    if bytes.is_empty() {
        return Err(invalid("The logo is empty."));
    }
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(invalid(format!("The logo has {} bytes; at most {MAX_LOGO_BYTES} are allowed.", bytes.len())));
    }
    let kind = match image::guess_format(bytes) {
        Ok(image::ImageFormat::Png) => LogoKind::Png,
        Ok(image::ImageFormat::Jpeg) => LogoKind::Jpeg,
        _ => return Err(invalid("The logo must be a PNG or JPEG image.")),
    };
    let format = match kind {
        LogoKind::Png => image::ImageFormat::Png,
        LogoKind::Jpeg => image::ImageFormat::Jpeg,
    };
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(4096);
    limits.max_image_height = Some(4096);
    limits.max_alloc = Some(64 * 1024 * 1024);
    reader.limits(limits);
    reader.decode().map_err(|e| invalid(format!("The logo could not be decoded as {}: {e}", kind.as_str())))?;
    Ok(kind)
}

/// What the checker found wrong inside one rule.
struct Refusal(String);

struct Checker;

fn allowed_url(u: &str) -> bool {
    let lower = u.trim().to_ascii_lowercase();
    ["data:image/png", "data:image/jpeg", "data:image/jpg", "data:image/gif", "data:image/webp"]
        .iter()
        .any(|p| lower.starts_with(p))
}

impl<'i> Visitor<'i> for Checker {
    type Error = Refusal;

    fn visit_types(&self) -> VisitTypes {
        visit_types!(RULES | PROPERTIES | URLS | IMAGES | TOKENS | FUNCTIONS)
    }

    fn visit_image(&mut self, image: &mut lightningcss::values::image::Image<'i>) -> Result<(), Refusal> {
        // image-set() options are not visited as URLs (and accept bare strings): check them here.
        if let lightningcss::values::image::Image::ImageSet(set) = image {
            for option in set.options.iter_mut() {
                self.visit_image(&mut option.image)?;
            }
        }
        image.visit_children(self)
    }

    fn visit_rule(&mut self, rule: &mut CssRule<'i>) -> Result<(), Refusal> {
        match rule {
            CssRule::Import(_) => return Err(Refusal("@import is not allowed: it loads CSS from elsewhere".into())),
            CssRule::Unknown(u) => return Err(Refusal(format!("the unknown at-rule @{} is not allowed", u.name))),
            CssRule::Custom(_) => return Err(Refusal("this at-rule is not allowed".into())),
            CssRule::MozDocument(_) => return Err(Refusal("the legacy at-rule @-moz-document is not allowed".into())),
            _ => {}
        }
        rule.visit_children(self)
    }

    fn visit_property(&mut self, property: &mut Property<'i>) -> Result<(), Refusal> {
        let id = property.property_id();
        let name = id.name().to_ascii_lowercase();
        if name == "behavior" || name == "-moz-binding" {
            return Err(Refusal(format!("the property {name} is not allowed")));
        }
        property.visit_children(self)
    }

    fn visit_url(&mut self, url: &mut Url<'i>) -> Result<(), Refusal> {
        if allowed_url(&url.url) {
            Ok(())
        } else {
            let shown: String = url.url.chars().take(60).collect();
            Err(Refusal(format!("url({shown}) is not allowed: only data: images (PNG, JPEG, GIF, WebP) may be used")))
        }
    }

    fn visit_function(&mut self, f: &mut lightningcss::properties::custom::Function<'i>) -> Result<(), Refusal> {
        let name = f.name.0.to_ascii_lowercase();
        if name == "expression" || name == "url" || name == "src" {
            return Err(Refusal(format!("{name}() is not allowed")));
        }
        f.visit_children(self)
    }
}

/// A short label for a rule in messages: its prelude (`.cg-card`, `@media (...)`).
fn rule_label(rule: &CssRule<'_>) -> String {
    let text = rule.to_css_string(PrinterOptions::default()).unwrap_or_default();
    let head = text.split('{').next().unwrap_or("").trim();
    let head: String = head.chars().take(80).collect();
    if head.is_empty() {
        "a rule".into()
    } else {
        format!("`{head}`")
    }
}

/// Parses, checks and re-serialises an operator's stylesheet.
pub fn sanitize_css(css: &str) -> Result<String, BrandingError> {
    if css.len() > MAX_CSS_BYTES {
        return Err(invalid(format!("The CSS has {} bytes; at most {MAX_CSS_BYTES} are allowed.", css.len())));
    }
    let mut sheet = StyleSheet::parse(css, ParserOptions { error_recovery: false, ..ParserOptions::default() })
        .map_err(|e| {
            let at = e.loc.map(|l| format!(" at line {}, column {}", l.line + 1, l.column)).unwrap_or_default();
            invalid(format!("The CSS could not be parsed{at}: {}", e.kind))
        })?;
    for rule in sheet.rules.0.iter_mut() {
        let label = rule_label(rule);
        let line = match rule {
            CssRule::Style(s) => Some(s.loc.line + 1),
            CssRule::Media(m) => Some(m.loc.line + 1),
            CssRule::Import(i) => Some(i.loc.line + 1),
            CssRule::FontFace(f) => Some(f.loc.line + 1),
            _ => None,
        };
        if let Err(Refusal(why)) = rule.visit(&mut Checker) {
            let at = line.map(|l| format!(" (line {l})")).unwrap_or_default();
            return Err(invalid(format!("Rule {label}{at}: {why}.")));
        }
    }
    let out = sheet
        .to_css(PrinterOptions::default())
        .map_err(|e| invalid(format!("The CSS could not be written back: {e}")))?;
    // What is served must mean what was checked: the serialiser writes some escapes back
    // as raw characters (`\C` becomes a form feed, which is whitespace), so the output is
    // parsed again and must write back to itself (found by the branding_css fuzz target).
    let faithful = StyleSheet::parse(&out.code, ParserOptions { error_recovery: false, ..ParserOptions::default() })
        .ok()
        .and_then(|again| again.to_css(PrinterOptions::default()).ok())
        .is_some_and(|again| again.code == out.code);
    if !faithful {
        return Err(invalid(
            "The CSS uses escapes that cannot be written back unchanged (such as escaped control characters).",
        ));
    }
    // A last look at what will be served: every url( must hold a data: image, whatever
    // construct it came from (parts the visitor does not reach, such as @property values).
    let lower = out.code.to_ascii_lowercase();
    for (i, _) in lower.match_indices("url(") {
        let rest = lower[i + 4..].trim_start_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace());
        if !allowed_url(rest) {
            let shown: String = out.code[i..].chars().take(60).collect();
            return Err(invalid(format!("{shown} is not allowed: only data: images may be used.")));
        }
    }
    Ok(out.code)
}

/// Branding use cases.
#[derive(Clone)]
pub struct BrandingService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl BrandingService {
    /// The service.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        BrandingService { store, clock }
    }

    async fn check_target(&self, pool_id: &str, client_id: &str) -> Result<UserPoolId, BrandingError> {
        let pid = UserPoolId::parse(pool_id).ok_or_else(|| BrandingError::PoolNotFound(pool_id.into()))?;
        self.store.find_pool(&pid).await?.ok_or_else(|| BrandingError::PoolNotFound(pool_id.into()))?;
        if client_id != ALL_CLIENTS {
            let cid = crate::client::ClientId::parse(client_id)
                .ok_or_else(|| BrandingError::ClientNotFound(client_id.into()))?;
            match self.store.find_client(&cid).await? {
                Some(c) if c.pool_id == pid => {}
                _ => return Err(BrandingError::ClientNotFound(client_id.into())),
            }
        }
        Ok(pid)
    }

    /// `SetUICustomization`: replaces the CSS and the logo of the pool (`client_id`
    /// `None` or `ALL`) or of one client. What is not given is removed, as in Cognito.
    pub async fn set(
        &self,
        _ctx: &WriteCtx,
        pool_id: &str,
        client_id: Option<&str>,
        css: Option<&str>,
        logo: Option<Vec<u8>>,
    ) -> Result<UiCustomization, BrandingError> {
        let client_id = client_id.unwrap_or(ALL_CLIENTS);
        let pid = self.check_target(pool_id, client_id).await?;
        let css = css.map(sanitize_css).transpose()?;
        let logo = match logo {
            Some(bytes) => {
                let kind = check_logo(&bytes)?;
                Some((bytes, kind))
            }
            None => None,
        };
        let now = self.clock.now();
        let existing = self.store.find_ui_customization(&pid, client_id).await?;
        let c = UiCustomization {
            pool_id: pid,
            client_id: client_id.to_owned(),
            css,
            logo,
            version: crate::crypto::random_chars(12, b"abcdefghijklmnopqrstuvwxyz0123456789"),
            created_at: existing.map(|e| e.created_at).unwrap_or(now),
            updated_at: now,
        };
        self.store.put_ui_customization(&c).await?;
        Ok(c)
    }

    /// `GetUICustomization`: the client's, else the pool's (Cognito answers with the pool's
    /// settings when the client has none).
    pub async fn get(
        &self,
        _ctx: &AdminCtx,
        pool_id: &str,
        client_id: Option<&str>,
    ) -> Result<Option<UiCustomization>, BrandingError> {
        let client_id = client_id.unwrap_or(ALL_CLIENTS);
        let pid = self.check_target(pool_id, client_id).await?;
        self.effective(&pid, client_id).await
    }

    /// The logo an editor's save keeps when no new file is chosen: the one stored for
    /// exactly `client_id` (or `ALL`), unless the operator asked to remove it.
    pub async fn kept_logo(
        &self,
        pool: &UserPoolId,
        client_id: &str,
        remove: bool,
    ) -> Result<Option<(Vec<u8>, LogoKind)>, BrandingError> {
        if remove {
            return Ok(None);
        }
        Ok(self.stored(pool, client_id).await?.and_then(|s| s.logo))
    }

    /// Exactly the customization stored for `client_id` (or `ALL`), for serving its files.
    pub async fn stored(&self, pool: &UserPoolId, client_id: &str) -> Result<Option<UiCustomization>, BrandingError> {
        Ok(self.store.find_ui_customization(pool, client_id).await?)
    }

    /// What the hosted pages of `client_id` show: its own customization, else the pool's.
    pub async fn effective(
        &self,
        pool: &UserPoolId,
        client_id: &str,
    ) -> Result<Option<UiCustomization>, BrandingError> {
        if client_id != ALL_CLIENTS {
            if let Some(c) = self.store.find_ui_customization(pool, client_id).await? {
                return Ok(Some(c));
            }
        }
        Ok(self.store.find_ui_customization(pool, ALL_CLIENTS).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(css: &str) -> String {
        match sanitize_css(css) {
            Err(BrandingError::Invalid(m)) => m,
            other => panic!("{css} should be refused, got {other:?}"),
        }
    }

    #[test]
    fn f01_escapes_the_serialiser_cannot_write_back_are_refused_and_output_is_a_fixed_point() {
        // Found by the branding_css fuzz target: `\C` was served as a raw form feed.
        let m = refused(":\0\0\0\0\0\0\0\0\\C\\2{");
        assert!(m.contains("cannot be written back unchanged"), "{m}");
        let out = sanitize_css(".cg-card { color: #c86432 }").unwrap();
        assert_eq!(sanitize_css(&out).unwrap(), out);
    }

    #[test]
    fn ordinary_css_is_kept_and_normalised() {
        let out = sanitize_css(".cg-card { border-radius: 0; --cg-primary: #c00 }\n@media (max-width: 600px) { .cg-card { padding: 8px } }")
            .unwrap();
        assert!(out.contains(".cg-card"));
        assert!(out.contains("--cg-primary"));
        assert!(out.contains("@media"));
        let data = sanitize_css(".cg-card { background: url(data:image/png;base64,iVBORw0KGgo=) }").unwrap();
        assert!(data.contains("data:image/png"));
    }

    #[test]
    fn anything_that_loads_or_runs_is_refused_naming_the_rule() {
        assert!(refused("@import url(https://evil.example/x.css);").contains("@import"));
        assert!(refused("@import 'x.css';").contains("@import"));
        let m = refused(".cg-logo { background: url(https://evil.example/track.png) }");
        assert!(m.contains("`.cg-logo`") && m.contains("url(https://evil.example/track.png)"), "{m}");
        assert!(refused(".a { --x: url(//evil.example/) }").contains("url("));
        assert!(refused(".a { background-image: image-set(\"https://evil.example/a.png\" 1x) }").contains("url("));
        assert!(refused(".a { width: expression(alert(1)) }").contains("expression"));
        assert!(refused(".a { behavior: url(x.htc) }").contains("behavior"));
        assert!(refused(".a { -moz-binding: url(x.xml) }").contains("binding"));
        assert!(refused("@font-face { font-family: x; src: url(https://evil.example/f.woff) }").contains("url("));
        assert!(refused(".a { background: url(data:image/svg+xml;base64,PHN2Zz4=) }").contains("data:"));
        assert!(refused("@-moz-document url-prefix() { .a { color: red } }").contains("@-moz-document"));
        assert!(refused("..a { color: red }").contains("could not be parsed at line 1"));
        assert!(refused(&"a".repeat(MAX_CSS_BYTES + 1)).contains("at most"));
    }

    #[test]
    fn logos_must_decode_as_png_or_jpeg() {
        let mut png = Vec::new();
        image::RgbImage::new(2, 2).write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
        assert_eq!(check_logo(&png).unwrap(), LogoKind::Png);
        let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>";
        assert!(check_logo(svg).is_err());
        let mut truncated = png.clone();
        truncated.truncate(png.len() / 2);
        assert!(check_logo(&truncated).is_err(), "a PNG header is not enough");
        assert!(check_logo(&vec![0u8; MAX_LOGO_BYTES + 1]).is_err());
    }
}
