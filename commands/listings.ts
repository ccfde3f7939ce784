import { escapeText, type Message } from "../src/blocks/kit.ts";
import {
  renderChannelsOnly,
  renderFollowArgsProblem,
  renderFollowed,
  renderFollowProblem,
  renderListingsHelp,
  renderListingsOrganizersOnly,
  renderNotFollowing,
  renderOff,
  renderPreview,
  renderStatusWithCheck,
} from "../src/blocks/listings.ts";
import type { Services } from "../src/services/index.ts";
import { parseFollowArgs } from "../src/services/listings/filters.ts";
import type { CommandContext, CommandHandler, SlashCommand } from "./types.ts";

/** What the grammar allows after `/listings`. */
export const LISTINGS_USAGE =
  'follow <url-or-path> [category:<c>] [term:"<t>"] [location:<text>|remote] [sponsorship:yes] [keyword:<text>] | status | preview | off | help';

/**
 * `/listings follow <url-or-path> [filters…]` (organizers, in a channel), `/listings status`,
 * `/listings preview`, `/listings off` (organizers), `/listings help`.
 */
export const listingsCommand: SlashCommand = {
  name: "/listings",
  description: "New internship openings from a listings file, posted in this channel",
  usageHint: LISTINGS_USAGE,
  create: (services: Services, { organizers }: CommandContext): CommandHandler => {
    const pollMinutes = services.listings.intervalMs / 60_000;
    return async ({ command, ack, respond, client }) => {
      await ack();
      const { team_id: team, channel_id: channel, user_id: user } = command;
      const text = command.text.trim();
      const [sub = ""] = text.split(/\s+/).filter(Boolean);
      const word = sub.toLowerCase();
      const reply = (m: Message, inChannel = false) =>
        respond({ response_type: inChannel ? "in_channel" : "ephemeral", ...m });
      const organizersOnly = async () => {
        if (await organizers.check(client, team, user)) return false;
        await reply(renderListingsOrganizersOnly(word));
        return true;
      };
      switch (word) {
        case "follow": {
          if (channel.startsWith("D")) return void (await reply(renderChannelsOnly()));
          if (await organizersOnly()) return;
          const args = parseFollowArgs(text.slice(sub.length));
          if (!args.ok) return void (await reply(renderFollowArgsProblem(args.problem)));
          const result = await services.listings.follow(
            team,
            channel,
            user,
            args.source,
            args.filters,
          );
          await reply(
            result.ok
              ? renderFollowed(result.preview, result.replaced, pollMinutes)
              : renderFollowProblem(result.problem),
          );
          return;
        }
        case "status":
          await reply(
            renderStatusWithCheck(await services.listings.status(team, channel), pollMinutes),
          );
          return;
        case "preview": {
          const result = await services.listings.preview(team, channel);
          if (result.ok) await reply(renderPreview(result.preview));
          else if (result.problem === "not_following") await reply(renderNotFollowing());
          else await reply(renderFollowProblem(result.problem));
          return;
        }
        case "off":
          if (await organizersOnly()) return;
          await reply(renderOff(await services.listings.off(team, channel, user), user), true);
          return;
        case "":
        case "help":
          await reply(renderListingsHelp());
          return;
        default:
          await reply(
            renderListingsHelp(
              `I don't know \`/listings ${escapeText(sub)}\`: use follow, status, preview, off or help.`,
            ),
          );
      }
    };
  },
};
