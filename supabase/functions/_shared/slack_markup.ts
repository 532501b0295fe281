/** Slack's message markup (mrkdwn as events and slash commands carry it) as plain text. */

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">" };

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (entity) => ENTITIES[entity]);
}

function convertTag(inner: string, names: Map<string, string>): string {
  const bar = inner.indexOf("|");
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = decodeEntities(bar >= 0 ? inner.slice(bar + 1) : "");
  if (target.startsWith("@")) return `@${label || names.get(target.slice(1)) || target.slice(1)}`;
  if (target.startsWith("#")) return `#${label || target.slice(1)}`;
  if (target.startsWith("!")) {
    if (label) return label;
    const command = target.slice(1).split("^")[0];
    return ["here", "channel", "everyone"].includes(command) ? `@${command}` : "";
  }
  const url = decodeEntities(target);
  if (!label) return url.replace(/^mailto:/, "");
  const bare = url.replace(/^(https?:\/\/|mailto:)/, "");
  return label === url || label === bare ? label : `${label} (${url})`;
}

/**
 * Slack's message markup as plain text: <@U…> mentions become @names (when known), channel
 * links #names, <url|label> "label (url)", <!here> @here, and &amp; &lt; &gt; are decoded.
 */
export function slackMarkupToText(text: string, names: Map<string, string> = new Map()): string {
  return text.replace(
    /<([^<>]*)>|&(?:amp|lt|gt);/g,
    (match, inner: string | undefined) =>
      inner === undefined ? ENTITIES[match] : convertTag(inner, names),
  );
}
