//! A patient's FHIR R4 `Consent` becomes Salus consents, or is refused with the element that
//! Salus cannot represent. Nothing is dropped: an element is either read into the consents,
//! listed as descriptive (`README.md`, "Read, not kept"), or refused.

use crate::{
	codes::{self, *},
	terms::ConsentTerms,
	time::{self, End},
};
use fhir_model::r4b::{
	codes::{ConsentProvisionType, ConsentState},
	resources::{Consent, ConsentProvision, Resource},
	types::{CodeableConcept, Coding, ExtensionValue, Identifier, Reference},
};
use fhir_model::time::UtcOffset;
use salus_primitives::{
	DataClass, DataClassSet, Decision, FlagSet, Grantee, Jurisdiction, ProviderKind, PurposeSet,
	Timestamp,
};
use serde_json::Value;
use sp_core::crypto::{AccountId32, Ss58Codec};

/// Why a FHIR resource was refused: the element (a FHIRPath-like path, `Consent.provision.
/// actor[0].role`) and the reason, in one line.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ImportError {
	/// The element refused.
	pub element: String,
	/// Why, in words a hospital's integration engineer can act on.
	pub reason: String,
}

impl core::fmt::Display for ImportError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		write!(f, "{}: {}", self.element, self.reason)
	}
}

impl std::error::Error for ImportError {}

fn refuse(element: impl Into<String>, reason: impl Into<String>) -> ImportError {
	ImportError { element: element.into(), reason: reason.into() }
}

/// The Salus consents a FHIR R4 `Consent` (JSON) of `patient` becomes, in document order:
/// the root rule first, then each nested rule; one consent per actor of a rule.
///
/// A date without a time (`2026-07-01`) is read as that day in UTC; [`import_consent_in`] reads
/// it where the patient lives.
pub fn import_consent(json: &str, patient: &AccountId32) -> Result<Vec<ConsentTerms>, ImportError> {
	import_consent_in(json, patient, UtcOffset::UTC)
}

/// [`import_consent`], a date being a day at UTC offset `zone` (the patient's): a permit from
/// `2026-07-01` in Berlin starts at 2026-06-30T22:00:00Z.
pub fn import_consent_in(
	json: &str,
	patient: &AccountId32,
	zone: UtcOffset,
) -> Result<Vec<ConsentTerms>, ImportError> {
	let raw: Value = serde_json::from_str(json)
		.map_err(|error| refuse("Consent", format!("not JSON: {error}")))?;
	match raw.get("resourceType").and_then(Value::as_str) {
		Some("Consent") => {},
		Some(other) => {
			return Err(refuse("resourceType", format!("a {other}, not a Consent")));
		},
		None => return Err(refuse("resourceType", "missing: not a FHIR resource")),
	}
	if let Some(path) = find_key(&raw, "Consent", &|key| key == "modifierExtension") {
		return Err(refuse(
			format!("{path}[0]"),
			"a modifier extension changes the meaning of a rule in a way Salus cannot know",
		));
	}
	if raw.get("implicitRules").is_some() {
		return Err(refuse(
			"Consent.implicitRules",
			"rules Salus does not know may change what the Consent means",
		));
	}
	let consent = parse_model::<Consent>(&raw, "Consent")?;
	check_contained(&raw)?;
	Importer { consent: &consent, patient, zone }.run()
}

/// `raw` as the FHIR model `T`, refusing what does not parse and what the model does not know
/// (a misspelt element, or one from another FHIR version): the model ignores unknown elements,
/// so they are found by writing the model back and comparing.
pub(crate) fn parse_model<T>(raw: &Value, root: &str) -> Result<T, ImportError>
where
	T: serde::de::DeserializeOwned + serde::Serialize,
{
	let parsed: T = serde_path_to_error::deserialize(raw.clone()).map_err(|error| {
		let path = error.path().to_string();
		let element = if path == "." { root.to_owned() } else { format!("{root}.{path}") };
		refuse(element, format!("not valid FHIR R4: {}", error.inner()))
	})?;
	let written = serde_json::to_value(&parsed)
		.map_err(|error| refuse(root, format!("cannot be written back: {error}")))?;
	if let Some((path, why)) = unknown(raw, &written, root) {
		return Err(refuse(path, why));
	}
	Ok(parsed)
}

