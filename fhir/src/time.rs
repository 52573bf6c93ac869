//! Salus timestamps (milliseconds since the Unix epoch, UTC) and FHIR's dates and times.

use fhir_model::{
	time::{Date as CivilDate, Month, OffsetDateTime, UtcOffset},
	Date, DateTime, Instant,
};
use salus_primitives::Timestamp;

/// Which end of a FHIR `Period` a date stands for: a date (or a year, or a month) given as an
/// end includes all of it, so it ends where the next one begins.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum End {
	/// `Period.start`: the first instant.
	Start,
	/// `Period.end`: the first instant after.
	End,
}

/// Why a FHIR date or time is not a Salus timestamp.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum TimeError {
	/// Before 1970.
	BeforeEpoch,
	/// Beyond what Salus (or a calendar) counts.
	OutOfRange,
}

impl core::fmt::Display for TimeError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str(match self {
			Self::BeforeEpoch => "is before 1970, where Salus time begins",
			Self::OutOfRange => "is out of range",
		})
	}
}

/// The Salus timestamp of a FHIR `dateTime` as one `end` of a period; a date (without a
/// time, so without a zone) is read in UTC.
pub fn from_fhir(value: &DateTime, end: End) -> Result<Timestamp, TimeError> {
	from_fhir_in(value, end, UtcOffset::UTC)
}

/// The Salus timestamp of a FHIR `dateTime` as one `end` of a period; a date is a day where
/// the patient lives, at UTC offset `zone`.
pub fn from_fhir_in(value: &DateTime, end: End, zone: UtcOffset) -> Result<Timestamp, TimeError> {
	let instant = match value {
		DateTime::DateTime(Instant(at)) => *at,
		DateTime::Date(date) => {
			let first = first_day(date)?;
			let day = match end {
				End::Start => first,
				End::End => after(date, first)?,
			};
			day.midnight().assume_offset(zone)
		},
	};
	millis(instant)
}

/// The first day a FHIR date covers.
fn first_day(date: &Date) -> Result<CivilDate, TimeError> {
	match date {
		Date::Year(year) => CivilDate::from_calendar_date(*year, Month::January, 1),
		Date::YearMonth(year, month) => CivilDate::from_calendar_date(*year, *month, 1),
		Date::Date(day) => Ok(*day),
	}
	.map_err(|_| TimeError::OutOfRange)
}

/// The first day after all of `date`, which begins on `first`.
fn after(date: &Date, first: CivilDate) -> Result<CivilDate, TimeError> {
	let next = match date {
		Date::Year(year) => year
			.checked_add(1)
			.and_then(|year| CivilDate::from_calendar_date(year, Month::January, 1).ok()),
		Date::YearMonth(year, month) => {
			let (year, month) = match month {
				Month::December => (year.checked_add(1), Month::January),
				other => (Some(*year), other.next()),
			};
			year.and_then(|year| CivilDate::from_calendar_date(year, month, 1).ok())
		},
		Date::Date(_) => first.next_day(),
	};
	next.ok_or(TimeError::OutOfRange)
}

/// Milliseconds since the epoch of an instant (sub-millisecond digits are dropped).
fn millis(instant: OffsetDateTime) -> Result<Timestamp, TimeError> {
	let nanos = instant.unix_timestamp_nanos();
	if nanos < 0 {
		return Err(TimeError::BeforeEpoch);
	}
	Timestamp::try_from(nanos.div_euclid(1_000_000)).map_err(|_| TimeError::OutOfRange)
}

/// A Salus timestamp as a FHIR `dateTime` (UTC, to the millisecond).
pub fn to_fhir(at: Timestamp) -> Result<DateTime, TimeError> {
	Ok(DateTime::DateTime(instant(at)?))
}

/// A Salus timestamp as a FHIR `instant` (UTC, to the millisecond).
pub fn instant(at: Timestamp) -> Result<Instant, TimeError> {
	let nanos = i128::from(at).checked_mul(1_000_000).ok_or(TimeError::OutOfRange)?;
	OffsetDateTime::from_unix_timestamp_nanos(nanos)
		.map(|at| Instant(at.to_offset(UtcOffset::UTC)))
		.map_err(|_| TimeError::OutOfRange)
}

/// A Salus timestamp as RFC 3339 text in UTC (`2026-01-01T00:00:00.000Z`), for CSV.
pub fn rfc3339(at: Timestamp) -> Result<String, TimeError> {
	let Instant(at) = instant(at)?;
	Ok(format!(
		"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
		at.year(),
		u8::from(at.month()),
		at.day(),
		at.hour(),
		at.minute(),
		at.second(),
		at.millisecond()
	))
}

/// The Salus timestamp of FHIR date or dateTime text (`2026-07-01`, `2026-07`,
/// `2026-07-01T08:00:00+02:00`) as one `end` of a period.
pub fn parse(text: &str, end: End) -> Result<Timestamp, String> {
	parse_in(text, end, UtcOffset::UTC)
}

/// [`parse`], a date being a day at UTC offset `zone`.
pub fn parse_in(text: &str, end: End, zone: UtcOffset) -> Result<Timestamp, String> {
	let value: DateTime = serde_json::from_value(serde_json::Value::String(text.to_owned()))
		.map_err(|_| {
			"not a FHIR date or dateTime (2026-07-01, or 2026-07-01T08:00:00+02:00: a time needs its zone)"
			.to_owned()
		})?;
	from_fhir_in(&value, end, zone).map_err(|e| format!("it {e}"))
}

/// A UTC offset written `+02:00`, `-05:30` or `Z`.
pub fn offset(text: &str) -> Result<UtcOffset, String> {
	if text == "Z" || text == "+00:00" || text == "-00:00" {
		return Ok(UtcOffset::UTC);
	}
	let bad = || format!("{text:?} is not a UTC offset (+02:00, -05:30, Z)");
	let (sign, rest) = match text.split_at_checked(1) {
		Some(("+", rest)) => (1i8, rest),
		Some(("-", rest)) => (-1i8, rest),
		_ => return Err(bad()),
	};
	let (hours, minutes) = rest.split_once(':').ok_or_else(bad)?;
	let hours: i8 = hours.parse().map_err(|_| bad())?;
	let minutes: i8 = minutes.parse().map_err(|_| bad())?;
	UtcOffset::from_hms(sign.saturating_mul(hours), sign.saturating_mul(minutes), 0)
		.map_err(|_| bad())
}
