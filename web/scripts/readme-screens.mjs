// Crops screenshots the browser tests saved (test-results/, full pages) to the top of each
// screen, for the README (docs/screens/): Chromium shows each as an image and photographs the
// window. Usage: node scripts/readme-screens.mjs SOURCE.png:NAME[:phone] …
import { readFile, mkdir } from "node:fs/promises";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, chromiumPath } from "../test/e2e/harness.mjs";

const pairs = process.argv.slice(2).map((arg) => arg.split(":"));
if (!pairs.length) {
  console.error("usage: node scripts/readme-screens.mjs SOURCE.png:NAME[:phone] …");
  process.exit(2);
}
await mkdir("docs/screens", { recursive: true });
const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
for (const [source, name, phone] of pairs) {
  const [width, height, scale] = phone ? [390, 780, 1] : [1100, 820, 0.75];
  const page = await browser.newPage({ viewport: { width: Math.round(width * scale), height: Math.round(height * scale) } });
  const data = (await readFile(source)).toString("base64");
  await page.setContent(`<body style="margin:0"><img src="data:image/png;base64,${data}" style="width:${width * scale}px;display:block"></body>`);
  await page.locator("img").waitFor();
  await page.screenshot({ path: `docs/screens/${name}.png` });
  await page.close();
  console.log(`docs/screens/${name}.png`);
}
await browser.close();
