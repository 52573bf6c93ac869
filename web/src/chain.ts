// The connection to a Salus node: Polkadot-API over WebSocket, typed by the descriptors generated
// from the checked-in runtime metadata (`.papi/metadata/salus.scale`). The WebSocket provider
// reconnects by itself when the node restarts; the app shows the connection's state.
import { salus } from "@polkadot-api/descriptors";
import { createClient, type PolkadotClient, type TypedApi } from "polkadot-api";
import { getWsProvider, WsEvent, type StatusChange } from "polkadot-api/ws";

export type SalusApi = TypedApi<typeof salus>;

export interface Chain {
  url: string;
  client: PolkadotClient;
  api: SalusApi;
  /** "Development", "Local" or "Live" (`system_chainType`). */
  chainType: string;
  name: string;
  /** SLS decimals and symbol. */
  decimals: number;
  symbol: string;
}

export type ConnectionState = "connecting" | "connected" | "reconnecting";

/** The build's node: `VITE_SALUS_WS` when it was built (scripts/web.sh: `SALUS_WS`), else a local one. */
export function defaultNodeUrl(): string {
  return (import.meta.env.VITE_SALUS_WS as string | undefined) ?? "ws://127.0.0.1:9944";
}

/** The node to talk to: `?rpc=ws://…` in the address, or the build's default. */
export function nodeUrl(): string {
  return new URLSearchParams(location.search).get("rpc") ?? defaultNodeUrl();
}


export async function connect(url: string, onState: (state: ConnectionState) => void): Promise<Chain> {
  let connectedOnce = false;
  const provider = getWsProvider(url, {
    // A node that has just restarted (or a slow link) may take seconds to answer its first
    // request: give it 20 s (the default, 5 s, made a restarted dev node on a busy machine look
    // dead, and the app reconnect again), and 60 s of silence before the link counts as stale.
    timeout: 20_000,
    heartbeatTimeout: 60_000,
    onStatusChanged: (status: StatusChange) => {
      if (status.type === WsEvent.CONNECTED) {
        connectedOnce = true;
        onState("connected");
      } else if (status.type === WsEvent.CONNECTING) onState(connectedOnce ? "reconnecting" : "connecting");
      else onState("reconnecting");
    },
  });
  const client = createClient(provider);
  const api = client.getTypedApi(salus);
  const [chainType, spec] = await Promise.all([
    client._request<string | { [kind: string]: unknown }>("system_chainType", []),
    client.getChainSpecData(),
  ]);
  const properties = spec.properties as { tokenDecimals?: number; tokenSymbol?: string } | undefined;
  return {
    url,
    client,
    api,
    chainType: typeof chainType === "string" ? chainType : Object.keys(chainType)[0] ?? "Live",
    name: spec.name,
    decimals: properties?.tokenDecimals ?? 12,
    symbol: properties?.tokenSymbol ?? "SLS",
  };
}

/** "0.0123 SLS". */
export function formatAmount(chain: Pick<Chain, "decimals" | "symbol">, planck: bigint): string {
  const unit = 10n ** BigInt(chain.decimals);
  const whole = planck / unit;
  const fraction = (planck % unit).toString().padStart(chain.decimals, "0").replace(/0+$/, "").slice(0, 6);
  return `${whole}${fraction ? `.${fraction}` : ""} ${chain.symbol}`;
}

/** The chain's time now (the newest finalized block's timestamp), in milliseconds. */
export async function chainNow(chain: Chain): Promise<number> {
  return Number(await chain.api.query.Timestamp.Now.getValue());
}

/** The sentence shown when the node does not answer a read in time. */
export class NodeTimeout extends Error {
  constructor(seconds: number) {
    super(`The node did not answer within ${seconds} seconds; it may be restarting or overloaded. Try again.`);
    this.name = "NodeTimeout";
  }
}

/** `read`, or a NodeTimeout after `seconds`: no question to the node spins for ever. */
export async function answered<T>(read: Promise<T>, seconds = 30): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NodeTimeout(seconds)), seconds * 1000);
  });
  try {
    return await Promise.race([read, late]);
  } finally {
    clearTimeout(timer);
  }
}
