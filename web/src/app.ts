// The app's state: the chain, the accounts, the account chosen, and which screen is shown
// (`#/register`, `#/consents`, `#/clinician`).
import { MultiAddress } from "@polkadot-api/descriptors";
import type { Transaction } from "polkadot-api";
import { devAccounts, walletAccounts, walletExtensions, type Account } from "./accounts.ts";
import { answered, type Chain } from "./chain.ts";
import { renderClinician, renderConsole } from "./ui/clinician.ts";
import { renderEmergencies } from "./ui/emergencies.ts";
import { renderRequests } from "./ui/requests.ts";
import { renderConsents } from "./ui/consents.ts";
import { renderDisclosures } from "./ui/disclosures.ts";
import { h, notice, replace } from "./ui/dom.ts";
import { renderRegister } from "./ui/register.ts";
import { renderRewards } from "./ui/rewards.ts";
import { renderGuardians, wardStillAppointed } from "./ui/guardians.ts";
import { renderDisputes } from "./ui/disputes.ts";
import { renderProvider } from "./ui/provider.ts";
import { renderGovernance } from "./ui/governance.ts";
import { shortAddress } from "./lib/plain.ts";
import { whenNoTransaction } from "./tx.ts";

interface Screen {
  title: string;
  /** The navigation bar's group. */
  group: "Patient" | "Clinician and provider" | "Governance";
  render: (app: App, view: HTMLElement) => Promise<void>;
}

/** Every screen, by its address (`#/…`), in the order of the navigation bar. */
const SCREENS: Record<string, Screen> = {
  "#/register": { title: "Register", group: "Patient", render: renderRegister },
  "#/consents": { title: "My consents", group: "Patient", render: renderConsents },
  "#/requests": { title: "Requests", group: "Patient", render: renderRequests },
  "#/emergencies": { title: "Emergency access", group: "Patient", render: renderEmergencies },
  "#/disclosures": { title: "Who saw my data", group: "Patient", render: renderDisclosures },
  "#/rewards": { title: "Rewards", group: "Patient", render: renderRewards },
  "#/guardians": { title: "Guardians", group: "Patient", render: renderGuardians },
  "#/disputes": { title: "Disputes", group: "Patient", render: renderDisputes },
  "#/clinician": { title: "Check access (clinician)", group: "Clinician and provider", render: renderClinician },
  "#/console": { title: "Clinician console", group: "Clinician and provider", render: renderConsole },
  "#/provider": { title: "My provider", group: "Clinician and provider", render: renderProvider },
  "#/governance": { title: "Governance", group: "Governance", render: renderGovernance },
};
type Route = string;
const GROUPS: Screen["group"][] = ["Patient", "Clinician and provider", "Governance"];

export class App {
  accounts: Account[];
  account: Account | undefined;
  /**
   * The ward the chosen account acts for as its guardian (a `HealthGuardian` proxy of the ward),
   * or undefined: the patient screens are then about the chosen account itself.
   */
  ward: string | undefined;
  /** The header's banner while acting for a ward ("Acting for … as guardian", and a way to stop). */
  private readonly wardBanner: HTMLElement;
  /** Said once in the banner region after acting for a ward ended on its own (guardian removed). */
  private wardEnded: string | undefined;
  private generation = 0;
  /** Whether the user typed or ticked something on the screen on show since it was drawn. */
  private edited = false;

  constructor(
    readonly chain: Chain,
    private readonly accountRegion: HTMLElement,
    private readonly nav: HTMLElement,
    private readonly view: HTMLElement,
  ) {
    this.accounts = devAccounts(chain.chainType);
    const remembered = sessionStorage.getItem("salus.account");
    this.account = this.accounts.find((a) => a.address === remembered) ?? this.accounts[0];
    this.wardBanner = h("div", { class: "ward-banner", "data-testid": "ward-banner", "aria-live": "polite" });
    accountRegion.after(this.wardBanner);
  }

