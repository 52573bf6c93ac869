// The runtime metadata the app's typed client is generated from.
//
// `.papi/metadata/salus.scale` is checked in; `papi generate` (run by `npm ci` and `npm run
// build`) turns it into the typed descriptors that `tsc` checks every call, storage query and
// runtime API of the app against. So a runtime change that renames or reshapes something the app
// uses breaks the build, and this script makes sure the checked-in file is the runtime's:
//
//   node scripts/metadata.mjs --check  [--url http://127.0.0.1:9944]   exit 1 if they differ
//   node scripts/metadata.mjs --update [--url http://127.0.0.1:9944]   rewrite the file
//
// It asks a node (JSON-RPC over HTTP, the same port as WebSocket) for the metadata at the
// newest version both sides know (16, else 15), as `papi add` would. Without --url it starts a
// dev node of its own from the build (`$CARGO_TARGET_DIR/debug/salus-node`, or SALUS_NODE), so
// after a runtime change `npm run metadata:update` then `npm run build` is all it takes.
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const METADATA_FILE = join(here, "..", ".papi", "metadata", "salus.scale");

async function rpc(url, method, params) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = await response.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

const fromHex = (hex) => Uint8Array.from(Buffer.from(hex.replace(/^0x/, ""), "hex"));

/** Decodes a SCALE compact integer at `offset`: [value, bytes read]. */
function compact(bytes, offset) {
  const mode = bytes[offset] & 3;
  if (mode === 0) return [bytes[offset] >> 2, 1];
  if (mode === 1) return [(bytes[offset] | (bytes[offset + 1] << 8)) >> 2, 2];
  if (mode === 2)
    return [
      (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16)) + bytes[offset + 3] * 2 ** 24 >>> 2,
      4,
    ];
  throw new Error("metadata longer than 2^30 bytes");
}

/** The node's metadata, as the bytes `papi` keeps (`RuntimeMetadataPrefixed`). */
export async function nodeMetadata(url) {
  const versions = fromHex(await rpc(url, "state_call", ["Metadata_metadata_versions", "0x"]));
  const [count, skip] = compact(versions, 0);
  const known = [];
  for (let i = 0; i < count; i++) {
    const at = skip + 4 * i;
    known.push(versions[at] | (versions[at + 1] << 8) | (versions[at + 2] << 16) | (versions[at + 3] << 24));
  }
  const version = [16, 15].find((v) => known.includes(v));
  if (version === undefined) throw new Error(`the node offers metadata versions ${known}, not 15 or 16`);
  const arg = "0x" + Buffer.from(new Uint32Array([version]).buffer).toString("hex");
  const answer = fromHex(await rpc(url, "state_call", ["Metadata_metadata_at_version", arg]));
  if (answer[0] !== 1) throw new Error(`the node has no metadata at version ${version}`);
  const [length, prefix] = compact(answer, 1);
  const metadata = answer.slice(1 + prefix);
  if (metadata.length !== length) throw new Error("the node's metadata is truncated");
  return metadata;
}

async function main() {
  const args = process.argv.slice(2);
  const urlAt = args.indexOf("--url");
  let url = urlAt >= 0 ? args[urlAt + 1] : process.env.SALUS_HTTP_URL;
  let fromNode;
  if (url) fromNode = await nodeMetadata(url);
  else {
    const { startNode, nodeBinary } = await import("../test/e2e/harness.mjs");
    console.log(`starting ${nodeBinary()} --dev for its metadata…`);
    const node = await startNode(console.error);
    url = node.http;
    try {
      fromNode = await nodeMetadata(url);
    } finally {
      await node.stop();
    }
  }
  if (args.includes("--update")) {
    await mkdir(dirname(METADATA_FILE), { recursive: true });
    await writeFile(METADATA_FILE, fromNode);
    console.log(`wrote ${METADATA_FILE} (${fromNode.length} bytes) from ${url}; now run npm run build`);
    return;
  }
  const checkedIn = new Uint8Array(await readFile(METADATA_FILE));
  if (Buffer.compare(Buffer.from(checkedIn), Buffer.from(fromNode)) !== 0) {
    console.error(
      `web/.papi/metadata/salus.scale (${checkedIn.length} bytes) is not the metadata of the node at ${url} ` +
        `(${fromNode.length} bytes): the runtime changed. Run \`npm run metadata:update\` (it starts a dev node of the build), ` +
        "then `npm run build` and fix what no longer type-checks.",
    );
    process.exit(1);
  }
  console.log(`web/.papi/metadata/salus.scale is the metadata of the node at ${url}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error.message ?? error);
    process.exit(2);
  });
}
