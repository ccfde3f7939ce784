import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { SlackEvent } from "@slack/types";
import type { Services } from "../../services/index.ts";
import type { HomePublisher } from "../home.ts";
import { uninstallRoutes } from "../oauth/index.ts";
import { apologyFor } from "../safely.ts";
import { answerQuestion, plainQuestion } from "./answer.ts";

/** Bolt's arguments for one event of a given type. */
export type EventArgs<T extends string> = SlackEventMiddlewareArgs<T> & AllMiddlewareArgs;

/** The events the app handles, by type: one entry adds one. */
export type EventRoutes = { [T in SlackEvent["type"]]?: (args: EventArgs<T>) => Promise<void> };

/**
 * DMs, mentions, App Home and (multi-workspace) uninstalls: one Bolt listener for every event,
 * routing by the event's type through the table below.
 */
export function registerEvents(app: App, services: Services, home: HomePublisher): void {
  const routes: EventRoutes = {
    message: async ({ message, context, client, logger }: EventArgs<"message">) => {
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
    },

    app_mention: async ({ event, context, client, logger }: EventArgs<"app_mention">) => {
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
    },

    app_home_opened: async ({ event, context, client, logger }: EventArgs<"app_home_opened">) => {
      if (event.tab !== "home") return;
      await home.publish(context.teamId ?? "", event.user, client, logger);
    },

    ...uninstallRoutes(services),
  };

  app.event(/./, async (args) => {
    const route = routes[args.event.type as SlackEvent["type"]] as
      | ((a: typeof args) => Promise<void>)
      | undefined;
    await route?.(args);
  });
}
