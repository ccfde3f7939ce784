/**
 * Block Kit building blocks with Slack's limits enforced in this one place: every renderer builds
 * its blocks through these helpers, so no message or view can exceed what Slack accepts.
 */
import type {
  ActionsBlock,
  Button,
  Checkboxes,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  KnownBlock,
  Option,
  PlainTextOption,
  SectionBlock,
  StaticSelect,
} from "@slack/types";

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  optionText: 75,
  optionDescription: 75,
  checkboxOptions: 10,
  contextElements: 10,
  actionsElements: 25,
  selectOptions: 100,
  placeholderText: 150,
  fallbackText: 3000,
} as const;

/**
 * Escapes text a user typed so Slack shows it as typed: `&`, `<` and `>` become entities, so
 * `<!channel>` or `<@U123>` can never ping anyone. Apply exactly once, when rendering.
 *
 * @example
 * escapeText("<!channel> Acme & co"); // "&lt;!channel&gt; Acme &amp; co"
 */
export function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Cuts text to `max` characters, ending with "…" when cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

export function header(text: string): HeaderBlock {
  return {
    type: "header",
    text: { type: "plain_text", text: truncate(text, LIMITS.headerText), emoji: true },
  };
}

export function section(mrkdwn: string, accessory?: Button | StaticSelect): SectionBlock {
  const block: SectionBlock = {
    type: "section",
    text: { type: "mrkdwn", text: truncate(mrkdwn, LIMITS.sectionText) },
  };
  if (accessory) block.accessory = accessory;
  return block;
}

/** Long text split over as many sections as it needs, at line breaks where possible. */
export function sections(mrkdwn: string): SectionBlock[] {
  const out: SectionBlock[] = [];
  let rest = mrkdwn;
  while (rest.length > LIMITS.sectionText) {
    const cut = rest.lastIndexOf("\n", LIMITS.sectionText);
    const at = cut > LIMITS.sectionText / 2 ? cut : LIMITS.sectionText;
    out.push(section(rest.slice(0, at)));
    rest = rest.slice(at).replace(/^\n/, "");
  }
  if (rest.trim()) out.push(section(rest));
  return out;
}

export function context(...mrkdwn: string[]): ContextBlock {
  return {
    type: "context",
    elements: mrkdwn
      .slice(0, LIMITS.contextElements)
      .map((text) => ({ type: "mrkdwn" as const, text: truncate(text, LIMITS.sectionText) })),
  };
}

export function divider(): DividerBlock {
  return { type: "divider" };
}

export function button(
  text: string,
  actionId: string,
  value: string,
  style?: "primary" | "danger",
): Button {
  const b: Button = {
    type: "button",
    text: { type: "plain_text", text: truncate(text, LIMITS.buttonText), emoji: true },
    action_id: truncate(actionId, LIMITS.actionId),
    value: value.slice(0, LIMITS.buttonValue),
  };
  if (style) b.style = style;
  return b;
}

/** A single-choice menu (at most 100 options), with the current choice shown when given. */
export function staticSelect(
  actionId: string,
  placeholder: string,
  options: ReadonlyArray<{ text: string; value: string }>,
  initialValue?: string,
): StaticSelect {
  const all: PlainTextOption[] = options.slice(0, LIMITS.selectOptions).map((o) => ({
    text: { type: "plain_text", text: truncate(o.text, LIMITS.optionText), emoji: true },
    value: o.value.slice(0, LIMITS.buttonValue),
  }));
  const select: StaticSelect = {
    type: "static_select",
    action_id: truncate(actionId, LIMITS.actionId),
    placeholder: {
      type: "plain_text",
      text: truncate(placeholder, LIMITS.placeholderText),
      emoji: true,
    },
    options: all,
  };
  const initial = all.find((o) => o.value === initialValue);
  if (initial) select.initial_option = initial;
  return select;
}

/** Buttons in as many actions blocks as needed (at most `perBlock` each, never over 25). */
export function actions(
  elements: Button[],
  blockIdPrefix?: string,
  perBlock: number = LIMITS.actionsElements,
): ActionsBlock[] {
  const size = Math.min(perBlock, LIMITS.actionsElements);
  const out: ActionsBlock[] = [];
  for (let i = 0; i < elements.length; i += size) {
    const block: ActionsBlock = { type: "actions", elements: elements.slice(i, i + size) };
    if (blockIdPrefix) block.block_id = `${blockIdPrefix}:${i / size}`;
    out.push(block);
  }
  return out;
}

export interface CheckboxItem {
  value: string;
  text: string;
  description?: string;
}

/** One checkboxes element per 10 items (Slack's limit), each in its own actions block. */
export function checkboxGroups(
  items: readonly CheckboxItem[],
  ticked: ReadonlySet<string>,
  actionId: (group: number) => string,
  blockId: (group: number) => string,
): ActionsBlock[] {
  const out: ActionsBlock[] = [];
  for (let i = 0; i < items.length; i += LIMITS.checkboxOptions) {
    const group = i / LIMITS.checkboxOptions;
    const options: Option[] = items.slice(i, i + LIMITS.checkboxOptions).map((item) => {
      const option: Option = {
        text: { type: "mrkdwn", text: truncate(item.text, LIMITS.optionText) },
        value: item.value,
      };
      if (item.description) {
        option.description = {
          type: "plain_text",
          text: truncate(item.description, LIMITS.optionDescription),
        };
      }
      return option;
    });
    const element: Checkboxes = { type: "checkboxes", action_id: actionId(group), options };
    const initial = options.filter((o) => ticked.has(o.value ?? ""));
    if (initial.length > 0) element.initial_options = initial;
    out.push({ type: "actions", block_id: blockId(group), elements: [element] });
  }
  return out;
}

/**
 * Marks blocks a renderer keeps and reuses (the same in every reply that shows them, such as an
 * entry's answer) by freezing them all the way down: no reply can change them for the next one,
 * and an HTTP ack writes each one's JSON once (src/blocks/json.ts).
 */
export function reused<T extends object>(value: T): T {
  for (const inner of Object.values(value)) {
    if (inner !== null && typeof inner === "object") reused(inner);
  }
  return Object.freeze(value);
}

/** A message payload: blocks capped at 50 (a note replaces what is cut) and a text fallback. */
export interface Message {
  text: string;
  blocks: KnownBlock[];
}

export function message(text: string, blocks: KnownBlock[]): Message {
  return {
    text: truncate(text, LIMITS.fallbackText),
    blocks: capBlocks(blocks, LIMITS.messageBlocks),
  };
}

/** A Home tab view, capped at 100 blocks. */
export function homeView(blocks: KnownBlock[]): { type: "home"; blocks: KnownBlock[] } {
  return { type: "home", blocks: capBlocks(blocks, LIMITS.viewBlocks) };
}

function capBlocks(blocks: KnownBlock[], max: number): KnownBlock[] {
  if (blocks.length <= max) return blocks;
  return [
    ...blocks.slice(0, max - 1),
    context("_…more than fits here; narrow it down to see the rest._"),
  ];
}
