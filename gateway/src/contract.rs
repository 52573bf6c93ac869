//! The gateway's answers checked against its OpenAPI document ([`crate::server::OPENAPI`]):
//! the status is one the operation documents, and the body matches the schema documented for
//! that status and content type. The unit tests check every route this way, the end-to-end
//! tests every answer they get from a real gateway.
//!
//! The schemas use a small part of JSON Schema, and this checks that part: `$ref` (within the
//! document), `type` (one or a list), `const`, `enum`, `required`, `properties`,
//! `additionalProperties: false`, `items`, `minItems`, `maxItems`, `minimum`, `maximum`.
//! (`pattern` is documentation here: it is not checked.)

use serde_json::Value;

/// The OpenAPI document, parsed once.
fn document() -> &'static Value {
	static DOCUMENT: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
	DOCUMENT.get_or_init(|| serde_json::from_str(crate::server::OPENAPI).unwrap_or(Value::Null))
}

/// `schema` with its `$ref` followed.
fn resolve(schema: &Value) -> Result<&Value, String> {
	let mut schema = schema;
	for _ in 0..8 {
		let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
			return Ok(schema);
		};
		let pointer = reference
			.strip_prefix('#')
			.ok_or_else(|| format!("{reference}: only references within the document"))?;
		schema = document().pointer(pointer).ok_or_else(|| format!("{reference}: not found"))?;
	}
	Err("references nested too deep".into())
}

fn type_matches(name: &str, value: &Value) -> bool {
	match name {
		"object" => value.is_object(),
		"array" => value.is_array(),
		"string" => value.is_string(),
		"boolean" => value.is_boolean(),
		"null" => value.is_null(),
		"integer" => value.is_i64() || value.is_u64(),
		"number" => value.is_number(),
		_ => false,
	}
}

/// Whether `value` matches `schema`; `at` names where, for the error.
pub fn validate(schema: &Value, value: &Value, at: &str) -> Result<(), String> {
	let schema = resolve(schema)?;
	if let Some(expected) = schema.get("const") {
		if expected != value {
			return Err(format!("{at}: {value} is not {expected}"));
		}
	}
	if let Some(options) = schema.get("enum").and_then(Value::as_array) {
		if !options.contains(value) {
			return Err(format!("{at}: {value} is none of {options:?}"));
		}
	}
	match schema.get("type") {
		Some(Value::String(name)) if !type_matches(name, value) => {
			return Err(format!("{at}: {value} is not of type {name}"));
		},
		Some(Value::Array(names))
			if !names.iter().filter_map(Value::as_str).any(|n| type_matches(n, value)) =>
		{
			return Err(format!("{at}: {value} is of none of the types {names:?}"));
		},
		_ => {},
	}
	if let Some(number) = value.as_f64() {
		if schema.get("minimum").and_then(Value::as_f64).is_some_and(|m| number < m) {
			return Err(format!("{at}: {number} is below the minimum"));
		}
		if schema.get("maximum").and_then(Value::as_f64).is_some_and(|m| number > m) {
			return Err(format!("{at}: {number} is above the maximum"));
		}
	}
	if let Some(object) = value.as_object() {
		for name in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
			let name = name.as_str().unwrap_or_default();
			if !object.contains_key(name) {
				return Err(format!("{at}: {name} is missing"));
			}
		}
		let properties = schema.get("properties").and_then(Value::as_object);
		for (name, field) in object {
			match properties.and_then(|p| p.get(name)) {
				Some(property) => validate(property, field, &format!("{at}.{name}"))?,
				None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
					return Err(format!("{at}: {name} is not a documented property"));
				},
				None => {},
			}
		}
	}
	if let Some(array) = value.as_array() {
		let count = array.len() as u64;
		if schema.get("minItems").and_then(Value::as_u64).is_some_and(|m| count < m) {
			return Err(format!("{at}: {count} items, fewer than documented"));
		}
		if schema.get("maxItems").and_then(Value::as_u64).is_some_and(|m| count > m) {
			return Err(format!("{at}: {count} items, more than documented"));
		}
		if let Some(items) = schema.get("items") {
			for (i, item) in array.iter().enumerate() {
				validate(items, item, &format!("{at}[{i}]"))?;
			}
		}
	}
	Ok(())
}

/// Whether an answer of `method` on `path` (as the document writes it: `/fhir/Consent/{id}`)
/// with `status`, `content_type` and `body` is what the document says. A body of a type the
/// document gives no JSON schema for (Prometheus text, an event stream) is not read.
pub fn check_response(
	method: &str,
	path: &str,
	status: u16,
	content_type: &str,
	body: &[u8],
) -> Result<(), String> {
	let what = format!("{} {path} {status}", method.to_uppercase());
	let operation = document()
		.get("paths")
		.and_then(|p| p.get(path))
		.and_then(|p| p.get(method.to_lowercase()))
		.ok_or_else(|| format!("{what}: the document has no such operation"))?;
	let response = operation
		.get("responses")
		.and_then(|r| r.get(status.to_string()))
		.ok_or_else(|| format!("{what}: the status is not documented"))?;
	let response = resolve(response)?;
	let media = content_type.split(';').next().unwrap_or_default().trim();
	let Some(content) = response.get("content").and_then(Value::as_object) else {
		return Ok(());
	};
	let schema = content
		.get(media)
		.and_then(|c| c.get("schema"))
		.ok_or_else(|| format!("{what}: content type {media:?} is not documented"))?;
	if !media.ends_with("json") {
		return Ok(());
	}
	let value: Value =
		serde_json::from_slice(body).map_err(|e| format!("{what}: the body is not JSON: {e}"))?;
	validate(schema, &value, &what)
}

