//! Pool settings: create a pool with its important settings, change what Cognito lets
//! change, add custom attributes. The server functions build a `PoolConfig` and hand it
//! to `PoolService`, whose rules (the same as CreateUserPool / UpdateUserPool /
//! AddCustomAttributes) decide; nothing here re-implements a rule.

use crate::dto::{PoolOverviewView, PoolSummary};
use crate::error::AdminError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Standard attributes a pool can require at sign-up (OpenID Connect's standard claims).
pub const STANDARD_ATTRIBUTES: &[(&str, &str)] = &[
    ("email", "Email"),
    ("phone_number", "Phone number"),
    ("name", "Name"),
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("middle_name", "Middle name"),
    ("nickname", "Nickname"),
    ("preferred_username", "Preferred user name"),
    ("birthdate", "Birth date"),
    ("gender", "Gender"),
    ("address", "Address"),
    ("locale", "Locale"),
    ("zoneinfo", "Time zone"),
    ("picture", "Picture URL"),
    ("profile", "Profile URL"),
    ("website", "Website"),
];

/// Account recovery choices: (value, label).
pub const RECOVERY_CHOICES: &[(&str, &str)] = &[
    ("email", "Email only"),
    ("email_phone", "Email, then phone (SMS)"),
    ("phone_email", "Phone (SMS), then email"),
    ("phone", "Phone (SMS) only"),
    ("admin_only", "Administrators only"),
];

/// A custom attribute row of the create form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomAttributeForm {
    /// Name without `custom:`; rows with an empty name are ignored.
    pub name: Option<String>,
    /// `String`, `Number`, `DateTime` or `Boolean`.
    pub data_type: Option<String>,
    /// Can change after sign-up.
    pub mutable: Option<String>,
    /// Bounds (length for strings, value for numbers).
    pub min: Option<String>,
    /// Bounds.
    pub max: Option<String>,
}

/// The create form: checkboxes arrive as "on", absent when unchecked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPoolForm {
    /// Pool name.
    pub name: String,
    /// Sign in with a user name.
    pub signin_username: Option<String>,
    /// Sign in with an email address.
    pub signin_email: Option<String>,
    /// Sign in with a phone number.
    pub signin_phone: Option<String>,
    /// Sign in with a preferred user name (only beside a user name).
    pub signin_preferred: Option<String>,
    /// User names and aliases ignore case.
    pub case_insensitive: Option<String>,
    /// Standard attributes required at sign-up, by name.
    pub required: Option<std::collections::BTreeMap<String, String>>,
    /// Custom attribute rows.
    pub custom: Option<Vec<CustomAttributeForm>>,
    /// Minimum password length.
    pub min_length: Option<String>,
    /// Character classes.
    pub require_lowercase: Option<String>,
    /// Character classes.
    pub require_uppercase: Option<String>,
    /// Character classes.
    pub require_numbers: Option<String>,
    /// Character classes.
    pub require_symbols: Option<String>,
    /// Users may sign themselves up.
    pub self_sign_up: Option<String>,
    /// Send a code to verify email.
    pub verify_email: Option<String>,
    /// Send a code to verify phone numbers.
    pub verify_phone: Option<String>,
    /// Keep the old value until a new email/phone is verified.
    pub keep_original: Option<String>,
    /// One of `RECOVERY_CHOICES`.
    pub recovery: Option<String>,
    /// Deletion protection.
    pub deletion_protection: Option<String>,
}

#[cfg(feature = "ssr")]
pub(crate) mod convert {
    use super::*;
    use domain::pool::config::{AttributeType, PoolConfig, RecoveryOption, SchemaRequest, SignInAttribute};

    pub fn on(v: &Option<String>) -> bool {
        v.is_some()
    }

    fn text(v: &Option<String>) -> Option<String> {
        v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
    }

    pub fn min_length(v: &Option<String>, default: u32) -> Result<u32, AdminError> {
        match text(v) {
            None => Ok(default),
            Some(t) => t.parse().map_err(|_| AdminError::invalid("min_length", "Enter a whole number from 6 to 99.")),
        }
    }

