//! Benchmarks of every call and of the two cleanup steps, each in its worst case: the patient's
//! lists full, its consent ledger full (every consent checked by a decision, an ended grant to
//! drop before a new grant), the disclosure page as long as it gets.
//!
//! The signer's `System::Account` is whitelisted (not counted), as polkadot-sdk's benchmarks
//! whitelist their caller: every signed transaction's nonce check and fee payment already read
//! and write it, and the transaction extensions' weights charge for that. A call dispatched
//! for another account through a proxy or a multisig is therefore charged one account read
//! and write short of what it does.
// Benchmark setup that cannot proceed should stop the benchmark loudly.
#![allow(clippy::expect_used)]

use super::*;
use crate::Pallet as Access;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::MutateHold, Get},
	BoundedVec,
};
use frame_system::RawOrigin;
use salus_primitives::{
	benchmarking::{ClockFixture, ConsentFixtures, IdentityFixtures},
	AccessControl, DataClass, DataClassSet, EmergencyId, Grant, GrantBy, GrantSource, Grantee,
	Jurisdiction, ProviderId, ProviderKind, Purpose, PurposeSet, RequestId, Timestamp,
};
use sp_core::H256;

const SEED: u32 = 0;
/// The clock at the start of every benchmark.
const T0: Timestamp = 1_000_000;

fn de() -> Jurisdiction {
	Jurisdiction::from_code("DE").expect("DE is an assigned code")
}

/// Block 1 (disclosure ids come from the block number; block 0 logs nothing) at [`T0`].
fn start<T: Config>() {
	frame_system::Pallet::<T>::set_block_number(1u32.into());
	T::Clock::set_now(T0);
}

/// A registered patient whose consent ledger holds the most consents of its own (the
/// benchmarks that need the ledger full to the registry's cap add grants), and a practitioner
/// of an accredited hospital that every consent in it speaks to.
fn patient_and_practitioner<T: Config>() -> (T::AccountId, T::AccountId, ProviderId) {
	start::<T>();
	let patient: T::AccountId = account("patient", 0, SEED);
	T::Fixtures::patient(&patient);
	let practitioner: T::AccountId = account("practitioner", 0, SEED);
	let provider = T::Fixtures::practitioner(&practitioner, ProviderKind::Hospital, de());
	T::ConsentFixtures::fill_ledger(&patient, &practitioner);
	(patient, practitioner, provider)
}

/// Fills `patient`'s grants to the registry's cap with grants to `provider` that end at once,
/// so the next grant must first drop one (the oldest) to make room.
fn fill_ended_grants<T: Config>(patient: &T::AccountId, provider: ProviderId) {
	let now = T::AccessControl::now();
	for request in 0..1_000u64 {
		let grant = Grant {
			grantee: Grantee::Provider(provider),
			classes: DataClassSet::full(),
			purposes: PurposeSet::full(),
			valid_until: now.saturating_add(1),
			source: GrantSource::Request(request.saturating_add(1_000_000)),
		};
		if T::AccessControl::grant(patient, grant, GrantBy::Provider).is_err() {
			break;
		}
	}
	T::Clock::set_now(now.saturating_add(1));
}

/// The research bounty the benchmarks offer (paying or returning it is the worst case).
fn bounty<T: Config>() -> BalanceOf<T> {
	T::RequestDeposit::get()
}

/// A research request from `practitioner` to `patient`, with a bounty; returns its id.
fn request<T: Config>(practitioner: &T::AccountId, patient: &T::AccountId) -> RequestId {
	Access::<T>::request_access(
		RawOrigin::Signed(practitioner.clone()).into(),
		patient.clone(),
		DataClassSet::full(),
		Purpose::Research,
		T::MaxAccessDuration::get(),
		H256::repeat_byte(1),
		bounty::<T>(),
	)
	.expect("request made");
	NextRequestId::<T>::get().checked_sub(1).expect("a request was made")
}

/// `count` research requests with bounties to `patient`, each by a practitioner of a research
/// institute of its own (so no provider's share of the patient's list stands in the way).
fn other_requests<T: Config>(patient: &T::AccountId, count: u32) {
	for n in 0..count {
		let practitioner: T::AccountId = account("requester", n, SEED);
		T::Fixtures::practitioner(&practitioner, ProviderKind::Research, de());
		request::<T>(&practitioner, patient);
	}
}

