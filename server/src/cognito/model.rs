//! The Cognito user-pool API's service model (from botocore, see `aws-models/README.md`),
//! loaded once and used to validate every request exactly as AWS does: lengths,
//! patterns, ranges, enums and required members, with Coral-style messages.

use regex::Regex;
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

const MODEL_JSON: &str = include_str!("../../aws-models/cognito-idp.json");

#[derive(Deserialize)]
struct RawModel {
    operations: BTreeMap<String, RawOperation>,
    shapes: BTreeMap<String, RawShape>,
}

#[derive(Deserialize)]
struct RawOperation {
    input: Option<RawRef>,
    authtype: Option<String>,
    #[serde(default)]
    errors: Vec<RawRef>,
}

#[derive(Deserialize)]
struct RawRef {
    shape: String,
}

#[derive(Deserialize)]
struct RawShape {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    members: BTreeMap<String, RawRef>,
    #[serde(default)]
    required: Vec<String>,
    member: Option<RawRef>,
    key: Option<RawRef>,
    value: Option<RawRef>,
    min: Option<f64>,
    max: Option<f64>,
    pattern: Option<String>,
    #[serde(rename = "enum")]
    enum_values: Option<Vec<String>>,
    #[serde(default)]
    sensitive: bool,
}

/// An operation of the API.
#[derive(Debug)]
pub struct Operation {
    /// The input shape's name.
    pub input: Option<String>,
    /// Callable without a SigV4 signature (`authtype: none`): the public and
    /// token-authorised actions.
    pub public: bool,
    /// Error shapes the operation may return.
    pub errors: Vec<String>,
}

/// A shape, reduced to what validation needs.
#[derive(Debug)]
pub enum Shape {
    /// An object with named members.
    Structure { members: Vec<(String, String)>, required: HashSet<String> },
    /// An array.
    List { member: String, min: Option<f64>, max: Option<f64> },
    /// A JSON object with arbitrary keys.
    Map { key: String, value: String, min: Option<f64>, max: Option<f64> },
    /// A string.
    String {
        min: Option<f64>,
        max: Option<f64>,
        pattern: Option<(String, Option<Regex>)>,
        values: Option<Vec<String>>,
        sensitive: bool,
    },
    /// An integer or long.
    Integer { min: Option<f64>, max: Option<f64> },
    /// A double.
    Double,
    /// A boolean.
    Boolean,
    /// A timestamp (epoch seconds in JSON).
    Timestamp,
    /// Base64 bytes.
    Blob { min: Option<f64>, max: Option<f64> },
}

/// The loaded model.
pub struct Model {
    operations: HashMap<String, Operation>,
    shapes: HashMap<String, Shape>,
    /// Patterns that the `regex` crate cannot compile (not enforced), for the record.
    pub uncompiled_patterns: Vec<String>,
}

/// Why a request body does not fit its input shape.
#[derive(Debug, PartialEq, Eq)]
pub enum Invalid {
    /// A value of the wrong JSON type: AWS answers `SerializationException`.
    Serialization(String),
    /// Constraint violations: AWS answers `InvalidParameterException` with this message.
    Constraints(String),
}

/// The model, parsed on first use.
pub fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| Model::parse(MODEL_JSON))
}