    /// The recovery options of a choice from `RECOVERY_CHOICES`.
    pub fn recovery_options(choice: &str) -> Result<Vec<RecoveryOption>, AdminError> {
        let one = |name: &str, priority| RecoveryOption { name: name.into(), priority };
        Ok(match choice {
            "" => Vec::new(),
            "email" => vec![one("verified_email", 1)],
            "phone" => vec![one("verified_phone_number", 1)],
            "email_phone" => vec![one("verified_email", 1), one("verified_phone_number", 2)],
            "phone_email" => vec![one("verified_phone_number", 1), one("verified_email", 2)],
            "admin_only" => vec![one("admin_only", 1)],
            _ => return Err(AdminError::invalid("recovery", "Choose one of the listed recovery options.")),
        })
    }

    /// The `RECOVERY_CHOICES` value of stored options ("" when not set).
    pub fn recovery_choice(options: &[RecoveryOption]) -> String {
        let mut sorted = options.to_vec();
        sorted.sort_by_key(|r| r.priority);
        let names: Vec<&str> = sorted.iter().map(|r| r.name.as_str()).collect();
        match names.as_slice() {
            ["verified_email"] => "email",
            ["verified_phone_number"] => "phone",
            ["verified_email", "verified_phone_number"] => "email_phone",
            ["verified_phone_number", "verified_email"] => "phone_email",
            ["admin_only"] => "admin_only",
            _ => "",
        }
        .into()
    }

    fn auto_verified(email: bool, phone: bool) -> Vec<String> {
        let mut v = Vec::new();
        if email {
            v.push("email".to_owned());
        }
        if phone {
            v.push("phone_number".to_owned());
        }
        v
    }

    /// Verification settings onto `c`.
    pub fn apply_verification(
        c: &mut PoolConfig,
        email: bool,
        phone: bool,
        keep_original: bool,
        recovery: &str,
    ) -> Result<(), AdminError> {
        c.auto_verified_attributes = auto_verified(email, phone);
        c.attributes_require_verification_before_update =
            if keep_original { c.auto_verified_attributes.clone() } else { Vec::new() };
        c.account_recovery = recovery_options(recovery)?;
        Ok(())
    }

    /// One schema request for a custom attribute row (`None` for an empty row).
    pub fn custom_request(row: &CustomAttributeForm) -> Result<Option<SchemaRequest>, AdminError> {
        let Some(name) = text(&row.name) else { return Ok(None) };
        let type_name = text(&row.data_type).unwrap_or_else(|| "String".into());
        let data_type = AttributeType::parse(&type_name)
            .ok_or_else(|| AdminError::invalid("custom", format!("Unknown attribute type {type_name}.")))?;
        let number = data_type == AttributeType::Number;
        let string_like = matches!(data_type, AttributeType::String | AttributeType::DateTime);
        let (min, max) = (text(&row.min), text(&row.max));
        Ok(Some(SchemaRequest {
            name,
            data_type: Some(data_type),
            developer_only: Some(false),
            mutable: Some(on(&row.mutable)),
            required: Some(false),
            min_length: if string_like { min.clone() } else { None },
            max_length: if string_like { max.clone() } else { None },
            min_value: if number { min } else { None },
            max_value: if number { max } else { None },
        }))
    }

