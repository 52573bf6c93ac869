//! The HTTP server: routes, API keys, errors, shutdown.
//!
//! | route | key | answer |
//! |---|---|---|
//! | `POST /access/v1/evaluation`, `POST /access/v1/evaluations` | yes | AuthZEN decisions ([`crate::authzen`]) |
//! | `GET /.well-known/authzen-configuration` | no | the AuthZEN endpoints |
//! | `GET /fhir/metadata` | no | the `CapabilityStatement` |
//! | `GET /fhir/Consent`, `GET /fhir/Consent/{id}`, `GET /fhir/AuditEvent` | yes | FHIR R4 ([`crate::fhir_api`]) |
//! | `PUT /fhir/AuditEvent/{id}`, `POST /fhir/AuditEvent` | yes | a reported access into the outbox ([`crate::outbox`]): 202 new, 200 known, 409 the id reported with other content |
//! | `GET /outbox/AuditEvent/{id}` | yes | where a report is: `pending`, `on_chain` (and the block) or `refused` (and why) |
//! | `GET /health` | no | 200 while the process serves |
//! | `GET /ready` | no | 200 when connected to the node and every subscription is up and current; 503 and why otherwise |
//! | `GET /metrics` | no | Prometheus text ([`crate::metrics`]) |
//! | `GET /openapi.json` | no | the OpenAPI 3.1 document of all of the above (`gateway/openapi.json`; a contract test checks every route and status it documents against this router) |
//!
//! An API key goes in `Authorization: Bearer <key>`. A request's `X-Request-ID` is echoed.
//! Errors on the AuthZEN routes are `{"error", "message"}`; on the FHIR routes, an
//! `OperationOutcome`. Nothing logged names a patient beyond its on-chain account, and
//! decisions are logged at `debug` only.

use crate::{
	authzen::{self, Evaluation, Evaluations},
	config::{key_digest, ClientConfig},
	fhir_api,
	metrics::Metrics,
	now_ms,
	outbox::{self, Enqueued, Entry, Item, Kind, Submission},
	GatewayError, Shared,
};
use axum::{
	body::Bytes,
	extract::{Path, RawQuery, State},
	http::{header, HeaderMap, HeaderValue, StatusCode},
	response::{IntoResponse, Response},
	routing::{get, post, put},
	Router,
};
use serde_json::{json, Value};
use std::{sync::Arc, time::Instant};

/// The routes.
pub fn router(shared: Arc<Shared>) -> Router {
	Router::new()
		.route("/access/v1/evaluation", post(evaluation))
		.route("/access/v1/evaluations", post(evaluations))
		.route("/.well-known/authzen-configuration", get(authzen_configuration))
		.route("/fhir/metadata", get(metadata))
		.route("/fhir/Consent", get(consents))
		.route("/fhir/Consent/:id", get(consent))
		.route("/fhir/AuditEvent", get(audit_events).post(report))
		.route("/fhir/AuditEvent/:id", put(report_as))
		.route("/outbox/AuditEvent/:id", get(report_state))
		.route("/access-requests", post(request_access))
		.route("/access-requests/:id", get(request_state))
		.route("/events", get(event_stream))
		.route("/webhooks/deliveries", get(deliveries))
		.route("/webhooks/deliveries/:id/retry", post(redeliver))
		.route("/health", get(|| async { Json(json!({ "status": "up" })) }))
		.route("/ready", get(ready))
		.route("/metrics", get(metrics))
		.route("/openapi.json", get(|| async { openapi() }))
		.fallback(|| async {
			fhir_error(GatewayError::NotFound(
				"no such route (the routes are listed in gateway/README.md)".into(),
			))
		})
		.with_state(shared)
}

/// The OpenAPI document.
pub const OPENAPI: &str = include_str!("../openapi.json");

fn openapi() -> Response {
	(
		StatusCode::OK,
		[(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
		OPENAPI,
	)
		.into_response()
}

/// JSON with a content type of our choosing.
struct Json(Value);

impl IntoResponse for Json {
	fn into_response(self) -> Response {
		json_response(StatusCode::OK, "application/json", &self.0)
	}
}

fn json_response(status: StatusCode, content_type: &'static str, body: &Value) -> Response {
	let text = serde_json::to_vec(body).unwrap_or_default();
	(status, [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))], text).into_response()
}

fn status_of(error: &GatewayError) -> StatusCode {
	match error {
		GatewayError::BadRequest(_) => StatusCode::BAD_REQUEST,
		GatewayError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
		GatewayError::Forbidden(_) => StatusCode::FORBIDDEN,
		GatewayError::NotFound(_) => StatusCode::NOT_FOUND,
		GatewayError::Conflict(_) => StatusCode::CONFLICT,
		GatewayError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
		GatewayError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
		GatewayError::NoOutbox => StatusCode::NOT_IMPLEMENTED,
		GatewayError::NodeDown | GatewayError::Node(_) | GatewayError::Store(_) => {
			StatusCode::SERVICE_UNAVAILABLE
		},
	}
}

