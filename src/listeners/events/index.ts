import type { App } from "@slack/bolt";
import type { Services } from "../../services/index.ts";
import type { HomePublisher } from "../home.ts";
import { apologyFor } from "../safely.ts";
import { answerQuestion, plainQuestion } from "./answer.ts";

/** DMs, mentions and App Home. */
export function registerEvents(app: App, services: Services, home: HomePublisher): void {
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
        .postMessage({ channel: message.channel, text: apologyFor(error) })
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
        .postMessage({ channel: event.channel, thread_ts, text: apologyFor(error) })
        .catch(() => undefined);
    }
  });

  app.event("app_home_opened", async ({ event, context, client, logger }) => {
    if (event.tab !== "home") return;
    await home.publish(context.teamId ?? "", event.user, client, logger);
  });
}
