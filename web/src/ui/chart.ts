// A bar chart in hand-written inline SVG, with what it shows in words (the chart's accessible
// name and description, and a caption) and the same numbers as a table for those who cannot
// see it or prefer to read them. It scales to its container (viewBox), so it fits a phone.
import { h, newId } from "./dom.ts";

const SVG = "http://www.w3.org/2000/svg";

function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  el.append(...children);
  return el;
}

export interface Bar {
  /** The bar's label in the table and under the axis ("7 Dec"). */
  label: string;
  /** Its full name in words ("7 December 2026"). */
  name: string;
  value: number;
}

export interface ChartOptions {
  /** The chart's title ("Disclosures per day"). */
  title: string;
  /** Everything the chart shows, in one or two sentences. */
  summary: string;
  /** The table's column headers: the period and the value. */
  columns: [string, string];
  testId?: string;
}

/** A figure: the SVG bars, a caption in words and a table of the numbers. */
export function barChart(bars: readonly Bar[], options: ChartOptions): HTMLElement {
  const titleId = newId("chart-title");
  const descId = newId("chart-desc");
  const width = 600;
  const height = 180;
  const top = 16;
  const bottom = 28;
  const left = 36;
  const plotW = width - left - 8;
  const plotH = height - top - bottom;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const slot = bars.length ? plotW / bars.length : plotW;
  const barW = Math.max(1, Math.min(40, slot * 0.7));
  const svg = s(
    "svg",
    { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", "aria-labelledby": `${titleId} ${descId}`, class: "chart", preserveAspectRatio: "xMidYMid meet", focusable: "false" },
    s("title", { id: titleId }, options.title),
    s("desc", { id: descId }, options.summary),
  );
  // Axis and the scale's top value.
  svg.append(
    s("line", { x1: left, y1: top + plotH, x2: width - 8, y2: top + plotH, class: "axis" }),
    s("line", { x1: left, y1: top, x2: left, y2: top + plotH, class: "axis" }),
    s("text", { x: left - 4, y: top + 4, "text-anchor": "end", class: "tick" }, String(max)),
    s("text", { x: left - 4, y: top + plotH, "text-anchor": "end", class: "tick" }, "0"),
  );
  bars.forEach((bar, i) => {
    const barH = (bar.value / max) * plotH;
    const x = left + i * slot + (slot - barW) / 2;
    svg.append(
      s("rect", { x: x.toFixed(1), y: (top + plotH - barH).toFixed(1), width: barW.toFixed(1), height: barH.toFixed(1), class: "bar" }, s("title", {}, `${bar.name}: ${bar.value}`)),
    );
  });
  // The first and last labels under their bars (all of them would not fit on a phone).
  const labelAt = (i: number) => {
    const centre = left + i * slot + slot / 2;
    return s("text", { x: Math.min(width - 30, Math.max(left + 30, centre)).toFixed(1), y: height - 8, "text-anchor": "middle", class: "tick" }, bars[i]!.label);
  };
  if (bars.length) svg.append(labelAt(0));
  if (bars.length > 1) svg.append(labelAt(bars.length - 1));
  const table = h(
    "table",
    { class: "data" },
    h("caption", {}, `${options.title}: the numbers`),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, options.columns[0]), h("th", { scope: "col" }, options.columns[1]))),
    h("tbody", {}, bars.map((bar) => h("tr", {}, h("th", { scope: "row" }, bar.name), h("td", {}, String(bar.value))))),
  );
  return h(
    "figure",
    { class: "chart", "data-testid": options.testId ?? null },
    svg,
    h("figcaption", {}, options.summary),
    h("details", {}, h("summary", {}, "Show the numbers as a table"), table),
  );
}