/// An AuthZEN route's error.
fn access_error(error: GatewayError) -> Response {
	let code = match &error {
		GatewayError::BadRequest(_) => "invalid_request",
		GatewayError::Unauthorized(_) => "unauthorized",
		GatewayError::Forbidden(_) => "forbidden",
		GatewayError::NotFound(_) => "not_found",
		GatewayError::Conflict(_) => "conflict",
		GatewayError::Unprocessable(_) => "unprocessable",
		GatewayError::TooMany(_) => "too_many_requests",
		GatewayError::NoOutbox => "not_implemented",
		GatewayError::NodeDown | GatewayError::Node(_) | GatewayError::Store(_) => "unavailable",
	};
	let retry = matches!(error, GatewayError::TooMany(_));
	let response = json_response(
		status_of(&error),
		"application/json",
		&json!({ "error": code, "message": error.to_string() }),
	);
	with_retry_after(response, retry)
}

/// A FHIR route's error.
fn fhir_error(error: GatewayError) -> Response {
	let retry = matches!(error, GatewayError::TooMany(_));
	let response = json_response(
		status_of(&error),
		"application/fhir+json",
		&fhir_api::operation_outcome(&error),
	);
	with_retry_after(response, retry)
}

/// A 429 says when to try again (RFC 9110): after a block.
fn with_retry_after(mut response: Response, retry: bool) -> Response {
	if retry {
		response
			.headers_mut()
			.insert(header::RETRY_AFTER, HeaderValue::from_static("6"));
	}
	response
}

/// The client whose key the request carries.
fn client<'a>(shared: &'a Shared, headers: &HeaderMap) -> Result<&'a ClientConfig, GatewayError> {
	let value = headers
		.get(header::AUTHORIZATION)
		.and_then(|v| v.to_str().ok())
		.and_then(|v| {
			// The scheme is case-insensitive (RFC 9110).
			let (scheme, key) = v.split_once(' ')?;
			scheme.eq_ignore_ascii_case("bearer").then_some(key)
		})
		.ok_or_else(|| {
			Metrics::count(&shared.metrics.unauthorized);
			GatewayError::Unauthorized("no API key: send Authorization: Bearer <key>".into())
		})?;
	let digest = key_digest(value.trim());
	shared.config.clients.iter().find(|c| c.key_sha256 == digest).ok_or_else(|| {
		Metrics::count(&shared.metrics.unauthorized);
		GatewayError::Unauthorized("unknown API key".into())
	})
}

/// Echoes `X-Request-ID`.
fn with_request_id(mut response: Response, headers: &HeaderMap) -> Response {
	if let Some(id) = headers.get("x-request-id") {
		response.headers_mut().insert("x-request-id", id.clone());
	}
	response
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, GatewayError> {
	serde_json::from_slice(body)
		.map_err(|e| GatewayError::BadRequest(format!("the body is not the expected JSON: {e}")))
}

/// The two AuthZEN shapes of a request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
	/// `/evaluation`: one question, one answer.
	One,
	/// `/evaluations`: a batch.
	Many,
}

/// Answers an AuthZEN request: the client's key, the questions, the practitioners it may ask
/// for, the decisions; the latency observed whatever the outcome.
async fn authzen_request(
	shared: &Shared,
	headers: &HeaderMap,
	body: &[u8],
	shape: Shape,
) -> Response {
	let started = Instant::now();
	let result = async {
		let client = client(shared, headers)?;
		let (keys, semantic) = match shape {
			Shape::One => (vec![parse::<Evaluation>(body)?.key("")?], authzen::Semantic::ExecuteAll),
			Shape::Many => parse::<Evaluations>(body)?.keys()?,
		};
		authzen::allowed(client, &keys).inspect_err(|_| {
			Metrics::count(&shared.metrics.forbidden);
		})?;
		let answers = shared.decide(&keys).await?;
		for (key, answer) in keys.iter().zip(&answers) {
			tracing::debug!(client = %client.name, patient = %key.patient, accessor = %key.accessor, permit = answer.decision.is_permit(), source = ?answer.source, block = answer.block.number, "decision");
		}
		match shape {
			Shape::One => answers
				.first()
				.map(authzen::response)
				.ok_or_else(|| GatewayError::Node("no answer".into())),
			Shape::Many => Ok(authzen::responses(&answers, semantic)),
		}
	}
	.await;
	shared.metrics.decision_latency.observe(started.elapsed());
	let response = match result {
		Ok(body) => Json(body).into_response(),
		Err(error) => access_error(error),
	};
	with_request_id(response, headers)
}

async fn evaluation(
	State(shared): State<Arc<Shared>>,
	headers: HeaderMap,
	body: Bytes,
) -> Response {
	authzen_request(&shared, &headers, &body, Shape::One).await
}

