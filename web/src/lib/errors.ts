// The chain's refusals in words. A refused call reports a `DispatchError`; for a pallet's error
// the typed client gives `{ type: "Module", value: { type: pallet, value: { type: error } } }`.
// Every error of every Salus pallet has a sentence here (a unit test reads the checked-in
// metadata and fails when one is missing), and so do the common ones of the standard pallets a
// user meets. Error names are stable (pallets/ERRORS.md), so the keys are too.

/** Sentences by `Pallet.Error`. They speak to the person who signed. */
export const ERROR_SENTENCES: Record<string, string> = {
  // pallet-health-identity
  "HealthIdentity.CommitmentTaken":
    "This identity is already registered to another account (or kept for a former patient). If it is yours, use the account you registered with.",
  "HealthIdentity.AlreadyRegistered": "This account is already registered as a patient.",
  "HealthIdentity.NotRegistered": "This account is not registered as a patient.",
  "HealthIdentity.HasObligations":
    "Something still depends on this patient or provider (open consents, requests, reviews or disputes); end those first.",
  "HealthIdentity.ProviderNotFound": "There is no provider with this number.",
  "HealthIdentity.EmptyName": "A provider needs a name.",
  "HealthIdentity.ParentRequired": "A department must name the provider it belongs to.",
  "HealthIdentity.InvalidParent":
    "That parent cannot take this department: it does not exist, is revoked, is itself a department, or is not the parent the department named.",
  "HealthIdentity.InvalidTransition": "Governance cannot move the provider from its current status to that one.",
  "HealthIdentity.NotAdmin": "This account is not the admin of a provider.",
  "HealthIdentity.AlreadyAdmin": "This account already manages a provider.",
  "HealthIdentity.ProviderRevoked": "The provider has been revoked.",
  "HealthIdentity.AlreadyPractitioner": "This account already acts for a provider.",
  "HealthIdentity.NotPractitionerOfProvider": "That account is not a practitioner of your provider.",
  "HealthIdentity.TooManyPractitioners": "The provider has as many practitioners and proposals as it may.",
  "HealthIdentity.ProviderNotAccredited": "Your provider (or the provider acted for) is not accredited.",
  "HealthIdentity.AlreadyVouched": "Someone already vouched for this patient, and that vouch still counts.",
  "HealthIdentity.AlreadyAnchored": "A record with this content hash is already anchored or proposed.",
  "HealthIdentity.LinkExists": "This provider already proposed a link for this record number.",
  "HealthIdentity.LinkNotFound": "There is no such link between this provider and record number.",
  "HealthIdentity.NotPatient": "Only the patient concerned may do this.",
  "HealthIdentity.AlreadyAccepted": "This was already accepted.",
  "HealthIdentity.AnnouncementNotFound":
    "There is no registration announcement for this account: start the registration again.",
  "HealthIdentity.AnnouncementMismatch":
    "The identity does not match what this account announced: start the registration again with a new salt.",
  "HealthIdentity.AnnouncementTooRecent":
    "The announcement is in the current block: registration must come in a later block. Try again in a few seconds.",
  "HealthIdentity.AnnouncementExpired": "The announcement is more than an hour old: start the registration again.",
  "HealthIdentity.CommitmentNotFound": "No retired identity commitment has this value.",
  "HealthIdentity.AlreadyProposed": "The provider already proposed this account.",
  "HealthIdentity.ProposalNotFound": "There is no such proposal for this account.",
  "HealthIdentity.BondNotFull": "The provider's bond is not full: top it up before it can be accredited.",
  "HealthIdentity.BondAlreadyFull": "The provider's bond is already full.",
  "HealthIdentity.ProviderNotRevoked": "Only a pending or revoked provider may close; governance revokes it first.",
  "HealthIdentity.CoolingOffOpen": "A revoked provider may close only once its closing delay has passed.",
  "HealthIdentity.HasPractitioners": "The provider still has practitioners or proposals; remove them first.",
  "HealthIdentity.HasDepartments": "The provider still has departments; they must leave first.",
  "HealthIdentity.DepartmentNotAccepted": "The department's parent has not accepted it yet.",
  "HealthIdentity.TooManyDepartments": "The parent has as many departments as it may.",
  "HealthIdentity.NotVouched": "Nobody has vouched for this patient.",
  "HealthIdentity.TooManyVouches": "Your provider has vouched for as many patients as it may in this period.",
  "HealthIdentity.RecordNotFound": "There is no record proposal with this content hash.",
  "HealthIdentity.NotPractitioner": "This account is not a practitioner of any provider.",
  // pallet-consent
  "Consent.NotRegistered": "Only a registered patient can give consents: register first.",
  "Consent.NoDataClasses": "Choose at least one kind of data.",
  "Consent.NoPurposes": "Choose at least one purpose.",
  "Consent.NoJurisdictions": "If you limit where the data may be held, name at least one country.",
  "Consent.InvalidPeriod": "The consent would end before it starts.",
  "Consent.ConsentExpired": "The end date is already past.",
  "Consent.UnknownGrantee": "There is no such provider or practitioner.",
  "Consent.TooManyConsents": "You have as many consents as you may; revoke or prune old ones first.",
  "Consent.TooManyGrants": "Your record holds as many live grants as it may.",
  "Consent.ConsentNotFound": "You have no consent with this number.",
  "Consent.AlreadyRevoked": "This consent is already revoked.",
  "Consent.StillActive": "This consent still counts: it is neither revoked nor expired.",
  "Consent.RetentionNotOver": "This consent ended too recently to be removed.",
  "Consent.NotSensitive": "An emergency directive may name sensitive kinds of data only.",
  // pallet-access
  "Access.NotRegistered": "The patient is not registered.",
  "Access.NotPractitioner": "This account is not a practitioner of any provider.",
  "Access.ProviderNotAccredited": "Your provider is not accredited.",
  "Access.NotEmergencyProvider": "Only practitioners of hospitals and clinics may declare an emergency.",
  "Access.NoDataClasses": "Ask for at least one kind of data.",
  "Access.InvalidDuration": "The access asked for is either zero or longer than the longest allowed.",
  "Access.BountyNotForResearch": "Only a research request may offer a bounty.",
  "Access.TooManyPendingRequests": "The patient has as many open requests as it may: wait for answers.",
  "Access.TooManyProviderRequests": "The patient has as many open requests from your provider as it may.",
  "Access.RequestNotFound": "There is no open request with this number.",
  "Access.NotPatient": "Only the patient the request or emergency is about may answer it.",
  "Access.NotRequester": "Only a practitioner of the requesting provider may cancel the request.",
  "Access.RequestExpired": "The request has expired and can no longer be approved.",
  "Access.ClassesNotRequested": "You can approve only kinds of data that were asked for.",
  "Access.NoRoomForGrant": "Your record has no room for another grant now; try again later.",
  "Access.TooManyEmergencies": "You have declared as many emergencies as you may in this period.",
  "Access.TooManyProviderEmergencies": "Your provider has declared as many emergencies as it may in this period.",
  "Access.TooManyEmergenciesForPatient":
    "Your provider has declared as many emergencies for this patient as it may in this period.",
  "Access.TooManyOpenReviews": "The patient has as many unreviewed emergencies as it may.",
  "Access.TooManyProviderReviews": "The patient has as many unreviewed emergencies from your provider as it may.",
  "Access.EmergencyNotFound": "There is no emergency with an open review with this number.",
  "Access.NoConsent": "Access denied: the patient gave no consent that speaks to you.",
  "Access.DeniedByConsent": "Access denied: a consent of the patient refuses it.",
  "Access.ClassNotCovered": "Access denied: no consent covers this kind of data.",
  "Access.SensitiveClassNotNamed": "Access denied: this kind of data is sensitive and no consent names it.",
  "Access.PurposeNotCovered": "Access denied: no consent covers this purpose.",
  "Access.OutsideJurisdictions": "Access denied: the consent allows the data to be held only in other countries.",
  "Access.ConsentRevoked": "Access denied: the consent was revoked.",
  "Access.ConsentNotYetValid": "Access denied: the consent has not started yet.",
  "Access.ConsentExpired": "Access denied: the consent has expired.",
  "Access.PageNotFound": "There is no such page in the disclosure log.",
  "Access.PageNotFull": "Only a full page of the disclosure log may be pruned.",
  "Access.RetentionNotOver": "That page of the disclosure log must still be kept.",
  "Access.RateWindowNotFound": "The provider has no emergency rate window.",
  "Access.RateWindowOpen": "The provider's emergency rate window is not over yet.",
  "Access.NoDisclosures": "Log at least one disclosure.",
  "Access.PageNotOldest": "Older pages of the disclosure log must be pruned first.",
  // pallet-disputes
  "Disputes.DisputeNotFound": "There is no open dispute with this number.",
  "Disputes.NotEligible":
    "Only registered patients and practitioners of accredited providers may dispute a provider's conduct.",
  "Disputes.ProviderNotFound": "There is no provider with this number.",
  "Disputes.OwnProvider": "A practitioner cannot bring a dispute against its own provider.",
  "Disputes.SubjectIsEmergency": "An emergency is contested from its review, not with a new dispute.",
  "Disputes.EmergencyNotFound": "There is no emergency with this number.",
  "Disputes.DisclosureNotFound": "Your disclosure log has no entry with this number.",
  "Disputes.NotPatient": "Only the patient whose data the emergency touched may dispute it.",
  "Disputes.WrongRespondent": "Another provider than the one named did this.",
  "Disputes.AlreadyDisputed": "This is already under dispute, or was judged.",
  "Disputes.TooManyConductDisputes": "This provider has as many open disputes about its conduct as the court takes.",
  "Disputes.TooManyClaimantDisputes": "You have as many open disputes as you may.",
  "Disputes.NotParty": "Only the claimant or the provider disputed may file evidence.",
  "Disputes.EvidencePeriodOver": "The time to file evidence is over.",
  "Disputes.TooManyEvidenceHashes": "Your side has filed as much evidence as it may.",
  "Disputes.NotArbitrator": "Only arbitrators vote.",
  "Disputes.ConflictOfInterest": "You have a stake in this dispute and may not vote on it.",
  "Disputes.EvidencePeriodOpen": "The evidence period is still running.",
  "Disputes.VotingPeriodOpen": "The voting period is still running.",
  "Disputes.VotingPeriodOver": "The voting period is over.",
  "Disputes.AppealPeriodOpen": "The appeal period is still running.",
  "Disputes.RulingPeriodOpen": "The appeal body may still rule.",
  "Disputes.NotAppealable": "This dispute has no verdict that can be appealed now.",
  "Disputes.AppealPeriodOver": "The time to appeal is over.",
  "Disputes.NotLosingParty": "Only the side the verdict went against may appeal.",
  "Disputes.NoRulingDue": "This dispute waits for no ruling.",
  "Disputes.RulingPeriodOver": "The time to rule is over.",
  // pallet-rewards
  "Rewards.NothingToClaim": "You have no rewards from a finished period to claim.",
  "Rewards.InvalidSchedule": "That reward schedule is outside the allowed bounds.",
  // standard pallets a user meets
  "Balances.InsufficientBalance": "The account does not have enough SLS for this.",
  "Balances.ExistentialDeposit": "The amount is below the minimum an account must hold.",
  "Balances.Expendability": "This would leave the account with less than it must keep.",
  "Balances.LiquidityRestrictions": "Part of the balance is locked and cannot be spent.",
  "Balances.TooManyHolds": "The account has as many deposits held as it may.",
  "Proxy.NotProxy": "This account may not act for that one.",
  "Proxy.Unproxyable": "A guardian may not make this call for its ward.",
  "Proxy.Duplicate": "This guardian is already appointed.",
  "Proxy.NoPermission": "This guardian may not make that call.",
  "Proxy.NotFound": "There is no such guardian.",
  "Proxy.TooMany": "You have as many guardians as you may.",
  "Council.NotMember": "Only council members may do this.",
  "Council.DuplicateVote": "You have already voted this way on this motion.",
  "Council.ProposalMissing": "There is no such motion.",
  "Council.TooEarly": "The motion cannot be closed yet.",
  "Sudo.RequireSudo": "Only the chain's superuser may do this.",
};

