// Which node the app may talk to without asking (a link can name any).

/**
 * Why the app must ask before it talks to `url`, or undefined if it need not. A link can name
 * any node (`?rpc=`), and a node the patient does not trust can show false consents, fees and
 * logs around a transaction the patient then signs: a node other than the build's, on another
 * machine, is used only once the user agrees. The user's own machine (loopback) is not asked
 * about; anything but ws:// and wss:// is refused.
 */
export function nodeQuestion(url: string, buildDefault: string): { refuse: boolean; why: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { refuse: true, why: `"${url}" is not a node address (ws://host:port or wss://host).` };
  }
  if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:")
    return { refuse: true, why: `"${url}" is not a node address: it must start with ws:// or wss://.` };
  if (parsed.username || parsed.password) return { refuse: true, why: "A node address with a user name or password in it is refused." };
  if (url === buildDefault) return undefined;
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host)) return undefined;
  return {
    refuse: false,
    why: `This link asks the app to talk to the node at ${parsed.host} instead of ${new URL(buildDefault).host}. A node you do not trust can show you false consents, fees and access logs. Continue only if you know who runs it.`,
  };
}
