// The access flows, both sides, in headless Chromium against a dev node of their own: a
// physician asks a patient for three kinds of data; the patient approves two of them; the chain
// then permits exactly those two and denies the third (the typed client and the physician's
// check screen agree). The physician breaks the glass after a confirmation that says what it
// means; the patient contests it with a file that is fingerprinted in the browser and never
// sent (only its hash, which the dispute on chain holds), and acknowledges a second one.
// Fixtures (the hospital, the patient, the second emergency) go through the typed client.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { Blake2256 } from "@polkadot-api/substrate-bindings";
import { CHROMIUM_ARGS, chromiumPath, devAccount, hospitalWithPhysician, serveStatic, startNode, typedClient } from "./harness.mjs";
import { SHOTS, audit, chooseAccount, open, overflow, pageErrors, settled, signAndWait, world, stepper } from "./page.mjs";
import { declareEmergency, hex, registerPatient } from "./access-fixtures.mjs";

const eve = devAccount("Eve");
const dave = devAccount("Dave");
const w = world();


const decision = (api, patient, accessor, dataClass, purpose) =>
  api.apis.ConsentApi.check_access(patient, accessor, { type: dataClass, value: undefined }, { type: purpose, value: undefined }, undefined, { at: "best" });

test("requests and emergencies, from the clinician's console to the patient's answer", { timeout: 600_000 }, async (t) => {
  const api = w.chain.api;
  const provider = await hospitalWithPhysician(api, "St Mary's Hospital");
  await registerPatient(api, eve, "DE-ACCESS-0001");
  const context = await w.browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const errors = pageErrors(page);
  const frames = [];
  page.on("websocket", (ws) =>
    ws.on("framesent", ({ payload }) =>
      frames.push(typeof payload === "string" ? payload.toLowerCase() : `${Buffer.from(payload).toString("latin1")} ${Buffer.from(payload).toString("hex")}`.toLowerCase()),
    ),
  );
  const step = stepper(t, page, "access-failed.png");
  await page.goto(`${w.site.url}?rpc=${encodeURIComponent(w.node.ws)}#/console`);
  await page.getByText(/Connected/).waitFor();

  const lookUp = async () => {
    await page.getByLabel("Patient (account address)").fill(eve.address);
    await page.getByRole("button", { name: "Look up" }).click();
    await page.getByTestId("patient-info").getByText(/is a registered patient, home country Germany\./).waitFor();
  };

  let requestId;
  await step("the physician asks for three kinds of data from the console", async () => {
    await chooseAccount(page, "Dave");
    await open(page, "Clinician console");
    await page.getByTestId("console-acting-for").getByText(`Dave acts for St Mary's Hospital (provider #${provider}, hospital, accredited).`).waitFor();
    await lookUp();
    await page.getByTestId("patient-info").getByText(/In an emergency, a hospital or clinic would see all the patient's records except the sensitive ones\. \(No emergency directive/).waitFor();
    const form = page.locator("form", { has: page.getByRole("heading", { name: /Ask .* for access/ }) });
    for (const label of ["lab results", "medications", "imaging"]) await form.getByLabel(label, { exact: true }).check();
    await form.getByLabel("Purpose of the request").selectOption({ label: "treatment (TREAT)" });
    await form.getByLabel("For how many days once approved").fill("30");
    await form.getByLabel("Justification (stays here; only its fingerprint is sent)").fill("Referral from Dr Who for suspected anaemia, December 2026");
    // A bounty outside research is stopped before anything is signed.
    await form.getByLabel(/Research bounty/).fill("2");
    await form.getByRole("button", { name: "Send the request" }).click();
    await form.getByText("Only a research request may offer a bounty.").waitFor();
    await form.getByLabel(/Research bounty/).fill("");
    assert.deepEqual(await audit(page), [], "accessibility of the clinician console");
    await page.screenshot({ path: join(SHOTS, "access-1-console-request.png"), fullPage: true });
    await form.getByRole("button", { name: "Send the request" }).click();
    const fee = await signAndWait(page, /Ask .* for access/);
    assert.match(fee, /^Fee: /);
    const said = await page.getByTestId("console-outcome").getByText(/^Request #\d+ sent to Eve \(development account\): it waits for an answer until /).textContent();
    requestId = BigInt(said.match(/#(\d+)/)[1]);
    // On chain: the provider's open request, as asked.
    const pending = await api.apis.AccessApi.requests_of_provider(provider, { at: "best" });
    assert.equal(pending.length, 1);
    const [id, request] = pending[0];
    assert.equal(id, requestId);
    assert.equal(request.patient, eve.address);
    assert.equal(request.practitioner, dave.address);
    assert.equal(request.classes, (1 << 2) | (1 << 5) | (1 << 6), "medications, lab results, imaging");
    assert.equal(request.purpose.type, "Treatment");
    assert.equal(request.duration, 30n * 86_400_000n);
    assert.equal(request.bounty, 0n);
    // The chain holds the justification sealed with a salt; the clinician's file opens it.
    const [saved] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download the sealed justification (keep it)" }).click(),
    ]);
    const kept = JSON.parse(await readFile(await saved.path(), "utf8"));
    assert.equal(kept.justification, "Referral from Dr Who for suspected anaemia, December 2026");
    const textHash = Blake2256(new TextEncoder().encode(kept.justification));
    assert.equal(hex(Blake2256(Buffer.concat([Buffer.from(kept.salt.slice(2), "hex"), Buffer.from(textHash)]))), request.justification);
    assert.equal(kept.fingerprint, request.justification);
    assert.notEqual(request.justification, hex(textHash), "not the bare hash of the text, which could be guessed");
    // The console's own list shows it.
    await page.getByTestId("provider-requests").locator(`tr[data-request-id="${requestId}"]`).getByText("medications, lab results and imaging").waitFor();
    assert.ok(!frames.some((f) => f.includes("anaemia")), "the justification's text is not sent");
  });

  let consentId;
  await step("the patient approves two of the three, for free, and the outcome says what it allows", async () => {
    await chooseAccount(page, "Eve");
    await open(page, "Requests");
    const item = page.locator(`li.request[data-request-id="${requestId}"]`);
    await item
      .getByText(`St Mary's Hospital (provider #${provider}), through Dave (development account), asks to see your medications, lab results and imaging, for treatment, for 30 days from your approval.`)
      .waitFor();
    await item.getByText(/^Asked on \d+ \w+ 2026 at \d\d:\d\d\.$/).waitFor();
    await item.getByText(/^Unless you answer, it expires on /).waitFor();
    assert.deepEqual(await audit(page), [], "accessibility of the requests inbox");
    await page.screenshot({ path: join(SHOTS, "access-2-requests.png"), fullPage: true });
    await item.getByLabel("imaging", { exact: true }).uncheck();
    await item.getByRole("button", { name: "Approve the ticked" }).click();
    const panel = page.locator("section.tx");
    await panel.getByTestId("tx-summary").getByText(/^St Mary's Hospital will be allowed to see your medications and lab results, for treatment, for 30 days/).waitFor();
    const fee = await signAndWait(page, `Approve part of request #${requestId}`);
    assert.match(fee, /^Free — \d+ of \d+ fee-free consent operations left/);
    const said = await page
      .getByTestId("request-outcome")
      .getByText(/^St Mary's Hospital may now see your medications and lab results, for treatment, until .* \(consent #\d+\)\.$/)
      .textContent();
    consentId = BigInt(said.match(/consent #(\d+)/)[1]);
    await page.getByTestId("request-list").getByText("No open requests").waitFor();
    await page.screenshot({ path: join(SHOTS, "access-3-approved.png"), fullPage: true });
    assert.equal((await api.apis.AccessApi.pending_requests_of(eve.address, { at: "best" })).length, 0);
    assert.equal((await api.apis.AccessApi.requests_of_provider(provider, { at: "best" })).length, 0);
  });

  await step("the chain permits exactly the approved classes (typed client)", async () => {
    for (const dataClass of ["LabResults", "Medications"]) {
      const answer = await decision(api, eve.address, dave.address, dataClass, "Treatment");
      assert.equal(answer.type, "Permit", dataClass);
      assert.equal(answer.value.basis.type, "Consent");
      assert.equal(answer.value.basis.value.id, consentId);
      assert.deepEqual(answer.value.basis.value.source, { type: "Request", value: requestId });
    }
    const imaging = await decision(api, eve.address, dave.address, "Imaging", "Treatment");
    assert.equal(imaging.type, "Deny");
    assert.equal(imaging.value.reason.type, "ClassNotCovered");
    const research = await decision(api, eve.address, dave.address, "LabResults", "Research");
    assert.equal(research.type, "Deny", "only the purpose asked for");
    const [, consent] = await api.apis.ConsentApi.consent(consentId, { at: "best" });
    assert.equal(consent.classes, (1 << 2) | (1 << 5));
    assert.equal(consent.grantee.type, "Provider");
    assert.equal(consent.grantee.value, provider);
  });

  await step("the physician's check screen agrees", async () => {
    await chooseAccount(page, "Dave");
    await open(page, "Check access (clinician)");
    const check = async (label, expected) => {
      await page.getByLabel("Patient's account").fill(eve.address);
      await page.getByLabel("Kind of data").selectOption({ label });
      await page.getByLabel("Purpose").selectOption({ label: "treatment (TREAT)" });
      await page.getByRole("button", { name: "Check" }).click();
      await page.getByTestId("verdict").getByText(expected, { exact: true }).waitFor();
      await page.getByTestId("decision").getByText(expected === "Permit" ? `Allowed under consent #${consentId} (the approved request #${requestId}).` : /does not cover this kind of data/).waitFor();
      await page.getByTestId("decision").evaluate((d) => d.replaceChildren());
    };
    await check("lab results", "Permit");
    await check("medications", "Permit");
    await check("imaging", "Deny");
  });

  await step("the physician logs a disclosure; one the chain would deny is refused in words", async () => {
    await open(page, "Clinician console");
    await lookUp();
    const form = page.locator("form", { has: page.getByRole("heading", { name: "Log a disclosure" }) });
    await form.getByLabel("What was seen").selectOption({ label: "lab results" });
    await form.getByLabel("Purpose of the access").selectOption({ label: "treatment (TREAT)" });
    await form.getByRole("button", { name: "Log this access" }).click();
    await signAndWait(page, /Log a disclosure for/);
    await page.getByTestId("console-outcome").getByText(new RegExp(`^Logged in Eve \\(development account\\)'s disclosure log \\(entry #\\d+\\), allowed under consent #${consentId}\\.$`)).waitFor();
    assert.equal(await api.apis.AccessApi.disclosure_count(eve.address, { at: "best" }), 1);
    const [entry] = await api.apis.AccessApi.disclosures_of(eve.address, 0, 10, { at: "best" });
    assert.equal(entry.accessor, dave.address);
    assert.equal(entry.class.type, "LabResults");
    assert.equal(entry.purpose.type, "Treatment");
    assert.equal(entry.basis.type, "Consent");
    assert.equal(entry.basis.value.id, consentId);
    // Imaging was not approved: the chain refuses the entry, and the panel says why.
    await form.getByLabel("What was seen").selectOption({ label: "imaging" });
    await form.getByRole("button", { name: "Log this access" }).click();
    const panel = page.locator("section.tx");
    await panel.getByRole("button", { name: "Sign and send" }).click();
    await panel.getByRole("alert").getByText("Access denied: no consent covers this kind of data. (Access.ClassNotCovered)").waitFor({ timeout: 60_000 });
    assert.equal(await api.apis.AccessApi.disclosure_count(eve.address, { at: "best" }), 1, "nothing more was logged");
  });

  let emergencyId;
  await step("the physician breaks the glass after a confirmation that says what it means", async () => {
    await open(page, "Clinician console");
    await lookUp();
    const form = page.locator("form.glass");
    await form.getByLabel("Reason").selectOption({ label: "The patient is unconscious" });
    await form.getByLabel("Clinical justification (stays here; sealed into the fingerprint)").fill("Found unconscious after a fall; allergies unknown");
    await form.getByRole("button", { name: "Declare an emergency…" }).click();
    const confirm = page.getByTestId("break-glass-confirm");
    let sealed;
    await confirm.getByRole("heading", { name: /Break the glass for Eve \(development account\)\? What it means:/ }).waitFor();
    const words = await confirm.innerText();
    assert.match(words, /It opens all the patient's records except the sensitive ones to St Mary's Hospital at once, without asking the patient, for emergency treatment only, for 1 day/);
    assert.match(words, /logged on chain for good/);
    assert.match(words, /review it within 14 days, and may acknowledge it or contest it/);
    assert.match(words, /held from your account until the review ends\. If a contest is upheld, St Mary's Hospital loses 25 SLS of its bond and is suspended at once/);
    assert.equal((await api.apis.AccessApi.emergencies_of(eve.address, { at: "best" })).length, 0, "nothing is sent before the confirmation");
    assert.deepEqual(await audit(page), [], "accessibility of the break-glass confirmation");
    await page.screenshot({ path: join(SHOTS, "access-4-break-glass.png"), fullPage: true });
    // While the confirmation is shown the form is locked: what is signed is what was sealed.
    assert.equal(await form.evaluate((f) => f.inert), true, "the emergency form is locked");
    // The sealed reason the practitioner keeps opens the fingerprint that goes on chain.
    const [download] = await Promise.all([page.waitForEvent("download"), confirm.getByRole("link", { name: "Download the sealed reason (keep it)" }).click()]);
    sealed = JSON.parse(await readFile(await download.path(), "utf8"));
    assert.equal(sealed.reason, "Unconscious");
    assert.equal(sealed.justificationHash, hex(Blake2256(new TextEncoder().encode("Found unconscious after a fall; allergies unknown"))));
    const opened = Blake2256(Buffer.concat([Buffer.from([0]), Buffer.from(sealed.salt.slice(2), "hex"), Buffer.from(sealed.justificationHash.slice(2), "hex")]));
    assert.equal(hex(opened), sealed.commitment, "EmergencyReason::commit of the reason, the salt and the justification's hash");
    await confirm.getByRole("button", { name: "Break the glass" }).click();
    await signAndWait(page, /Declare an emergency for/);
    const said = await page.getByTestId("console-outcome").getByText(/^Emergency access #\d+ declared: St Mary's Hospital may see all the patient's records except the sensitive ones, for emergency treatment, until .* The patient reviews it by /).textContent();
    emergencyId = BigInt(said.match(/#(\d+)/)[1]);
    const pending = await api.apis.AccessApi.emergencies_of(eve.address, { at: "best" });
    assert.equal(pending.length, 1);
    assert.equal(pending[0][0], emergencyId);
    assert.equal(pending[0][1].practitioner, dave.address);
    assert.equal(pending[0][1].justification, sealed.commitment, "the chain holds the sealed fingerprint");
    assert.ok(!frames.some((f) => f.includes("unconscious after a fall")), "the justification is sealed, not sent");
  });

  const evidence = Buffer.concat([Buffer.from("EVIDENCE-SALUS-E2E: I was conscious and was not asked. "), randomBytes(48)]);
  const evidenceHash = hex(Blake2256(evidence));
  let secondId;
  await step("the patient sees it and contests it with a file that never leaves the browser", async () => {
    secondId = await declareEmergency(api, dave, eve.address);
    await chooseAccount(page, "Eve");
    await open(page, "Emergency access");
    const item = page.locator(`li.emergency[data-emergency-id="${emergencyId}"]`);
    await item.getByText(/^Dave \(development account\) of St Mary's Hospital \(provider #\d+\) declared an emergency on .* and opened all your records except the sensitive ones to St Mary's Hospital, for emergency treatment, until /).waitFor();
    await item.getByText(/^Please review it by .* If you do nothing, it goes to the arbitrators on their own/).waitFor();
    await page.locator(`li.emergency[data-emergency-id="${secondId}"]`).waitFor();
    await item.getByText("Contest it").click();
    await item.getByText(/Contesting opens a dispute against St Mary's Hospital before the arbitrators.*10 SLS of yours is held as a bond/).waitFor();
    assert.deepEqual(await audit(page), [], "accessibility of the emergency reviews");
    await page.screenshot({ path: join(SHOTS, "access-5-emergencies.png"), fullPage: true });
    await item.getByLabel(/^Evidence \(a file/).setInputFiles({ name: "my-evidence.txt", mimeType: "text/plain", buffer: evidence });
    await item.getByTestId("evidence-hash").getByText(`Fingerprint (BLAKE2-256) of “my-evidence.txt”: ${evidenceHash}`).waitFor();
    await item.getByRole("button", { name: "Contest", exact: true }).click();
    await page.locator("section.tx").getByTestId("tx-summary").getByText(`Evidence fingerprint: ${evidenceHash}.`, { exact: false }).waitFor();
    await signAndWait(page, `Contest emergency access #${emergencyId}`);
    const said = await page.getByTestId("emergency-outcome").getByText(/^You contested emergency access #\d+: dispute #\d+ is open against St Mary's Hospital/).textContent();
    const disputeId = Number(said.match(/dispute #(\d+)/)[1]);
    // On chain: the review is closed, a dispute holds the file's hash as the patient's evidence.
    const pending = await api.apis.AccessApi.emergencies_of(eve.address, { at: "best" });
    assert.deepEqual(pending.map(([id]) => id), [secondId]);
    assert.equal(await api.query.Disputes.Subjects.getValue({ type: "Emergency", value: emergencyId }, { at: "best" }), disputeId);
    const dispute = await api.query.Disputes.OpenDisputes.getValue(disputeId, { at: "best" });
    assert.equal(dispute.claimant, eve.address);
    assert.equal(dispute.respondent, provider);
    assert.deepEqual(dispute.evidence.map(([party, hash]) => [party.type, hash]), [["Claimant", evidenceHash]]);
    assert.equal(dispute.bond, await api.constants.Disputes.DisputeBond());
    // The page shows it contested, with the fingerprint.
    await page.getByTestId("emergency-history").locator(`li[data-emergency-id="${emergencyId}"]`).getByText(new RegExp(`^Contested: dispute #${disputeId} is open .*Your evidence's fingerprint: ${evidenceHash}\\.$`)).waitFor();
    // The frames carry the hash (so the capture sees chain arguments) and never the file.
    assert.ok(frames.some((f) => f.includes(evidenceHash.slice(2))), "the frames carry the evidence's hash");
    const marker = "EVIDENCE-SALUS-E2E";
    for (const [what, secret] of Object.entries({
      "the file's text": marker.toLowerCase(),
      "the file's text as hex": Buffer.from(marker).toString("hex"),
      "the file's random bytes as hex": evidence.subarray(evidence.length - 48).toString("hex"),
      "the file's bytes as base64": evidence.toString("base64").slice(0, 40).toLowerCase(),
    }))
      assert.ok(!frames.some((f) => f.includes(secret)), `no WebSocket frame carries ${what}`);
  });

  await step("the patient acknowledges the second one", async () => {
    const item = page.locator(`li.emergency[data-emergency-id="${secondId}"]`);
    await item.getByRole("button", { name: "Acknowledge: it was justified" }).click();
    await page.locator("section.tx").getByTestId("tx-summary").getByText(/^Acknowledging says the emergency was justified: the review closes, no dispute is opened/).waitFor();
    const fee = await signAndWait(page, `Acknowledge emergency access #${secondId}`);
    assert.match(fee, /^Free — /);
    await page.getByTestId("emergency-outcome").getByText(`You acknowledged emergency access #${secondId} as justified; its review is closed.`).waitFor();
    await page.getByTestId("emergency-list").getByText("No emergency access is waiting for your review.").waitFor();
    await page.getByTestId("emergency-history").locator(`li[data-emergency-id="${secondId}"]`).getByText(/^Review closed; no dispute is open about it/).waitFor();
    assert.equal((await api.apis.AccessApi.emergencies_of(eve.address, { at: "best" })).length, 0);
    assert.equal(await api.query.Disputes.Subjects.getValue({ type: "Emergency", value: secondId }, { at: "best" }), undefined);
    // Acknowledged, the access itself goes on until its window ends; the patient may end it now.
    const granted = (await api.apis.ConsentApi.consents_of(eve.address, { at: "best" })).find((c) => c.source.type === "Emergency" && c.source.value === secondId);
    assert.ok(granted, "the second emergency's grant is among Eve's consents");
    assert.equal(granted.revoked_at, undefined);
    const past = page.getByTestId("emergency-history").locator(`li[data-emergency-id="${secondId}"]`);
    await past.getByText(/^St Mary's Hospital has emergency access to all your records except the sensitive ones since .*, until /).waitFor();
    await past.getByRole("button", { name: `End this access now (emergency access #${secondId})` }).click();
    await page.locator("section.tx").getByTestId("tx-summary").getByText(`From the block that includes it, St Mary's Hospital can no longer see your records under emergency access #${secondId} (consent #${granted.id} is revoked).`).waitFor();
    await signAndWait(page, `End emergency access #${secondId} now`);
    await page.getByTestId("emergency-outcome").getByText(`Emergency access #${secondId} is ended: St Mary's Hospital can no longer see your records under it.`).waitFor();
    const [, ended] = await api.apis.ConsentApi.consent(granted.id, { at: "best" });
    assert.notEqual(ended.revoked_at, undefined, "the emergency grant is revoked on chain");
    await page.getByTestId("emergency-history").locator(`li[data-emergency-id="${secondId}"]`).getByText(/^St Mary's Hospital had emergency access to .*, until you ended it on /).waitFor();
    await page.screenshot({ path: join(SHOTS, "access-6-reviewed.png"), fullPage: true });
  });

  await step("at phone width the three screens fit", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [account, screen, shot] of [
      ["Eve", "Requests", "access-7-phone-requests.png"],
      ["Eve", "Emergency access", "access-8-phone-emergencies.png"],
      ["Dave", "Clinician console", "access-9-phone-console.png"],
    ]) {
      await chooseAccount(page, account);
      await open(page, screen);
      if (screen === "Clinician console") await lookUp();
      const wider = await overflow(page);
      assert.ok(wider <= 0, `${screen} is ${wider}px wider than a phone`);
      await page.screenshot({ path: join(SHOTS, shot), fullPage: true });
    }
  });

  assert.deepEqual(errors, [], "no uncaught errors in the page");
  await context.close();
});
