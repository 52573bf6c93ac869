import { test } from "node:test";
import assert from "node:assert/strict";
import { nodeQuestion } from "../../src/lib/node-url.ts";

const BUILD = "wss://rpc.salus.example";

test("the build's node and the user's own machine are used without a question", () => {
  assert.equal(nodeQuestion(BUILD, BUILD), undefined);
  for (const local of ["ws://127.0.0.1:9944", "ws://127.8.0.1:1", "ws://localhost:9944", "ws://[::1]:9944"])
    assert.equal(nodeQuestion(local, BUILD), undefined, local);
});

test("a node elsewhere named by a link is used only after the user agrees", () => {
  const question = nodeQuestion("wss://evil.example:443", BUILD);
  assert.equal(question?.refuse, false);
  assert.match(question!.why, /node at evil\.example instead of rpc\.salus\.example\./);
  // Look-alikes of loopback are elsewhere.
  for (const far of ["ws://127.0.0.1.evil.example", "ws://localhost.evil.example", "ws://10.0.0.1:9944", "wss://rpc.salus.example.evil.example"])
    assert.equal(nodeQuestion(far, BUILD)?.refuse, false, far);
});

test("what is not a WebSocket address is refused", () => {
  for (const bad of ["http://127.0.0.1:9933", "javascript:alert(1)", "not a url", "wss://user:pw@rpc.salus.example"])
    assert.equal(nodeQuestion(bad, BUILD)?.refuse, true, bad);
});