/// The last request of a full pending list of `patient`: by `practitioner`, after requests of
/// other providers.
fn full_requests<T: Config>(practitioner: &T::AccountId, patient: &T::AccountId) -> RequestId {
	other_requests::<T>(patient, T::MaxPendingRequests::get().saturating_sub(1));
	request::<T>(practitioner, patient)
}

/// A rate window starting `at` as long as `provider`'s gets: `MaxProviderEmergencies - 1`
/// emergencies (or all of them, if `full`), each on a patient of its own, by practitioners
/// of whom `practitioner`, last in the list, declared one short of its limit.
fn long_window<T: Config>(
	provider: ProviderId,
	practitioner: &T::AccountId,
	at: Timestamp,
	full: bool,
) {
	let limit = T::MaxProviderEmergencies::get();
	let total = if full { limit } else { limit.saturating_sub(1) };
	let own = T::MaxEmergencies::get().saturating_sub(1).min(total);
	let mut window = RateWindowOf::<T>::starting(at);
	for n in 0..total {
		let declarer = if n >= total.saturating_sub(own) {
			practitioner.clone()
		} else {
			account("declarer", n, SEED)
		};
		let patient: T::AccountId = account("rate-patient", n, SEED);
		assert!(window.record(&declarer, &patient), "the window has room");
	}
	EmergencyRate::<T>::insert(provider, window);
}

/// `count` emergencies on `patient`, each by a practitioner of a hospital of its own (so no
/// rate limit stands in the way); returns the last one's id.
fn emergencies<T: Config>(patient: &T::AccountId, count: u32) -> EmergencyId {
	for n in 0..count {
		let practitioner: T::AccountId = account("emergency", n, SEED);
		T::Fixtures::practitioner(&practitioner, ProviderKind::Hospital, de());
		Access::<T>::declare_emergency(
			RawOrigin::Signed(practitioner).into(),
			patient.clone(),
			H256::repeat_byte(2),
		)
		.expect("emergency declared");
	}
	NextEmergencyId::<T>::get().checked_sub(1).expect("an emergency was declared")
}

/// Puts the overdue review `id` in the escalation queue, as a court that refused it would
/// (its review then also leaves the queue when it ends: the worst case of ending it).
fn queue_review<T: Config>(id: EmergencyId) -> Timestamp {
	let now = T0.saturating_add(T::ReviewPeriod::get());
	T::Clock::set_now(now);
	let mut emergency = Emergencies::<T>::get(id).expect("review open");
	emergency.retry = Some(0);
	Emergencies::<T>::insert(id, emergency);
	EscalationQueue::<T>::insert(0, (id, now));
	NextRetry::<T>::put(1);
	ReviewSweep::<T>::put(id.saturating_add(1));
	now
}

/// `practitioner` logs all but one entry of the first page of `patient`'s disclosure log, so
/// that the next entry fills the page (the worst case of logging one).
fn fill_page_but_one<T: Config>(practitioner: &T::AccountId, patient: &T::AccountId) {
	for _ in 1..T::DisclosurePageSize::get() {
		Access::<T>::log_disclosure(
			RawOrigin::Signed(practitioner.clone()).into(),
			patient.clone(),
			DataClass::Allergies,
			Purpose::EmergencyTreatment,
			Some(H256::repeat_byte(4)),
		)
		.expect("disclosure logged");
	}
}

/// A live grant of `patient`'s whole record to `provider`, from request `request`.
fn live_grant<T: Config>(patient: &T::AccountId, provider: ProviderId, request: u64) {
	let grant = Grant {
		grantee: Grantee::Provider(provider),
		classes: DataClassSet::full(),
		purposes: PurposeSet::full(),
		valid_until: T0.saturating_add(T::MaxAccessDuration::get()),
		source: GrantSource::Request(request),
	};
	T::AccessControl::grant(patient, grant, GrantBy::Provider).expect("grant recorded");
}

/// One entry for each of `patients`, in order, as a batch.
fn batch_of<T: Config>(
	patients: impl Iterator<Item = T::AccountId>,
) -> BoundedVec<DisclosureEntry<T::AccountId>, T::MaxDisclosureBatch> {
	patients
		.map(|patient| DisclosureEntry {
			patient,
			data_class: DataClass::Allergies,
			purpose: Purpose::EmergencyTreatment,
			record: Some(H256::repeat_byte(4)),
		})
		.collect::<alloc::vec::Vec<_>>()
		.try_into()
		.expect("within the bound")
}