/** Sentences for the dispatch errors that are not a pallet's. */
export const DISPATCH_SENTENCES: Record<string, string> = {
  BadOrigin: "This account may not make this call.",
  CannotLookup: "An account named in the call does not exist.",
  ConsumerRemaining: "The account still has something that depends on it.",
  NoProviders: "The account does not exist on chain (it holds no SLS).",
  TooManyConsumers: "The account has too many things depending on it.",
  Other: "The chain refused the call.",
  Exhausted: "The chain's resources for this block are used up; try again.",
  Corruption: "The chain's state is inconsistent; please report this.",
  Unavailable: "A resource the call needs is unavailable now; try again.",
  RootNotAllowed: "The call may not be made as root.",
  "Token.FundsUnavailable": "The account does not have enough free SLS for this (deposits and fees included).",
  "Token.OnlyProvider": "This would remove the account's last SLS while something depends on it.",
  "Token.BelowMinimum": "The amount is below the minimum an account must hold.",
  "Token.CannotCreate": "The receiving account cannot be created.",
  "Token.UnknownAsset": "The asset does not exist.",
  "Token.Frozen": "The funds are frozen.",
  "Token.Unsupported": "That operation is not supported.",
  "Token.CannotCreateHold": "The account cannot hold another deposit.",
  "Token.NotExpendable": "This would spend what the account must keep.",
  "Token.Blocked": "The account is blocked.",
  "Arithmetic.Overflow": "A number would grow too large; try again in the next block.",
  "Arithmetic.Underflow": "A number would fall below zero.",
  "Arithmetic.DivisionByZero": "The chain would divide by zero.",
  "Transactional.LimitReached": "The call nests too deeply.",
  "Transactional.NoLayer": "The chain's transactional state is inconsistent.",
};