async fn evaluations(
	State(shared): State<Arc<Shared>>,
	headers: HeaderMap,
	body: Bytes,
) -> Response {
	authzen_request(&shared, &headers, &body, Shape::Many).await
}

/// The gateway's own base URL, from the request's `Host`.
fn base(headers: &HeaderMap, shared: &Shared) -> String {
	let host = headers
		.get(header::HOST)
		.and_then(|h| h.to_str().ok())
		.map(str::to_owned)
		.unwrap_or_else(|| shared.config.listen.to_string());
	format!("http://{host}")
}

async fn authzen_configuration(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
	let base = base(&headers, &shared);
	Json(json!({
		"policy_decision_point": base,
		"access_evaluation_endpoint": format!("{base}/access/v1/evaluation"),
		"access_evaluations_endpoint": format!("{base}/access/v1/evaluations"),
	}))
	.into_response()
}

fn fhir_ok(body: &Value) -> Response {
	json_response(StatusCode::OK, "application/fhir+json", body)
}

async fn metadata(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
	let base = format!("{}/fhir", base(&headers, &shared));
	fhir_ok(&fhir_api::capability_statement(&base, now_ms()))
}

/// The FHIR searches.
#[derive(Clone, Copy)]
enum Search {
	Consent,
	AuditEvent,
}

async fn fhir_search(
	shared: &Shared,
	headers: &HeaderMap,
	query: Option<String>,
	search: Search,
) -> Response {
	let result = async {
		client(shared, headers)?;
		let node = shared.node()?;
		let base = format!("{}/fhir", base(headers, shared));
		let query = query.as_deref();
		match search {
			Search::Consent => fhir_api::search_consents(&node, query, &base, now_ms()).await,
			Search::AuditEvent => {
				fhir_api::search_audit_events(&node, query, &base, now_ms()).await
			},
		}
	}
	.await;
	with_request_id(result.map_or_else(fhir_error, |b| fhir_ok(&b)), headers)
}

async fn consents(
	State(shared): State<Arc<Shared>>,
	headers: HeaderMap,
	RawQuery(query): RawQuery,
) -> Response {
	fhir_search(&shared, &headers, query, Search::Consent).await
}

async fn consent(
	State(shared): State<Arc<Shared>>,
	headers: HeaderMap,
	Path(id): Path<String>,
) -> Response {
	let result = async {
		client(&shared, &headers)?;
		let node = shared.node()?;
		fhir_api::read_consent(&node, &id, now_ms()).await
	}
	.await;
	with_request_id(result.map_or_else(fhir_error, |b| fhir_ok(&b)), &headers)
}

async fn audit_events(
	State(shared): State<Arc<Shared>>,
	headers: HeaderMap,
	RawQuery(query): RawQuery,
) -> Response {
	fhir_search(&shared, &headers, query, Search::AuditEvent).await
}

/// Where an outbox entry is, as JSON.
fn entry_state(entry: &Entry) -> Value {
	let mut body = json!({ "id": entry.submission.id });
	if let Some(object) = body.as_object_mut() {
		match &entry.state {
			outbox::State::Pending => {
				object.insert("state".into(), json!("pending"));
			},
			outbox::State::Sent { tx, until } => {
				object.insert("state".into(), json!("pending"));
				object.insert("transaction".into(), json!({ "hash": tx, "valid_until": until }));
			},
			outbox::State::OnChain { block, number } => {
				object.insert("state".into(), json!("on_chain"));
				object.insert("block".into(), json!({ "hash": block, "number": number }));
			},
			outbox::State::Refused { reason } => {
				object.insert("state".into(), json!("refused"));
				object.insert("reason".into(), json!(reason));
			},
		}
		if let Some(id) = entry.chain_id {
			// A string: request ids may pass 2^53, past what JSON numbers carry exactly.
			object.insert("request".into(), json!(id.to_string()));
		}
	}
	body
}

/// Where the routes of a kind say an entry is.
fn location(kind: Kind, id: &str) -> String {
	match kind {
		Kind::Disclosure => format!("/outbox/AuditEvent/{id}"),
		Kind::Request => format!("/access-requests/{id}"),
	}
}

/// What a kind is called in errors.
fn noun(kind: Kind) -> &'static str {
	match kind {
		Kind::Disclosure => "AuditEvent",
		Kind::Request => "access request",
	}
}

