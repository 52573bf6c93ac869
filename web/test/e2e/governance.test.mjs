// Guardians, disputes, the provider's screen and governance, in headless Chromium against one
// dev node: a patient appoints a guardian, who acts for her and gives a consent through the
// proxy (the chain records it as hers), until she removes him and the app says he no longer
// can; the patient opens a dispute with an evidence file's fingerprint, an arbitrator votes in
// the Governance screen, the dispute is closed and the patient appeals; the superuser accredits a
// pending clinic; a provider's admin proposes a practitioner. Every step checks the chain's
// state through the typed client; every new screen is audited with axe-core and at phone width.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, chromiumPath, devAccount, hospitalWithPhysician, serveStatic, startNode, typedClient } from "./harness.mjs";
import { SHOTS, audit, chooseAccount, open, pageErrors, settled, signAndWait, world, stepper } from "./page.mjs";
import { afterBlock, dispute, disputePeriods, fingerprint, pendingProvider, registerPatient, vote } from "./governance-fixtures.mjs";

const [eve, bob, dave, ferdie] = ["Eve", "Bob", "Dave", "Ferdie"].map(devAccount);
const w = world();


/** The screen fits a 390 px phone (no horizontal overflow), and is accessible there too. */
async function atPhoneWidth(page, screen, shot) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page, screen);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${screen}: the page is ${overflow}px wider than a phone`);
  await page.screenshot({ path: join(SHOTS, shot), fullPage: true });
  await page.setViewportSize(size);
}

test("guardians, disputes, the provider's screen and governance", { timeout: 600_000 }, async (t) => {
  const api = w.chain.api;
  // Fixtures: an accredited hospital (admin Charlie, physician Dave), Eve a patient, short
  // dispute periods, a clinic awaiting accreditation (admin Ferdie).
  // Different signers share blocks; Alice (sudo in the hospital's fixture) signs one at a time.
  const [hospital, , clinic, lab] = await Promise.all([
    hospitalWithPhysician(api, "St Mary's Hospital"),
    registerPatient(api, "Eve", "DE-555"),
    pendingProvider(api, "Ferdie", "Northside Clinic\u202e evil"),
    pendingProvider(api, "Bob", "Harbour Lab"),
  ]);
  await disputePeriods(api, { evidence: 2, voting: 10, appeal: 60 });

  const app = `${w.site.url}?rpc=${encodeURIComponent(w.node.ws)}`;
  const errorLists = [];
  const newPage = async (frames) => {
    const context = await w.browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const pageErrorsOf = pageErrors(page);
    errorLists.push(pageErrorsOf);
    // What the page sends to the node (signed calls travel as hex in WebSocket frames).
    page.on("websocket", (ws) =>
      ws.on("framesent", ({ payload }) => frames?.push(typeof payload === "string" ? payload.toLowerCase() : Buffer.from(payload).toString("hex"))),
    );
    await page.goto(`${app}#/guardians`);
    await page.getByText(/Connected/).waitFor();
    await settled(page);
    return page;
  };
  // Two browsers: the guardian's (Bob) and the patient's (Eve), as two people would have.
  const page = await newPage();
  const eveFrames = [];
  const evePage = await newPage(eveFrames);
  await chooseAccount(evePage, "Eve");
  const step = stepper(t);

  await step("a patient appoints a guardian, told the deposit and what a guardian may do", async () => {
    await open(evePage, "Guardians");
    await evePage.getByText("You have no guardian").waitFor();
    await evePage.getByText(/give, revoke and prune the ward's consents/).waitFor();
    await evePage.getByText(/move the ward's funds/).waitFor();
    await evePage.getByText(/Appointing holds [\d.]+ SLS from your balance .* It comes back when you remove the guardian\./).waitFor();
    assert.deepEqual(await audit(evePage), [], "accessibility of the guardians screen");
    await evePage.screenshot({ path: join(SHOTS, "21-guardians.png"), fullPage: true });
    await evePage.getByLabel("Guardian's account").fill(bob.address);
    await evePage.getByRole("button", { name: "Appoint this guardian" }).click();
    const fee = await signAndWait(evePage, "Appoint Bob (development account) as guardian");
    assert.match(fee, /^Fee: [\d.]+ SLS$/);
    await evePage.getByTestId("guardian-list").getByText("Bob (development account)").waitFor();
    const [proxies, deposit] = await api.query.Proxy.Proxies.getValue(eve.address, { at: "best" });
    assert.deepEqual(
      proxies.map((p) => [p.delegate, p.proxy_type.type, p.delay]),
      [[bob.address, "HealthGuardian", 0]],
    );
    assert.ok(deposit > 0n, "a deposit is held");
  });

  await step("the guardian acts for the ward and gives a consent through the proxy, and pays for it", async () => {
    await chooseAccount(page, "Bob");
    await open(page, "Guardians");
    await page.getByLabel("Patient's account").fill(eve.address);
    await page.getByRole("button", { name: "Act for this patient" }).click();
    await page.getByTestId("ward-banner").getByText("Acting for Eve (development account) as guardian").waitFor();
    await settled(page);
    await page.screenshot({ path: join(SHOTS, "22-acting-for-ward.png"), fullPage: true });
    await open(page, "My consents");
    await page.getByRole("heading", { name: "Consents of Eve (development account)" }).waitFor();
    await page.getByLabel("One practitioner (by account)").check();
    await page.getByLabel("Practitioner's account").fill(dave.address);
    await page.getByLabel("lab results").check();
    await page.getByTestId("grantee-info").getByText("This account acts for St Mary's Hospital").waitFor();
    await page.getByRole("button", { name: "Give this consent" }).click();
    const fee = await signAndWait(page, "Give this consent");
    assert.match(fee, /^Fee: [\d.]+ SLS, paid by Bob, the guardian who signs/);
    assert.doesNotMatch(fee, /Free/);
    await page.getByTestId("consent-list").getByText("Dave (development account) may see my lab results, for treatment, until I revoke it.").waitFor();
    // On chain, the consent is Eve's, and Bob (no patient) has none.
    const consents = await api.apis.ConsentApi.consents_of(eve.address, { at: "best" });
    assert.equal(consents.length, 1);
    assert.equal(consents[0].grantee.type, "Practitioner");
    assert.equal(consents[0].grantee.value, dave.address);
    assert.equal((await api.apis.ConsentApi.consents_of(bob.address, { at: "best" })).length, 0);
    assert.deepEqual(await audit(page), [], "accessibility of the consents screen acting for a ward");
  });

  await step("a call the chain refuses inside the proxy is reported as refused", async () => {
    await page.getByLabel("One practitioner (by account)").check();
    await page.getByLabel("Practitioner's account").fill(ferdie.address);
    await page.getByLabel("allergies").check();
    await page.getByRole("button", { name: "Give this consent" }).click();
    const panel = page.locator("section.tx");
    await panel.getByRole("button", { name: "Sign and send" }).click();
    await panel.getByRole("alert").getByText("There is no such provider or practitioner. (Consent.UnknownGrantee)").waitFor({ timeout: 60_000 });
    assert.equal((await api.apis.ConsentApi.consents_of(eve.address, { at: "best" })).length, 1, "no consent was added");
    // The disputes screen is the ward's too: her bond, her disputes; the register screen stays Bob's.
    await open(page, "Disputes");
    await page.getByRole("heading", { name: "Disputes of Eve (development account)" }).waitFor();
    await page.getByTestId("bond-note").getByText(/Opening holds a bond of 10 SLS from the patient's balance/).waitFor();
    await open(page, "Register");
    await page.getByText("This screen is about Bob's own registration, not about Eve (development account), the patient you act for as guardian.").waitFor();
  });

  await step("the patient removes the guardian, who can no longer act (the app says so)", async () => {
    await open(evePage, "Guardians");
    await evePage.getByRole("button", { name: "Remove guardian Bob (development account)" }).click();
    await signAndWait(evePage, "Remove guardian Bob (development account)");
    await evePage.getByText("You have no guardian").waitFor();
    const [proxies, deposit] = await api.query.Proxy.Proxies.getValue(eve.address, { at: "best" });
    assert.deepEqual(proxies, []);
    assert.equal(deposit, 0n, "the deposit came back");
    // Bob's page still acts for Eve: the next screen he opens checks, and says it has ended.
    await open(page, "Disputes");
    await page.getByTestId("ward-banner").getByText("Eve (development account) no longer has Bob as guardian: you can no longer act for this patient").waitFor();
    await page.getByRole("heading", { name: "Disputes", exact: true }).waitFor();
    await open(page, "Guardians");
    // Eve is remembered in Bob's browser as a patient he acted for.
    await page.getByRole("button", { name: "Use Eve (development account)" }).click();
    assert.equal(await page.getByLabel("Patient's account").inputValue(), eve.address);
    await page.getByRole("button", { name: "Act for this patient" }).click();
    await page.getByTestId("ward-status").getByText("This account is not a guardian of that patient").waitFor();
    assert.equal(await page.getByTestId("ward-banner").getByText("Acting for").count(), 0, "Bob acts for nobody");
    await atPhoneWidth(page, "Guardians", "23-phone-guardians.png");
  });

  let disputeId;
  const evidence = Buffer.from("Letter of 3 March 2027 and the provider's invoice: the access was not for my treatment.\n");
  await step("the patient opens a dispute; only the evidence file's fingerprint is sent", async () => {
    await open(evePage, "Disputes");
    await evePage.getByText("No open dispute.").waitFor();
    await evePage.getByLabel("Provider number").fill(String(hospital));
    await evePage.getByLabel("Provider number").blur();
    await evePage.getByTestId("respondent-info").getByText(`St Mary's Hospital (provider #${hospital}), accredited.`).waitFor();
    await evePage.getByLabel("Evidence file").setInputFiles({ name: "evidence.txt", mimeType: "text/plain", buffer: evidence });
    await evePage.getByTestId("evidence-hash").getByText(fingerprint(evidence)).waitFor();
    await evePage.getByTestId("bond-note").getByText(/Opening holds a bond of 10 SLS from your balance/).waitFor();
    assert.deepEqual(await audit(evePage), [], "accessibility of the disputes screen");
    await evePage.screenshot({ path: join(SHOTS, "24-dispute-form.png"), fullPage: true });
    await evePage.getByRole("button", { name: "Open this dispute" }).click();
    await signAndWait(evePage, /^Open a dispute against St Mary's Hospital/);
    const entries = await api.query.Disputes.OpenDisputes.getEntries({ at: "best" });
    const mine = entries.filter((e) => e.value.claimant === eve.address);
    assert.equal(mine.length, 1);
    disputeId = mine[0].keyArgs[0];
    const stored = mine[0].value;
    assert.equal(stored.respondent, hospital);
    assert.equal(stored.subject.type, "Conduct");
    assert.deepEqual(stored.evidence.map(([party, hash]) => [party.type, hash]), [["Claimant", fingerprint(evidence)]]);
    assert.equal(stored.bond, 10n ** 13n, "10 SLS held");
    await evePage.getByTestId("my-disputes").getByText(`Dispute #${disputeId}: Eve (development account) against St Mary's Hospital (provider #${hospital})`).waitFor();
    await evePage.getByTestId("my-disputes").getByTestId("dispute-stage").getByText(/^Evidence: both sides may file evidence until block #\d+/).waitFor();
    // The fingerprint went to the node; the file's contents did not, as text or as hex.
    assert.ok(eveFrames.some((f) => f.includes(fingerprint(evidence).slice(2))), "the frames carry the fingerprint");
    for (const secret of [evidence.toString("utf8").slice(0, 30).toLowerCase(), evidence.toString("hex").slice(0, 60)])
      assert.ok(!eveFrames.some((f) => f.includes(secret)), "no frame carries the evidence file");
    await evePage.screenshot({ path: join(SHOTS, "25-dispute-open.png"), fullPage: true });
  });

  await step("a non-arbitrator sees why it cannot vote; the superuser accredits a pending clinic", async () => {
    await chooseAccount(page, "Charlie");
    await open(page, "Governance");
    await page.getByTestId("governance-roles").getByText("Charlie is a council member.").waitFor();
    const card = page.locator(`li[data-dispute-id="${disputeId}"]`);
    await card.getByText("Charlie cannot vote on it: only the arbitrators vote.").waitFor();
    // The clinic's name carried a right-to-left override: it is shown without it.
    const pending = page.locator(`li[data-provider-id="${clinic}"]`);
    await pending.getByRole("heading", { name: `Northside Clinic evil (provider #${clinic})` }).waitFor();
    await pending.getByText(/It takes a council motion carried by more than half of the council \(2 of 3\), or on this development chain the superuser, Alice \(development account\)\. Charlie is a council member and can propose the motion\./).waitFor();
    await chooseAccount(page, "Alice");
    await open(page, "Governance");
    await page.getByText(/On this development chain the superuser, Alice \(development account\), can also accredit directly, and that is what this account can do here\./).waitFor();
    assert.deepEqual(await audit(page), [], "accessibility of the governance screen");
    await page.screenshot({ path: join(SHOTS, "26-governance.png"), fullPage: true });
    await page.getByRole("button", { name: `Accredit (as superuser): Northside Clinic evil (provider #${clinic})` }).click();
    await signAndWait(page, `Accredit Northside Clinic evil (provider #${clinic})`);
    const provider = await api.apis.HealthIdentityApi.provider(clinic, { at: "best" });
    assert.equal(provider.status.type, "Accredited");
    await page.locator(`li[data-provider-id="${clinic}"]`).waitFor({ state: "detached" });
  });

  await step("an arbitrator votes in the Governance screen; the chain records the vote", async () => {
    const open_ = await dispute(api, disputeId);
    await afterBlock(api, open_.stage.value.evidence_ends);
    await chooseAccount(page, "Ferdie");
    await open(page, "Governance");
    const card = page.locator(`li[data-dispute-id="${disputeId}"]`);
    await card.getByTestId("dispute-stage").getByText(/^Voting: the arbitrators vote until block #\d+/).waitFor();
    await card.getByRole("button", { name: `Vote rejected on dispute #${disputeId}` }).click();
    await signAndWait(page, `Vote rejected on dispute #${disputeId}`);
    await page.locator(`li[data-dispute-id="${disputeId}"]`).getByTestId("my-vote").getByText("Your vote: rejected").waitFor();
    await page.locator(`li[data-dispute-id="${disputeId}"]`).getByTestId("dispute-tally").getByText("1 of 3 arbitrators voted (2 needed): 0 upheld, 1 rejected.").waitFor();
    const stored = await dispute(api, disputeId);
    assert.deepEqual(stored.votes.map(([who, v]) => [who, v.type]), [[ferdie.address, "Rejected"]]);
    await page.screenshot({ path: join(SHOTS, "27-arbitrator-vote.png"), fullPage: true });
    await vote(api, "Alice", disputeId, "Rejected");
    await atPhoneWidth(page, "Governance", "28-phone-governance.png");
  });

  await step("a provider's admin sees its practitioners and proposes one", async () => {
    await chooseAccount(page, "Charlie");
    await open(page, "My provider");
    await page.getByTestId("provider-role").getByText(`Charlie manages St Mary's Hospital (provider #${hospital}).`).waitFor();
    await page.getByTestId("provider-status").getByText(/^accredited/).waitFor();
    await page.getByTestId("practitioners").getByRole("rowheader", { name: /Dave \(development account\)/ }).waitFor();
    await page.getByTestId("provider-disputes").getByText(`Dispute #${disputeId}`, { exact: false }).waitFor();
    assert.deepEqual(await audit(page), [], "accessibility of the provider screen");
    await page.screenshot({ path: join(SHOTS, "29-provider.png"), fullPage: true });
    await page.getByLabel("Practitioner's account").fill(devAccount("Eve").address);
    await page.getByLabel("Role").selectOption({ label: "nurse" });
    await page.getByRole("button", { name: "Propose this practitioner" }).click();
    await signAndWait(page, "Propose Eve (development account) as nurse");
    await page.getByTestId("practitioners").getByText("proposed, not accepted yet").waitFor();
    const proposal = await api.query.HealthIdentity.PractitionerProposals.getValue(eve.address, hospital, { at: "best" });
    assert.equal(proposal?.role.type, "Nurse");
    await atPhoneWidth(page, "My provider", "30-phone-provider.png");
  });

  await step("a council motion accredits a provider: proposed, voted, closed", async () => {
    const title = `Accredit Harbour Lab (provider #${lab})`;
    await chooseAccount(page, "Charlie");
    await open(page, "Governance");
    await page.getByRole("button", { name: `Propose to the council: accredit: Harbour Lab (provider #${lab})` }).click();
    await signAndWait(page, `Propose to the council: ${title}`);
    const [motion] = await api.query.Council.Proposals.getValue({ at: "best" });
    const voting = await api.query.Council.Voting.getValue(motion, { at: "best" });
    assert.equal(voting.threshold, 2, "more than half of three members");
    assert.deepEqual(voting.ayes, [devAccount("Charlie").address]);
    const card = page.getByTestId("motions").locator(`li[data-motion-index="${voting.index}"]`);
    await card.getByRole("heading", { name: `Motion #${voting.index}: set the status of Harbour Lab (provider #${lab}) to accredited` }).waitFor();
    await card.getByText(/^1 aye of 2 needed \(Charlie \(development account\)\), 0 nays/).waitFor();
    await chooseAccount(page, "Bob");
    await open(page, "Governance");
    await page.getByRole("button", { name: `Vote aye on motion #${voting.index}` }).click();
    await signAndWait(page, `Vote aye on motion #${voting.index}`);
    await page.getByRole("button", { name: `Close the motion #${voting.index}` }).click();
    await signAndWait(page, `Close motion #${voting.index}`);
    assert.equal((await api.apis.HealthIdentityApi.provider(lab, { at: "best" })).status.type, "Accredited");
    assert.deepEqual(await api.query.Council.Proposals.getValue({ at: "best" }), [], "the motion is closed");
    await page.getByTestId("motions").getByText("No council motion is open.").waitFor();
    await page.getByTestId("pending-providers").getByText("No provider is waiting for accreditation.").waitFor();
  });

  await step("once voting ends, closing decides the dispute; the patient appeals, told the cost and deadline", async () => {
    const voting = await dispute(api, disputeId);
    await afterBlock(api, voting.stage.value.voting_ends);
    // The page shows Governance already: it reads the chain again on request.
    await page.getByRole("button", { name: "Read again from the chain" }).click();
    await settled(page);
    const card = page.locator(`li[data-dispute-id="${disputeId}"]`);
    await card.getByText("Closing counts the votes: the dispute is decided rejected (the losing side may then appeal).").waitFor();
    await card.getByRole("button", { name: `Close dispute #${disputeId}` }).click();
    await signAndWait(page, `Close dispute #${disputeId}`);
    const decided = await dispute(api, disputeId);
    assert.equal(decided.stage.type, "Decided");
    assert.equal(decided.stage.value.verdict.type, "Rejected");

    // Eve's page shows Disputes already: it reads the chain again on request.
    await evePage.getByRole("button", { name: "Read again from the chain" }).click();
    await settled(evePage);
    const mine = evePage.locator(`li[data-dispute-id="${disputeId}"]`);
    await mine.getByTestId("dispute-stage").getByText(/^Decided — rejected\. The losing side may appeal until block #\d+/).waitFor();
    await mine.getByTestId("verdict-words").getByText(/^Rejected: the claim is not accepted/).waitFor();
    await mine.getByTestId("appeal-note").getByText(/You may appeal once, until block #\d+ .*Appealing holds 30 SLS/).waitFor();
    await evePage.screenshot({ path: join(SHOTS, "31-dispute-decided.png"), fullPage: true });
    await mine.getByRole("button", { name: `Appeal dispute #${disputeId}` }).click();
    await signAndWait(evePage, `Appeal dispute #${disputeId}`);
    const appealed = await dispute(api, disputeId);
    assert.equal(appealed.stage.type, "Appealed");
    assert.equal(appealed.stage.value.appellant, eve.address);
    assert.equal(appealed.stage.value.bond, 30n * 10n ** 12n);
    await evePage.locator(`li[data-dispute-id="${disputeId}"]`).getByTestId("dispute-stage").getByText(/^Appealed \(the arbitrators' verdict: rejected\)/).waitFor();
    await atPhoneWidth(evePage, "Disputes", "32-phone-disputes.png");
  });

  await step("the superuser rules on the appeal; the verdict is applied and the dispute ends", async () => {
    await chooseAccount(page, "Alice");
    await open(page, "Governance");
    const card = page.locator(`li[data-dispute-id="${disputeId}"]`);
    await card.getByText(/^Appealed \(the arbitrators' verdict: rejected\)/).waitFor();
    await page.screenshot({ path: join(SHOTS, "33-appeal-ruling.png"), fullPage: true });
    await card.getByRole("button", { name: `Rule rejected (as superuser): dispute #${disputeId}` }).click();
    await signAndWait(page, `Rule dispute #${disputeId} rejected`);
    assert.equal(await dispute(api, disputeId), undefined, "the dispute ended");
    assert.equal(await api.query.Disputes.ClaimantDisputes.getValue(eve.address, { at: "best" }), undefined, "Eve has no open dispute");
    await page.getByTestId("court-disputes").getByText("No dispute is open.").waitFor();
  });

  assert.deepEqual(errorLists.flat(), [], "no uncaught errors or content security policy violations in the pages");
});
