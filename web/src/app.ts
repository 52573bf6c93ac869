// The app's state: the chain, the accounts, the account chosen, and which screen is shown
// (`#/register`, `#/consents`, `#/clinician`).
import { devAccounts, walletAccounts, walletExtensions, type Account } from "./accounts.ts";
import type { Chain } from "./chain.ts";
import { renderClinician } from "./ui/clinician.ts";
import { renderConsents } from "./ui/consents.ts";
import { h, notice, replace } from "./ui/dom.ts";
import { renderRegister } from "./ui/register.ts";

const SCREENS = {
  "#/register": { title: "Register", render: renderRegister },
  "#/consents": { title: "My consents", render: renderConsents },
  "#/clinician": { title: "Check access (clinician)", render: renderClinician },
} as const;
type Route = keyof typeof SCREENS;

export class App {
  accounts: Account[];
  account: Account | undefined;
  private generation = 0;

  constructor(
    readonly chain: Chain,
    private readonly accountRegion: HTMLElement,
    private readonly nav: HTMLElement,
    private readonly view: HTMLElement,
  ) {
    this.accounts = devAccounts(chain.chainType);
    const remembered = sessionStorage.getItem("salus.account");
    this.account = this.accounts.find((a) => a.address === remembered) ?? this.accounts[0];
  }

  /** A name the app knows for an address (its own accounts'). */
  knownName(address: string): string | undefined {
    const account = this.accounts.find((a) => a.address === address);
    return account ? `${account.name}${account.source === "development" ? " (development account)" : ""}` : undefined;
  }

  start(): void {
    this.renderAccounts();
    this.renderNav();
    window.addEventListener("hashchange", () => void this.show());
    void this.show();
  }

  private route(): Route {
    return (location.hash in SCREENS ? location.hash : "#/register") as Route;
  }

  async show(): Promise<void> {
    this.renderNav();
    const screen = SCREENS[this.route()];
    document.title = `${screen.title} — Salus`;
    // Each screen renders into a region of its own, shown only if no newer render started
    // meanwhile (the account or the screen may change while the chain answers).
    const generation = ++this.generation;
    const region = h("div", { class: "screen" });
    if (!this.view.firstChild) replace(this.view, h("p", { class: "progress", role: "status" }, "Loading…"));
    try {
      await screen.render(this, region);
    } catch (error) {
      replace(region, notice("error", `This screen could not be loaded: ${(error as Error).message}`));
    }
    if (generation === this.generation) replace(this.view, region);
  }

  private renderNav(): void {
    const current = this.route();
    replace(
      this.nav,
      h(
        "ul",
        {},
        (Object.keys(SCREENS) as Route[]).map((route) =>
          h("li", {}, h("a", { href: route, "aria-current": route === current ? "page" : null }, SCREENS[route].title)),
        ),
      ),
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