/// Takes `submission` from `client` into the outbox, if the chain would take it now: a
/// reported access the chain does not permit, or a request to a patient the chain does not
/// know, is refused at once with the reason, so that the EHR hears of it now rather than from
/// a refused batch. Sent again, the same submission is answered as it stands (200); other
/// content under a used id is a conflict (409).
async fn take(
	shared: &Shared,
	client: &ClientConfig,
	submission: Submission,
) -> Result<Response, GatewayError> {
	let outbox = shared.outbox.as_ref().ok_or(GatewayError::NoOutbox)?;
	let kind = submission.item.kind();
	let id = submission.id.clone();
	if !client.may_act_for(&submission.practitioner) {
		Metrics::count(&shared.metrics.forbidden);
		return Err(GatewayError::Forbidden(format!(
			"client {:?} may not act for practitioner {}",
			client.name, submission.practitioner
		)));
	}
	if outbox.keys.get(&submission.practitioner).is_none() {
		return Err(GatewayError::Unprocessable(format!(
			"the gateway holds no key for practitioner {}: add it to the keystore",
			submission.practitioner
		)));
	}
	let store = |e: crate::outbox::StoreError| GatewayError::Store(e.to_string());
	let conflict = || {
		GatewayError::Conflict(format!("{} {id} was sent before with other content", noun(kind)))
	};
	if let Some(entry) = outbox.store.entry(&client.name, kind, &id).await.map_err(store)? {
		if entry.submission != submission {
			return Err(conflict());
		}
		return Ok(json_response(StatusCode::OK, "application/json", &entry_state(&entry)));
	}
	// A client at its limit is refused before the node is asked anything (the count that
	// counts is the one taken with the new entry, below).
	let over_quota = |waiting: u64| {
		Metrics::count(&shared.metrics.over_quota);
		GatewayError::TooMany(format!(
			"client {:?} has {waiting} submissions not yet on chain, its limit (max_waiting): try again once the chain has taken some",
			client.name
		))
	};
	let waiting = outbox.store.waiting(&client.name).await.map_err(store)?;
	if waiting >= client.max_waiting {
		return Err(over_quota(waiting));
	}
	match &submission.item {
		Item::Disclosure { patient, class, purpose, .. } => {
			let key = crate::cache::Key {
				patient: patient.clone(),
				accessor: submission.practitioner.clone(),
				class: *class,
				purpose: *purpose,
			};
			let answers = shared.decide(std::slice::from_ref(&key)).await?;
			if let Some(denied) = answers.iter().find(|a| !a.decision.is_permit()) {
				return Err(GatewayError::Unprocessable(format!(
					"the chain would not log this access: {} (at block {})",
					authzen::reason_text(&denied.decision),
					denied.block.number
				)));
			}
		},
		Item::Request(terms) => {
			let node = shared.node()?;
			let asking = async {
				let patient = node.patient(&terms.patient, None).await?;
				let provider = node.provider_of(&submission.practitioner, None).await?;
				Ok::<_, salus_client::Error>((patient, provider))
			};
			let asking = async {
				let (patient, provider) = asking.await?;
				let (free, _) = node.balance(&submission.practitioner, None).await?;
				Ok::<_, salus_client::Error>((patient, provider, free))
			};
			let (patient, provider, free) = tokio::time::timeout(crate::NODE_TIMEOUT, asking)
				.await
				.map_err(|_| GatewayError::Node("the node did not answer within 5 s".into()))?
				.map_err(|e| GatewayError::Node(e.to_string()))?;
			// A bounty the practitioner cannot hold would be refused: say so now.
			if terms.bounty > free {
				return Err(GatewayError::Unprocessable(format!(
					"a bounty of {} is more than practitioner {} has free ({free})",
					terms.bounty, submission.practitioner
				)));
			}
			if patient.is_none() {
				return Err(GatewayError::Unprocessable(format!(
					"{} is not a registered patient: the chain would refuse the request",
					terms.patient
				)));
			}
			if provider.is_none() {
				return Err(GatewayError::Unprocessable(format!(
					"{} is no provider's practitioner: the chain would refuse the request",
					submission.practitioner
				)));
			}
		},
	}
	let (outcome, entry) = outbox
		.store
		.enqueue(&client.name, &submission, now_ms(), client.max_waiting)
		.await
		.map_err(store)?;
	let status = match outcome {
		Enqueued::New => StatusCode::ACCEPTED,
		Enqueued::Again => StatusCode::OK,
		Enqueued::Conflict => return Err(conflict()),
		Enqueued::Full(waiting) => return Err(over_quota(waiting)),
	};
	let entry = entry.ok_or_else(|| GatewayError::Store("an entry taken but not read".into()))?;
	tracing::debug!(client = %client.name, %id, kind = noun(kind), practitioner = %submission.practitioner, patient = %submission.item.patient(), new = (status == StatusCode::ACCEPTED), "submission");
	let mut response = json_response(status, "application/json", &entry_state(&entry));
	if let Ok(location) = HeaderValue::from_str(&location(kind, &id)) {
		response.headers_mut().insert(header::LOCATION, location);
	}
	Ok(response)
}

