// What the end-to-end test needs around the browser: a dev node of its own on free loopback
// ports, the built app served from dist/, a typed client for the fixtures the test does not do
// through the app (a provider accredited by sudo, a practitioner who joined it), and Debian's
// Chromium driven by playwright-core.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { createServer as netServer } from "node:net";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import WebSocket from "ws";
import { createClient } from "polkadot-api";
import { getWsProvider } from "polkadot-api/ws";
import { getPolkadotSigner } from "polkadot-api/signer";
import { sr25519CreateDerive } from "@polkadot-labs/hdkd";
import { DEV_MINI_SECRET, ss58Address } from "@polkadot-labs/hdkd-helpers";
import { salus } from "@polkadot-api/descriptors";

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = netServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The node binary: SALUS_NODE, else the shared target directory's debug build. */
export function nodeBinary() {
  if (process.env.SALUS_NODE) return process.env.SALUS_NODE;
  const target = process.env.CARGO_TARGET_DIR ?? join(homedir(), ".cache", "salus", "target");
  return join(target, "debug", "salus-node");
}

async function rpcReady(port, deadline) {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "chain_getHeader", params: [] }),
      });
      const body = await response.json();
      if (body.result && parseInt(body.result.number, 16) >= 1) return;
    } catch {}
    await sleep(500);
  }
  throw new Error("the dev node did not produce a block in time");
}

/**
 * Starts `salus-node --dev` on free ports with a state directory of its own; resolves once it
 * has produced a block. `restart()` stops it and starts it again on the same ports and state,
 * as an operator restarting a node would.
 */
export async function startNode(log) {
  const [rpc, p2p] = [await freePort(), await freePort()];
  const base = await mkdtemp(join(tmpdir(), "salus-web-e2e-"));
  const args = ["--dev", "--base-path", base, "--rpc-port", String(rpc), "--port", String(p2p), "--rpc-cors", "all", "--no-prometheus", "--no-telemetry"];
  let child, exited;
  const launch = async () => {
    child = spawn(nodeBinary(), args, { stdio: ["ignore", "ignore", "pipe"] });
    const lines = [];
    child.stderr.on("data", (chunk) => {
      lines.push(chunk.toString());
      if (lines.length > 200) lines.shift();
    });
    exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      await Promise.race([rpcReady(rpc, Date.now() + 180_000), exited.then((code) => { throw new Error(`the node exited (${code})`); })]);
    } catch (error) {
      log?.(lines.join(""));
      child.kill("SIGKILL");
      throw error;
    }
  };
  const halt = async () => {
    child.kill("SIGINT");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  await launch();
  return {
    rpc,
    ws: `ws://127.0.0.1:${rpc}`,
    http: `http://127.0.0.1:${rpc}`,
    /** Stops the node, waits until it is down, runs `whileDown`, starts it again. */
    async restart(whileDown) {
      await halt();
      await whileDown?.();
      await launch();
    },
    async stop() {
      await halt();
      await rm(base, { recursive: true, force: true });
    },
  };
}

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".map": "application/json", ".wasm": "application/wasm" };

/** Serves the static build in `dir` on a free loopback port. */
export async function serveStatic(dir) {
  const port = await freePort();
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    let file = join(dir, path);
    try {
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      response.end(body);
    } catch {
      response.writeHead(404).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(resolve)) };
}

const derive = sr25519CreateDerive(DEV_MINI_SECRET);
export function devAccount(name) {
  const pair = derive(`//${name}`);
  return { name, address: ss58Address(pair.publicKey, 42), signer: getPolkadotSigner(pair.publicKey, "Sr25519", pair.sign) };
}

/** A typed client in Node (Node 20 has no global WebSocket: the `ws` package's). */
export function typedClient(ws) {
  const client = createClient(getWsProvider(ws, { websocketClass: WebSocket }));
  return { client, api: client.getTypedApi(salus) };
}

/** Signs and submits; resolves with the events once in a best block, throws on a dispatch error. */
export async function submit(tx, who) {
  return new Promise((resolve, reject) => {
    const subscription = tx.signSubmitAndWatch(who.signer).subscribe({
      next: (event) => {
        if (event.type === "txBestBlocksState" && event.found) {
          subscription.unsubscribe();
          if (event.ok) resolve(event.events);
          else reject(new Error(`refused: ${JSON.stringify(event.dispatchError, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`));
        }
      },
      error: reject,
    });
  });
}

/**
 * An accredited hospital (admin Charlie, accredited by Alice as sudo on the dev chain) with Dave
 * as its physician. Resolves with the provider's id.
 */
export async function hospitalWithPhysician(api, name) {
  const [alice, charlie, dave] = ["Alice", "Charlie", "Dave"].map(devAccount);
  const events = await submit(
    api.tx.HealthIdentity.register_provider({
      name: new TextEncoder().encode(name),
      kind: { type: "Hospital", value: undefined },
      jurisdiction: "0x4445",
      parent: undefined,
    }),
    charlie,
  );
  const registered = events.find((e) => e.type === "HealthIdentity" && e.value.type === "ProviderRegistered");
  if (!registered) throw new Error("no ProviderRegistered event");
  const provider = registered.value.value.provider;
  await submit(
    api.tx.Sudo.sudo({
      call: api.tx.HealthIdentity.set_provider_status({ provider, status: { type: "Accredited", value: undefined } }).decodedCall,
    }),
    alice,
  );
  await submit(api.tx.HealthIdentity.add_practitioner({ account: dave.address, role: { type: "Physician", value: undefined } }), charlie);
  await submit(api.tx.HealthIdentity.accept_practitioner({ provider }), dave);
  return provider;
}

/** Chromium from Debian (`apt-get install chromium`), never a downloaded browser build. */
export function chromiumPath() {
  return process.env.CHROMIUM ?? "/usr/bin/chromium";
}

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-default-apps",
  "--disable-sync",
  "--no-first-run",
  "--metrics-recording-only",
  "--disable-domain-reliability",
  "--disable-breakpad",
];
