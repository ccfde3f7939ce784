import type { WebClient } from "@slack/web-api";
import {
  renderChannelFull,
  renderDeadlineAdded,
  renderDeadlineConfirm,
  renderDeadlineList,
  renderDeadlineProblem,
  renderDeadlineRemoved,
  renderDeadlinesHelp,
} from "../src/blocks/deadlines.ts";
import { problemText } from "../src/blocks/problems.ts";
import {
  isFarOff,
  parseNewDeadline,
  pendingDeadline,
} from "../src/services/deadlines/deadlines.ts";
import type { Services } from "../src/services/index.ts";
import type { SlashCommand } from "./types.ts";

/** The timezone dates in this channel are read in: the nudge schedule's, else the user's, else UTC. */
export async function channelTimezone(
  services: Services,
  client: WebClient,
  teamId: string,
  channelId: string,
  userId: string,
): Promise<string> {
  const schedule = (await services.channels.get(teamId, channelId)).schedule;
  if (schedule) return schedule.timezone;
  return userTimezone(client, userId);
}

/** The user's timezone from their Slack profile, or UTC when Slack can't tell. */
export async function userTimezone(client: WebClient, userId: string): Promise<string> {
  try {
    const info = await client.users.info({ user: userId });
    return info.user?.tz ?? "UTC";
  } catch {
    return "UTC";
  }
}

/**
 * `/deadlines add <date> <title> [url]`, `/deadlines list`, `/deadlines remove <id>`,
 * `/deadlines help`.
 */
export const deadlinesCommand: SlashCommand = {
  name: "/deadlines",
  description: "This channel's application deadlines: add, list, remove",
  channelsOnly: true,
  usageHint: "add <date> <title> [link] | list | remove <id> | help",
  create:
    (services) =>
    async ({ command, ack, respond, client }) => {
      const { deadlines } = services;
      const { team_id: team, channel_id: channel, user_id: user } = command;
      const [sub = "", ...restWords] = command.text.trim().split(/\s+/);
      const rest = command.text.trim().slice(sub.length).trim();
      switch (sub.toLowerCase()) {
        case "add": {
          // The channel's timezone may come from users.info: a Slack API call, so ack first.
          await ack();
          const timezone = await channelTimezone(services, client, team, channel, user);
          const now = new Date(services.clock.now());
          const parsed = parseNewDeadline(rest, now, timezone);
          if (!parsed.ok) {
            await respond({
              response_type: "ephemeral",
              ...renderDeadlineProblem(problemText(parsed.problem)),
            });
            return;
          }
          if (isFarOff(parsed.value.date, now, timezone)) {
            const pending = pendingDeadline.from(deadlines.newDeadlineId(), parsed.value, timezone);
            await respond({
              response_type: "ephemeral",
              ...renderDeadlineConfirm(pending, pendingDeadline.encode(pending)),
            });
            return;
          }
          const added = await deadlines.add(team, channel, parsed.value, user, timezone);
          if (!added.ok) {
            await respond({ response_type: "ephemeral", ...renderChannelFull(added.limit) });
            return;
          }
          await respond({
            response_type: "in_channel",
            ...renderDeadlineAdded(added.value, deadlines.daysLeft(added.value)),
          });
          return;
        }
        case "list": {
          const items = await deadlines.upcoming(team, channel);
          await respond({
            response_type: "ephemeral",
            ...renderDeadlineList(
              items.map((deadline) => ({ deadline, daysLeft: deadlines.daysLeft(deadline) })),
              channel,
            ),
          });
          return;
        }
        case "remove":
        case "delete": {
          const id = restWords[0];
          if (!id) {
            await respond({
              response_type: "ephemeral",
              ...renderDeadlineProblem(problemText({ code: "which_deadline" })),
            });
            return;
          }
          const removed = await deadlines.remove(team, channel, id);
          if (!removed) {
            await respond({
              response_type: "ephemeral",
              ...renderDeadlineProblem(problemText({ code: "no_such_deadline", id })),
            });
            return;
          }
          await respond({ response_type: "in_channel", ...renderDeadlineRemoved(removed, user) });
          return;
        }
        case "":
        case "help":
          await respond({ response_type: "ephemeral", ...renderDeadlinesHelp() });
          return;
        default:
          await respond({
            response_type: "ephemeral",
            ...renderDeadlinesHelp(
              problemText({ code: "unknown_subcommand", command: "/deadlines", sub }),
            ),
          });
      }
    },
};
