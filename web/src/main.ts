import "./style.css";
import { App } from "./app.ts";
import { connect, nodeUrl, type ConnectionState } from "./chain.ts";
import { h, notice, replace } from "./ui/dom.ts";

const status = document.getElementById("connection")!;
const view = document.getElementById("view")!;

const WORDS: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Connection lost — reconnecting…",
};

async function main(): Promise<void> {
  const url = nodeUrl();
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