/// The first element of `raw` that `written` lacks, and why.
fn unknown(raw: &Value, written: &Value, path: &str) -> Option<(String, &'static str)> {
	const EMPTY: &str = "is empty: FHIR has no empty elements (leave it out)";
	const UNKNOWN: &str = "not an element of FHIR R4 here (misspelt, or from another FHIR version)";
	let empty = |value: &Value| match value {
		Value::Array(items) => items.is_empty(),
		Value::Object(map) => map.is_empty(),
		Value::String(text) => text.is_empty(),
		_ => false,
	};
	match (raw, written) {
		(Value::Object(raw), Value::Object(written)) => raw.iter().find_map(|(key, value)| {
			let here = format!("{path}.{key}");
			match written.get(key) {
				Some(written) => unknown(value, written, &here),
				None if value.is_null() => None,
				None if empty(value) => Some((here, EMPTY)),
				None => Some((here, UNKNOWN)),
			}
		}),
		(Value::Array(raw), Value::Array(written)) => {
			raw.iter().enumerate().find_map(|(index, value)| {
				let here = format!("{path}[{index}]");
				match written.get(index) {
					Some(written) => unknown(value, written, &here),
					None => Some((here, UNKNOWN)),
				}
			})
		},
		_ => None,
	}
}

/// Contained resources: each id once, none inactive, and an Organization without a Salus
/// provider id nothing but what names a group of providers (it becomes "every provider of
/// this kind / in this country", so anything more specific, another identifier or a city,
/// would be widened).
fn check_contained(raw: &Value) -> Result<(), ImportError> {
	let Some(contained) = raw.get("contained").and_then(Value::as_array) else { return Ok(()) };
	let mut ids = Vec::new();
	for (index, resource) in contained.iter().enumerate() {
		let here = format!("Consent.contained[{index}]");
		if let Some(id) = resource.get("id").and_then(Value::as_str) {
			if ids.contains(&id) {
				return Err(refuse(
					format!("{here}.id"),
					format!("#{id} is contained twice: a reference to it would be ambiguous"),
				));
			}
			ids.push(id);
		}
		if resource.get("active") == Some(&Value::Bool(false)) {
			return Err(refuse(
				format!("{here}.active"),
				"an inactive recipient cannot be consented to",
			));
		}
		let organization =
			resource.get("resourceType").and_then(Value::as_str) == Some("Organization");
		let salus_id = resource.get("identifier").and_then(Value::as_array).is_some_and(|ids| {
			ids.iter()
				.any(|i| i.get("system").and_then(Value::as_str) == Some(PROVIDER_SYSTEM))
		});
		if organization && !salus_id {
			let Some(fields) = resource.as_object() else { continue };
			for (key, value) in fields {
				let allowed = match key.as_str() {
					"resourceType" | "id" | "meta" | "text" | "type" | "name" | "active" => true,
					"address" => value.as_array().is_some_and(|addresses| {
						addresses.len() == 1
							&& addresses.iter().all(|a| {
								a.as_object().is_some_and(|a| a.keys().all(|k| k == "country"))
							})
					}),
					_ => false,
				};
				if !allowed {
					return Err(refuse(
						format!("{here}.{key}"),
						format!("an Organization without a Salus provider id ({PROVIDER_SYSTEM}) stands for every provider of its kind or country; {key} would name one in particular: give its Salus provider id"),
					));
				}
			}
		}
	}
	Ok(())
}

/// The path of the first key (depth first, in document order) that `matches`.
fn find_key(value: &Value, path: &str, matches: &dyn Fn(&str) -> bool) -> Option<String> {
	match value {
		Value::Object(map) => map.iter().find_map(|(key, value)| {
			let here = format!("{path}.{key}");
			if matches(key) {
				Some(here)
			} else {
				find_key(value, &here, matches)
			}
		}),
		Value::Array(items) => items
			.iter()
			.enumerate()
			.find_map(|(index, value)| find_key(value, &format!("{path}[{index}]"), matches)),
		_ => None,
	}
}

/// A rule's conditions, each `None` where the rule does not state it.
#[derive(Clone, Default)]
struct Conditions {
	grantees: Option<Vec<Grantee<AccountId32>>>,
	classes: Option<DataClassSet>,
	purposes: Option<PurposeSet>,
	from: Option<Timestamp>,
	until: Option<Timestamp>,
	jurisdictions: Option<Vec<Jurisdiction>>,
}

