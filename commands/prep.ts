import { renderDidYouMean } from "../src/blocks/answers.ts";
import {
  renderEntry,
  renderNotFound,
  renderOrganizersOnly,
  renderPrepHelp,
  renderSearchResults,
  renderTopicList,
} from "../src/blocks/prep.ts";
import { gapsReport, learnedReview } from "../src/listeners/review.ts";
import type { SlashCommand } from "./types.ts";

/**
 * `/prep` lists the topics; `/prep <topic>` shows its tips; `/prep <anything else>` searches
 * (offering "Did you mean…?" when unsure); `/prep gaps` shows organizers the unanswered questions
 * and 👎 answers; `/prep learned` lets organizers review learned phrasings; `/prep help` explains.
 */
export const prepCommand: SlashCommand = {
  name: "/prep",
  description: "Interview-prep tips by topic, or search the knowledge base",
  usageHint: "[topic, e.g. behavioral, coding, leakage | any question | gaps | learned | help]",
  create:
    (services, { organizers }) =>
    async ({ command, ack, respond, client }) => {
      const { kb, search, gaps } = services;
      // Replies go in the ack (see registerCommands), except after asking Slack who is an organizer.
      const text = command.text.trim();
      if (text === "") {
        await respond({ response_type: "ephemeral", ...renderTopicList(kb.topics) });
        return;
      }
      if (/^(help|\?)$/i.test(text)) {
        await respond({ response_type: "ephemeral", ...renderPrepHelp(kb.topics) });
        return;
      }
      const organizersOnly = /^(gaps|learned)$/i.exec(text)?.[1]?.toLowerCase();
      if (organizersOnly) {
        await ack();
        if (!(await organizers.check(client, command.team_id, command.user_id))) {
          await respond({
            response_type: "ephemeral",
            ...renderOrganizersOnly(`/prep ${organizersOnly}`),
          });
          return;
        }
        const reply =
          organizersOnly === "gaps"
            ? await gapsReport(services, command.team_id)
            : await learnedReview(services, command.team_id, 0);
        await respond({ response_type: "ephemeral", ...reply });
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
        await respond({
          response_type: "ephemeral",
          ...(result.suggestions.length > 0
            ? renderDidYouMean(text, result.suggestions)
            : renderNotFound(text, kb.topics)),
        });
        return;
      }
      await respond({ response_type: "ephemeral", ...renderSearchResults(text, result.hits) });
    },
};
