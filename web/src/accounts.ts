// Where the app's accounts come from: the user's wallet extensions (polkadot.js, Talisman,
// SubWallet…, through the standard injected-accounts interface, `window.injectedWeb3`) and, on
// development and local chains only, the well-known development accounts (//Alice…), which
// anyone can sign with and which are marked as such everywhere they appear.
import { sr25519CreateDerive } from "@polkadot-labs/hdkd";
import { DEV_MINI_SECRET, ss58Address } from "@polkadot-labs/hdkd-helpers";
import { AccountId, type PolkadotSigner } from "polkadot-api";
import { connectInjectedExtension, getInjectedExtensions } from "polkadot-api/pjs-signer";
import { getPolkadotSigner } from "polkadot-api/signer";

export interface Account {
  address: string;
  publicKey: Uint8Array;
  name: string;
  /** "development" or the wallet extension's name. */
  source: string;
  signer: PolkadotSigner;
}

export const DEV_NAMES = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"] as const;

/** The development accounts: offered only where `chainType` is Development or Local. */
export function devAccounts(chainType: string): Account[] {
  if (chainType !== "Development" && chainType !== "Local") return [];
  const derive = sr25519CreateDerive(DEV_MINI_SECRET);
  return DEV_NAMES.map((name) => {
    const pair = derive(`//${name}`);
    return {
      address: ss58Address(pair.publicKey, 42),
      publicKey: pair.publicKey,
      name,
      source: "development",
      signer: getPolkadotSigner(pair.publicKey, "Sr25519", pair.sign),
    };
  });
}

export function publicKeyOf(address: string): Uint8Array {
  return AccountId().enc(address);
}

/**
 * `address` as the chain writes it (SS58 prefix 42): the same account whatever network format it
 * was given in (a wallet may hand out Polkadot-format addresses, a patient may paste one), so
 * that comparing it with what the chain returns compares accounts, not spellings.
 */
export function salusAddress(address: string): string {
  return ss58Address(publicKeyOf(address.trim()), 42);
}

/** Whether `address` is a valid SS58 account address. */
export function isAddress(address: string): boolean {
  try {
    return publicKeyOf(address.trim()).length === 32;
  } catch {
    return false;
  }
}

/** The wallet extensions the browser has (names as they register in `window.injectedWeb3`). */
export const walletExtensions = (): string[] => getInjectedExtensions();

/** Asks the extension for access (it shows its own prompt) and lists its sr25519/ed25519 accounts. */
export async function walletAccounts(extension: string): Promise<Account[]> {
  const connected = await connectInjectedExtension(extension, "Salus");
  return connected
    .getAccounts()
    .map((a) => ({
      address: salusAddress(a.address),
      publicKey: publicKeyOf(a.address),
      name: a.name ?? a.address.slice(0, 8),
      source: extension,
      signer: a.polkadotSigner,
    }));
}
