import { type WebAPICallError, WebClient } from "@slack/web-api";
import type { Answer, PairsSlack } from "../../services/pairs/rounds.ts";
import { type ClientFor, clientsOf, outcomeOf } from "../nudges/deliver.ts";

/** At most this many pages of a channel's members are read (1000 each). */
const MEMBER_PAGES = 20;

/**
 * The Slack calls `/pairs` makes, with the nudges' client (429s handed back, short timeouts) of
 * each channel's workspace: `conversations.members` (channels:read / groups:read) and
 * `conversations.open` with several users (mpim:write), which gives the same group DM however
 * often it is called.
 *
 * @example
 * const slack = createPairsSlack(createNudgeClient(config));
 * await slack.openGroup("T1", ["U1", "U2"]); // { ok: true, value: "G…" }
 */
export function createPairsSlack(clients: WebClient | ClientFor): PairsSlack {
  const clientFor = clientsOf(clients);
  const failed = (error: unknown): { ok: false; error: string } => {
    const outcome = outcomeOf(error as WebAPICallError);
    return { ok: false, error: outcome.ok ? "unknown_error" : outcome.error };
  };
  return {
    async members(teamId, channelId): Promise<Answer<string[]>> {
      try {
        const client = await clientFor(teamId);
        if (!(client instanceof WebClient))
          return { ok: false, error: client.ok ? "not_installed" : client.error };
        const members: string[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < MEMBER_PAGES; page++) {
          const result = await client.conversations.members({
            channel: channelId,
            limit: 1000,
            ...(cursor ? { cursor } : {}),
          });
          members.push(...(result.members ?? []));
          cursor = result.response_metadata?.next_cursor || undefined;
          if (!cursor) return { ok: true, value: members };
        }
        return { ok: false, error: "too_many_members" };
      } catch (error) {
        return failed(error);
      }
    },
    async openGroup(teamId, users): Promise<Answer<string>> {
      try {
        const client = await clientFor(teamId);
        if (!(client instanceof WebClient))
          return { ok: false, error: client.ok ? "not_installed" : client.error };
        const result = await client.conversations.open({
          users: users.join(","),
          return_im: false,
        });
        const id = result.channel?.id;
        return id ? { ok: true, value: id } : { ok: false, error: "no_channel_in_answer" };
      } catch (error) {
        return failed(error);
      }
    },
  };
}