/// A reported access (`AuditEvent`), into the outbox.
async fn take_report(
	shared: &Shared,
	headers: &HeaderMap,
	body: &[u8],
	path_id: Option<&str>,
) -> Result<Response, GatewayError> {
	let client = client(shared, headers)?;
	shared.outbox.as_ref().ok_or(GatewayError::NoOutbox)?;
	let event: Value = parse(body)?;
	let access =
		salus_fhir::reported_access(&event).map_err(|e| GatewayError::BadRequest(e.to_string()))?;
	if let Some(id) = path_id.filter(|id| *id != access.id) {
		return Err(GatewayError::BadRequest(format!(
			"AuditEvent.id {:?} is not the id in the URL, {id:?}",
			access.id
		)));
	}
	take(shared, client, access.into()).await
}

async fn report(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
	let response = take_report(&shared, &headers, &body, None).await.unwrap_or_else(fhir_error);
	with_request_id(response, &headers)
}

async fn report_as(
	State(shared): State<Arc<Shared>>,
	headers: HeaderMap,
	Path(id): Path<String>,
	body: Bytes,
) -> Response {
	let response = take_report(&shared, &headers, &body, Some(&id))
		.await
		.unwrap_or_else(fhir_error);
	with_request_id(response, &headers)
}

/// The outbox entry of `kind` that the request's client sent as `id`.
async fn find_entry(
	shared: &Shared,
	headers: &HeaderMap,
	kind: Kind,
	id: &str,
) -> Result<Entry, GatewayError> {
	let client = client(shared, headers)?;
	let outbox = shared.outbox.as_ref().ok_or(GatewayError::NoOutbox)?;
	outbox
		.store
		.entry(&client.name, kind, id)
		.await
		.map_err(|e| GatewayError::Store(e.to_string()))?
		.ok_or_else(|| GatewayError::NotFound(format!("no {} {id:?} from this client", noun(kind))))
}

async fn report_state(
	State(shared): State<Arc<Shared>>,
	headers: HeaderMap,
	Path(id): Path<String>,
) -> Response {
	let result = find_entry(&shared, &headers, Kind::Disclosure, &id)
		.await
		.map(|e| entry_state(&e));
	with_request_id(result.map_or_else(fhir_error, |b| Json(b).into_response()), &headers)
}

async fn request_access(
	State(shared): State<Arc<Shared>>,
	headers: HeaderMap,
	body: Bytes,
) -> Response {
	let result = async {
		let client = client(&shared, &headers)?;
		shared.outbox.as_ref().ok_or(GatewayError::NoOutbox)?;
		let submission = parse::<crate::requests::AccessRequest>(&body)?.submission()?;
		take(&shared, client, submission).await
	}
	.await;
	with_request_id(result.unwrap_or_else(access_error), &headers)
}

async fn request_state(
	State(shared): State<Arc<Shared>>,
	headers: HeaderMap,
	Path(id): Path<String>,
) -> Response {
	let result = async {
		let entry = find_entry(&shared, &headers, Kind::Request, &id).await?;
		let mut body = entry_state(&entry);
		if let Some(request) = entry.chain_id {
			let status = crate::requests::status(&shared, &entry, request).await?;
			if let Some(object) = body.as_object_mut() {
				object.insert("status".into(), status);
			}
		}
		Ok::<_, GatewayError>(body)
	}
	.await;
	with_request_id(result.map_or_else(access_error, |b| Json(b).into_response()), &headers)
}

/// The event log, if the gateway follows events.
fn events_of(shared: &Shared) -> Result<&Arc<crate::events::Events>, GatewayError> {
	shared.events.as_ref().ok_or_else(|| {
		GatewayError::NotFound(
			"this gateway follows no events: it has no [events] in its configuration".into(),
		)
	})
}

/// A query's `name=value`, if given.
fn query_value<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
	query?.split('&').find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

/// A sequence number given as `after` (or `Last-Event-ID`).
fn sequence(text: Option<&str>, what: &str) -> Result<i64, GatewayError> {
	text.map_or(Ok(0), |t| {
		t.trim()
			.parse::<i64>()
			.ok()
			.filter(|n| *n >= 0)
			.ok_or_else(|| GatewayError::BadRequest(format!("{what}: {t:?} is not an event id")))
	})
}

