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
  reused,
  section,
  sections,
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

/**
 * Each entry's search-result blocks, made once and reused (see `reused` in kit.ts): a question's
 * results are mostly these, and an HTTP ack then writes them without serializing them again.
 */
const resultBlocks = new WeakMap<
  Entry,
  { id: string; title: string; text: string; blocks: readonly KnownBlock[] }
>();

/** One result: the entry's title and answer, and its share button. */
function resultOf(hit: SearchHit): readonly KnownBlock[] {
  const kept = resultBlocks.get(hit.entry);
  if (kept?.id === hit.id && kept.title === hit.title && kept.text === hit.text) return kept.blocks;
  const blocks = reused([
    section(`*${hit.title}*\n${truncate(hit.text, 2800)}`),
    ...shareRow(hit.id),
  ]);
  resultBlocks.set(hit.entry, { id: hit.id, title: hit.title, text: hit.text, blocks });
  return blocks;
}

/** `/prep <query>`: the best results, each with a share button. */
export function renderSearchResults(query: string, hits: readonly SearchHit[]): Message {
  const blocks: KnownBlock[] = [context(`Results for “${escapeText(truncate(query, 200))}”`)];
  for (const hit of hits) blocks.push(...resultOf(hit));
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
        "• `/prep gaps` shows organizers the questions I could not answer yet, and answers marked 👎\n" +
        "• `/prep learned` lets organizers confirm or reject the questions I learned from “Did you mean…?” picks\n" +
        "Replies are only visible to you until you press *Share with the channel*. You can also DM me a question.",
    ),
    ...topicButtons(topics),
  ]);
}

/** An answer marked 👎, with the title of its entry, as `/prep gaps` lists it. */
export interface DownvotedLine {
  title: string;
  question: string | null;
  count: number;
  lastAt: string;
}

/**
 * `/prep gaps`, for organizers: the most-asked unanswered questions, and beside them the answers
 * marked 👎 with the question that got each.
 */
export function renderGaps(
  gaps: readonly Gap[],
  downvoted: readonly DownvotedLine[] = [],
): Message {
  if (gaps.length === 0 && downvoted.length === 0) {
    return message("No unanswered questions or 👎 answers so far.", [
      section(
        "No unanswered questions or 👎 answers so far. When someone asks me something I can't answer, or marks an answer 👎, it shows up here.",
      ),
    ]);
  }
  const blocks: KnownBlock[] = [header("Questions I couldn't answer yet")];
  blocks.push(
    ...(gaps.length > 0
      ? sections(
          gaps
            .map(
              (g) =>
                `• ${escapeText(truncate(g.question, 200))} — asked *${g.count}×*, last ${g.lastAskedAt.slice(0, 10)}`,
            )
            .join("\n"),
        )
      : [context("None so far.")]),
  );
  blocks.push(header("Answers marked 👎"));
  blocks.push(
    ...(downvoted.length > 0
      ? sections(
          downvoted
            .map((d) => {
              const asked =
                d.question === null
                  ? "_(question not recorded)_"
                  : `“${escapeText(truncate(d.question, 200))}”`;
              return `• ${asked} → *${d.title}* — 👎 *${d.count}×*, last ${d.lastAt.slice(0, 10)}`;
            })
            .join("\n"),
        )
      : [context("None so far.")]),
  );
  blocks.push(
    context(
      "Add answers or phrasings in `data/faq.yml` (or your `KB_DIR`) and run `npm run kb:check`; see the README. Review learned phrasings with `/prep learned`.",
    ),
  );
  return message(
    `${gaps.length} unanswered question(s) and ${downvoted.length} answer(s) marked 👎`,
    blocks,
  );
}

/** What a member who is not an organizer sees for `/prep gaps` or `/prep learned`. */
export function renderOrganizersOnly(command: string): Message {
  const text = `Sorry, \`${command}\` is only for the group's organizers: it shows questions members asked me, some of them in private messages, so I keep them to organizers (workspace admins and owners, and anyone the app's ORGANIZER_IDS setting lists). If you'd like a question answered, ask it here or tell an organizer.`;
  return message(text, [section(text)]);
}

/** An entry picked from "Did you mean…?" in `/prep`: the entry with its share button, and a note. */
export function renderPickedEntry(entry: Entry, note: KnownBlock | undefined): Message {
  const shown = renderEntry(entry);
  return message(shown.text, note ? [...shown.blocks, note] : shown.blocks);
}