  /**
   * Acts for `ward` as the chosen account's guardian from now on (the caller has checked on chain
   * that the ward appointed it), or for the chosen account itself again (`undefined`). The
   * patient screens are drawn again for whom they are about.
   */
  setWard(ward: string | undefined, ended?: string): void {
    this.ward = ward;
    this.wardEnded = ended;
    this.renderWardBanner();
    void this.show();
  }

  /** The ward's name: a known account's, else its shortened address. */
  wardName(): string {
    return this.ward ? (this.knownName(this.ward) ?? shortAddress(this.ward)) : "";
  }

  private renderWardBanner(): void {
    this.wardBanner.classList.toggle("acting", this.ward !== undefined);
    if (!this.ward) {
      replace(this.wardBanner, this.wardEnded ? notice("info", this.wardEnded) : null);
      return;
    }
    const stop = h("button", { type: "button" }, "Stop acting for this patient");
    stop.addEventListener("click", () => this.setWard(undefined, `You act for yourself again (${this.account?.name ?? "your account"}).`));
    replace(
      this.wardBanner,
      h(
        "p",
        { class: "acting-for", role: "status" },
        h("strong", {}, `Acting for ${this.wardName()} as guardian`),
        ` — patient screens read and act for this patient; ${this.account?.name ?? "your account"} signs and pays the fees. `,
        h("span", { class: "hash" }, this.ward),
      ),
      stop,
    );
  }

  /** The patient the patient screens read and act for: the ward, else the chosen account. */
  get patientAddress(): string | undefined {
    return this.ward ?? this.account?.address;
  }

  /**
   * A patient's own call, as the chosen account sends it: as is, or, acting for a ward, inside
   * `Proxy.proxy(ward, HealthGuardian, call)` (the chain admits exactly the patient's own
   * health calls through it; the guardian pays the fee).
   */
  asPatient(tx: Transaction): Transaction {
    if (!this.ward) return tx;
    return this.chain.api.tx.Proxy.proxy({
      real: MultiAddress.Id(this.ward),
      force_proxy_type: { type: "HealthGuardian", value: undefined },
      call: tx.decodedCall,
    });
  }

  /** A name the app knows for an address (its own accounts'). */
  knownName(address: string): string | undefined {
    const account = this.accounts.find((a) => a.address === address);
    return account ? `${account.name}${account.source === "development" ? " (development account)" : ""}` : undefined;
  }

  start(): void {
    for (const type of ["input", "change"]) this.view.addEventListener(type, () => (this.edited = true));
    this.renderAccounts();
    this.renderNav();
    window.addEventListener("hashchange", () => void this.show());
    void this.show();
  }

  private route(): Route {
    return location.hash in SCREENS ? location.hash : "#/register";
  }

  async show(): Promise<void> {
    this.renderNav();
    // Each screen renders into a region of its own, shown only if no newer render started
    // meanwhile (the account or the screen may change while the chain answers). Until then the
    // screen on show is stale: it cannot be used (a form filled in now would be replaced), and
    // it says so to assistive technology (aria-busy) — from this very call on, synchronously.
    const generation = ++this.generation;
    const region = h("div", { class: "screen" });
    if (!this.view.firstChild) replace(this.view, h("p", { class: "progress", role: "status" }, "Loading…"));
    this.view.inert = true;
    this.view.setAttribute("aria-busy", "true");
    // A node that does not answer leaves the stale screen unusable: say so after 30 s (the
    // screen still appears when the node answers).
    const slow = setTimeout(() => {
      if (generation !== this.generation) return;
      replace(
        this.view,
        notice("info", "The node has not answered for 30 seconds; it may be restarting. This screen appears as soon as it answers."),
      );
      this.view.inert = false;
    }, 30_000);
    let screen = SCREENS[this.route()] ?? SCREENS["#/register"]!;
    document.title = `${screen.title} — Salus`;
    try {
      // A ward may remove its guardian at any time: checked before every screen is drawn.
      if (this.ward && this.account) {
        const ward = this.ward;
        const still = await answered(wardStillAppointed(this, ward, this.account.address)).catch(() => true);
        if (!still && this.ward === ward) {
          const name = this.wardName();
          this.ward = undefined;
          this.wardEnded = `${name} no longer has ${this.account.name} as guardian: you can no longer act for this patient, and you act for yourself again.`;
          this.renderWardBanner();
        }
      }
      screen = SCREENS[this.route()] ?? SCREENS["#/register"]!;
      await screen.render(this, region);
    } catch (error) {
      replace(region, notice("error", `This screen could not be loaded: ${(error as Error).message}`));
    } finally {
      clearTimeout(slow);
    }
    if (generation !== this.generation) return;
    replace(this.view, region);
    this.edited = false;
    this.view.inert = false;
    this.view.setAttribute("aria-busy", "false");
  }