    /// The whole configuration of the create form.
    pub fn new_pool_config(f: &NewPoolForm) -> Result<PoolConfig, AdminError> {
        let mut c = PoolConfig::default();
        let (username, email, phone) = (on(&f.signin_username), on(&f.signin_email), on(&f.signin_phone));
        if !username && !email && !phone {
            return Err(AdminError::invalid("signin", "Choose at least one way to sign in."));
        }
        let mut others = Vec::new();
        if email {
            others.push(SignInAttribute::Email);
        }
        if phone {
            others.push(SignInAttribute::PhoneNumber);
        }
        if username {
            if on(&f.signin_preferred) {
                others.push(SignInAttribute::PreferredUsername);
            }
            c.alias_attributes = others;
        } else {
            if on(&f.signin_preferred) {
                return Err(AdminError::invalid(
                    "signin",
                    "A preferred user name can only be used beside a user name.",
                ));
            }
            c.username_attributes = others;
        }
        c.case_sensitive = Some(!on(&f.case_insensitive));
        let mut schema: Vec<SchemaRequest> = f
            .required
            .iter()
            .flatten()
            .map(|(name, _)| SchemaRequest { name: name.clone(), required: Some(true), ..Default::default() })
            .collect();
        for row in f.custom.iter().flatten() {
            schema.extend(custom_request(row)?);
        }
        c.apply_schema(&schema, true).map_err(|e| AdminError::invalid("schema", e))?;
        let p = &mut c.password_policy;
        p.minimum_length = min_length(&f.min_length, p.minimum_length)?;
        p.require_lowercase = on(&f.require_lowercase);
        p.require_uppercase = on(&f.require_uppercase);
        p.require_numbers = on(&f.require_numbers);
        p.require_symbols = on(&f.require_symbols);
        c.allow_admin_create_user_only = !on(&f.self_sign_up);
        apply_verification(
            &mut c,
            on(&f.verify_email),
            on(&f.verify_phone),
            on(&f.keep_original),
            f.recovery.as_deref().unwrap_or(""),
        )?;
        c.deletion_protection = on(&f.deletion_protection);
        Ok(c)
    }

    /// How users sign in, in words.
    pub fn sign_in_description(c: &PoolConfig) -> String {
        let names = |v: &[SignInAttribute]| -> Vec<&'static str> {
            v.iter()
                .map(|a| match a {
                    SignInAttribute::Email => "email",
                    SignInAttribute::PhoneNumber => "phone number",
                    SignInAttribute::PreferredUsername => "preferred user name",
                })
                .collect()
        };
        if !c.username_attributes.is_empty() {
            format!("{} (instead of a user name)", names(&c.username_attributes).join(" or "))
        } else if !c.alias_attributes.is_empty() {
            format!("user name, or {}", names(&c.alias_attributes).join(" or "))
        } else {
            "user name".into()
        }
    }

    pub fn pool_error(e: domain::pool::PoolError) -> AdminError {
        use domain::pool::PoolError;
        match e {
            PoolError::Name(e) => AdminError::invalid("name", e),
            PoolError::Config(e) => AdminError::invalid("settings", e),
            PoolError::NotFound(_) => AdminError::invalid("pool", e.to_string()),
            PoolError::DeletionProtected(_) => {
                AdminError::invalid("pool", format!("{e} Turn it off in the settings first."))
            }
            e => crate::ssr::internal(e),
        }
    }
}

/// Creates a user pool with the settings of the create form.
#[server(endpoint = "create_pool")]
pub async fn create_pool(pool: NewPoolForm) -> Result<PoolSummary, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let writer = ctx.for_write()?;
            let config = convert::new_pool_config(&pool)?;
            let created =
                svc.pools.create_with(&writer, pool.name.trim(), config).await.map_err(convert::pool_error)?;
            crate::ssr::audit(&ctx, &svc, "console:user_pool_created", &[("pool_id", created.id.to_string())]).await;
            Ok(PoolSummary::from(&created))
        }
        .await,
    )
}

/// Saves what Cognito lets change after creation: name, password policy, self sign-up,
/// verification, account recovery, deletion protection. The rules are UpdateUserPool's.
#[server(endpoint = "update_pool_settings")]
#[allow(clippy::too_many_arguments)]
pub async fn update_pool_settings(
    pool_id: String,
    name: String,
    min_length: String,
    require_lowercase: Option<String>,
    require_uppercase: Option<String>,
    require_numbers: Option<String>,
    require_symbols: Option<String>,
    self_sign_up: Option<String>,
    deletion_protection: Option<String>,
    verify_email: Option<String>,
    verify_phone: Option<String>,
    keep_original: Option<String>,
    recovery: Option<String>,
) -> Result<String, AdminError> {
    use convert::on;
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let w = ctx.for_write()?;
            let pool = svc.pools.get(&ctx, &pool_id).await.map_err(convert::pool_error)?;
            let mut config = pool.config.clone();
            let p = &mut config.password_policy;
            p.minimum_length = convert::min_length(&Some(min_length), p.minimum_length)?;
            p.require_lowercase = on(&require_lowercase);
            p.require_uppercase = on(&require_uppercase);
            p.require_numbers = on(&require_numbers);
            p.require_symbols = on(&require_symbols);
            config.allow_admin_create_user_only = !on(&self_sign_up);
            config.deletion_protection = on(&deletion_protection);
            // A form without the verification fields (an older page) keeps the stored ones.
            if let Some(choice) = &recovery {
                convert::apply_verification(
                    &mut config,
                    on(&verify_email),
                    on(&verify_phone),
                    on(&keep_original),
                    choice,
                )?;
            }
            svc.pools.update(&w, &pool_id, Some(name.trim()), config).await.map_err(convert::pool_error)?;
            crate::ssr::audit(&ctx, &svc, "console:pool_settings_saved", &[("pool_id", pool_id.to_string())]).await;
            Ok("Settings saved.".into())
        }
        .await,
    )
}