impl Conditions {
	/// A nested rule's conditions within its parent's: what it does not state it inherits, and
	/// what both state it narrows (a nested rule is an exception within its parent).
	fn within(self, parent: &Self, path: &str, decision: Decision) -> Result<Self, ImportError> {
		// An exception that permits names recipients within its root's: a permit to others
		// would reach beyond the rule it is an exception to. (A deny may name anyone: it
		// only narrows.)
		if let (Decision::Permit, Some(outer), Some(inner)) =
			(decision, &parent.grantees, &self.grantees)
		{
			if inner.iter().any(|grantee| !outer.contains(grantee)) {
				return Err(refuse(
					format!("{path}.actor"),
					"a nested permit names a recipient its root rule does not: it would permit beyond the rule it is an exception to",
				));
			}
		}
		let classes = narrow(parent.classes, self.classes, path, "data class")?;
		let purposes = narrow(parent.purposes, self.purposes, path, "purpose")?;
		let jurisdictions = match (&parent.jurisdictions, self.jurisdictions) {
			(Some(outer), Some(inner)) => {
				let both: Vec<_> = inner.into_iter().filter(|j| outer.contains(j)).collect();
				if both.is_empty() {
					return Err(refuse(path, "covers no jurisdiction its parent rule covers"));
				}
				Some(both)
			},
			(outer, inner) => inner.or_else(|| outer.clone()),
		};
		let from = self.from.max(parent.from);
		let until = match (self.until, parent.until) {
			(Some(a), Some(b)) => Some(a.min(b)),
			(a, b) => a.or(b),
		};
		if let (Some(from), Some(until)) = (from, until) {
			if until <= from {
				return Err(refuse(path, "its period lies outside its parent rule's period"));
			}
		}
		Ok(Self {
			grantees: self.grantees.or_else(|| parent.grantees.clone()),
			classes,
			purposes,
			from,
			until,
			jurisdictions,
		})
	}

	/// The consents of a rule with these conditions.
	fn consents(&self, decision: Decision, out: &mut Vec<ConsentTerms>) {
		let every = [Grantee::Providers { kind: None, jurisdiction: None }];
		let grantees = self.grantees.as_deref().unwrap_or(&every);
		for grantee in grantees {
			out.push(ConsentTerms {
				grantee: grantee.clone(),
				decision,
				// A rule that names no class covers all data: a permit, what Salus shares
				// without naming (no sensitive class); a deny, everything.
				classes: self.classes.unwrap_or_else(|| match decision {
					Decision::Permit => DataClassSet::non_sensitive(),
					Decision::Deny => DataClassSet::full(),
				}),
				purposes: self.purposes.unwrap_or_else(PurposeSet::full),
				jurisdictions: self.jurisdictions.clone(),
				valid_from: self.from,
				valid_until: self.until,
			});
		}
	}
}

/// What a nested rule covers of a set its parent also states: both, or the one stated.
fn narrow<F: salus_primitives::Flag>(
	outer: Option<FlagSet<F>>,
	inner: Option<FlagSet<F>>,
	path: &str,
	what: &str,
) -> Result<Option<FlagSet<F>>, ImportError> {
	match (outer, inner) {
		(Some(outer), Some(inner)) => {
			let both = outer.intersection(inner);
			if both.is_empty() {
				return Err(refuse(path, format!("covers no {what} its parent rule covers")));
			}
			Ok(Some(both))
		},
		(outer, inner) => Ok(inner.or(outer)),
	}
}

struct Importer<'a> {
	consent: &'a Consent,
	patient: &'a AccountId32,
	zone: UtcOffset,
}

