/**
 * A reply as it travels in an HTTP ack: its JSON, written in ASCII, every other character as a
 * `\uXXXX` escape (which any JSON parser, Slack's included, reads back as the same character).
 *
 * Bolt would `JSON.stringify` the reply and write it as it comes out. A question's answer is ~3 KB
 * of knowledge-base text with typographic characters (“ ” ’ •), which V8 then builds, and Node
 * encodes to UTF-8, two bytes per character, on every request; together with the stringifying,
 * that was a tenth of the request's cost under load. Here blocks a renderer reuses (frozen by
 * `reused()` in kit.ts: an entry's answer is the same in every reply that shows it) are written
 * once and kept; the rest of a reply (the question's echo, the fallback text) is small, and is
 * escaped only when it has such characters.
 *
 * @example
 * ack(messageJson({ response_type: "ephemeral", ...renderSearchResults(query, hits) }));
 */
const NON_ASCII = /[\u0080-\uffff]/;
const NON_ASCII_ALL = /[\u0080-\uffff]/g;

/** The JSON of each reused (frozen) block, written once. */
const written = new WeakMap<object, string>();

/**
 * `JSON.stringify(message)`, in ASCII, with reused blocks written once. A message with no reused
 * block is stringified as usual: written piece by piece and escaped, it would cost more.
 */
export function messageJson(message: object): string {
  const { blocks } = message as { blocks?: unknown };
  if (!Array.isArray(blocks) || !blocks.some((block) => Object.isFrozen(block)))
    return JSON.stringify(message);
  let out = "{";
  for (const key of Object.keys(message)) {
    const value = (message as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (out.length > 1) out += ",";
    out += `${JSON.stringify(key)}:`;
    out +=
      key === "blocks" && Array.isArray(value) ? blocksJson(value) : ascii(JSON.stringify(value));
  }
  return `${out}}`;
}

function blocksJson(blocks: readonly unknown[]): string {
  let out = "[";
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    if (i > 0) out += ",";
    out += Object.isFrozen(block) ? reusedJson(block as object) : ascii(JSON.stringify(block));
  }
  return `${out}]`;
}

function reusedJson(block: object): string {
  let json = written.get(block);
  if (json === undefined) {
    // Kept one byte per character even when the text it came from was stored two bytes wide.
    json = oneByte(ascii(JSON.stringify(block)));
    written.set(block, json);
  }
  return json;
}

/** The JSON with every non-ASCII character escaped. */
function ascii(json: string): string {
  if (!NON_ASCII.test(json)) return json;
  return oneByte(
    json.replace(NON_ASCII_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
  );
}

/**
 * ASCII text, stored one byte per character. V8 keeps what a replace returns in its source's
 * two-byte form, and one two-byte part makes the whole reply two bytes wide when it is written.
 */
function oneByte(text: string): string {
  return Buffer.from(text, "latin1").toString("latin1");
}
