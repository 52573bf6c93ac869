// Who saw my data and rewards, in headless Chromium against a dev node of its own: Dave's
// accesses to Eve's data (under her consent, an emergency and a request she approved, set up
// through the typed client) are the rows of her "Who saw my data", newest first; the CSV and
// FHIR downloads say what the chain says; Eve's approval earned points, the shortened epoch
// ends, and she claims in the browser: her balance on chain rises by what the screen said.
// Every screen is audited with axe-core and checked at phone width; screenshots go to
// test-results/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, chromiumPath, serveStatic, startNode, typedClient } from "./harness.mjs";
import { SHOTS, audit, open, pageErrors, settled, world, stepper } from "./page.mjs";
import { dave, eve, ferdie, HOSTILE_NAME, recordsFixture } from "./records-fixtures.mjs";

const HOSPITAL = "St Mary's Hospital";
/** The hostile provider's name as the app shows and exports it: the override removed. */
const HOSTILE_SHOWN = HOSTILE_NAME.replace("\u202e", "");
const w = world();


async function phoneFits(page, name, ready) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await ready();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.screenshot({ path: join(SHOTS, name), fullPage: true });
  await page.setViewportSize(size);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone`);
}

/** The chain's amounts as the app writes them (chain.ts `formatAmount`, 12 decimals). */
function sls(planck) {
  const unit = 10n ** 12n;
  const fraction = (planck % unit).toString().padStart(12, "0").replace(/0+$/, "").slice(0, 6);
  return `${planck / unit}${fraction ? `.${fraction}` : ""} SLS`;
}

const CLASS_CODES = { LabResults: "lab-results", Medications: "medications", VitalSigns: "vital-signs", Imaging: "imaging", Allergies: "allergies" };
const PURPOSE_CODES = { Treatment: "TREAT", EmergencyTreatment: "ETREAT" };
const basisToken = (b) =>
  b.type === "OwnData"
    ? "own-data"
    : b.value.source.type === "Patient"
      ? `urn:salus:consent|${b.value.id}`
      : `urn:salus:${b.value.source.type.toLowerCase()}|${b.value.source.value}`;

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\r" && text[i + 1] === "\n") row.push(field), rows.push(row), (row = []), (field = ""), i++;
    else field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}

test("who saw my data, its exports, and a reward claimed", { timeout: 300_000 }, async (t) => {
  const started = Date.now();
  const setup = await recordsFixture(w.chain.api, { hospital: HOSPITAL, epochBlocks: 3 });
  t.diagnostic(`fixtures ready after ${Math.round((Date.now() - started) / 1000)} s`);
  // The build's content security policy is enforced (no bypassCSP): the downloads (Blob and
  // object URL) and the inline SVG charts work under it.
  const context = await w.browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const errors = pageErrors(page);
  page.on("console", (message) => /Content Security Policy|Refused to/i.test(message.text()) && errors.push(message.text()));
  const step = stepper(t, page, "records-failed.png");

  const count = await w.chain.api.apis.AccessApi.disclosure_count(eve.address, { at: "best" });
  const log = await w.chain.api.apis.AccessApi.disclosures_of(eve.address, 0, count, { at: "best" });
  const spec = await w.chain.client.getChainSpecData();

  const providerName = (d) => (d.provider === setup.provider ? HOSPITAL : HOSTILE_SHOWN);

  await step("the chain holds the accesses the fixture logged, under three kinds of basis", async () => {
    // 36 earlier lab-result accesses, then the five the table's first rows show.
    assert.equal(count, 41);
    assert.equal(log.length, count);
    assert.ok(log.slice(0, 36).every((d) => d.class.type === "LabResults" && d.basis.value.source.type === "Patient"));
    assert.deepEqual(
      log.slice(-5).map((d) => [d.provider, d.class.type, d.purpose.type, d.basis.type, d.basis.value.source.type, d.basis.value.source.value]),
      [
        [setup.provider, "LabResults", "Treatment", "Consent", "Patient", undefined],
        [setup.provider, "Medications", "Treatment", "Consent", "Patient", undefined],
        [setup.provider, "VitalSigns", "EmergencyTreatment", "Consent", "Emergency", setup.emergency],
        [setup.hostile, "Allergies", "Treatment", "Consent", "Patient", undefined],
        [setup.provider, "Imaging", "Treatment", "Consent", "Request", setup.request],
      ],
    );
    assert.ok(log.slice(0, 38).every((d) => d.basis.value.id === setup.consent));
    assert.equal(log.at(-2).basis.value.id, setup.hostileConsent);
    assert.ok(log.every((d) => d.accessor === (d.provider === setup.provider ? dave.address : ferdie.address)));
    // The hostile name is on chain as registered.
    const stored = await w.chain.api.apis.HealthIdentityApi.provider(setup.hostile, { at: "best" });
    assert.equal(new TextDecoder().decode(stored.name), HOSTILE_NAME);
  });

  await step("Eve's \"Who saw my data\" lists them, newest first, in words", async () => {
    await page.goto(`${w.site.url}?rpc=${encodeURIComponent(w.node.ws)}#/disclosures`);
    await page.getByText(/Connected/).waitFor();
    await page.getByLabel("Account", { exact: true }).selectOption({ label: "Eve (development account)" });
    await settled(page);
    await page.getByTestId("disclosures").waitFor();
    const rows = page.getByTestId("disclosures").locator("tbody tr");
    const ids = () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-disclosure-id")));
    const all = [...log].reverse();
    // The first page: the newest 25.
    assert.deepEqual(await ids(), all.slice(0, 25).map((d) => String(d.id)), "the first page is the chain's newest 25, newest first");
    await page.getByTestId("disclosure-summary").getByText(`Providers have logged ${count} accesses to your data. Showing the newest 25.`).waitFor();
    // The older ones, on request (read from a full page of the chain's log and the filling one).
    await page.getByRole("button", { name: "Show older entries" }).click();
    await page.getByTestId("disclosure-summary").getByText(`Showing the newest ${count}.`).waitFor();
    assert.deepEqual(await ids(), all.map((d) => String(d.id)), "the rows are the chain's disclosures_of, newest first");
    assert.equal(await page.getByRole("button", { name: "Show older entries" }).isVisible(), false, "nothing older to show");
    const newest = all.slice(0, 5);
    const cells = (await rows.evaluateAll((trs) => trs.map((tr) => Array.from(tr.cells, (c) => c.innerText.replace(/\s+/g, " ").trim())))).slice(0, 5);
    // When: in words, and the machine-readable instant is the chain's.
    assert.deepEqual(
      await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector("time").getAttribute("datetime"))),
      all.map((d) => new Date(Number(d.at)).toISOString()),
    );
    const year = String(new Date(Number(newest[0].at)).getFullYear());
    for (const row of cells) assert.match(row[0], new RegExp(`^\\d{1,2} [A-Z][a-z]+ ${year} at \\d{2}:\\d{2}$`));
    const [imaging, , vitals] = newest;
    const dave_ = `${HOSPITAL} (provider #${setup.provider}) Dave (development account)`;
    assert.deepEqual(
      cells.map((row) => row.slice(1)),
      [
        [dave_, "Imaging", "Treatment", `your approval of request #${setup.request} (consent #${imaging.basis.value.id})`],
        // The hostile name without its right-to-left override (shown as text, never a link).
        [`${HOSTILE_SHOWN} (provider #${setup.hostile}) Ferdie (development account)`, "Allergies", "Treatment", `your consent #${setup.hostileConsent}`],
        [dave_, "Vital signs", "Emergency treatment", `emergency access #${setup.emergency}, without asking you (break-glass; consent #${vitals.basis.value.id})`],
        [dave_, "Medications", "Treatment", `your consent #${setup.consent}`],
        [dave_, "Lab results", "Treatment", `your consent #${setup.consent}`],
      ],
    );
    assert.equal(await page.getByTestId("disclosures").locator("a").count(), 0, "no link in the table");
    // The timeline: per day, every access counted, with a text alternative and a table.
    const chart = page.getByTestId("timeline");
    await chart.locator("svg[role=img]").waitFor();
    assert.match(await chart.locator("figcaption").innerText(), new RegExp(`^${count} disclosures, all in \\d{1,2} [A-Z][a-z]+ \\d{4}\\. The chart covers the ${count} entries shown`));
    const bars = await chart.locator("table tbody td").allTextContents();
    assert.equal(bars.map(Number).reduce((a, b) => a + b, 0), count);
    assert.deepEqual(await audit(page), [], "accessibility of Who saw my data");
    await page.screenshot({ path: join(SHOTS, "records-1-disclosures.png"), fullPage: true });
  });

  await step("the CSV download says what the chain says", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download as CSV (spreadsheet)" }).click()]);
    assert.match(download.suggestedFilename(), /^salus-disclosures-.*\.csv$/);
    const text = await readFile(await download.path(), "utf8");
    assert.ok(text.endsWith("\r\n"));
    const rows = parseCsv(text);
    assert.equal(rows[0].join(","), "disclosure_id,date,recipient_practitioner,recipient_provider_id,recipient_provider_name,recipient_provider_address,data_class,data_class_description,purpose,purpose_description,basis,basis_description,record");
    assert.equal(rows.length, count + 1);
    rows.slice(1).forEach((row, i) => {
      const d = log[i];
      assert.deepEqual(
        [row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[8], row[10], row[12]],
        [
          String(d.id),
          new Date(Number(d.at)).toISOString(),
          d.accessor,
          String(d.provider),
          // The formula is text: it starts with an apostrophe.
          d.provider === setup.provider ? HOSPITAL : `'${HOSTILE_SHOWN}`,
          "",
          CLASS_CODES[d.class.type],
          PURPOSE_CODES[d.purpose.type],
          basisToken(d.basis),
          d.record ?? "",
        ],
      );
    });
    // RFC 4180 as written: the guarded name quoted, its quotes doubled.
    assert.ok(text.includes(`,"'=HYPERLINK(""http://evil.example"",""Trusted Clinic"")txet",`), "the hostile name is one quoted text cell");
    assert.ok(!text.includes("\u202e"));
    await page.getByTestId("export-status").getByText(`Downloaded ${count} entries as CSV.`).waitFor();
  });

  await step("the FHIR download is a Bundle of AuditEvents that say what the chain says", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download as FHIR AuditEvents (JSON)" }).click()]);
    assert.match(download.suggestedFilename(), /^salus-disclosures-.*\.json$/);
    const bundle = JSON.parse(await readFile(await download.path(), "utf8"));
    assert.equal(bundle.resourceType, "Bundle");
    assert.equal(bundle.type, "collection");
    assert.equal(bundle.entry.length, count);
    bundle.entry.forEach(({ resource: e }, i) => {
      const d = log[i];
      assert.equal(e.resourceType, "AuditEvent");
      assert.equal(e.id, `salus-disclosure-${d.id}`);
      assert.equal(Date.parse(e.recorded), Number(d.at));
      assert.equal(e.action, "R");
      assert.equal(e.type.code, "110106");
      assert.equal(e.subtype[0].code, "disclose");
      assert.equal(e.purposeOfEvent[0].coding[0].code, PURPOSE_CODES[d.purpose.type]);
      assert.equal(e.agent[0].who.identifier.value, d.accessor);
      assert.deepEqual(e.agent[1].who, { identifier: { system: "urn:salus:provider", value: String(d.provider) }, type: "Organization", display: providerName(d) });
      assert.equal(e.entity[0].what.identifier.value, eve.address);
      assert.deepEqual(e.entity[1].detail.map((x) => x.valueString), [CLASS_CODES[d.class.type], basisToken(d.basis), `urn:salus:disclosure|${d.id}`]);
      assert.equal(e.entity[1].what?.identifier.value, d.record);
      assert.equal(e.source.observer.identifier.value, spec.genesisHash);
      assert.equal(e.source.site, spec.name);
    });
    await page.getByTestId("export-status").getByText(`Downloaded ${count} entries as FHIR AuditEvents.`).waitFor();
  });

  await step("at phone width Who saw my data still fits", async () => {
    await phoneFits(page, "records-2-phone-disclosures.png", () => page.getByTestId("disclosures").waitFor());
  });

  let pending;
  await step("the approval's epoch ends, and the Rewards screen says what Eve may claim", async () => {
    // Epochs last 3 blocks here: the approval's ends within about 18 seconds.
    const deadline = Date.now() + 90_000;
    while ((pending = await w.chain.api.apis.RewardsApi.pending_rewards(eve.address, { at: "best" })) === 0n) {
      if (Date.now() > deadline) throw new Error("the approval's epoch did not end in time");
      await sleep(2000);
    }
    // Eve alone earned in that epoch: each point is worth the most it may be.
    const perPoint = await w.chain.api.constants.Rewards.MaxRewardPerPoint();
    assert.equal(pending, BigInt(setup.points) * perPoint);
    await open(page, "Rewards");
    const shown = page.getByTestId("pending");
    await shown.waitFor();
    assert.equal(await shown.getAttribute("data-planck"), pending.toString());
    assert.equal(await shown.innerText(), sls(pending));
    await page.getByText(`Epoch ${setup.earnedIn}: ${setup.points} points, ended — ready to claim (${sls(pending)})`).waitFor();
    await page.getByTestId("points-chart").locator("svg[role=img]").waitFor();
    await page.getByTestId("vouch").getByText(`${HOSPITAL} (provider #${setup.provider}) vouched for you: your sharing earns points.`).waitFor();
    assert.equal((await w.chain.api.apis.HealthIdentityApi.patient(eve.address, { at: "best" })).vouched_by, setup.provider);
    await page.getByTestId("history-note").getByText(/Past claims are not kept in the chain's state/).waitFor();
    await page.getByText("Approving a provider's request for your data earns 10 points").waitFor();
    assert.deepEqual(await audit(page), [], "accessibility of Rewards");
    await page.screenshot({ path: join(SHOTS, "records-3-rewards.png"), fullPage: true });
  });

  await step("Eve claims in the browser: her balance on chain rises by what the screen said", async () => {
    const before = (await w.chain.api.query.System.Account.getValue(eve.address, { at: "best" })).data.free;
    await page.getByRole("button", { name: `Claim ${sls(pending)}` }).click();
    const panel = page.locator("section.tx");
    await panel.getByRole("heading", { name: "Claim your rewards" }).waitFor();
    assert.match(await panel.getByTestId("fee").innerText(), /^Free — a claim that pays something costs no fee/);
    await panel.getByRole("button", { name: "Sign and send" }).click();
    const claimed = page.getByTestId("claimed");
    await claimed.waitFor({ timeout: 60_000 });
    const said = BigInt(await claimed.getAttribute("data-planck"));
    assert.match(await claimed.innerText(), new RegExp(`^Claimed ${sls(said).replace(".", "\\.")} \\(1 epoch\\) in block #\\d+`));
    const after = (await w.chain.api.query.System.Account.getValue(eve.address, { at: "best" })).data.free;
    assert.equal(after - before, said, "the balance rose by exactly what the screen said");
    assert.equal(said, pending);
    assert.equal(await w.chain.api.apis.RewardsApi.pending_rewards(eve.address, { at: "best" }), 0n);
    // Drawn again from the chain: nothing left to claim.
    assert.equal(await page.getByTestId("pending").innerText(), sls(0n));
    assert.equal(await page.getByRole("button", { name: "Nothing to claim yet" }).isDisabled(), true);
    // The result stays in view, next to the button.
    await page.locator(".claim-result").getByTestId("claimed").waitFor();
    assert.deepEqual(await audit(page), [], "accessibility of Rewards after the claim");
    await page.screenshot({ path: join(SHOTS, "records-4-claimed.png"), fullPage: true });
  });

  await step("at phone width Rewards still fits", async () => {
    await phoneFits(page, "records-5-phone-rewards.png", () => page.getByTestId("reward-facts").waitFor());
  });

  assert.deepEqual(errors, [], "no uncaught errors in the page");
  await context.close();
  t.diagnostic(`whole test ${Math.round((Date.now() - started) / 1000)} s after the node started`);
});