/// `GET /events`: the client's events as Server-Sent Events, from after `after` (or the
/// `Last-Event-ID` a reconnecting stream sends) on, then live; a comment every 15 s keeps the
/// connection open.
async fn event_stream(
	State(shared): State<Arc<Shared>>,
	headers: HeaderMap,
	RawQuery(query): RawQuery,
) -> Response {
	use axum::response::sse::{Event, KeepAlive, Sse};
	let result = (|| {
		let client = client(&shared, &headers)?.clone();
		let events = events_of(&shared)?.clone();
		let resume = headers.get("last-event-id").and_then(|v| v.to_str().ok());
		let after = match resume {
			Some(id) => sequence(Some(id), "Last-Event-ID")?,
			None => sequence(query_value(query.as_deref(), "after"), "after")?,
		};
		Ok::<_, GatewayError>((client, events, after))
	})();
	let (client, events, after) = match result {
		Ok(found) => found,
		Err(error) => return with_request_id(access_error(error), &headers),
	};
	let Some(slot) = events.open_stream(&client.name) else {
		return with_request_id(
			access_error(GatewayError::TooMany(format!(
				"client {:?} has {} event streams open, the most it may",
				client.name,
				crate::events::MAX_STREAMS
			))),
			&headers,
		);
	};
	let latest = events.latest.subscribe();
	let closing = events.closing.subscribe();
	let state = (events, client, after, latest, closing, std::collections::VecDeque::new(), slot);
	let stream = futures::stream::unfold(
		state,
		|(events, client, mut after, mut latest, mut closing, mut queue, slot)| async move {
			loop {
				if *closing.borrow() {
					return None;
				}
				if let Some(stored) = queue.pop_front() {
					let stored: crate::events::Stored = stored;
					let event = Event::default()
						.id(stored.seq.to_string())
						.event(stored.body.get("type").and_then(Value::as_str).unwrap_or("event"))
						.data(stored.body.to_string());
					let state = (events, client, after, latest, closing, queue, slot);
					return Some((Ok::<_, std::convert::Infallible>(event), state));
				}
				// The read is a blocking SQLite query: off the request threads.
				let page = {
					let (store, client) = (events.store.clone(), client.clone());
					tokio::task::spawn_blocking(move || store.events_after(after, &client)).await
				};
				match page {
					Ok(Ok((page, read))) => {
						after = read;
						queue.extend(page);
						if !queue.is_empty() {
							continue;
						}
					},
					Ok(Err(error)) => tracing::warn!(%error, "cannot read the event log"),
					Err(error) => tracing::warn!(%error, "the event log read failed"),
				}
				// Nothing new: wait for the next event, the gateway stopping, or a minute.
				tokio::select! {
					_ = latest.changed() => {},
					_ = closing.changed() => {},
					_ = tokio::time::sleep(std::time::Duration::from_secs(60)) => {},
				}
			}
		},
	);
	let response = Sse::new(stream)
		.keep_alive(KeepAlive::new().interval(std::time::Duration::from_secs(15)))
		.into_response();
	with_request_id(response, &headers)
}

/// `GET /webhooks/deliveries`: the client's delivery log (`after`, `state`).
async fn deliveries(
	State(shared): State<Arc<Shared>>,
	headers: HeaderMap,
	RawQuery(query): RawQuery,
) -> Response {
	let result = (|| {
		let client = client(&shared, &headers)?;
		let events = events_of(&shared)?;
		let query = query.as_deref();
		let after = sequence(query_value(query, "after"), "after")?;
		let state = query_value(query, "state");
		if let Some(state) = state.filter(|s| !["pending", "delivered", "failed"].contains(s)) {
			return Err(GatewayError::BadRequest(format!(
				"state: {state:?} is not pending, delivered or failed"
			)));
		}
		let log = events
			.store
			.deliveries(&client.name, after, state)
			.map_err(|e| GatewayError::Store(e.to_string()))?;
		let log: Vec<Value> = log
			.iter()
			.map(|d| {
				json!({
					"event": d.seq.to_string(),
					"state": d.state,
					"attempts": d.attempts,
					"last_status": d.last_status,
					"last_error": d.last_error,
					"next_attempt_ms": if d.state == "pending" { d.next_ms } else { None },
					"delivered_ms": d.delivered_ms,
				})
			})
			.collect();
		Ok::<_, GatewayError>(json!({ "deliveries": log }))
	})();
	with_request_id(result.map_or_else(access_error, |b| Json(b).into_response()), &headers)
}

/// `POST /webhooks/deliveries/{id}/retry`: sends event `id` to the client's webhook again.
async fn redeliver(
	State(shared): State<Arc<Shared>>,
	headers: HeaderMap,
	Path(id): Path<String>,
) -> Response {
	let result = (|| {
		let client = client(&shared, &headers)?;
		let events = events_of(&shared)?;
		let seq = sequence(Some(&id), "id")?;
		let found = events
			.store
			.retry(&client.name, seq)
			.map_err(|e| GatewayError::Store(e.to_string()))?;
		if !found {
			return Err(GatewayError::NotFound(format!(
				"no delivery of event {id} to this client"
			)));
		}
		events.latest.send_modify(|_| {});
		Ok::<_, GatewayError>(json!({ "event": id, "state": "pending" }))
	})();
	with_request_id(result.map_or_else(access_error, |b| Json(b).into_response()), &headers)
}

async fn ready(State(shared): State<Arc<Shared>>) -> Response {
	match shared.not_ready() {
		None => Json(json!({ "ready": true })).into_response(),
		Some(reason) => json_response(
			StatusCode::SERVICE_UNAVAILABLE,
			"application/json",
			&json!({ "ready": false, "reason": reason }),
		),
	}
}