/// Deletes a pool and everything in it, unless deletion protection is on.
#[server(endpoint = "delete_pool")]
pub async fn delete_pool(pool_id: String) -> Result<String, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let w = ctx.for_write()?;
            svc.pools.delete(&w, &pool_id).await.map_err(convert::pool_error)?;
            crate::ssr::audit(&ctx, &svc, "console:pool_deleted", &[("pool_id", pool_id.to_string())]).await;
            Ok("Pool deleted.".into())
        }
        .await,
    )
}

/// Adds one custom attribute (AddCustomAttributes).
#[server(endpoint = "add_custom_attribute")]
pub async fn add_custom_attribute(pool_id: String, attribute: CustomAttributeForm) -> Result<String, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let w = ctx.for_write()?;
            let request = convert::custom_request(&attribute)?
                .ok_or_else(|| AdminError::invalid("custom", "Enter the attribute's name."))?;
            let name = format!("custom:{}", request.name);
            svc.pools.add_custom_attributes(&w, &pool_id, &[request]).await.map_err(convert::pool_error)?;
            crate::ssr::audit(
                &ctx,
                &svc,
                "console:custom_attribute_added",
                &[("pool_id", pool_id.to_string()), ("attribute", name.clone())],
            )
            .await;
            Ok(format!("Added {name}."))
        }
        .await,
    )
}

/// Rotates the pool's token signing key: a new key signs from now on, the old one stays
/// in the JWKS for a day so tokens it signed keep verifying until they expire.
#[server(endpoint = "rotate_signing_key")]
pub async fn rotate_signing_key(pool_id: String) -> Result<String, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            ctx.for_write()?;
            let pool = svc.pools.get(&ctx, &pool_id).await.map_err(convert::pool_error)?;
            let kid = svc.tokens.rotate(&pool.id).await.map_err(crate::ssr::internal)?;
            crate::ssr::audit(
                &ctx,
                &svc,
                "console:signing_key_rotated",
                &[("pool_id", pool_id.clone()), ("kid", kid.clone())],
            )
            .await;
            Ok(format!("New signing key {kid}."))
        }
        .await,
    )
}

fn checkbox(name: &'static str, label: &'static str, checked: bool) -> impl IntoView {
    view! { <label class="check"><input type="checkbox" name=name checked=checked />" " {label}</label> }
}

/// A form field's name: `f`, or `prefix[f]` inside the create form's struct.
fn field_name(prefix: &str, f: &str) -> String {
    if prefix.is_empty() {
        f.to_owned()
    } else {
        format!("{prefix}[{f}]")
    }
}

/// A field's id, distinct between the create form (`new-...`) and the edit form.
fn field_id(prefix: &str, base: &str) -> String {
    if prefix.is_empty() {
        base.to_owned()
    } else {
        format!("new-{base}")
    }
}

