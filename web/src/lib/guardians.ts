// Guardians: pallet-proxy proxies of type `HealthGuardian` (runtime/src/configs/accounts.rs).
// What a guardian may and may not do is `ProxyType::patient_call`, said here in words; which
// accounts are a patient's guardians, and what appointing one holds, from `Proxy.Proxies`.

/** One entry of `Proxy.Proxies(account)[0]`, as the typed client decodes it. */
export interface ProxyDefinition {
  delegate: string;
  proxy_type: { type: string };
  delay: number;
}

/** What a guardian may do for its ward: exactly `ProxyType::patient_call`. */
export const GUARDIAN_MAY: readonly string[] = [
  "register the ward as a patient, and update its encryption key",
  "give, revoke and prune the ward's consents, and set its emergency directive",
  "approve or deny access requests to the ward, and acknowledge or contest emergency accesses to its data",
  "open disputes for the ward, file evidence in them and appeal their verdicts (the bonds are held from the ward's account)",
  "accept or remove record-number links and record anchors about the ward",
  "claim the ward's rewards (they are paid to the ward)",
  "batch several of these calls into one",
];

/**
 * The calls `GUARDIAN_MAY` speaks for, as `Pallet.call`: exactly those `ProxyType::patient_call`
 * admits (a unit test compares them with runtime/src/configs/accounts.rs).
 */
export const GUARDIAN_CALLS: readonly string[] = [
  "HealthIdentity.announce_commitment",
  "HealthIdentity.register_patient",
  "HealthIdentity.update_encryption_key",
  "HealthIdentity.accept_link",
  "HealthIdentity.remove_link",
  "HealthIdentity.accept_record",
  "HealthIdentity.remove_record_proposal",
  "Consent.grant_consent",
  "Consent.revoke_consent",
  "Consent.set_emergency_directive",
  "Consent.prune_consent",
  "Access.approve_request",
  "Access.deny_request",
  "Access.acknowledge_emergency",
  "Access.contest_emergency",
  "Disputes.open_dispute",
  "Disputes.submit_evidence",
  "Disputes.appeal",
  "Rewards.claim_rewards",
  "Utility.batch",
  "Utility.batch_all",
  "Utility.force_batch",
];

/** What a guardian may not do: everything else. */
export const GUARDIAN_MAY_NOT: readonly string[] = [
  "move the ward's funds (no transfer of any kind)",
  "deregister the ward or give up its identity commitment",
  "act as a provider, an admin or a practitioner for the ward (no access requests, emergencies or disclosure logging)",
  "vote as an arbitrator, or take part in governance",
  "appoint or remove guardians, or act through another proxy",
];

/** The ward's `HealthGuardian` entry for `guardian`, if it appointed it. */
export function guardianEntry(definitions: readonly ProxyDefinition[], guardian: string): ProxyDefinition | undefined {
  return definitions.find((d) => d.delegate === guardian && d.proxy_type.type === "HealthGuardian");
}

/** The `HealthGuardian` entries among an account's proxies. */
export function guardiansIn(definitions: readonly ProxyDefinition[]): ProxyDefinition[] {
  return definitions.filter((d) => d.proxy_type.type === "HealthGuardian");
}

/**
 * What appointing one more guardian adds to the deposit pallet-proxy holds: the per-proxy part,
 * plus the base part when the account has no proxy of any kind yet.
 */
export function appointDeposit(base: bigint, factor: bigint, existingProxies: number): bigint {
  return factor + (existingProxies === 0 ? base : 0n);
}

/**
 * Whether `guardian` may act for `ward` through this app, from the ward's proxies: appointed as
 * its `HealthGuardian` with no delay (a delayed proxy must announce each call first, which
 * this app does not do). Returns the reason in words when it may not.
 */
export function guardianCheck(
  definitions: readonly ProxyDefinition[],
  guardian: string,
): { ok: true } | { ok: false; reason: string } {
  const entry = guardianEntry(definitions, guardian);
  if (!entry) return { ok: false, reason: "This account is not a guardian of that patient: the patient has not appointed it, or has removed it." };
  if (entry.delay !== 0)
    return {
      ok: false,
      reason: `The patient appointed this account with a delay of ${entry.delay} blocks: each call must be announced first, which this app does not do.`,
    };
  return { ok: true };
}