impl Importer<'_> {
	fn run(&self) -> Result<Vec<ConsentTerms>, ImportError> {
		let consent = self.consent;
		if consent.status != ConsentState::Active {
			return Err(refuse(
				"Consent.status",
				format!("is {}: only an active Consent can be recorded", consent.status),
			));
		}
		if !has_coding(&consent.scope, CONSENT_SCOPE_SYSTEM, "patient-privacy") {
			return Err(refuse(
				"Consent.scope",
				"Salus records privacy consents (consentscope#patient-privacy), not consents to treatment or research participation",
			));
		}
		if let Some(patient) = &consent.patient {
			self.check_patient(patient)?;
		}
		let root = consent
			.provision
			.as_ref()
			.ok_or_else(|| refuse("Consent.provision", "missing: the Consent states no rule"))?;
		let path = "Consent.provision";
		let conditions = self.conditions(root, path)?;
		let kind = match (root.r#type, self.base_policy()?) {
			(Some(kind), _) => decision(kind),
			(None, Some(kind)) => kind,
			(None, None) => {
				return Err(refuse(
					format!("{path}.type"),
					"the root rule neither permits nor denies: give a policyRule of OPTIN (the patient opts in to the rule) or OPTOUT (opts out of it)",
				));
			},
		};
		let nested = |index: usize| format!("{path}.provision[{index}]");
		let children = present(&root.provision, &nested)?;
		let mut out = Vec::new();
		// A deny with exceptions is the patient's default (Salus's own: with no consent,
		// nothing is shared), so only its exceptions are recorded: recorded, the deny would
		// override them. Any other root rule is recorded, then its exceptions.
		if kind == Decision::Permit || children.is_empty() {
			conditions.consents(kind, &mut out);
		}
		for (index, child) in children {
			let here = nested(index);
			let child_kind = child.r#type.map(decision).ok_or_else(|| {
				refuse(format!("{here}.type"), "missing: a nested rule must permit or deny")
			})?;
			if child_kind == kind {
				return Err(refuse(
					format!("{here}.type"),
					"a nested rule is an exception to the root rule: it must deny what the root permits, or permit what it denies",
				));
			}
			self.nested(child, &here, &conditions, child_kind)?
				.consents(child_kind, &mut out);
		}
		Ok(out)
	}

	/// What a root rule without a type does: R4 gives the root rule no type, and the
	/// policy rule says whether the patient opts in to it (OPTIN, OPTINR) or out (OPTOUT,
	/// OPTOUTE).
	fn base_policy(&self) -> Result<Option<Decision>, ImportError> {
		let Some(rule) = self.consent.policy_rule.as_ref() else { return Ok(None) };
		let opt_in = ["OPTIN", "OPTINR"].iter().any(|code| has_coding(rule, ACT_CODE_SYSTEM, code));
		let opt_out =
			["OPTOUT", "OPTOUTE"].iter().any(|code| has_coding(rule, ACT_CODE_SYSTEM, code));
		match (opt_in, opt_out) {
			(true, true) => Err(refuse("Consent.policyRule", "opts both in and out: say one")),
			(true, false) => Ok(Some(Decision::Permit)),
			(false, true) => Ok(Some(Decision::Deny)),
			(false, false) => Ok(None),
		}
	}

	fn nested(
		&self,
		child: &ConsentProvision,
		path: &str,
		parent: &Conditions,
		decision: Decision,
	) -> Result<Conditions, ImportError> {
		if !child.provision.is_empty() {
			return Err(refuse(
				format!("{path}.provision[0]"),
				"Salus reads one level of nested rules (exceptions to the root rule)",
			));
		}
		self.conditions(child, path)?.within(parent, path, decision)
	}

	fn check_patient(&self, reference: &Reference) -> Result<(), ImportError> {
		let (identifiers, path): (Vec<&Identifier>, String) = match &reference.reference {
			Some(local) if local.starts_with('#') => {
				let (index, resource) = self.contained(local, "Consent.patient.reference")?;
				match resource {
					Resource::Patient(patient) => (
						patient.identifier.iter().flatten().collect(),
						format!("Consent.contained[{index}].identifier"),
					),
					_ => {
						return Err(refuse("Consent.patient.reference", "does not name a Patient"));
					},
				}
			},
			_ => (reference.identifier.iter().collect(), "Consent.patient.identifier".to_owned()),
		};
		for identifier in identifiers {
			if identifier.system.as_deref() != Some(ACCOUNT_SYSTEM) {
				continue;
			}
			let named =
				identifier.value.as_deref().and_then(|v| AccountId32::from_ss58check(v).ok());
			if named.as_ref() != Some(self.patient) {
				return Err(refuse(
					path,
					format!(
						"names the patient {}, but {} is importing it: a patient records only its own consents",
						identifier.value.as_deref().unwrap_or("(no value)"),
						self.patient.to_ss58check()
					),
				));
			}
		}
		Ok(())
	}

	/// The contained resource `#id`, with its index.
	fn contained(&self, local: &str, path: &str) -> Result<(usize, &Resource), ImportError> {
		let id = local.trim_start_matches('#');
		self.consent
			.contained
			.iter()
			.enumerate()
			.find(|(_, resource)| resource_id(resource) == Some(id))
			.ok_or_else(|| refuse(path, format!("names #{id}, which the Consent does not contain")))
	}

	fn conditions(
		&self,
		provision: &ConsentProvision,
		path: &str,
	) -> Result<Conditions, ImportError> {
		if provision.data_period.is_some() {
			return Err(refuse(
				format!("{path}.dataPeriod"),
				"Salus cannot limit a consent to data from a period: the rule would be wider than written",
			));
		}
		if !provision.data.is_empty() {
			return Err(refuse(
				format!("{path}.data[0]"),
				"Salus consents cover classes of data, not single resources",
			));
		}
		for (index, action) in provision.action.iter().enumerate() {
			let access = action.as_ref().is_some_and(|action| {
				present_codings(action).all(|c| {
					c.system.as_deref() == Some(CONSENT_ACTION_SYSTEM)
						&& c.code.as_deref() == Some("access")
				}) && present_codings(action).next().is_some()
			});
			if !access {
				return Err(refuse(
					format!("{path}.action[{index}]"),
					"Salus governs access only (consentaction#access), not collection, use, disclosure or correction",
				));
			}
		}
		let mut jurisdictions = Vec::new();
		for (index, extension) in provision.extension.iter().enumerate() {
			let here = format!("{path}.extension[{index}]");
			match extension.url.as_str() {
				JURISDICTION_EXTENSION => {
					let Some(ExtensionValue::CodeableConcept(concept)) = &extension.value else {
						return Err(refuse(here, "a jurisdiction is a valueCodeableConcept"));
					};
					let (at, code) = concept
						.coding
						.iter()
						.enumerate()
						.find_map(|(at, c)| {
							let c = c.as_ref()?;
							(c.system.as_deref() == Some(ISO_3166_SYSTEM))
								.then(|| (at, c.code.clone().unwrap_or_default()))
						})
						.unwrap_or_default();
					let jurisdiction = Jurisdiction::from_code(&code).map_err(|_| {
						refuse(
							format!("{here}.valueCodeableConcept.coding[{at}]"),
							format!("{code:?} is not an assigned ISO 3166-1 alpha-2 code ({ISO_3166_SYSTEM})"),
						)
					})?;
					if !jurisdictions.contains(&jurisdiction) {
						jurisdictions.push(jurisdiction);
					}
				},
				GRANT_SOURCE_EXTENSION => {
					return Err(refuse(
						here,
						"this is a grant: the chain makes grants when a request is approved or an emergency declared; a patient cannot import one",
					));
				},
				other => {
					return Err(refuse(
						here,
						format!("the extension {other} is not one Salus knows: recording the rule without it would change its meaning"),
					));
				},
			}
		}
		let (from, until) = match &provision.period {
			Some(period) => {
				let from = period
					.start
					.as_ref()
					.map(|at| time::from_fhir_in(at, End::Start, self.zone))
					.transpose()
					.map_err(|e| refuse(format!("{path}.period.start"), e.to_string()))?;
				let until = period
					.end
					.as_ref()
					.map(|at| time::from_fhir_in(at, End::End, self.zone))
					.transpose()
					.map_err(|e| refuse(format!("{path}.period.end"), e.to_string()))?;
				if let (Some(from), Some(until)) = (from, until) {
					if until <= from {
						return Err(refuse(format!("{path}.period"), "ends before it starts"));
					}
				}
				(from, until)
			},
			None => (None, None),
		};
		let mut grantees = Vec::new();
		for (index, actor) in provision.actor.iter().enumerate() {
			let here = format!("{path}.actor[{index}]");
			let actor = actor.as_ref().ok_or_else(|| refuse(&here, "empty"))?;
			let recipient = RECIPIENT_ROLES
				.iter()
				.any(|(code, _)| has_coding(&actor.role, PARTICIPATION_TYPE_SYSTEM, code));
			if !recipient {
				return Err(refuse(
					format!("{here}.role"),
					"Salus consents speak to who receives the data (v3-ParticipationType IRCP or PRCP); other roles, such as a custodian, cannot be recorded",
				));
			}
			let grantee = self.grantee(&actor.reference, &format!("{here}.reference"))?;
			if !grantees.contains(&grantee) {
				grantees.push(grantee);
			}
		}
		let mut purposes = Vec::new();
		for (index, purpose) in provision.purpose.iter().enumerate() {
			let here = format!("{path}.purpose[{index}]");
			let found = purpose
				.as_ref()
				.filter(|c| c.system.as_deref() == Some(ACT_REASON_SYSTEM))
				.and_then(|c| c.code.as_deref())
				.and_then(codes::purpose_of_code);
			let Some(found) = found else {
				return Err(refuse(
					here,
					"not a purpose Salus governs: v3-ActReason TREAT, ETREAT, HPAYMT, HOPERAT, HRESCH, PUBHLTH or PATRQT",
				));
			};
			purposes.push(found);
		}
		Ok(Conditions {
			grantees: (!grantees.is_empty()).then_some(grantees),
			classes: self.classes(provision, path)?,
			purposes: (!purposes.is_empty()).then(|| PurposeSet::of(&purposes)),
			from,
			until,
			jurisdictions: (!jurisdictions.is_empty()).then_some(jurisdictions),
		})
	}

	/// The data classes of a rule: `class`, `code` and `securityLabel` each narrow the rule
	/// (FHIR: the elements of a rule all apply; the entries of one element are alternatives),
	/// so the classes are those every stated element admits.
	fn classes(
		&self,
		provision: &ConsentProvision,
		path: &str,
	) -> Result<Option<DataClassSet>, ImportError> {
		let mut stated: Vec<(DataClassSet, String)> = Vec::new();
		let mut ambiguous = None;
		if !provision.class.is_empty() {
			let mut set = DataClassSet::empty();
			for (index, class) in provision.class.iter().enumerate() {
				let here = format!("{path}.class[{index}]");
				let class = class
					.as_ref()
					.filter(|c| c.system.as_deref() == Some(RESOURCE_TYPES_SYSTEM))
					.and_then(|c| c.code.as_deref())
					.ok_or_else(|| {
						refuse(
							&here,
							format!("a class is a FHIR resource type ({RESOURCE_TYPES_SYSTEM})"),
						)
					})?;
				if let Some((_, mapped)) = RESOURCE_CLASSES.iter().find(|(name, _)| *name == class)
				{
					set.insert(*mapped);
				} else if AMBIGUOUS_RESOURCES.contains(&class) {
					ambiguous.get_or_insert((here, class.to_owned()));
					for (_, mapped) in OBSERVATION_CATEGORIES {
						set.insert(*mapped);
					}
				} else {
					return Err(refuse(
						here,
						format!("Salus has no data class for the resource type {class}"),
					));
				}
			}
			stated.push((set, format!("{path}.class[0]")));
		}
		let mut narrows = false;
		if !provision.code.is_empty() {
			let mut set = DataClassSet::empty();
			for (index, concept) in provision.code.iter().enumerate() {
				let here = format!("{path}.code[{index}]");
				let named: Vec<DataClass> = concept
					.iter()
					.flat_map(present_codings)
					.filter_map(|c| {
						let code = c.code.as_deref()?;
						match c.system.as_deref()? {
							DATA_CLASS_SYSTEM => codes::data_class_of_code(code),
							OBSERVATION_CATEGORY_SYSTEM => {
								narrows = true;
								OBSERVATION_CATEGORIES
									.iter()
									.find(|(c, _)| *c == code)
									.map(|(_, class)| *class)
							},
							_ => None,
						}
					})
					.collect();
				let Some(first) = named.first() else {
					return Err(refuse(
						here,
						format!("names no Salus data class ({DATA_CLASS_SYSTEM}) or observation category (laboratory, vital-signs, imaging)"),
					));
				};
				if named.iter().any(|class| class != first) {
					return Err(refuse(
						here,
						"its codings name different data classes: one concept, one class",
					));
				}
				set.insert(*first);
			}
			stated.push((set, format!("{path}.code[0]")));
		}
		if let Some((here, class)) = ambiguous {
			if !narrows {
				return Err(refuse(
					here,
					format!("{class} spans lab results, vital signs and imaging: name the category in provision.code ({OBSERVATION_CATEGORY_SYSTEM} laboratory, vital-signs or imaging)"),
				));
			}
		}
		if !provision.security_label.is_empty() {
			let mut set = DataClassSet::empty();
			for (index, label) in provision.security_label.iter().enumerate() {
				let here = format!("{path}.securityLabel[{index}]");
				let label = label.as_ref();
				let system = label.and_then(|c| c.system.as_deref());
				let code = label.and_then(|c| c.code.as_deref()).unwrap_or_default();
				match system {
					Some(ACT_CODE_SYSTEM) => {
						let (_, _, class) = SENSITIVITY_LABELS
							.iter()
							.find(|(label, _, _)| *label == code)
							.ok_or_else(|| {
								refuse(&here, format!("Salus has no data class for the sensitivity {code}: it knows PSY, ETH, SEX and GDIS"))
							})?;
						set.insert(*class);
					},
					Some(CONFIDENTIALITY_SYSTEM) if code == "N" => {
						set = set.union(DataClassSet::non_sensitive());
					},
					_ => {
						return Err(refuse(
							here,
							"Salus reads the sensitivity labels PSY, ETH, SEX and GDIS (v3-ActCode) and the confidentiality N (normal)",
						));
					},
				}
			}
			stated.push((set, format!("{path}.securityLabel[0]")));
		}
		let mut iter = stated.into_iter();
		let Some((mut classes, _)) = iter.next() else { return Ok(None) };
		for (set, here) in iter {
			classes = classes.intersection(set);
			if classes.is_empty() {
				return Err(refuse(
					here,
					"no Salus data class is covered by all of this rule's class, code and securityLabel (each narrows the rule): state the classes one way",
				));
			}
		}
		Ok(Some(classes))
	}

	fn grantee(
		&self,
		reference: &Reference,
		path: &str,
	) -> Result<Grantee<AccountId32>, ImportError> {
		if let Some(local) = &reference.reference {
			if !local.starts_with('#') {
				return Err(refuse(
					path,
					format!("{local} is a reference to a server Salus cannot read: name the recipient by its Salus identifier, or contain it"),
				));
			}
			let (index, resource) = self.contained(local, path)?;
			let here = format!("Consent.contained[{index}]");
			return match resource {
				Resource::Organization(organization) => {
					let identifiers: Vec<&Identifier> =
						organization.identifier.iter().flatten().collect();
					if let Some(provider) = provider_id(&identifiers, &here)? {
						return Ok(Grantee::Provider(provider));
					}
					let kind = self.kind(&organization.r#type, &here)?;
					let jurisdiction =
						match organization.address.iter().flatten().next() {
							Some(address) => address
								.country
								.as_deref()
								.map(|code| {
									Jurisdiction::from_code(code).map_err(|_| {
										refuse(
										format!("{here}.address[0].country"),
										format!("{code:?} is not an assigned ISO 3166-1 alpha-2 code"),
									)
									})
								})
								.transpose()?,
							None => None,
						};
					if kind.is_none() && jurisdiction.is_none() {
						return Err(refuse(
							here,
							format!("an Organization without a Salus provider id ({PROVIDER_SYSTEM}) must give a kind (type) or a country (address.country)"),
						));
					}
					Ok(Grantee::Providers { kind, jurisdiction })
				},
				Resource::Practitioner(practitioner) => {
					let identifiers: Vec<&Identifier> =
						practitioner.identifier.iter().flatten().collect();
					account_id(&identifiers, &here)?.map(Grantee::Practitioner).ok_or_else(|| {
						refuse(
							here,
							format!("a Practitioner needs its Salus account ({ACCOUNT_SYSTEM})"),
						)
					})
				},
				other => Err(refuse(
					path,
					format!(
						"Salus consents speak to providers and practitioners, not to a {}",
						resource_type(other)
					),
				)),
			};
		}
		let Some(identifier) = &reference.identifier else {
			return Err(refuse(
				path,
				"names no recipient: give a contained resource or a Salus identifier",
			));
		};
		let here = format!("{path}.identifier");
		match (reference.r#type.as_deref(), identifier.system.as_deref()) {
			(Some("Organization") | None, Some(PROVIDER_SYSTEM)) => provider_id(&[identifier], &here)?
				.map(Grantee::Provider)
				.ok_or_else(|| refuse(here, "no provider id")),
			(Some("Practitioner") | None, Some(ACCOUNT_SYSTEM)) => account_id(&[identifier], &here)?
				.map(Grantee::Practitioner)
				.ok_or_else(|| refuse(here, "no account")),
			(Some(other), _) if other != "Organization" && other != "Practitioner" => Err(refuse(
				format!("{path}.type"),
				format!("Salus consents speak to providers and practitioners, not to a {other}"),
			)),
			_ => Err(refuse(
				here,
				format!("an Organization is named by {PROVIDER_SYSTEM}, a Practitioner by {ACCOUNT_SYSTEM}"),
			)),
		}
	}

	fn kind(
		&self,
		types: &[Option<CodeableConcept>],
		path: &str,
	) -> Result<Option<ProviderKind>, ImportError> {
		let mut kind = None;
		for (index, concept) in types.iter().enumerate() {
			let here = format!("{path}.type[{index}]");
			let found = concept.iter().flat_map(present_codings).find_map(|c| {
				let code = c.code.as_deref()?;
				match c.system.as_deref()? {
					PROVIDER_KIND_SYSTEM => codes::provider_kind_of_code(code),
					ORGANIZATION_TYPE_SYSTEM => {
						ORGANIZATION_TYPES.iter().find(|(c, _)| *c == code).map(|(_, kind)| *kind)
					},
					_ => None,
				}
			});
			match (found, kind) {
				(None, _) => {
					return Err(refuse(
						here,
						format!("names no kind of provider Salus knows ({PROVIDER_KIND_SYSTEM}, or organization-type ins, dept, crs)"),
					));
				},
				(Some(found), Some(kind)) if found != kind => {
					return Err(refuse(
						here,
						"names a second kind of provider: a grantee is of one kind",
					));
				},
				(Some(found), _) => kind = Some(found),
			}
		}
		Ok(kind)
	}
}

