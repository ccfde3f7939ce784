import type { AllMiddlewareArgs, Context, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { SlackEvent } from "@slack/types";
import type { Services } from "../../services/index.ts";
import type { HomePublisher } from "../home.ts";
import { uninstallRoutes } from "../oauth/index.ts";
import type { Router } from "../router.ts";
import { apologyFor } from "../safely.ts";
import { answerQuestion, plainQuestion } from "./answer.ts";

/** Bolt's arguments for one event of a given type. */
export type EventArgs<T extends string> = SlackEventMiddlewareArgs<T> & AllMiddlewareArgs;

/**
 * Whether this delivery of the event is the first one (see slack-app.ts): a listener awaits it
 * before posting anything, so a retried event is answered once.
 */
export function firstDelivery(context: Context): Promise<boolean> {
  return (context.firstDelivery as Promise<boolean> | undefined) ?? Promise.resolve(true);
}

/** Event types whose route computes its answer first and awaits `firstDelivery` itself. */
const CLAIM_IN_ROUTE = new Set(["message", "app_mention"]);

/** The events the app handles, by type: one entry adds one. */
export type EventRoutes = { [T in SlackEvent["type"]]?: (args: EventArgs<T>) => Promise<void> };

/**
 * DMs, mentions, App Home and (multi-workspace) uninstalls: one handler for every event
 * (../router.ts), routing by the event's type through the table below.
 */
export function registerEvents(router: Router, services: Services, home: HomePublisher): void {
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
        if (!(await firstDelivery(context))) return;
        await client.chat.postMessage({ channel: message.channel, ...reply });
      } catch (error) {
        logger.error("answering a DM failed:", error);
        if (!(await firstDelivery(context))) return;
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
        if (!(await firstDelivery(context))) return;
        await client.chat.postMessage({ channel: event.channel, thread_ts, ...reply });
      } catch (error) {
        logger.error("answering a mention failed:", error);
        if (!(await firstDelivery(context))) return;
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

  router.event(async (args) => {
    const route = routes[args.event.type as SlackEvent["type"]] as
      | ((a: typeof args) => Promise<void>)
      | undefined;
    if (!route) return;
    if (!CLAIM_IN_ROUTE.has(args.event.type) && !(await firstDelivery(args.context))) {
      args.logger.debug(`skipping event ${args.body.event_id}: already handled`);
      return;
    }
    await route(args);
  });
}