/** Why the pool refused a transaction before it reached a block (`InvalidTransaction`). */
export const INVALID_TX_SENTENCES: Record<string, string> = {
  Payment: "The account cannot pay the fee: it needs more SLS.",
  Stale: "The transaction was already replaced or included (its nonce is used); try again.",
  Future: "The transaction waits for an earlier one of this account.",
  BadProof: "The signature is not valid for this chain (wrong network or runtime version).",
  AncientBirthBlock: "The transaction is too old; sign it again.",
  ExhaustsResources: "The block is full; try again in a few seconds.",
  Call: "The call is not valid.",
  BadMandatory: "The call is not valid.",
  MandatoryValidation: "The call is not valid.",
  BadSigner: "This account may not sign this transaction.",
  IndeterminateImplicit: "The transaction cannot be checked now; try again.",
  UnknownOrigin: "The chain does not know who sent this.",
  Custom: "The chain refused the transaction.",
};

interface Tagged {
  type: string;
  value?: unknown;
}

const isTagged = (value: unknown): value is Tagged =>
  typeof value === "object" && value !== null && typeof (value as Tagged).type === "string";

/** The error's name, `Pallet.Error` or `Token.FundsUnavailable` or `BadOrigin`. */
export function errorName(error: unknown): string {
  if (!isTagged(error)) return String(error);
  if (error.type === "Module" && isTagged(error.value) && isTagged(error.value.value))
    return `${error.value.type}.${error.value.value.type}`;
  if (isTagged(error.value)) return `${error.type}.${error.value.type}`;
  return error.type;
}

/** A dispatch error in words, with its name for reference: "… (Consent.NoPurposes)". */
export function explainDispatchError(error: unknown): string {
  const name = errorName(error);
  const sentence = ERROR_SENTENCES[name] ?? DISPATCH_SENTENCES[name];
  return sentence ? `${sentence} (${name})` : `The chain refused the call: ${name}.`;
}

/**
 * Anything a submission may throw, in words: a refusal by the pool (papi's `InvalidTxError`
 * carries `{ type: "Invalid", value: { type: "Payment" } }`), a rejected signature, a lost
 * connection.
 */
export function explainSubmitError(error: unknown): string {
  const carried = (error as { error?: unknown } | null)?.error;
  if (isTagged(carried)) {
    const inner = isTagged(carried.value) ? carried.value.type : undefined;
    if (carried.type === "Invalid" && inner && INVALID_TX_SENTENCES[inner])
      return `${INVALID_TX_SENTENCES[inner]} (Invalid.${inner})`;
    if (carried.type === "Unknown") return "The chain cannot check this transaction now; try again.";
    return `The chain refused the transaction: ${errorName(carried)}.`;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/cancel|reject|denied/i.test(message)) return "You did not sign the transaction.";
  return `The transaction could not be sent: ${message}`;
}