/// The nested rules, refusing empty entries.
fn present<'a>(
	nested: &'a [Option<ConsentProvision>],
	path: &dyn Fn(usize) -> String,
) -> Result<Vec<(usize, &'a ConsentProvision)>, ImportError> {
	nested
		.iter()
		.enumerate()
		.map(|(index, child)| {
			child
				.as_ref()
				.map(|child| (index, child))
				.ok_or_else(|| refuse(path(index), "empty"))
		})
		.collect()
}

fn decision(kind: ConsentProvisionType) -> Decision {
	match kind {
		ConsentProvisionType::Permit => Decision::Permit,
		ConsentProvisionType::Deny => Decision::Deny,
	}
}

fn present_codings(concept: &CodeableConcept) -> impl Iterator<Item = &Coding> {
	concept.coding.iter().flatten()
}

fn has_coding(concept: &CodeableConcept, system: &str, code: &str) -> bool {
	present_codings(concept)
		.any(|c| c.system.as_deref() == Some(system) && c.code.as_deref() == Some(code))
}

/// The Salus provider id among `identifiers`, if one is.
fn provider_id(identifiers: &[&Identifier], path: &str) -> Result<Option<u32>, ImportError> {
	identifiers
		.iter()
		.find(|i| i.system.as_deref() == Some(PROVIDER_SYSTEM))
		.map(|i| {
			let value = i.value.as_deref().unwrap_or_default();
			value.parse::<u32>().map_err(|_| {
				refuse(path, format!("{value:?} is not a Salus provider id (a whole number)"))
			})
		})
		.transpose()
}

