// A few lines instead of a UI framework: elements built from plain objects, and one way to
// replace a region's content. The app has a handful of screens whose state lives on chain; it
// re-renders a screen when the chain or the selected account changes.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "number" ? String(child) : child);
  }
  return el;
}

export function replace(region: Element, ...children: (Child | Child[])[]): void {
  region.replaceChildren(
    ...children.flat().filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false).map(
      (c) => (typeof c === "number" ? String(c) : c),
    ),
  );
}

let uid = 0;
/** A unique id, for labels and aria-describedby. */
export const newId = (prefix: string): string => `${prefix}-${++uid}`;

/** A labelled form field: the label's `for` points at the control. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || newId("field");
  control.id = id;
  const hintEl = hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: "field" }, h("label", { for: id }, label), control, hintEl);
}

/** A group of checkboxes in a fieldset with a legend. */
export function checkboxes(
  legend: string,
  name: string,
  options: readonly { value: string; label: string; note?: string }[],
  checked: readonly string[] = [],
): HTMLFieldSetElement {
  return h(
    "fieldset",
    { class: "choices" },
    h("legend", {}, legend),
    options.map((o) => {
      const id = newId(name);
      return h(
        "div",
        { class: "choice" },
        h("input", { type: "checkbox", id, name, value: o.value, checked: checked.includes(o.value) }),
        h("label", { for: id }, o.label, o.note ? h("span", { class: "note" }, ` ${o.note}`) : null),
      );
    }),
  );
}

export function checkedValues(root: ParentNode, name: string): string[] {
  return Array.from(root.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`), (i) => i.value);
}

export function select(name: string, options: readonly { value: string; label: string }[], selected?: string): HTMLSelectElement {
  return h(
    "select",
    { name },
    options.map((o) => h("option", { value: o.value, selected: o.value === selected }, o.label)),
  );
}

/** A message in a live region, so screen readers hear it. */
export function notice(kind: "info" | "ok" | "error", text: string | Node): HTMLElement {
  return h("p", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}
