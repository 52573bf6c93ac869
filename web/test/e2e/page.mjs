// What every browser test does with the app: one dev node, the built app served, a typed client
// and Chromium for the file (`world()`), and the moves a user makes — choose an account, open a
// screen, sign what a panel shows — each waiting until the screen is drawn from the chain.
import { before, after } from "node:test";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, chromiumPath, serveStatic, startNode, typedClient } from "./harness.mjs";

/** Where the tests save their screenshots. */
export const SHOTS = "test-results";

/**
 * The file's dev node, static server, typed client and browser, started before its tests and
 * stopped after them. The returned object's fields are set once `before` has run.
 */
export function world() {
  const w = { node: undefined, site: undefined, chain: undefined, browser: undefined };
  before(async () => {
    await mkdir(SHOTS, { recursive: true });
    w.node = await startNode(console.error);
    w.site = await serveStatic("dist");
    w.chain = typedClient(w.node.ws);
    w.browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
  });
  after(async () => {
    await w.browser?.close();
    w.chain?.client.destroy();
    await w.site?.close();
    await w.node?.stop();
  });
  return w;
}

/**
 * Collects the page's uncaught errors and its content security policy violations (the
 * production build's policy stays on: no test bypasses it).
 */
export function pageErrors(page) {
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) errors.push(message.text());
  });
  return errors;
}

/** axe-core's serious and critical findings on the page as it is now. */
export async function audit(page) {
  // Evaluated through the DevTools protocol, not added as an inline script: the page's content
  // security policy (script-src 'self') stays on, as users have it.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(await readFile("node_modules/axe-core/axe.min.js", "utf8"));
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join("; ")})`);
}

/** Waits until the screen on show is drawn from the chain (not a stale one being replaced). */
export async function settled(page, timeout = 30_000) {
  await page.locator('main#view[aria-busy="false"]').waitFor({ timeout });
}

/** Opens a screen from the navigation bar. */
export async function open(page, screen) {
  await page.getByRole("navigation", { name: "Screens" }).getByRole("link", { name: screen, exact: true }).click();
  await settled(page);
}

/** Chooses a development account in the header. */
export async function chooseAccount(page, name) {
  await page.getByLabel("Account", { exact: true }).selectOption({ label: `${name} (development account)` });
  await settled(page);
}

/**
 * Confirms the transaction shown (after its fee) and waits for its block: its "Done", or, in a
 * flow of several, the next step's panel saying that this one is done. Returns the fee's words.
 */
export async function signAndWait(page, title, done = /Done: included in block #\d+/) {
  const panel = page.locator("section.tx");
  await panel.getByRole("heading", { name: title }).waitFor();
  const fee = await panel.getByTestId("fee").textContent();
  await panel.getByRole("button", { name: "Sign and send" }).click();
  try {
    await panel.getByText(done).waitFor({ timeout: 60_000 });
  } catch (error) {
    await page.screenshot({ path: join(SHOTS, `failed-${Date.now()}.png`), fullPage: true });
    throw new Error(`the transaction did not complete; the panel says: ${await panel.innerText()}`, { cause: error });
  }
  return fee;
}

/** How many pixels the page is wider than the window (0 or less: it fits). */
export async function overflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/**
 * Steps of one scenario as subtests of `t`: once a step fails, the later ones are skipped (they
 * would only fail for the same reason); a failing step's page is photographed as `failShot`.
 */
export function stepper(t, page, failShot) {
  let failed = false;
  return (name, fn) =>
    t.test(name, async (s) => {
      if (failed) return s.skip("an earlier step failed");
      try {
        await fn();
      } catch (error) {
        failed = true;
        if (page && failShot) await page.screenshot({ path: join(SHOTS, failShot), fullPage: true }).catch(() => {});
        throw error;
      }
    });
}
