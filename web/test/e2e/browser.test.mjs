// The first end-to-end path through the app, in headless Chromium against a real dev node: a
// patient registers (commitment computed in the browser), grants a consent to a physician, the
// physician's access check turns Permit, the patient revokes, the check turns Deny. Screenshots
// of the screens it passes through go to test-results/; every screen is audited with axe-core.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { nodeMetadata, METADATA_FILE } from "../../scripts/metadata.mjs";
import {
  CHROMIUM_ARGS,
  chromiumPath,
  devAccount,
  hospitalWithPhysician,
  serveStatic,
  startNode,
  typedClient,
} from "./harness.mjs";
import { SHOTS, audit, chooseAccount, open, pageErrors, settled, signAndWait, world, stepper } from "./page.mjs";

const eve = devAccount("Eve");
const dave = devAccount("Dave");
const w = world();


test("the metadata the app is generated from is the node's", async () => {
  const checkedIn = new Uint8Array(await readFile(METADATA_FILE));
  const live = await nodeMetadata(w.node.http);
  assert.ok(Buffer.from(checkedIn).equals(Buffer.from(live)), "run npm run metadata:update and rebuild");
});

test("a link naming a node on another machine asks first, and connects to nothing meanwhile", async () => {
  const context = await w.browser.newContext();
  const page = await context.newPage();
  const sockets = [];
  page.on("websocket", (ws) => sockets.push(ws.url()));
  await page.goto(`${w.site.url}?rpc=${encodeURIComponent("wss://node.example.invalid:9944")}`);
  await page.getByRole("heading", { name: "Which node?" }).waitFor();
  await page.getByText("This link asks the app to talk to the node at node.example.invalid:9944 instead of 127.0.0.1:9944.").waitFor();
  await page.getByRole("button", { name: "Continue with wss://node.example.invalid:9944" }).waitFor();
  assert.equal(await page.getByRole("link", { name: "Use ws://127.0.0.1:9944 instead" }).getAttribute("href"), w.site.url);
  assert.deepEqual(await audit(page), [], "accessibility of the question");
  await page.screenshot({ path: join(SHOTS, "0-which-node.png"), fullPage: true });
  await page.goto(`${w.site.url}?rpc=${encodeURIComponent("http://127.0.0.1:9933")}`);
  await page.getByText(/is not a node address: it must start with ws:\/\/ or wss:\/\//).waitFor();
  assert.equal(await page.getByRole("button", { name: /^Continue/ }).count(), 0, "no way on to a refused address");
  assert.deepEqual(sockets, [], "no WebSocket was opened");
  await context.close();
});

test("a patient registers, consents, and revokes; the physician's check follows", { timeout: 600_000 }, async (t) => {
  const provider = await hospitalWithPhysician(w.chain.api, "St Mary's Hospital");
  const context = await w.browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const errors = pageErrors(page);
  const app = `${w.site.url}?rpc=${encodeURIComponent(w.node.ws)}`;
  const step = stepper(t);

  // Everything the page sends to the node goes as WebSocket frames (page.on("request") sees
  // only the HTTP requests, not the frames), and chain arguments travel as hex inside them.
  const frames = [];
  page.on("websocket", (ws) =>
    ws.on("framesent", ({ payload }) =>
      frames.push(typeof payload === "string" ? payload.toLowerCase() : `${Buffer.from(payload).toString("latin1")} ${Buffer.from(payload).toString("hex")}`.toLowerCase()),
    ),
  );

  const identifier = "DE-1234567890";
  const secretsIn = (salt) => ({
    "the identifier": identifier.toLowerCase(),
    "its digits": "1234567890",
    "the identifier's UTF-8 hex": Buffer.from(identifier, "utf8").toString("hex"),
    "the salt's hex": salt.slice(2),
  });
  let salt;

  await step("registration computes the commitment here and sends only hashes", async () => {
    await page.goto(`${app}#/register`);
    await page.getByText(/Connected/).waitFor();
    await chooseAccount(page, "Eve");
    await page.getByText("Development account: its key is public").waitFor();
    const requests = [];
    page.on("request", (request) => requests.push(request.url() + (request.postData() ?? "")));
    await page.getByLabel("Identifier (e.g. national health number)").fill(identifier);
    await page.getByLabel("Home country (two-letter code)").fill("DE");
    await page.getByRole("button", { name: "Register" }).click();
    await page.getByText("Save your salt first").waitFor();
    salt = (await page.getByTestId("salt").textContent()).trim();
    assert.match(salt, /^0x[0-9a-f]+$/);
    await page.getByLabel("I have saved my salt somewhere safe").check();
    assert.deepEqual(await audit(page), [], "accessibility of the registration form");
    await page.screenshot({ path: join(SHOTS, "1-register.png"), fullPage: true });
    await page.getByRole("button", { name: "Register" }).click();
    const fee = await signAndWait(page, "Step 1 of 2: announce the registration", /Step 1 done: the registration was announced in block #\d+/);
    assert.match(fee, /^Fee: \d+(\.\d+)? SLS$/);
    await signAndWait(page, "Step 2 of 2: register");
    await page.getByText(`Eve is registered as a patient.`).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(SHOTS, "2-registered.png"), fullPage: true });
    // The chain has Eve as a patient under a commitment, and nothing the page sent held the identifier.
    const patient = await w.chain.api.apis.HealthIdentityApi.patient(eve.address, { at: "best" });
    assert.ok(patient, "Eve is a patient on chain");
    assert.match(patient.commitment, /^0x[0-9a-f]{64}$/);
    assert.equal(await page.getByTestId("patient-facts").locator("dd.hash").textContent(), patient.commitment);
    assert.ok(!requests.some((r) => r.includes("1234567890")), "no HTTP request carries the identifier");
    // The frames are seen (the signed reveal carries the commitment, as hex), and none of them
    // holds the identifier, as text or as its UTF-8 hex, or the salt.
    assert.ok(frames.length > 0, "WebSocket frames were captured");
    assert.ok(frames.some((f) => f.includes(patient.commitment.slice(2))), "the frames carry the chain arguments (the commitment)");
    for (const [what, secret] of Object.entries(secretsIn(salt)))
      assert.ok(!frames.some((f) => f.includes(secret)), `no WebSocket frame carries ${what}`);
  });

  await step("a consent to the physician, in plain language, free of fees", async () => {
    await open(page, "My consents");
    await page.getByText("You have given no consents yet").waitFor();
    await page.getByLabel("One practitioner (by account)").check();
    await page.getByLabel("Practitioner's account").fill(dave.address);
    await page.getByLabel("lab results").check();
    await page.getByTestId("grantee-info").getByText("This account acts for St Mary's Hospital").waitFor();
    await page.getByLabel("medications").check();
    const preview = page.getByTestId("grant-preview");
    await preview.getByText(/Dave \(development account\) may see my medications and lab results, for treatment, until I revoke it\./).waitFor();
    assert.deepEqual(await audit(page), [], "accessibility of the consents screen");
    await page.screenshot({ path: join(SHOTS, "3-grant-form.png"), fullPage: true });
    // For a refusal, the countries field says what the chain does with it.
    await page.getByLabel("Refuse (overrides any permission)").check();
    await page.getByLabel("Refuse only providers in these countries (optional country codes)").fill("DE");
    await preview.getByText(/may not see my medications and lab results, for treatment, when the provider is in Germany\./).waitFor();
    await page.getByLabel("Refuse only providers in these countries (optional country codes)").fill("");
    await page.getByLabel("Allow", { exact: true }).check();
    await page.getByLabel("Where the data may be held (optional country codes)").waitFor();
    const previewed = await preview.textContent();
    await page.getByRole("button", { name: "Give this consent" }).click();
    // While the fee panel waits for "Sign and send", the form cannot change, and the panel
    // shows the sentence being signed.
    const panel = page.locator("section.tx");
    await panel.getByRole("heading", { name: "Give this consent" }).waitFor();
    await panel.getByRole("button", { name: "Sign and send" }).waitFor();
    const form = page.locator("form.grant");
    assert.equal(await form.evaluate((f) => f.inert), true, "the form is inert");
    assert.deepEqual(await form.evaluate((f) => Array.from(f.elements).filter((e) => !e.disabled).map((e) => e.name || e.type)), [], "every control is disabled");
    const practitionerInput = form.locator('input[name="practitioner"]');
    await assert.rejects(practitionerInput.fill(devAccount("Ferdie").address, { timeout: 2_000 }), "the practitioner cannot be changed");
    await form.locator('input[name="classes"]').last().click({ force: true, timeout: 2_000 }).catch(() => {});
    await practitionerInput.evaluate((e) => e.focus());
    await page.keyboard.type("x");
    assert.equal(await practitionerInput.inputValue(), dave.address);
    assert.equal(await form.locator('input[name="classes"]').last().isChecked(), false, "a class cannot be ticked");
    assert.equal(await preview.textContent(), previewed, "the preview did not change");
    assert.equal(await panel.getByTestId("tx-summary").textContent(), previewed, "the panel shows the sentence being signed");
    const fee = await signAndWait(page, "Give this consent");
    assert.match(fee, /^Free — \d+ of \d+ fee-free consent operations left/);
    const item = page.getByTestId("consent-list").locator("li.consent").first();
    await item.getByText("Dave (development account) may see my medications and lab results, for treatment, until I revoke it.").waitFor();
    assert.equal(await item.locator("p.sentence").textContent(), await panel.getByTestId("tx-summary").textContent(), "what landed on chain is what the panel said");
    await item.getByText("Active").waitFor();
    await page.screenshot({ path: join(SHOTS, "4-consents.png"), fullPage: true });
    const consents = await w.chain.api.apis.ConsentApi.consents_of(eve.address, { at: "best" });
    assert.equal(consents.length, 1);
    assert.equal(consents[0].grantee.type, "Practitioner");
    assert.equal(consents[0].grantee.value, dave.address);
  });

  // `timeout` for the first answer after a node restart, which a loaded machine may take long
  // to give (the node reopens its database and the client follows its chain again).
  const check = async (expected, timeout = 30_000) => {
    await chooseAccount(page, "Dave");
    await open(page, "Check access (clinician)");
    await settled(page, timeout);
    await page
      .getByTestId("acting-for")
      .getByText(`acts for St Mary's Hospital (provider #${provider}, accredited)`)
      .waitFor({ timeout });
    await page.getByLabel("Patient's account").fill(eve.address);
    await page.getByLabel("Kind of data").selectOption({ label: "lab results" });
    await page.getByLabel("Purpose").selectOption({ label: "treatment (TREAT)" });
    await page.getByRole("button", { name: "Check" }).click();
    const verdict = page.getByTestId("verdict");
    await verdict.waitFor({ timeout });
    assert.equal(await verdict.textContent(), expected);
  };

  await step("the physician's check is Permit", async () => {
    await check("Permit");
    await page.getByText(/Allowed under consent #\d+\./).waitFor();
    assert.deepEqual(await audit(page), [], "accessibility of the check screen");
    await page.screenshot({ path: join(SHOTS, "5-check-permit.png"), fullPage: true });
  });

  await step("one-click revoke says when it takes effect", async () => {
    await chooseAccount(page, "Eve");
    await open(page, "My consents");
    await page.getByRole("button", { name: /^Revoke consent #\d+$/ }).click();
    const fee = await signAndWait(page, /^Revoke consent #\d+$/);
    assert.match(fee, /Free — .*Revoking takes effect in the block that includes it/);
    await page.getByText(/Consent #\d+ is revoked from block #\d+ on\./).waitFor();
    await page.getByTestId("consent-list").getByText(/^Revoked on /).waitFor();
    await page.screenshot({ path: join(SHOTS, "6-revoked.png"), fullPage: true });
  });

  await step("the physician's check is Deny, because of the revocation", async () => {
    await check("Deny");
    await page.getByText(/Consent #\d+ would allow it, but the patient revoked it\./).waitFor();
    await page.screenshot({ path: join(SHOTS, "7-check-deny.png"), fullPage: true });
  });

  await step("the app keeps working through a node restart, and keeps what was typed", async () => {
    // Something typed on the check screen before the node goes away.
    await page.getByLabel("Patient's account").fill(devAccount("Ferdie").address);
    await w.node.restart(() => page.getByText(/Connection lost — reconnecting/).waitFor({ timeout: 30_000 }));
    await page.getByText(/^Connected \(/).waitFor({ timeout: 120_000 });
    // Drawing the screen again would throw the typing away: the app says the screen may be out
    // of date instead, and draws it again when asked.
    await page.getByTestId("stale-notice").waitFor({ timeout: 60_000 });
    assert.equal(await page.getByLabel("Patient's account").inputValue(), devAccount("Ferdie").address, "what was typed is kept");
    await page.screenshot({ path: join(SHOTS, "8-after-restart.png"), fullPage: true });
    await page.getByRole("button", { name: "Read this screen again from the chain" }).click();
    await settled(page, 120_000);
    assert.equal(await page.getByTestId("stale-notice").count(), 0);
    await check("Deny", 120_000);
  });

  await step("a refusal by the chain reads as a sentence", async () => {
    // Ferdie is no practitioner: a consent to him is refused (and, failing, is not free).
    await chooseAccount(page, "Eve");
    await open(page, "My consents");
    await page.getByLabel("One practitioner (by account)").check();
    await page.getByLabel("Practitioner's account").fill(devAccount("Ferdie").address);
    await page.getByLabel("allergies").check();
    await page.getByTestId("grantee-info").getByText("This account is not a practitioner of any provider").waitFor();
    await page.getByRole("button", { name: "Give this consent" }).click();
    const panel = page.locator("section.tx");
    await panel.getByRole("button", { name: "Sign and send" }).click();
    await panel.getByRole("alert").getByText("There is no such provider or practitioner. (Consent.UnknownGrantee)").waitFor({ timeout: 60_000 });
    // Settled (refused): the form can be corrected again.
    assert.equal(await page.locator("form.grant").evaluate((f) => f.inert), false);
    assert.equal(await page.getByLabel("Practitioner's account").isEditable(), true);
    await page.screenshot({ path: join(SHOTS, "9-refused.png"), fullPage: true });
  });

  await step("at phone width the consents screen still fits", async () => {
    await chooseAccount(page, "Eve");
    await page.setViewportSize({ width: 390, height: 844 });
    await open(page, "My consents");
    await page.getByTestId("consent-list").waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone`);
    await page.screenshot({ path: join(SHOTS, "10-phone-consents.png"), fullPage: true });
  });

  if (salt)
    for (const [what, secret] of Object.entries(secretsIn(salt)))
      assert.ok(!frames.some((f) => f.includes(secret)), `no WebSocket frame of the whole session carries ${what}`);
  assert.deepEqual(errors, [], "no uncaught errors in the page");
  await context.close();
});
