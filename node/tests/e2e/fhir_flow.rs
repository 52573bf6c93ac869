//! FHIR in and out, on a real chain, through `salus-client`: a patient's FHIR Consent written
//! by hand from the R4 specification imports, is enforced (the decision it permits turns
//! Permit, over the runtime API and the node's RPC alike), exports back as FHIR that imports to
//! the same terms, and the accounting of disclosures of a real disclosure log is FHIR
//! `AuditEvent`s and CSV.

use crate::harness::{run_scenario, Result};
use salus_client::{
	api::query,
	flows::{disclosure_record, grant_all, grant_calls, granted_consents, stored_consent},
	tx, AccessAnswer, Client, Signer, Wait,
};
use salus_fhir::{audit_bundle, audit_csv, export_consents, import_consent, ChainInfo};
use salus_primitives::{
	AccessBasis, DataClass, GrantSource, Jurisdiction, PractitionerRole, ProviderKind,
	ProviderStatus, Purpose,
};
use sp_core::H256;

const CONSENT: &str = include_str!("../../../fhir/tests/data/e2e/lakeside-lab-results.json");

#[tokio::test(flavor = "multi_thread")]
async fn a_fhir_consent_is_enforced_and_the_accounting_exports_as_fhir() -> Result {
	run_scenario(|harness| async move {
		let client = Client::connect(harness.url()).await?;
		let (alice, charlie, dave) =
			(Signer::dev("alice")?, Signer::dev("charlie")?, Signer::dev("dave")?);
		let de = Jurisdiction::from_code("DE").map_err(|e| e.to_string())?;

		// Charlie registers Lakeside Hospital (provider 0 on a new chain), sudo accredits it,
		// and Dave joins it as a physician; Alice registers as a patient.
		let lakeside = client
			.register_provider(&charlie, "Lakeside Hospital", ProviderKind::Hospital, de, None, Wait::InBlock)
			.await?;
		assert_eq!(lakeside, 0, "the consent file names provider 0");
		let accredit = tx::identity::set_provider_status(lakeside, ProviderStatus::Accredited);
		let sudo = salus_runtime::RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(accredit) });
		let commitment = salus_client::flows::commitment("DE-1234567890", &[42; 32]);
		tokio::try_join!(
			client.submit(sudo, &alice, Wait::InBlock),
			client.register_patient(&alice, commitment, de, None, Wait::InBlock),
			client.submit(tx::identity::add_practitioner(dave.account(), PractitionerRole::Physician), &charlie, Wait::InBlock),
		)?;
		client.submit(tx::identity::accept_practitioner(lakeside), &dave, Wait::InBlock).await?;

		// Before the consent, Dave may not see Alice's lab results.
		let labs = query(alice.account(), dave.account(), DataClass::LabResults, Purpose::Treatment);
		assert!(matches!(client.check_access(&labs, None, None).await?, AccessAnswer::Deny { .. }));

		// Alice imports the FHIR Consent: one consent, shown to her, then signed.
		let terms = import_consent(CONSENT, &alice.account())?;
		assert_eq!(terms.len(), 1);
		assert!(terms[0].describe().starts_with("permits every practitioner of provider 0 access to laboratory results for treatment"), "{}", terms[0].describe());
		let included = client.submit(grant_all(&terms)?, &alice, Wait::InBlock).await?;
		let ids = granted_consents(&included);
		assert_eq!(ids.len(), 1);

		// The chain enforces it: the runtime API and the node's native RPC agree.
		let permitted = client.check_access(&labs, None, None).await?;
		let AccessAnswer::Permit { basis } = permitted else { return Err(format!("{permitted:?}").into()) };
		assert_eq!(basis, AccessBasis::Consent { id: ids[0], source: GrantSource::Patient });
		assert_eq!(client.rpc_check_access(&labs, None, None).await?, permitted);
		// Only what it says: not imaging, not for research.
		let imaging = query(alice.account(), dave.account(), DataClass::Imaging, Purpose::Treatment);
		let research = query(alice.account(), dave.account(), DataClass::LabResults, Purpose::Research);
		for denied in client.rpc_check_access_batch(&[imaging, research], None, None).await? {
			assert!(matches!(denied, AccessAnswer::Deny { .. }), "{denied:?}");
		}

		// Alice's consents export as FHIR that imports back to the same terms.
		let consents = client.consents_of(&alice.account(), None).await?;
		let stored: Vec<_> = consents.iter().map(stored_consent).collect();
		let bundle = export_consents(&alice.account(), &stored, consents[0].created_at)?;
		let exported = serde_json::to_string(&bundle["entry"][0]["resource"])?;
		let again = import_consent(&exported, &alice.account())?;
		assert_eq!(again.len(), 1);
		assert_eq!((again[0].grantee.clone(), again[0].classes, again[0].purposes), (terms[0].grantee.clone(), terms[0].classes, terms[0].purposes));
		assert_eq!(again[0].valid_until, terms[0].valid_until);

		// Dave logs his access; Alice's accounting of disclosures is FHIR and CSV.
		let record = H256::repeat_byte(7);
		client
			.submit(tx::access::log_disclosure(alice.account(), DataClass::LabResults, Purpose::Treatment, Some(record)), &dave, Wait::InBlock)
			.await?;
		let log = client.disclosure_log(&alice.account(), None).await?;
		assert_eq!(log.len(), 1);
		let directory = |_| (Some("Lakeside Hospital".to_owned()), None);
		let records: Vec<_> = log.iter().map(|d| disclosure_record(&alice.account(), d, &directory)).collect();
		let genesis: H256 = client.rpc("chain_getBlockHash", subxt::rpcs::rpc_params![0u32]).await?;
		let chain = ChainInfo { name: client.rpc("system_chain", subxt::rpcs::rpc_params![]).await?, genesis };
		let audit = audit_bundle(&chain, &records, log[0].at)?;
		let event = &audit["entry"][0]["resource"];
		assert_eq!(event["resourceType"], "AuditEvent");
		assert_eq!(event["agent"][0]["who"]["identifier"]["value"], dave.account().to_string());
		assert_eq!(event["agent"][1]["who"]["display"], "Lakeside Hospital");
		assert_eq!(event["entity"][1]["detail"][1]["valueString"], format!("urn:salus:consent|{}", ids[0]));
		assert_eq!(event["entity"][1]["what"]["identifier"]["value"], format!("{record:?}"));
		let csv = audit_csv(&records)?;
		assert_eq!(csv.lines().count(), 2, "{csv}");
		assert!(csv.lines().nth(1).is_some_and(|row| row.contains("lab-results") && row.contains("TREAT")), "{csv}");
		Ok(())
	})
	.await
}

/// A refused call comes back as the pallet's error by name, and changes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn a_refused_call_is_named_and_changes_nothing() -> Result {
	run_scenario(|harness| async move {
		let client = Client::connect(harness.url()).await?;
		let eve = Signer::dev("eve")?;
		let terms = import_consent(CONSENT, &Signer::dev("alice")?.account())?;
		// Eve is no patient: the chain refuses her consent.
		let call = grant_calls(&terms)?.remove(0);
		let error = client
			.submit(call, &eve, Wait::InBlock)
			.await
			.err()
			.ok_or("Eve's consent was recorded")?;
		assert_eq!(error.dispatch_name().as_deref(), Some("Consent::NotRegistered"), "{error}");
		assert!(client.consents_of(&eve.account(), None).await?.is_empty());
		// A client built for another runtime would say so: this one is built for this node.
		assert!(matches!(
			Client::connect("ws://127.0.0.1:1").await,
			Err(salus_client::Error::Connect { .. })
		));
		Ok(())
	})
	.await
}
