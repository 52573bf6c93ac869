import "./style.css";
import { App } from "./app.ts";
import { connect, defaultNodeUrl, nodeUrl, type ConnectionState } from "./chain.ts";
import { nodeQuestion } from "./lib/node-url.ts";
import { h, notice, replace } from "./ui/dom.ts";

const status = document.getElementById("connection")!;
const view = document.getElementById("view")!;

const WORDS: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Connection lost — reconnecting…",
};

/** Resolves once the user agreed to use `url` (remembered for this tab), or never if refused. */
async function agreeToNode(url: string): Promise<boolean> {
  const question = nodeQuestion(url, defaultNodeUrl());
  if (!question || sessionStorage.getItem("salus.node-agreed") === url) return true;
  const own = new URL(location.href);
  own.searchParams.delete("rpc");
  const useDefault = h("a", { class: "button primary", href: own.toString() }, `Use ${defaultNodeUrl()} instead`);
  if (question.refuse) {
    replace(view, h("h2", {}, "Which node?"), notice("error", question.why), h("p", {}, useDefault));
    return false;
  }
  const go = h("button", { type: "button" }, `Continue with ${url}`);
  replace(view, h("h2", {}, "Which node?"), notice("info", question.why), h("div", { class: "actions" }, useDefault, go));
  useDefault.focus();
  await new Promise<void>((resolve) => go.addEventListener("click", () => resolve(), { once: true }));
  sessionStorage.setItem("salus.node-agreed", url);
  return true;
}

async function main(): Promise<void> {
  const url = nodeUrl();
  if (!(await agreeToNode(url))) {
    status.textContent = "Not connected";
    return;
  }
  let app: App | undefined;
  let previous: ConnectionState = "connecting";
  const setState = (state: ConnectionState) => {
    status.textContent = `${WORDS[state]} (${url})`;
    status.className = `connection ${state}`;
    if (previous === "reconnecting" && state === "connected") app?.reconnected();
    previous = state;
  };
  setState("connecting");
  replace(view, h("p", { class: "progress", role: "status" }, `Connecting to the node at ${url}…`));
  const chain = await connect(url, setState);
  document.getElementById("chain-name")!.textContent = `${chain.name} (${chain.chainType.toLowerCase()} chain)`;
  app = new App(chain, document.getElementById("accounts")!, document.getElementById("nav")!, view);
  app.start();
}

main().catch((error) => replace(view, notice("error", `Could not start: ${(error as Error).message}`)));