  /**
   * After the connection came back: the screen is drawn again from the chain (what it showed
   * may have changed meanwhile), once no transaction is in flight (its panel follows it).
   */
  reconnected(): void {
    whenNoTransaction(() => {
      if (!this.edited) return void this.show();
      // Something was typed or ticked on this screen: drawing it again would throw it away.
      // Say that what it shows may be out of date, and let the user read it again.
      const again = h("button", { type: "button" }, "Read this screen again from the chain");
      again.addEventListener("click", () => void this.show());
      this.view.prepend(
        h("div", { class: "notice info", role: "status", "data-testid": "stale-notice" }, "The connection to the node came back; what this screen shows may have changed meanwhile. ", again),
      );
    });
  }

  private renderNav(): void {
    const current = this.route();
    const link = (route: Route, screen: Screen) =>
      h("li", {}, h("a", { href: route, "aria-current": route === current ? "page" : null }, screen.title));
    replace(
      this.nav,
      GROUPS.map((group) => {
        const routes = Object.entries(SCREENS).filter(([, screen]) => screen.group === group);
        if (!routes.length) return null;
        const id = `nav-${group.split(" ")[0]!.toLowerCase()}`;
        return h(
          "div",
          { class: "nav-group" },
          h("span", { class: "nav-group-title", id }, group),
          h("ul", { "aria-labelledby": id }, routes.map(([route, screen]) => link(route, screen))),
        );
      }),
    );
  }

  renderAccounts(): void {
    const chooser = h("select", { id: "account", "data-testid": "account" });
    const dev = this.accounts.filter((a) => a.source === "development");
    const wallet = this.accounts.filter((a) => a.source !== "development");
    if (dev.length)
      chooser.append(
        h(
          "optgroup",
          { label: "Development accounts — anyone can sign with these; for testing only" },
          dev.map((a) => h("option", { value: a.address, selected: a === this.account }, `${a.name} (development account)`)),
        ),
      );
    if (wallet.length)
      chooser.append(
        h(
          "optgroup",
          { label: "Your wallet" },
          wallet.map((a) => h("option", { value: a.address, selected: a === this.account }, `${a.name} (${a.source})`)),
        ),
      );
    chooser.addEventListener("change", () => {
      this.account = this.accounts.find((a) => a.address === chooser.value);
      if (this.account) sessionStorage.setItem("salus.account", this.account.address);
      // The ward was the previous account's: the new one acts for itself.
      this.ward = undefined;
      this.wardEnded = undefined;
      this.renderWardBanner();
      this.renderAccounts();
      void this.show();
    });
    const extensions = walletExtensions();
    const connect = h(
      "button",
      { type: "button", disabled: extensions.length === 0, title: extensions.length ? null : "No wallet extension found in this browser" },
      extensions.length ? `Connect wallet (${extensions.join(", ")})` : "No wallet extension found",
    );
    connect.addEventListener("click", async () => {
      for (const extension of extensions) {
        try {
          const found = await walletAccounts(extension);
          this.accounts = [...this.accounts.filter((a) => a.source !== extension), ...found];
        } catch (error) {
          this.accountRegion.append(notice("error", `${extension}: ${(error as Error).message}`));
        }
      }
      this.renderAccounts();
    });
    const isDev = this.account?.source === "development";
    replace(
      this.accountRegion,
      h("label", { for: "account" }, "Account"),
      chooser,
      connect,
      isDev
        ? h("p", { class: "dev-warning", role: "note" }, "Development account: its key is public. Never use it on a real network.")
        : null,
    );
  }
}
