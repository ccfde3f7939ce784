import type { WebClient } from "@slack/web-api";
import { renderListingsMessage } from "../../blocks/listings.ts";
import type { ListingsOutlet } from "../../services/listings/feed.ts";
import { outcomeOf } from "../nudges/deliver.ts";

/** The client of a workspace, or undefined when the app is not installed there. */
export type ListingsClientFor = (teamId: string) => Promise<WebClient | undefined>;

/**
 * Renders feed messages and posts (chat.postMessage) or redraws (chat.update) them, with a
 * client that hands 429s back so the feed's sender paces them. One client (one workspace), or
 * the client of each message's workspace.
 *
 * @example
 * const outlet = createListingsOutlet(createNudgeClient(config));
 */
export function createListingsOutlet(clients: WebClient | ListingsClientFor): ListingsOutlet {
  const clientFor: ListingsClientFor =
    typeof clients === "function" ? clients : async () => clients;
  return {
    async post(content) {
      try {
        const client = await clientFor(content.teamId);
        if (!client) return { ok: false, error: "not_installed" };
        const result = await client.chat.postMessage({
          channel: content.channelId,
          ...renderListingsMessage(content),
          unfurl_links: false,
          unfurl_media: false,
        });
        return { ok: true, ...(result.ts ? { ts: result.ts } : {}) };
      } catch (error) {
        return outcomeOf(error as never);
      }
    },
    async update(content, ts) {
      try {
        const client = await clientFor(content.teamId);
        if (!client) return { ok: false, error: "not_installed" };
        await client.chat.update({
          channel: content.channelId,
          ts,
          ...renderListingsMessage(content),
        });
        return { ok: true, ts };
      } catch (error) {
        return outcomeOf(error as never);
      }
    },
  };
}
