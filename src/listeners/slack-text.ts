const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&" };

/**
 * Slack sends what a user typed with `&`, `<` and `>` escaped as `&amp;`, `&lt;` and `&gt;` (its own
 * markup, such as `<@U123>` or `<https://…|label>`, keeps real angle brackets). Handlers decode it
 * once on the way in, keep and pass on the text as typed, and renderers escape it once on the way out.
 *
 * @example
 * decodeSlackText("R&amp;D &lt;3"); // "R&D <3"
 */
export function decodeSlackText(text: string): string {
  // Most text has no entity: one scan instead of a pattern's.
  if (!text.includes("&")) return text;
  return text.replace(/&(lt|gt|amp);/g, (_, name: string) => ENTITIES[name] ?? "");
}
