import type { App, Logger } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { renderHomeDeadlines } from "../../blocks/deadlines.ts";
import { renderHome } from "../../blocks/home.ts";
import { renderHomeTracker } from "../../blocks/tracker.ts";
import type { Services } from "../../services/index.ts";
import { APOLOGY } from "../safely.ts";
import { trackerHome } from "../tracker/home.ts";
import { answerQuestion, plainQuestion } from "./answer.ts";

/**
 * The user's upcoming deadlines across the channels they share with the bot: channels with
 * deadlines, intersected with the user's channels as Slack reports them (users.conversations).
 */
async function deadlinesFor(services: Services, client: WebClient, teamId: string, userId: string) {
  const withDeadlines = new Set(await services.deadlines.channelsWithDeadlines(teamId));
  if (withDeadlines.size === 0) return [];
  const shared: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.users.conversations({
      user: userId,
      types: "public_channel,private_channel,mpim,im",
      exclude_archived: true,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    for (const c of page.channels ?? []) if (c.id && withDeadlines.has(c.id)) shared.push(c.id);
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  const items = [];
  for (const channelId of shared) {
    for (const deadline of await services.deadlines.upcoming(teamId, channelId)) {
      items.push({ channelId, deadline, daysLeft: services.deadlines.daysLeft(deadline) });
    }
  }
  return items.sort((a, b) => a.daysLeft - b.daysLeft).slice(0, 20);
}

/** Builds the App Home view for one user. */
export async function homeFor(
  services: Services,
  client: WebClient,
  teamId: string,
  userId: string,
  logger?: Logger,
) {
  const { kb, progress } = services;
  const started = (await progress.started(teamId, userId, kb.roles)).flatMap((p) => {
    const role = kb.getOfKind(p.roleId, "role");
    return role ? [{ role, progress: p }] : [];
  });
  let deadlines: Awaited<ReturnType<typeof deadlinesFor>> = [];
  try {
    deadlines = await deadlinesFor(services, client, teamId, userId);
  } catch (error) {
    // The rest of Home is still worth showing when Slack can't list the user's channels.
    logger?.warn("could not list the user's channels for Home deadlines:", error);
  }
  return renderHome({
    userId,
    started,
    roles: kb.roles,
    topics: kb.topics,
    extra: [
      ...renderHomeTracker(await trackerHome(services, teamId, userId)),
      ...renderHomeDeadlines(deadlines),
    ],
  });
}

/** DMs, mentions and App Home. */
export function registerEvents(app: App, services: Services): void {
  app.message(async ({ message, context, client, logger }) => {
    // Only new messages from people in a DM with the bot: no edits, deletions, bots or itself.
    if (message.channel_type !== "im" || message.subtype !== undefined) return;
    if (message.bot_id || message.user === context.botUserId || !message.text) return;
    try {
      const reply = await answerQuestion(
        services,
        context.teamId ?? "",
        plainQuestion(message.text),
      );
      await client.chat.postMessage({ channel: message.channel, ...reply });
    } catch (error) {
      logger.error("answering a DM failed:", error);
      await client.chat
        .postMessage({ channel: message.channel, text: APOLOGY })
        .catch(() => undefined);
    }
  });

  app.event("app_mention", async ({ event, context, client, logger }) => {
    if (event.bot_id || event.user === context.botUserId || event.subtype !== undefined) return;
    const thread_ts = event.thread_ts ?? event.ts;
    try {
      const reply = await answerQuestion(
        services,
        context.teamId ?? event.team ?? "",
        plainQuestion(event.text),
      );
      await client.chat.postMessage({ channel: event.channel, thread_ts, ...reply });
    } catch (error) {
      logger.error("answering a mention failed:", error);
      await client.chat
        .postMessage({ channel: event.channel, thread_ts, text: APOLOGY })
        .catch(() => undefined);
    }
  });

  app.event("app_home_opened", async ({ event, context, client, logger }) => {
    if (event.tab !== "home") return;
    try {
      await client.views.publish({
        user_id: event.user,
        view: await homeFor(services, client, context.teamId ?? "", event.user, logger),
      });
    } catch (error) {
      logger.error("publishing App Home failed:", error);
    }
  });
}
