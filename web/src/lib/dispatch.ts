// Calls that dispatch another call and succeed even when the chain refuses the call inside:
// `Proxy.proxy` (a guardian for its ward), `Sudo.sudo` (the superuser on a development chain)
// and a council motion that `close` carries. Their events say whether the inner call was refused.

/** An event as the typed client reports it among a transaction's events. */
export interface ChainEvent {
  type: string;
  value: { type: string; value: unknown };
}

/** Where each wrapping call reports its inner call's result: pallet, event, field. */
const INNER_RESULTS: readonly [string, string, string][] = [
  ["Proxy", "ProxyExecuted", "result"],
  ["Sudo", "Sudid", "sudo_result"],
  ["Council", "Executed", "result"],
];

/** The dispatch error of an inner call the chain refused, if any (the first one). */
export function innerRefusal(events: readonly ChainEvent[]): unknown {
  for (const event of events)
    for (const [pallet, name, field] of INNER_RESULTS) {
      if (event.type !== pallet || event.value.type !== name) continue;
      const result = (event.value.value as Record<string, { success: boolean; value: unknown } | undefined>)[field];
      if (result && !result.success) return result.value;
    }
  return undefined;
}
