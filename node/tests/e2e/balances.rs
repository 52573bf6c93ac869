//! SLS transfers, signed by a real client and checked in finalized state.

use crate::harness::{account_of, run_scenario, Result};
use pallet_balances::Call as BalancesCall;
use salus_runtime::{token::SLS, RuntimeCall, RuntimeEvent};
use subxt_signer::sr25519::{dev, Keypair};

/// Alice sends 7 SLS to an account that did not exist: the transfer is finalized, emits
/// `Balances::Transfer` with the exact amount, and the new account holds exactly 7 SLS. Alice
/// pays the amount plus a fee, and the treasury receives the fee.
#[tokio::test(flavor = "multi_thread")]
async fn transfer_keep_alive_moves_sls_to_a_fresh_account() -> Result {
	run_scenario(|client| async move {
		let alice = dev::alice();
		let fresh = Keypair::from_secret_key([7u8; 32])?;
		let (from, to) = (account_of(&alice), account_of(&fresh));
		let amount = 7 * SLS;

		assert_eq!(client.free_balance(&to).await?, 0, "the fresh account starts empty");
		let alice_before = client.free_balance(&from).await?;
		let treasury = salus_runtime::configs::governance::TreasuryAccount::get();
		let treasury_before = client.free_balance(&treasury).await?;

		let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
			dest: to.clone().into(),
			value: amount,
		});
		let finalized = client.submit_finalized(call, &alice).await?;

		let transfer = RuntimeEvent::Balances(pallet_balances::Event::Transfer {
			from: from.clone(),
			to: to.clone(),
			amount,
		});
		assert!(finalized.events.contains(&transfer), "{:?}", finalized.events);
		let fee = finalized
			.events
			.iter()
			.find_map(|event| match event {
				RuntimeEvent::TransactionPayment(
					pallet_transaction_payment::Event::TransactionFeePaid { actual_fee, .. },
				) => Some(*actual_fee),
				_ => None,
			})
			.ok_or("no TransactionFeePaid event")?;
		assert!(fee > 0);

		// The block that included it is final, and the runtime API sees Alice's nonce move on.
		let included = client.block_number(Some(finalized.block_hash)).await?;
		assert!(included >= 1 && included <= client.finalized_number().await?);
		let nonce: salus_runtime::Nonce =
			client.runtime_api("AccountNonceApi_account_nonce", &from).await?;
		assert_eq!(nonce, 1);

		assert_eq!(client.free_balance(&to).await?, amount);
		assert_eq!(client.free_balance(&from).await?, alice_before - amount - fee);
		assert_eq!(client.free_balance(&treasury).await?, treasury_before + fee);
		Ok(())
	})
	.await
}