impl Model {
    fn parse(text: &str) -> Model {
        // The model is compiled into the binary and checked by tests; an unreadable one
        // would be a build defect, so an empty model (every action unknown) is the fallback.
        let raw: RawModel = match serde_json::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "the embedded Cognito service model does not parse");
                RawModel { operations: BTreeMap::new(), shapes: BTreeMap::new() }
            }
        };
        let mut uncompiled = Vec::new();
        let shapes = raw
            .shapes
            .into_iter()
            .map(|(name, mut s)| {
                if name == "DomainType" {
                    // The model's pattern has no dots, yet Cognito takes custom domains
                    // (auth.example.com) in the same member: accept DNS names.
                    s.pattern = Some(
                        "^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?)*$".into(),
                    );
                    s.max = Some(253.0);
                }
                let shape = match s.kind.as_str() {
                    "structure" => Shape::Structure {
                        members: s.members.into_iter().map(|(k, v)| (k, v.shape)).collect(),
                        required: s.required.into_iter().collect(),
                    },
                    "list" => {
                        Shape::List { member: s.member.map(|m| m.shape).unwrap_or_default(), min: s.min, max: s.max }
                    }
                    "map" => Shape::Map {
                        key: s.key.map(|m| m.shape).unwrap_or_default(),
                        value: s.value.map(|m| m.shape).unwrap_or_default(),
                        min: s.min,
                        max: s.max,
                    },
                    "string" => {
                        let pattern = s.pattern.map(|p| {
                            let re = Regex::new(&format!("^(?:{p})$")).ok();
                            if re.is_none() {
                                uncompiled.push(format!("{name}: {p}"));
                            }
                            (p, re)
                        });
                        Shape::String { min: s.min, max: s.max, pattern, values: s.enum_values, sensitive: s.sensitive }
                    }
                    "integer" | "long" => Shape::Integer { min: s.min, max: s.max },
                    "double" | "float" => Shape::Double,
                    "boolean" => Shape::Boolean,
                    "timestamp" => Shape::Timestamp,
                    "blob" => Shape::Blob { min: s.min, max: s.max },
                    _ => Shape::Structure { members: Vec::new(), required: HashSet::new() },
                };
                (name, shape)
            })
            .collect();
        let operations = raw
            .operations
            .into_iter()
            .map(|(name, o)| {
                let op = Operation {
                    input: o.input.map(|i| i.shape),
                    public: o.authtype.as_deref() == Some("none"),
                    errors: o.errors.into_iter().map(|e| e.shape).collect(),
                };
                (name, op)
            })
            .collect();
        Model { operations, shapes, uncompiled_patterns: uncompiled }
    }

    /// The operation named `action`, if the API has it.
    pub fn operation(&self, action: &str) -> Option<&Operation> {
        self.operations.get(action)
    }

    /// Every operation name.
    pub fn operation_names(&self) -> impl Iterator<Item = &str> {
        self.operations.keys().map(String::as_str)
    }

    /// Checks `body` against the input shape of `op`.
    pub fn validate(&self, op: &Operation, body: &Value) -> Result<(), Invalid> {
        let Some(input) = &op.input else { return Ok(()) };
        let mut errors = Vec::new();
        self.check(input, body, "", &mut errors)?;
        if errors.is_empty() {
            return Ok(());
        }
        let n = errors.len();
        let noun = if n == 1 { "error" } else { "errors" };
        Err(Invalid::Constraints(format!("{n} validation {noun} detected: {}", errors.join("; "))))
    }

    fn check(&self, shape_name: &str, v: &Value, path: &str, errors: &mut Vec<String>) -> Result<(), Invalid> {
        let Some(shape) = self.shapes.get(shape_name) else { return Ok(()) };
        let wrong = |expected: &str| {
            let at = if path.is_empty() { String::from("the request body") } else { format!("'{path}'") };
            Invalid::Serialization(format!("Expected {expected} at {at} but found {}.", json_kind(v)))
        };
        match shape {
            Shape::Structure { members, required } => {
                let obj = v.as_object().ok_or_else(|| wrong("an object"))?;
                for (name, member_shape) in members {
                    let p = join(path, &lower_camel(name));
                    match obj.get(name) {
                        None | Some(Value::Null) => {
                            if required.contains(name) {
                                errors.push(format!(
                                    "Value null at '{p}' failed to satisfy constraint: Member must not be null"
                                ));
                            }
                        }
                        Some(mv) => self.check(member_shape, mv, &p, errors)?,
                    }
                }
            }
            Shape::List { member, min, max } => {
                let arr = v.as_array().ok_or_else(|| wrong("a list"))?;
                length(arr.len(), *min, *max, &render(v), path, errors);
                for (i, item) in arr.iter().enumerate() {
                    self.check(member, item, &format!("{path}.{}.member", i + 1), errors)?;
                }
            }
            Shape::Map { key, value, min, max } => {
                let obj = v.as_object().ok_or_else(|| wrong("a map"))?;
                length(obj.len(), *min, *max, &render(v), path, errors);
                for (k, item) in obj {
                    self.check(key, &Value::String(k.clone()), &format!("{path}.key"), errors)?;
                    self.check(value, item, &format!("{path}.{k}"), errors)?;
                }
            }
            Shape::String { min, max, pattern, values, sensitive } => {
                let s = v.as_str().ok_or_else(|| wrong("a string"))?;
                let shown = if *sensitive { None } else { Some(s) };
                let prefix = match shown {
                    Some(s) => format!("Value '{s}' at '{path}' failed to satisfy constraint: "),
                    None => format!("Value at '{path}' failed to satisfy constraint: "),
                };
                let len = s.chars().count();
                if let Some(m) = min {
                    if (len as f64) < *m {
                        errors.push(format!("{prefix}Member must have length greater than or equal to {m}"));
                    }
                }
                if let Some(m) = max {
                    if (len as f64) > *m {
                        errors.push(format!("{prefix}Member must have length less than or equal to {m}"));
                    }
                }
                if let Some((p, Some(re))) = pattern {
                    if !re.is_match(s) {
                        errors.push(format!("{prefix}Member must satisfy regular expression pattern: {p}"));
                    }
                }
                if let Some(vals) = values {
                    if !vals.iter().any(|x| x == s) {
                        errors.push(format!("{prefix}Member must satisfy enum value set: [{}]", vals.join(", ")));
                    }
                }
            }
            Shape::Integer { min, max } => {
                let n = v.as_f64().filter(|n| n.fract() == 0.0).ok_or_else(|| wrong("an integer"))?;
                let prefix = format!("Value '{}' at '{path}' failed to satisfy constraint: ", render(v));
                if let Some(m) = min {
                    if n < *m {
                        errors.push(format!("{prefix}Member must have value greater than or equal to {m}"));
                    }
                }
                if let Some(m) = max {
                    if n > *m {
                        errors.push(format!("{prefix}Member must have value less than or equal to {m}"));
                    }
                }
            }
            Shape::Double | Shape::Timestamp => {
                v.as_f64().ok_or_else(|| wrong("a number"))?;
            }
            Shape::Boolean => {
                v.as_bool().ok_or_else(|| wrong("a boolean"))?;
            }
            Shape::Blob { min, max } => {
                let s = v.as_str().ok_or_else(|| wrong("base64 text"))?;
                length(s.len() / 4 * 3, *min, *max, "***", path, errors);
            }
        }
        Ok(())
    }
}