/// Logs `count` entries by `practitioner` in `patient`'s log (in batches).
fn fill_log<T: Config>(practitioner: &T::AccountId, patient: &T::AccountId, count: u32) {
	let batch = T::MaxDisclosureBatch::get().max(1);
	let mut left = count;
	while left > 0 {
		let now = left.min(batch);
		let entries: BoundedVec<_, T::MaxDisclosureBatch> = (0..now)
			.map(|_| DisclosureEntry {
				patient: patient.clone(),
				data_class: DataClass::Allergies,
				purpose: Purpose::EmergencyTreatment,
				record: Some(H256::repeat_byte(4)),
			})
			.collect::<alloc::vec::Vec<_>>()
			.try_into()
			.expect("at most a batch");
		Access::<T>::log_disclosures(RawOrigin::Signed(practitioner.clone()).into(), entries)
			.expect("disclosures logged");
		left = left.saturating_sub(now);
	}
}

/// An entry of a disclosure log as stored, logged by `accessor` for provider 0 at [`T0`], with
/// the deposit it holds.
fn stored_entry<T: Config>(
	id: salus_primitives::DisclosureId,
	accessor: T::AccountId,
) -> DisclosureOf<T> {
	Disclosure {
		id,
		accessor,
		provider: 0,
		at: T0,
		class: DataClass::Allergies,
		purpose: Purpose::EmergencyTreatment,
		basis: salus_primitives::AccessBasis::OwnData,
		record: Some(H256::repeat_byte(4)),
		deposit: T::DisclosureDeposit::get(),
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Worst case: the patient's pending list is one short of full (each provider's share
	/// counted over it); a research request with a bounty to hold.
	#[benchmark]
	fn request_access() {
		let (patient, practitioner, _) = patient_and_practitioner::<T>();
		other_requests::<T>(&patient, T::MaxPendingRequests::get().saturating_sub(1));

		// The transaction's nonce and fee already read and write the signer's account.
		whitelist_account!(practitioner);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(practitioner),
			patient.clone(),
			DataClassSet::full(),
			Purpose::Research,
			T::MaxAccessDuration::get(),
			H256::repeat_byte(1),
			bounty::<T>(),
		);

		assert_eq!(PendingRequests::<T>::get(&patient).len() as u32, T::MaxPendingRequests::get());
	}

	/// Worst case: the last of a full pending list is approved into a full consent ledger
	/// whose grants have all ended (the oldest is dropped first); its bounty is paid, and the
	/// (vouched) patient earns rewards as wired.
	#[benchmark]
	fn approve_request() {
		let (patient, practitioner, provider) = patient_and_practitioner::<T>();
		let id = full_requests::<T>(&practitioner, &patient);
		fill_ended_grants::<T>(&patient, provider);

		// The transaction's nonce and fee already read and write the signer's account.
		whitelist_account!(patient);
		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), id, None);

		assert!(Requests::<T>::get(id).is_none());
		assert!(T::AccessControl::check_access(
			&patient,
			&practitioner,
			DataClass::Genomics,
			Purpose::Research,
			T::AccessControl::now(),
		)
		.is_permit());
	}

	/// Worst case: the last of a full pending list is denied, and the patient's fee-free count
	/// is rewritten in a consent ledger full to the registry's cap (the call is refunded by
	/// the ledger's length).
	#[benchmark]
	fn deny_request() {
		let (patient, practitioner, provider) = patient_and_practitioner::<T>();
		let id = full_requests::<T>(&practitioner, &patient);
		fill_ended_grants::<T>(&patient, provider);

		// The transaction's nonce and fee already read and write the signer's account.
		whitelist_account!(patient);
		#[extrinsic_call]
		_(RawOrigin::Signed(patient), id);

		assert!(Requests::<T>::get(id).is_none());
	}

	/// Worst case: the last of a full pending list is cancelled.
	#[benchmark]
	fn cancel_request() {
		let (patient, practitioner, _) = patient_and_practitioner::<T>();
		let id = full_requests::<T>(&practitioner, &patient);

		// The transaction's nonce and fee already read and write the signer's account.
		whitelist_account!(practitioner);
		#[extrinsic_call]
		_(RawOrigin::Signed(practitioner), id);

		assert!(Requests::<T>::get(id).is_none());
	}

	/// Worst case: the patient's open reviews one short of full, its consent ledger full with
	/// every grant ended (the oldest dropped first); the provider's rate window one short of its limit,
	/// with as many practitioners and patients as it holds, and the practitioner one short of
	/// its own.
	#[benchmark]
	fn declare_emergency() {
		let (patient, practitioner, provider) = patient_and_practitioner::<T>();
		emergencies::<T>(&patient, T::MaxOpenReviews::get().saturating_sub(1));
		T::Clock::set_now(T0.saturating_add(T::EmergencyWindow::get()));
		fill_ended_grants::<T>(&patient, provider);
		long_window::<T>(provider, &practitioner, T::AccessControl::now(), false);

		// The transaction's nonce and fee already read and write the signer's account.
		whitelist_account!(practitioner);
		#[extrinsic_call]
		_(RawOrigin::Signed(practitioner), patient.clone(), H256::repeat_byte(2));

		assert_eq!(OpenReviews::<T>::get(&patient).len() as u32, T::MaxOpenReviews::get());
	}

	/// Worst case: the last of a full list of open reviews, waiting in the escalation queue,
	/// is acknowledged, and the patient's fee-free count is rewritten in a consent ledger full
	/// to the registry's cap (the call is refunded by the ledger's length).
	#[benchmark]
	fn acknowledge_emergency() {
		let (patient, _, provider) = patient_and_practitioner::<T>();
		let id = emergencies::<T>(&patient, T::MaxOpenReviews::get());
		fill_ended_grants::<T>(&patient, provider);
		queue_review::<T>(id);

		// The transaction's nonce and fee already read and write the signer's account.
		whitelist_account!(patient);
		#[extrinsic_call]
		_(RawOrigin::Signed(patient), id);

		assert!(Emergencies::<T>::get(id).is_none());
	}

	/// Worst case: the last of a full list of open reviews, waiting in the escalation queue,
	/// is contested, and the court as wired takes it (a court that refuses ends the call
	/// sooner).
	#[benchmark]
	fn contest_emergency() {
		let (patient, _, _) = patient_and_practitioner::<T>();
		let id = emergencies::<T>(&patient, T::MaxOpenReviews::get());
		queue_review::<T>(id);
		let result;

		// The transaction's nonce and fee already read and write the signer's account.
		whitelist_account!(patient);
		#[block]
		{
			result = Access::<T>::contest_emergency(
				RawOrigin::Signed(patient).into(),
				id,
				H256::repeat_byte(3),
			);
		}

		match result {
			Ok(_) => assert!(Emergencies::<T>::get(id).is_none()),
			Err(error) => assert_eq!(error.error, sp_runtime::DispatchError::Unavailable),
		}
	}

	/// For a consent ledger of `c` entries (what the call refunds by). Worst case: the decision
	/// checks every other entry before the emergency grant at its end permits, and the entry
	/// goes on the last free place of a page.
	#[benchmark]
	fn log_disclosure(c: Linear<1, { T::AccessControl::max_ledger_len() }>) {
		start::<T>();
		let patient: T::AccountId = account("patient", 0, SEED);
		T::Fixtures::patient(&patient);
		let practitioner: T::AccountId = account("practitioner", 0, SEED);
		T::Fixtures::practitioner(&practitioner, ProviderKind::Hospital, de());
		T::ConsentFixtures::fill_ledger_to(&patient, &practitioner, c.saturating_sub(1));
		Access::<T>::declare_emergency(
			RawOrigin::Signed(practitioner.clone()).into(),
			patient.clone(),
			H256::repeat_byte(2),
		)
		.expect("emergency declared");
		fill_page_but_one::<T>(&practitioner, &patient);

		// The transaction's nonce and fee already read and write the signer's account.
		whitelist_account!(practitioner);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(practitioner),
			patient.clone(),
			DataClass::Allergies,
			Purpose::EmergencyTreatment,
			Some(H256::repeat_byte(4)),
		);

		assert_eq!(Access::<T>::disclosure_count(&patient), T::DisclosurePageSize::get());
	}

	/// `p` patients, one entry each: the cost of a patient in a batch (and an upper bound on a
	/// further page a patient's entries reach, see `Pallet::batch_shape`). Worst case: each
	/// patient's consent ledger, full to the registry's cap (its own consents and ended
	/// grants), is checked before a live grant to the caller's provider at its end permits, and
	/// its entry takes the last place of a page.
	#[benchmark]
	fn log_disclosures(p: Linear<1, { T::MaxDisclosureBatch::get() }>) {
		let (first, practitioner, provider) = patient_and_practitioner::<T>();
		let full = T::AccessControl::max_ledger_len().saturating_sub(1);
		T::ConsentFixtures::fill_ledger_to(&first, &practitioner, full);
		let mut patients = alloc::vec![first];
		for index in 1..p {
			let patient: T::AccountId = account("patient", index, SEED);
			T::Fixtures::patient(&patient);
			T::ConsentFixtures::fill_ledger_to(&patient, &practitioner, full);
			patients.push(patient);
		}
		let page = T::DisclosurePageSize::get();
		for (request, patient) in (0u64..).zip(&patients) {
			live_grant::<T>(patient, provider, request);
			fill_log::<T>(&practitioner, patient, page.saturating_sub(1));
		}
		let entries = batch_of::<T>(patients.iter().cloned());

		// The transaction's nonce and fee already read and write the signer's account.
		whitelist_account!(practitioner);
		#[extrinsic_call]
		_(RawOrigin::Signed(practitioner), entries);

		for patient in &patients {
			assert_eq!(Access::<T>::disclosure_count(patient), page);
		}
	}

	/// One patient, `1 + e` entries: the cost of each entry beyond a patient's first on the
	/// same page (its decision over the patient's ledger, read once, and its place). Worst
	/// case: the consent ledger, full to the registry's cap, is checked, for every entry,
	/// before a live grant at its end permits; the entries end a page exactly, so the page read
	/// is as full as they allow.
	#[benchmark]
	fn log_disclosures_entries(e: Linear<0, { T::DisclosurePageSize::get().saturating_sub(1) }>) {
		let (patient, practitioner, provider) = patient_and_practitioner::<T>();
		let full = T::AccessControl::max_ledger_len().saturating_sub(1);
		T::ConsentFixtures::fill_ledger_to(&patient, &practitioner, full);
		live_grant::<T>(&patient, provider, 0);
		let page = T::DisclosurePageSize::get();
		fill_log::<T>(&practitioner, &patient, page.saturating_sub(e.saturating_add(1)));
		let entries = batch_of::<T>((0..=e).map(|_| patient.clone()));

		// The transaction's nonce and fee already read and write the signer's account.
		whitelist_account!(practitioner);
		#[extrinsic_call]
		log_disclosures(RawOrigin::Signed(practitioner), entries);

		assert_eq!(Access::<T>::disclosure_count(&patient), page);
	}

	/// Worst case: a full page whose entries were each logged by a different practitioner, so
	/// each deposit is released on a different account, each by a call of its own that logged
	/// a full batch (so each entry's party record is a full one, read, cleared of the entry and
	/// written back, since its other entries live on).
	#[benchmark]
	fn prune_disclosures() {
		start::<T>();
		let patient: T::AccountId = account("patient", 0, SEED);
		T::Fixtures::patient(&patient);
		let size = T::DisclosurePageSize::get();
		let deposit = T::DisclosureDeposit::get();
		let mut page = DisclosurePage::<T>::default();
		let stride = u64::from(DISCLOSURE_ID_STRIDE);
		let other: T::AccountId = account("patient", 1, SEED);
		for n in 0..size {
			let id = u64::from(n).saturating_mul(stride);
			let accessor: T::AccountId = account("accessor", n, SEED);
			T::Fixtures::fund(&accessor);
			T::Currency::hold(&HoldReason::DisclosureDeposit.into(), &accessor, deposit)
				.expect("deposit held");
			page.try_push(stored_entry::<T>(id, accessor)).expect("the page has room");
			let mut patients = alloc::vec![Some(patient.clone())];
			patients.resize(DISCLOSURE_ID_STRIDE as usize, Some(other.clone()));
			let patients = patients.try_into().expect("a batch's worth");
			DisclosureBatches::<T>::insert(id, DisclosureBatch { provider: 0, patients });
		}
		// Page 1, the oldest kept (page 0 pruned): the call looks for an older page.
		DisclosurePages::<T>::insert(&patient, 1, page);
		DisclosureLogs::<T>::insert(
			&patient,
			DisclosureLog { count: size.saturating_mul(2), filling: BoundedVec::new() },
		);
		T::Clock::set_now(T0.saturating_add(T::DisclosureRetention::get()));
		let caller: T::AccountId = whitelisted_caller();

		// The transaction's nonce and fee already read and write the signer's account.
		whitelist_account!(caller);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), patient.clone(), 1);

		assert!(DisclosurePages::<T>::get(&patient, 1).is_none());
		assert_eq!(
			DisclosureBatches::<T>::get(0).map(|batch| batch.live()),
			Some((DISCLOSURE_ID_STRIDE as usize).saturating_sub(1))
		);
	}

	/// One step of the cleanup: the last of a full pending list expires.
	#[benchmark]
	fn expire_request() {
		let (patient, practitioner, _) = patient_and_practitioner::<T>();
		let id = full_requests::<T>(&practitioner, &patient);
		T::Clock::set_now(T0.saturating_add(T::RequestLifetime::get()));
		let request = Requests::<T>::get(id).expect("request open");

		#[block]
		{
			Access::<T>::expire(id, &request);
		}

		assert!(Requests::<T>::get(id).is_none());
	}

	/// One step of the cleanup: the last of a full list of open reviews, waiting in the
	/// escalation queue, goes to the court as wired. A court that refuses leaves the review
	/// queued again (fewer writes than closing it, when the refusal costs the court no more
	/// than taking it).
	#[benchmark]
	fn escalate_review() {
		let (patient, _, _) = patient_and_practitioner::<T>();
		let id = emergencies::<T>(&patient, T::MaxOpenReviews::get());
		let now = queue_review::<T>(id);
		let emergency = Emergencies::<T>::get(id).expect("review open");

		#[block]
		{
			assert!(Access::<T>::escalate(id, emergency, now));
		}

		match Emergencies::<T>::get(id) {
			None => assert!(EscalationQueue::<T>::get(0).is_none()),
			Some(waiting) => assert_eq!(waiting.retry, Some(1)),
		}
	}

	/// Worst case: the provider's window is over and full, as long as a window gets.
	#[benchmark]
	fn clear_rate_window() {
		T::Clock::set_now(T0);
		let practitioner: T::AccountId = account("practitioner", 0, SEED);
		let provider = T::Fixtures::practitioner(&practitioner, ProviderKind::Hospital, de());
		long_window::<T>(provider, &practitioner, T0, true);
		T::Clock::set_now(T0.saturating_add(T::EmergencyRatePeriod::get()));
		let caller: T::AccountId = whitelisted_caller();

		// The transaction's nonce and fee already read and write the signer's account.
		whitelist_account!(caller);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), provider);

		assert!(EmergencyRate::<T>::get(provider).is_none());
	}

	/// The dispute court's look-up of a disclosure in its patient's log
	/// ([`Pallet::find_disclosure`]) when the search reads `p` full pages (at most
	/// [`Pallet::max_probes`]): the entry sought is the last of the newest full page, so every
	/// probe goes up, and only the pages probed are stored (a page that is gone counts as
	/// below the oldest kept one, so the others need not exist), each full, its entries
	/// logged by the same practitioner.
	#[benchmark]
	fn find_disclosure(p: Linear<0, { Pallet::<T>::max_probes() }>) {
		start::<T>();
		let patient: T::AccountId = account("patient", 0, SEED);
		T::Fixtures::patient(&patient);
		let accessor: T::AccountId = account("accessor", 0, SEED);
		let size = T::DisclosurePageSize::get();
		// 2^p - 1 full pages (or as many as a log can have) take a search of p probes; then
		// one entry on the filling page.
		let full = 1u32.checked_shl(p).unwrap_or(u32::MAX).saturating_sub(1);
		let pages = full.min(Pallet::<T>::page_of(u32::MAX));
		let entry = |id| stored_entry::<T>(id, accessor.clone());
		let first_id = |page: u32| u64::from(page).saturating_mul(u64::from(size));
		// Every probe goes up: the pages the search reads are the ones stored.
		let mut low = 0u32;
		while low < pages {
			let middle = Pallet::<T>::probe_between(low, pages);
			let page: DisclosurePage<T> = (0..u64::from(size))
				.map(|n| entry(first_id(middle).saturating_add(n)))
				.collect::<alloc::vec::Vec<_>>()
				.try_into()
				.expect("a page's worth");
			DisclosurePages::<T>::insert(&patient, middle, page);
			low = middle.saturating_add(1);
		}
		let filling = alloc::vec![entry(first_id(pages))].try_into().expect("room");
		let count = pages.saturating_mul(size).saturating_add(1);
		DisclosureLogs::<T>::insert(&patient, DisclosureLog { count, filling });
		let sought = first_id(pages.max(1)).saturating_sub(1);
		let found;

		#[block]
		{
			found = Pallet::<T>::find_disclosure(&patient, sought);
		}

		// Exactly p when the log can hold 2^p - 1 full pages (a page size that is a power of
		// two, as the runtime's).
		if pages == full {
			assert_eq!(found.1, p);
		}
		if p > 0 {
			assert_eq!(found.0.map(|entry| entry.id), Some(sought));
		}
	}

	impl_benchmark_test_suite!(Access, crate::mock::new_test_ext(), crate::mock::Test);
}