/// The Salus account among `identifiers`, if one is.
fn account_id(identifiers: &[&Identifier], path: &str) -> Result<Option<AccountId32>, ImportError> {
	identifiers
		.iter()
		.find(|i| i.system.as_deref() == Some(ACCOUNT_SYSTEM))
		.map(|i| {
			let value = i.value.as_deref().unwrap_or_default();
			AccountId32::from_ss58check(value)
				.map_err(|_| refuse(path, format!("{value:?} is not an SS58 address")))
		})
		.transpose()
}

fn resource_json(resource: &Resource) -> Value {
	serde_json::to_value(resource).unwrap_or(Value::Null)
}

fn resource_id(resource: &Resource) -> Option<&str> {
	match resource {
		Resource::Organization(r) => r.id.as_deref(),
		Resource::Practitioner(r) => r.id.as_deref(),
		Resource::Patient(r) => r.id.as_deref(),
		Resource::PractitionerRole(r) => r.id.as_deref(),
		Resource::RelatedPerson(r) => r.id.as_deref(),
		Resource::Group(r) => r.id.as_deref(),
		Resource::CareTeam(r) => r.id.as_deref(),
		Resource::Device(r) => r.id.as_deref(),
		_ => None,
	}
}

fn resource_type(resource: &Resource) -> String {
	resource_json(resource)
		.get("resourceType")
		.and_then(Value::as_str)
		.unwrap_or("resource")
		.to_owned()
}