fn length(n: usize, min: Option<f64>, max: Option<f64>, shown: &str, path: &str, errors: &mut Vec<String>) {
    if let Some(m) = min {
        if (n as f64) < m {
            errors.push(format!(
                "Value '{shown}' at '{path}' failed to satisfy constraint: Member must have length greater than or equal to {m}"
            ));
        }
    }
    if let Some(m) = max {
        if (n as f64) > m {
            errors.push(format!(
                "Value '{shown}' at '{path}' failed to satisfy constraint: Member must have length less than or equal to {m}"
            ));
        }
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn render(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// `UserPoolId` -> `userPoolId`, as Coral names members in messages.
fn lower_camel(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_model_loads_with_every_operation_and_public_actions_marked() {
        let m = model();
        assert!(m.operation_names().count() >= 100);
        assert!(m.operation("SignUp").unwrap().public);
        assert!(m.operation("InitiateAuth").unwrap().public);
        assert!(m.operation("GetUser").unwrap().public);
        assert!(!m.operation("CreateUserPool").unwrap().public);
        assert!(!m.operation("AdminGetUser").unwrap().public);
        assert!(m.operation("NoSuchThing").is_none());
    }

    #[test]
    fn almost_every_pattern_compiles() {
        // Patterns Rust's regex cannot express are listed here when the model changes.
        assert!(model().uncompiled_patterns.len() <= 3, "{:?}", model().uncompiled_patterns);
    }

    #[test]
    fn missing_required_members_and_limits_give_coral_messages() {
        let m = model();
        let op = m.operation("SignUp").unwrap();
        let e = m.validate(op, &json!({})).unwrap_err();
        assert_eq!(
            e,
            Invalid::Constraints(
                "2 validation errors detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null; \
                 Value null at 'username' failed to satisfy constraint: Member must not be null"
                    .into()
            )
        );
        let e = m.validate(op, &json!({"ClientId": "abc", "Username": "", "Password": "x"})).unwrap_err();
        let Invalid::Constraints(msg) = e else { panic!() };
        assert!(msg.starts_with("2 validation errors detected: Value at 'username' failed"), "{msg}");
        assert!(msg.contains("length greater than or equal to 1"), "{msg}");
        assert!(!msg.contains("''"), "sensitive values are not echoed: {msg}");
    }

    #[test]
    fn wrong_json_types_are_serialization_errors() {
        let m = model();
        let op = m.operation("SignUp").unwrap();
        let e = m.validate(op, &json!({"ClientId": 5, "Username": "u"})).unwrap_err();
        assert!(matches!(e, Invalid::Serialization(_)), "{e:?}");
        let e = m.validate(op, &json!([1])).unwrap_err();
        assert!(matches!(e, Invalid::Serialization(_)));
    }

    #[test]
    fn enums_ranges_and_nested_lists_are_checked() {
        let m = model();
        let op = m.operation("ListUsers").unwrap();
        let e = m.validate(op, &json!({"UserPoolId": "us-east-1_abc", "Limit": 61})).unwrap_err();
        assert_eq!(
            e,
            Invalid::Constraints("1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60".into())
        );
        let op = m.operation("InitiateAuth").unwrap();
        let e = m.validate(op, &json!({"ClientId": "c", "AuthFlow": "NOPE"})).unwrap_err();
        let Invalid::Constraints(msg) = e else { panic!() };
        assert!(msg.contains("Member must satisfy enum value set: ["), "{msg}");
        let op = m.operation("SignUp").unwrap();
        let e = m
            .validate(
                op,
                &json!({"ClientId": "c", "Username": "u", "UserAttributes": [{"Name": "email"}, {"Value": "x"}]}),
            )
            .unwrap_err();
        let Invalid::Constraints(msg) = e else { panic!() };
        assert!(msg.contains("'userAttributes.2.member.name'"), "{msg}");
        let op = m.operation("CreateUserPool").unwrap();
        let e = m.validate(op, &json!({"PoolName": "bad/name"})).unwrap_err();
        assert_eq!(
            e,
            Invalid::Constraints("1 validation error detected: Value 'bad/name' at 'poolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+".into())
        );
        assert!(m.validate(op, &json!({"PoolName": "Good name"})).is_ok());
    }
}