async fn metrics(State(shared): State<Arc<Shared>>) -> Response {
	let connected = shared.node().is_ok();
	let outbox = match &shared.outbox {
		Some(outbox) => outbox.store.depth().await.ok(),
		None => None,
	}
	.map(|(depth, oldest)| (depth, oldest.map(|at| now_ms().saturating_sub(at) / 1_000)));
	let mut text = shared.metrics.render(&shared.cache(), connected, outbox);
	if let Some(events) = &shared.events {
		let behind = events.behind.load(std::sync::atomic::Ordering::Relaxed);
		text.push_str(&format!(
			"# HELP salus_gateway_events_behind_blocks How many finalized blocks the event follower has not read yet.\n# TYPE salus_gateway_events_behind_blocks gauge\nsalus_gateway_events_behind_blocks {behind}\n"
		));
	}
	(
		StatusCode::OK,
		[(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4"))],
		text,
	)
		.into_response()
}

/// Serves until `stop` fires (SIGINT or SIGTERM in the binary), then finishes the requests in
/// flight and returns.
pub async fn serve(
	shared: Arc<Shared>,
	listener: tokio::net::TcpListener,
	stop: tokio::sync::watch::Receiver<bool>,
) -> std::io::Result<()> {
	// The watcher stops last: the requests and the sends in flight still have the node.
	let (stop_watcher, watcher_stop) = tokio::sync::watch::channel(false);
	let watcher = tokio::spawn(crate::watch::run(shared.clone(), watcher_stop));
	let sender = shared.outbox.as_ref().map(|outbox| {
		let batch = shared.config.outbox.as_ref().map_or(crate::config::MAX_BATCH, |o| o.batch);
		tokio::spawn(crate::sender::run(
			shared.clone(),
			outbox.store.clone(),
			outbox.keys.clone(),
			batch,
			stop.clone(),
		))
	});
	// Events: the follower stops with the watcher (it reads the node); the webhooks with the
	// server (what they had not delivered waits in the database).
	let mut tasks = Vec::new();
	if let Some(events) = &shared.events {
		tasks.push(tokio::spawn(crate::events::follow(
			shared.clone(),
			events.clone(),
			stop.clone(),
		)));
		for client in shared.config.clients.iter().filter(|c| c.webhook.is_some()) {
			tasks.push(tokio::spawn(crate::events::deliver(
				shared.clone(),
				events.clone(),
				client.clone(),
				stop.clone(),
			)));
		}
	}
	// The event streams end when the gateway stops: shutdown does not wait for them.
	if let Some(events) = shared.events.clone() {
		let mut stopping = stop.clone();
		tokio::spawn(async move {
			let _ = stopping.wait_for(|stop| *stop).await;
			events.closing.send_replace(true);
		});
	}
	let mut stopping = stop.clone();
	let result = axum::serve(listener, router(shared))
		.with_graceful_shutdown(async move {
			let _ = stopping.wait_for(|stop| *stop).await;
		})
		.await;
	// The sender drains what is in flight while the node is still followed.
	if let Some(sender) = sender {
		let _ = sender.await;
	}
	for task in tasks {
		let _ = task.await;
	}
	let _ = stop_watcher.send(true);
	let _ = watcher.await;
	result
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::config::Config;
	use tower::ServiceExt;

	const KEY: &str = "contract-test-key-0001";

	/// A gateway with an outbox (empty keystore), an event log, and no node.
	async fn gateway() -> (Arc<Shared>, std::path::PathBuf) {
		let dir = std::env::temp_dir().join(format!(
			"salus-gateway-contract-{}-{}",
			std::process::id(),
			std::time::SystemTime::now()
				.duration_since(std::time::UNIX_EPOCH)
				.unwrap()
				.as_nanos()
		));
		std::fs::create_dir_all(dir.join("keys")).unwrap();
		let digest = crate::config::key_digest_hex(KEY);
		let text = format!(
			"[outbox]\ndatabase = \"{}\"\nkeystore = \"{}\"\n[events]\ndatabase = \"{}\"\nproviders = [1]\n[[clients]]\nname = \"ehr\"\nkey_sha256 = \"{digest}\"\npractitioners = [\"*\"]\n",
			dir.join("outbox.sqlite").display(),
			dir.join("keys").display(),
			dir.join("events.sqlite").display(),
		);
		let config = Config::parse(&text, &|_| None).unwrap();
		let outbox = crate::Outbox::open(config.outbox.as_ref().unwrap(), None).await.unwrap();
		let events = crate::events::Events::open(config.events.as_ref().unwrap()).unwrap();
		(Arc::new(Shared::new(config, Some(outbox), Some(events))), dir)
	}

	/// Calls the router: the status, the content type, and the body (not read from an event
	/// stream, which does not end).
	async fn call(router: &Router, method: &str, path: &str) -> (u16, String, String) {
		let body = if method == "GET" { String::new() } else { "{}".to_owned() };
		let request = axum::http::Request::builder()
			.method(method)
			.uri(path)
			.header(header::AUTHORIZATION, format!("Bearer {KEY}"))
			.header(header::CONTENT_TYPE, "application/json")
			.body(axum::body::Body::from(body))
			.unwrap();
		let response = router.clone().oneshot(request).await.unwrap();
		let status = response.status().as_u16();
		let content_type = response
			.headers()
			.get(header::CONTENT_TYPE)
			.and_then(|v| v.to_str().ok())
			.unwrap_or_default()
			.to_owned();
		if content_type.starts_with("text/event-stream") {
			return (status, content_type, String::new());
		}
		let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
		(status, content_type, String::from_utf8_lossy(&bytes).into_owned())
	}

	/// Every operation the OpenAPI document lists is served, and answers (with a key, a
	/// minimal body, no node) with a status it documents and a body that matches the schema it
	/// documents for that status; what it does not list is not served.
	#[tokio::test]
	async fn the_openapi_document_matches_the_router() {
		let document: Value = serde_json::from_str(OPENAPI).unwrap();
		assert_eq!(document["openapi"], "3.1.0");
		let (shared, dir) = gateway().await;
		let router = router(shared);
		let paths = document["paths"].as_object().unwrap();
		assert_eq!(paths.len(), 18);
		let mut operations = 0;
		for (path, item) in paths {
			for method in item.as_object().unwrap().keys() {
				let concrete = path.replace("{id}", "7");
				let (status, content_type, body) =
					call(&router, &method.to_uppercase(), &concrete).await;
				crate::contract::check_response(
					method,
					path,
					status,
					&content_type,
					body.as_bytes(),
				)
				.unwrap_or_else(|error| panic!("{error}: {body}"));
				assert!(!body.contains("no such route"), "{method} {path} is not served");
				operations += 1;
			}
		}
		assert_eq!(operations, 19);
		let (status, _, body) = call(&router, "GET", "/fhir/Patient").await;
		assert_eq!(status, 404);
		assert!(body.contains("no such route"), "{body}");
		let (status, _, _) = call(&router, "DELETE", "/fhir/Consent").await;
		assert_eq!(status, 405, "an undocumented method on a documented path");
		// The event stream is one.
		let (status, content_type, _) = call(&router, "GET", "/events?after=0").await;
		assert_eq!((status, content_type.as_str()), (200, "text/event-stream"));
		let (status, _, body) = call(&router, "GET", "/events?after=-1").await;
		assert_eq!(status, 400, "{body}");
		let (status, _, body) = call(&router, "GET", "/webhooks/deliveries?state=lost").await;
		assert_eq!(status, 400, "{body}");
		let _ = std::fs::remove_dir_all(dir);
	}

	/// A client holds at most `MAX_STREAMS` event streams (the next is 429, and one closed makes
	/// room), and every stream ends when the gateway stops, so that a connected EventSource
	/// cannot hold a shutdown up.
	#[tokio::test]
	async fn event_streams_are_bounded_per_client_and_end_on_shutdown() {
		use futures::StreamExt;
		let (shared, dir) = gateway().await;
		let router = router(shared.clone());
		let open = |router: Router| async move {
			let request = axum::http::Request::builder()
				.uri("/events")
				.header(header::AUTHORIZATION, format!("Bearer {KEY}"))
				.body(axum::body::Body::empty())
				.unwrap();
			router.oneshot(request).await.unwrap()
		};
		let mut streams = Vec::new();
		for _ in 0..crate::events::MAX_STREAMS {
			let response = open(router.clone()).await;
			assert_eq!(response.status(), 200);
			streams.push(response.into_body().into_data_stream());
		}
		let refused = open(router.clone()).await;
		assert_eq!(refused.status(), 429);
		assert!(refused.headers().contains_key(header::RETRY_AFTER));
		drop(streams.pop());
		let mut last = open(router.clone()).await.into_body().into_data_stream();
		// Open, with nothing to say: it neither ends nor sends (a comment every 15 s only).
		let quiet = tokio::time::timeout(std::time::Duration::from_millis(300), last.next()).await;
		assert!(quiet.is_err(), "a stream ended or spoke with nothing to say");
		// Stopping ends every stream: each body finishes.
		shared.events.as_ref().unwrap().closing.send_replace(true);
		for mut stream in streams {
			let ended = tokio::time::timeout(std::time::Duration::from_secs(5), async {
				while stream.next().await.is_some() {}
			})
			.await;
			assert!(ended.is_ok(), "a stream outlived the shutdown");
		}
		let ended = tokio::time::timeout(std::time::Duration::from_secs(5), async {
			while last.next().await.is_some() {}
		})
		.await;
		assert!(ended.is_ok());
		let _ = std::fs::remove_dir_all(dir);
	}
}