/// The document's path that `concrete` (`/fhir/Consent/salus-consent-3?x=1`) is an instance
/// of (`/fhir/Consent/{id}`).
pub fn template_of(concrete: &str) -> Option<&'static str> {
	let path = concrete.split('?').next().unwrap_or_default();
	let segments: Vec<&str> = path.split('/').collect();
	document()
		.get("paths")?
		.as_object()?
		.keys()
		.map(String::as_str)
		.find(|template| {
			let parts: Vec<&str> = template.split('/').collect();
			parts.len() == segments.len()
				&& parts.iter().zip(&segments).all(|(part, segment)| {
					(part.starts_with('{') && part.ends_with('}') && !segment.is_empty())
						|| part == segment
				})
		})
}

/// [`check_response`] for a request to `concrete`, a path with its values filled in.
pub fn check(
	method: &str,
	concrete: &str,
	status: u16,
	content_type: &str,
	body: &[u8],
) -> Result<(), String> {
	match template_of(concrete) {
		Some(template) => check_response(method, template, status, content_type, body),
		// What the document does not list is not served: 404 and an OperationOutcome.
		None if status == 404 => {
			let value: Value = serde_json::from_slice(body)
				.map_err(|e| format!("{method} {concrete} 404: the body is not JSON: {e}"))?;
			validate(
				&serde_json::json!({ "$ref": "#/components/responses/OperationOutcome/content/application~1fhir+json/schema" }),
				&value,
				&format!("{method} {concrete} 404"),
			)
		},
		None => Err(format!(
			"{method} {concrete}: the document has no such path, yet it answered {status}"
		)),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use serde_json::json;

	#[test]
	fn the_checker_catches_what_the_schemas_say() {
		let state = json!({ "$ref": "#/components/schemas/ReportState" });
		assert!(validate(&state, &json!({ "id": "a", "state": "pending" }), "r").is_ok());
		let wrong = [
			(json!({ "id": "a" }), "state is missing"),
			(json!({ "id": "a", "state": "lost" }), "none of"),
			(json!({ "id": 7, "state": "pending" }), "not of type string"),
			(
				json!({ "id": "a", "state": "on_chain", "block": { "number": "x" } }),
				"r.block.number",
			),
			(
				json!({ "id": "a", "state": "pending", "status": { "state": "maybe" } }),
				"r.status.state",
			),
		];
		for (value, expected) in wrong {
			let error = validate(&state, &value, "r").unwrap_err();
			assert!(error.contains(expected), "{value}: {error}");
		}
		let request = json!({ "$ref": "#/components/schemas/AccessRequest" });
		let error = validate(
			&request,
			&json!({ "id": "a", "practitioner": "p", "patient": "q", "data_classes": [], "purpose": "TREAT", "duration_hours": 1, "justification": "0x", "reason": "x" }),
			"b",
		)
		.unwrap_err();
		assert!(error.contains("fewer than documented"), "{error}");
		assert!(check_response("get", "/health", 200, "application/json", b"{\"status\":\"up\"}")
			.is_ok());
		assert!(check_response(
			"get",
			"/health",
			200,
			"application/json",
			b"{\"status\":\"down\"}"
		)
		.is_err());
		assert!(check_response("get", "/health", 500, "application/json", b"{}")
			.unwrap_err()
			.contains("not documented"));
		assert!(check_response("get", "/metrics", 200, "text/plain; version=0.0.4", b"# x").is_ok());
		assert_eq!(template_of("/fhir/Consent/salus-consent-3"), Some("/fhir/Consent/{id}"));
		assert_eq!(template_of("/fhir/Consent?patient=x"), Some("/fhir/Consent"));
		assert_eq!(
			template_of("/webhooks/deliveries/12/retry"),
			Some("/webhooks/deliveries/{id}/retry")
		);
		assert_eq!(template_of("/fhir/Patient/1"), None);
		assert!(check("get", "/fhir/Patient", 404, "application/json", b"{}").is_err());
		let outcome = br#"{"resourceType":"OperationOutcome","issue":[]}"#;
		assert!(check("get", "/fhir/Patient", 404, "application/fhir+json", outcome).is_ok());
		assert!(check("get", "/fhir/Patient", 200, "application/fhir+json", outcome).is_err());
	}
}
