import {
  renderEntry,
  renderGaps,
  renderNotFound,
  renderPrepHelp,
  renderSearchResults,
  renderTopicList,
} from "../src/blocks/prep.ts";
import type { SlashCommand } from "./types.ts";

/**
 * `/prep` lists the topics; `/prep <topic>` shows its tips; `/prep <anything else>` searches;
 * `/prep gaps` shows the most-asked unanswered questions; `/prep help` explains.
 */
export const prepCommand: SlashCommand = {
  name: "/prep",
  description: "Interview-prep tips by topic, or search the knowledge base",
  usageHint: "[topic, e.g. behavioral, coding, leakage | any question | gaps | help]",
  create:
    ({ kb, search, gaps }) =>
    async ({ command, ack, respond }) => {
      await ack();
      const text = command.text.trim();
      if (text === "") {
        await respond({ response_type: "ephemeral", ...renderTopicList(kb.topics) });
        return;
      }
      if (/^(help|\?)$/i.test(text)) {
        await respond({ response_type: "ephemeral", ...renderPrepHelp(kb.topics) });
        return;
      }
      if (/^gaps$/i.test(text)) {
        await respond({
          response_type: "ephemeral",
          ...renderGaps(await gaps.top(command.team_id, 15)),
        });
        return;
      }
      const [topic] = search.named(text, "topic");
      if (topic) {
        await respond({ response_type: "ephemeral", ...renderEntry(topic) });
        return;
      }
      const result = search.search(text);
      if (!result.answered) {
        await gaps.record(command.team_id, text);
        await respond({ response_type: "ephemeral", ...renderNotFound(text, kb.topics) });
        return;
      }
      await respond({ response_type: "ephemeral", ...renderSearchResults(text, result.hits) });
    },
};
