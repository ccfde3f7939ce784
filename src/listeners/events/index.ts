import type { App } from "@slack/bolt";
import { renderHome } from "../../blocks/home.ts";
import type { Services } from "../../services/index.ts";
import { APOLOGY } from "../safely.ts";
import { answerQuestion, plainQuestion } from "./answer.ts";

/** Builds the App Home view for one user. */
export async function homeFor(services: Services, teamId: string, userId: string) {
  const { kb, progress } = services;
  const startedIds = await progress.startedRoles(teamId, userId);
  const started = [];
  for (const roleId of startedIds.keys()) {
    const role = kb.getOfKind(roleId, "role");
    if (role) started.push({ role, progress: await progress.forRole(teamId, userId, role) });
  }
  return renderHome({ userId, started, roles: kb.roles, topics: kb.topics });
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
        view: await homeFor(services, context.teamId ?? "", event.user),
      });
    } catch (error) {
      logger.error("publishing App Home failed:", error);
    }
  });
}