/// The password policy fields (create and edit).
#[component]
pub(crate) fn PolicyFields(
    prefix: &'static str,
    min_length: u32,
    lower: bool,
    upper: bool,
    numbers: bool,
    symbols: bool,
) -> impl IntoView {
    let n = move |f: &str| field_name(prefix, f);
    let id = field_id(prefix, "min-length");
    view! {
        <fieldset>
            <legend>"Password policy"</legend>
            <div class="field">
                <label for=id.clone()>"Minimum length"</label>
                <input id=id name=n("min_length") type="number" min="6" max="99" value=min_length.to_string() />
            </div>
            <label class="check"><input type="checkbox" name=n("require_lowercase") checked=lower />" Lower-case letter"</label>
            <label class="check"><input type="checkbox" name=n("require_uppercase") checked=upper />" Upper-case letter"</label>
            <label class="check"><input type="checkbox" name=n("require_numbers") checked=numbers />" Number"</label>
            <label class="check"><input type="checkbox" name=n("require_symbols") checked=symbols />" Symbol"</label>
        </fieldset>
    }
}

/// The verification and recovery fields (create and edit).
#[component]
pub(crate) fn VerificationFields(
    prefix: &'static str,
    verify_email: bool,
    verify_phone: bool,
    keep_original: bool,
    recovery: String,
) -> impl IntoView {
    let n = move |f: &str| field_name(prefix, f);
    let id = field_id(prefix, "recovery");
    let unset = recovery.is_empty();
    view! {
        <fieldset>
            <legend>"Verification and account recovery"</legend>
            <label class="check"><input type="checkbox" name=n("verify_email") checked=verify_email />" Send a code to verify email addresses"</label>
            <label class="check"><input type="checkbox" name=n("verify_phone") checked=verify_phone />" Send a code to verify phone numbers"</label>
            <label class="check"><input type="checkbox" name=n("keep_original") checked=keep_original />" Keep the old address until a new one is verified"</label>
            <div class="field">
                <label for=id.clone()>"Account recovery"</label>
                <select id=id name=n("recovery")>
                    {unset.then(|| view! { <option value="" selected>"Not set (phone if verified, else email)"</option> })}
                    {RECOVERY_CHOICES.iter().map(|(v, l)| view! {
                        <option value=*v selected=recovery == *v>{*l}</option>
                    }).collect_view()}
                </select>
            </div>
        </fieldset>
    }
}

/// The create form on the dashboard: the name up front, the other settings folded.
#[component]
pub fn CreatePoolForm(action: ServerAction<CreatePool>) -> impl IntoView {
    let result = action.value();
    let error = move || match result.get() {
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    };
    let created = move || match result.get() {
        Some(Ok(p)) => Some((format!("Created pool {} ({}).", p.name, p.id), format!("/admin/pools/{}", p.id))),
        _ => None,
    };
    view! {
        <section aria-labelledby="create-heading" class="panel">
            <h2 id="create-heading">"Create a user pool"</h2>
            <ActionForm action=action attr:class="stack">
                <div class="inline-form">
                    <div class="field">
                        <label for="pool-name">"Pool name"</label>
                        <input id="pool-name" name="pool[name]" type="text" required maxlength="128"
                            placeholder="e.g. Customers"
                            aria-invalid=move || error().is_some().then_some("true")
                            aria-describedby=move || error().map(|_| "pool-create-error") />
                    </div>
                    <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Creating…" } else { "Create pool" }}
                    </button>
                </div>
                <details class="more-settings">
                    <summary>"Sign-in, attributes, password and recovery settings"</summary>
                    <div class="settings-grid">
                        <fieldset>
                            <legend>"Users sign in with"</legend>
                            {checkbox("pool[signin_username]", "User name", true)}
                            {checkbox("pool[signin_email]", "Email address", false)}
                            {checkbox("pool[signin_phone]", "Phone number", false)}
                            {checkbox("pool[signin_preferred]", "Preferred user name (beside a user name)", false)}
                            {checkbox("pool[case_insensitive]", "Ignore case in user names", true)}
                            <p class="hint">"These cannot be changed after the pool is created."</p>
                        </fieldset>
                        <fieldset>
                            <legend>"Required at sign-up"</legend>
                            <div class="check-columns">
                                {STANDARD_ATTRIBUTES.iter().map(|(name, label)| view! {
                                    <label class="check"><input type="checkbox" name=format!("pool[required][{name}]") />" " {*label}</label>
                                }).collect_view()}
                            </div>
                        </fieldset>
                        <fieldset>
                            <legend>"Custom attributes"</legend>
                            <p class="hint">"Up to 20 characters; stored as custom:name. Leave a row empty to skip it."</p>
                            {(0..3).map(|i| view! { <CustomAttributeRow prefix=format!("pool[custom][{i}]") label=format!("Attribute {}", i + 1) /> }).collect_view()}
                        </fieldset>
                        <PolicyFields prefix="pool" min_length=8 lower=true upper=true numbers=true symbols=true />
                        <VerificationFields prefix="pool" verify_email=true verify_phone=false keep_original=false recovery="email".to_owned() />
                        <fieldset>
                            <legend>"Other"</legend>
                            {checkbox("pool[self_sign_up]", "Users may sign themselves up", true)}
                            {checkbox("pool[deletion_protection]", "Deletion protection", false)}
                        </fieldset>
                    </div>
                </details>
            </ActionForm>
            {move || error().map(|m| view! { <Alert kind="error" message=m id="pool-create-error" /> })}
            {move || created().map(|(m, href)| view! {
                <p class="alert alert-success" role="status">{m} " " <a href=href>"Open it"</a></p>
            })}
        </section>
    }
}

