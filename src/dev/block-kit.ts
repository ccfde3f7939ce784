/**
 * What Slack would reject in a message or view: checked by the Slack stand-in on every call, so a
 * test (or the local playground) sees the problem instead of a silently drawn message.
 */
const L = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  optionText: 75,
  checkboxOptions: 10,
  contextElements: 10,
  actionsElements: 25,
  sectionFields: 10,
  fieldText: 2000,
};

type Json = Record<string, unknown>;

/** Slack's own `<…>` markup: mentions, channels, specials and links. Anything else is a mistake. */
const SLACK_TOKEN =
  /^<(@[UW][A-Z0-9]+(\|[^>]*)?|#C[A-Z0-9]+(\|[^>]*)?|![a-z]+(\^[^>|]*)?(\|[^>]*)?|(https?|mailto):[^>]+)>$/;

/** `<date>` in mrkdwn is read by Slack as a (broken) link: a literal < or > must be &lt; / &gt;. */
function markupProblems(text: string, at: string): string[] {
  return (text.match(/<[^>]*>/g) ?? [])
    .filter((token) => !SLACK_TOKEN.test(token))
    .map((token) => `${at}: unescaped ${token} in mrkdwn (write &lt; and &gt;)`);
}

/** Every mrkdwn text object in a block, found wherever it is nested. */
function mrkdwnTexts(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) mrkdwnTexts(v, out);
  else if (value && typeof value === "object") {
    const obj = value as Json;
    if (obj.type === "mrkdwn" && typeof obj.text === "string") out.push(obj.text);
    for (const v of Object.values(obj)) if (v && typeof v === "object") mrkdwnTexts(v, out);
  }
  return out;
}
const textOf = (t: unknown) =>
  typeof t === "object" && t !== null ? String((t as Json).text ?? "") : "";

/** Problems with one message's or view's blocks; empty when Slack would accept them. */
export function blockKitProblems(blocks: unknown, kind: "message" | "view"): string[] {
  if (blocks === undefined) return [];
  if (!Array.isArray(blocks)) return ["blocks is not an array"];
  const problems: string[] = [];
  const max = kind === "message" ? L.messageBlocks : L.viewBlocks;
  if (blocks.length > max) problems.push(`${blocks.length} blocks (at most ${max} in a ${kind})`);
  blocks.forEach((raw, i) => {
    const block = raw as Json;
    const at = `blocks[${i}] (${String(block.type)})`;
    for (const text of mrkdwnTexts(block)) problems.push(...markupProblems(text, at));
    const elements = (block.elements ?? []) as Json[];
    switch (block.type) {
      case "section": {
        const t = textOf(block.text);
        if (!block.text && !block.fields) problems.push(`${at}: needs text or fields`);
        if (t.length > L.sectionText)
          problems.push(`${at}: text is ${t.length} characters (at most ${L.sectionText})`);
        if (block.text && t.length === 0) problems.push(`${at}: text is empty`);
        const fields = (block.fields ?? []) as Json[];
        if (fields.length > L.sectionFields)
          problems.push(`${at}: ${fields.length} fields (at most ${L.sectionFields})`);
        for (const f of fields)
          if (textOf(f).length > L.fieldText)
            problems.push(`${at}: a field is over ${L.fieldText} characters`);
        if (block.accessory)
          problems.push(...elementProblems(block.accessory as Json, `${at}.accessory`));
        break;
      }
      case "header": {
        const t = textOf(block.text);
        if (t.length === 0 || t.length > L.headerText)
          problems.push(`${at}: header text is ${t.length} characters (1-${L.headerText})`);
        break;
      }
      case "context":
        if (elements.length === 0 || elements.length > L.contextElements) {
          problems.push(`${at}: ${elements.length} elements (1-${L.contextElements})`);
        }
        break;
      case "actions":
        if (elements.length === 0 || elements.length > L.actionsElements) {
          problems.push(`${at}: ${elements.length} elements (1-${L.actionsElements})`);
        }
        for (const [j, e] of elements.entries())
          problems.push(...elementProblems(e, `${at}.elements[${j}]`));
        break;
      case "divider":
      case "image":
      case "input":
      case "rich_text":
        break;
      default:
        problems.push(`${at}: unknown block type`);
    }
  });
  return problems;
}

function elementProblems(element: Json, at: string): string[] {
  const problems: string[] = [];
  if (element.type === "button") {
    const t = textOf(element.text);
    if (t.length === 0 || t.length > L.buttonText)
      problems.push(`${at}: button text is ${t.length} characters (1-${L.buttonText})`);
  }
  if (
    element.type === "checkboxes" ||
    element.type === "static_select" ||
    element.type === "radio_buttons"
  ) {
    const options = (element.options ?? []) as Json[];
    const max = element.type === "checkboxes" ? L.checkboxOptions : 100;
    if (options.length === 0 || options.length > max)
      problems.push(`${at}: ${options.length} options (1-${max})`);
    for (const o of options) {
      if (textOf(o.text).length > L.optionText)
        problems.push(`${at}: option text over ${L.optionText} characters`);
      if (o.description && textOf(o.description).length > L.optionText)
        problems.push(`${at}: option description over ${L.optionText} characters`);
    }
    const values = new Set(options.map((o) => o.value));
    for (const o of (element.initial_options ?? []) as Json[]) {
      if (!values.has(o.value))
        problems.push(`${at}: initial option ${String(o.value)} is not among the options`);
    }
  }
  return problems;
}

/** Problems with a whole message payload: its blocks, and the `text` fallback Slack requires. */
export function messageProblems(payload: Json): string[] {
  const problems = blockKitProblems(payload.blocks, "message");
  if (typeof payload.text !== "string" || payload.text.trim() === "")
    problems.push("no top-level text fallback");
  return problems;
}
