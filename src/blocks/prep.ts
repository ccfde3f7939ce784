import type { KnownBlock } from "@slack/types";
import type { Gap } from "../services/feedback/gaps.ts";
import { displayText } from "../services/knowledge-base/knowledge-base.ts";
import type { Entry, Topic } from "../services/knowledge-base/schema.ts";
import type { SearchHit } from "../services/search/search.ts";
import { Actions } from "./action-ids.ts";
import {
  actions,
  button,
  context,
  escapeText,
  header,
  type Message,
  message,
  section,
  truncate,
} from "./kit.ts";

/** Buttons that open prep topics, for lists and "try one of these" suggestions. */
export function topicButtons(topics: readonly Topic[], blockIdPrefix = "topics"): KnownBlock[] {
  return actions(
    topics.map((t) => button(t.title, Actions.openTopic, t.id)),
    blockIdPrefix,
    5,
  );
}

const shareRow = (entryId: string) =>
  actions([button("Share with the channel", Actions.share, entryId)]);

/** `/prep` with no argument: the topics. */
export function renderTopicList(topics: readonly Topic[]): Message {
  return message(`Interview prep topics: ${topics.map((t) => t.title).join(", ")}`, [
    header("Interview prep"),
    context(
      "Pick a topic for concrete tips, or type `/prep &lt;anything&gt;` to search, e.g. `/prep leakage`.",
    ),
    ...topicButtons(topics),
  ]);
}

/** One entry as a full reply: a topic's tips, a role's summary, or a FAQ's answer. */
export function renderEntry(entry: Entry, options: { share?: boolean } = {}): Message {
  const blocks: KnownBlock[] = [header(entry.title), section(displayText(entry))];
  if (options.share !== false) blocks.push(...shareRow(entry.id));
  return message(`${entry.title}\n${displayText(entry)}`, blocks);
}

/** The same entry as posted in the channel by "Share with the channel". */
export function renderShared(entry: Entry, sharedBy: string): Message {
  const shown = renderEntry(entry, { share: false });
  return message(shown.text, [
    ...shown.blocks,
    context(`Shared by <@${sharedBy}> from InternPrep`),
  ]);
}

/** `/prep <query>`: the best results, each with a share button. */
export function renderSearchResults(query: string, hits: readonly SearchHit[]): Message {
  const blocks: KnownBlock[] = [context(`Results for “${escapeText(truncate(query, 200))}”`)];
  for (const hit of hits) {
    blocks.push(section(`*${hit.title}*\n${truncate(hit.text, 2800)}`), ...shareRow(hit.id));
  }
  return message(
    `Results for "${escapeText(truncate(query, 200))}": ${hits.map((h) => h.title).join("; ")}`,
    blocks,
  );
}

/** Nothing good enough: say so plainly and suggest topics. */
export function renderNotFound(query: string, topics: readonly Topic[]): Message {
  const q = escapeText(truncate(query, 200));
  return message(`I don't know that one yet: "${q}". Try a prep topic instead.`, [
    section(
      `I don't know that one yet: “${q}”.\nI've noted the question so organizers can add an answer. Meanwhile, one of these topics may help:`,
    ),
    ...topicButtons(topics.slice(0, 10), "suggested"),
  ]);
}

/** `/prep help`. */
export function renderPrepHelp(topics: readonly Topic[]): Message {
  return message("How to use /prep", [
    section(
      "*/prep* gives interview-prep tips from InternPrep's knowledge base.\n" +
        "• `/prep` lists the topics\n• `/prep &lt;topic&gt;`, e.g. `/prep behavioral`, shows that topic's tips\n" +
        "• `/prep &lt;anything else&gt;`, e.g. `/prep how early should I apply`, searches everything\n" +
        "• `/prep gaps` shows the questions people asked that I could not answer yet\n" +
        "Replies are only visible to you until you press *Share with the channel*. You can also DM me a question.",
    ),
    ...topicButtons(topics),
  ]);
}

/** `/prep gaps`: the most-asked unanswered questions, for organizers. */
export function renderGaps(gaps: readonly Gap[]): Message {
  if (gaps.length === 0) {
    return message("No unanswered questions so far.", [
      section(
        "No unanswered questions so far. When someone asks me something I can't answer, it shows up here.",
      ),
    ]);
  }
  const lines = gaps.map(
    (g) => `• ${escapeText(g.question)} — asked *${g.count}×*, last ${g.lastAskedAt.slice(0, 10)}`,
  );
  return message(`The ${gaps.length} most-asked questions I could not answer`, [
    header("Questions I couldn't answer yet"),
    section(lines.join("\n")),
    context(
      "Add answers in `data/faq.yml` (or your `KB_DIR`) and run `npm run kb:check`; see the README.",
    ),
  ]);
}