use crate::components::Alert;

/// One row of custom attribute fields named `<prefix>[name]` etc.
#[component]
pub(crate) fn CustomAttributeRow(prefix: String, label: String) -> impl IntoView {
    let n = |f: &str| format!("{prefix}[{f}]");
    let key: String = prefix.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let id = |f: &str| format!("{key}-{f}");
    let no = label;
    view! {
        <div class="attr-row">
            <div class="field">
                <label for=id("name")>{format!("{no} name")}</label>
                <input id=id("name") name=n("name") type="text" maxlength="20" />
            </div>
            <div class="field">
                <label for=id("type")>{format!("{no} type")}</label>
                <select id=id("type") name=n("data_type")>
                    <option value="String" selected>"Text"</option>
                    <option value="Number">"Number"</option>
                    <option value="DateTime">"Date and time"</option>
                    <option value="Boolean">"Yes / no"</option>
                </select>
            </div>
            <div class="field">
                <label for=id("min")>{format!("{no} minimum")}</label>
                <input id=id("min") name=n("min") type="number" min="0" />
            </div>
            <div class="field">
                <label for=id("max")>{format!("{no} maximum")}</label>
                <input id=id("max") name=n("max") type="number" min="0" />
            </div>
            <label class="check"><input type="checkbox" name=n("mutable") checked=true />{format!(" {no} can change")}</label>
        </div>
    }
}

/// The pool's attributes and, for administrators, the add-attribute form.
#[component]
pub(crate) fn AttributesPanel(pool: PoolOverviewView, add: ServerAction<AddCustomAttribute>) -> impl IntoView {
    let pool_id = pool.id.clone();
    view! {
        <section class="panel" aria-labelledby="attributes-heading">
            <h2 id="attributes-heading">"Attributes"</h2>
            <p class="muted">"Users sign in with " {pool.sign_in.clone()} "; user names "
                {if pool.case_sensitive { "are case-sensitive" } else { "ignore case" }} "."</p>
            <table class="table">
                <thead><tr><th scope="col">"Attribute"</th><th scope="col">"Type"</th><th scope="col">"Required"</th><th scope="col">"Can change"</th></tr></thead>
                <tbody>
                    {pool.attributes.iter().map(|a| view! {
                        <tr>
                            <td><code>{a.name.clone()}</code></td>
                            <td>{a.data_type.clone()}</td>
                            <td>{if a.required { "Required" } else { "" }}</td>
                            <td>{if a.mutable { "Yes" } else { "No" }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {super::pool::can_write().then(move || view! {
                <h3>"Add a custom attribute"</h3>
                {move || add.value().get().map(|r| match r {
                    Ok(m) => view! { <Alert kind="success" message=m /> }.into_any(),
                    Err(e) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
                })}
                <ActionForm action=add attr:class="stack">
                    <input type="hidden" name="pool_id" value=pool_id.clone() />
                    <CustomAttributeRow prefix="attribute".to_owned() label="New attribute".to_owned() />
                    <p class="hint">"Custom attributes cannot be removed or renamed once added."</p>
                    <button type="submit" class="btn">"Add attribute"</button>
                </ActionForm>
            })}
        </section>
    }
}
