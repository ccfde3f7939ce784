import type { RespondFn } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import {
  renderPairsHelp,
  renderPairsNobodyYet,
  renderPairsNowResult,
  renderPairsOff,
  renderPairsOn,
  renderPairsStanding,
  renderPairsStatus,
} from "../src/blocks/pairs.ts";
import { problemText } from "../src/blocks/problems.ts";
import type { Services } from "../src/services/index.ts";
import {
  nextRun,
  type Parsed,
  type Problem,
  parseTime,
  parseTimezone,
  parseWeekday,
} from "../src/services/scheduling/time.ts";
import { channelTimezone } from "./deadlines.ts";
import type { SlashCommand } from "./types.ts";

/** `/pairs` as typed: what to do, with the weekly time already checked for `on`. */
export type PairsArgs =
  | { sub: "on"; weekday: number; time: string; timezone: string | undefined }
  | { sub: "off" | "status" | "now" | "help" | "join" | "leave" }
  | { sub: "problem"; problem: Problem };

/**
 * The grammar: `on <weekday> <HH:MM> [timezone]` | `off` | `status` | `now` | `help` | `join` |
 * `leave`. A bad weekday, time or timezone comes back as the problem to explain.
 *
 * @example
 * parsePairs("on tue 18:00 Europe/London"); // { sub: "on", weekday: 2, time: "18:00", timezone: "Europe/London" }
 */
export function parsePairs(text: string): PairsArgs {
  const [word = "", ...args] = text.trim().split(/\s+/).filter(Boolean);
  const sub = word.toLowerCase();
  switch (sub) {
    case "on": {
      const [dayWord, timeWord, zoneWord, ...extra] = args;
      if (!dayWord || !timeWord || extra.length > 0)
        return { sub: "problem", problem: { code: "pairs_on_usage" } };
      const weekday = parseWeekday(dayWord);
      const time = parseTime(timeWord);
      const zone: Parsed<string | undefined> = zoneWord
        ? parseTimezone(zoneWord)
        : { ok: true, value: undefined };
      if (!weekday.ok) return { sub: "problem", problem: weekday.problem };
      if (!time.ok) return { sub: "problem", problem: time.problem };
      if (!zone.ok) return { sub: "problem", problem: zone.problem };
      return { sub: "on", weekday: weekday.value, time: time.value, timezone: zone.value };
    }
    case "":
      return { sub: "help" };
    case "off":
    case "status":
    case "now":
    case "help":
    case "join":
    case "leave":
      return args.length === 0
        ? { sub }
        : {
            sub: "problem",
            problem: { code: "unknown_subcommand", command: "/pairs", sub: text.trim() },
          };
    default:
      return {
        sub: "problem",
        problem: { code: "unknown_subcommand", command: "/pairs", sub: word },
      };
  }
}

/**
 * `/pairs on <weekday> <HH:MM> [timezone]`, `/pairs off`, `/pairs status`, `/pairs now`,
 * `/pairs help`, `/pairs join`, `/pairs leave`: weekly mock-interview pairs in a channel.
 */
export const pairsCommand: SlashCommand = {
  name: "/pairs",
  description: "Weekly mock-interview partners from this channel",
  channelsOnly: true,
  usageHint: "on <weekday> <HH:MM> [timezone] | off | status | now | join | leave | help",
  create:
    (services) =>
    async ({ command, ack, respond, client }) =>
      route(services, parsePairs(command.text), command, { ack, respond, client }),
};

interface Replies {
  /** Called before slow work (a Slack call); quick replies before it travel in the ack itself. */
  ack(): Promise<void>;
  respond: RespondFn;
  client: WebClient;
}

/** Does what `/pairs …` asked, and answers. */
async function route(
  services: Services,
  args: PairsArgs,
  command: { team_id: string; channel_id: string; user_id: string },
  { ack, respond, client }: Replies,
): Promise<void> {
  const { pairs, scheduler, clock } = services;
  const { team_id: team, channel_id: channel, user_id: user } = command;
  const now = () => new Date(clock.now());
  switch (args.sub) {
    case "problem":
      await respond({ response_type: "ephemeral", ...renderPairsHelp(problemText(args.problem)) });
      return;
    case "help":
      await respond({ response_type: "ephemeral", ...renderPairsHelp() });
      return;
    case "on": {
      // Without a timezone, Slack is asked for the user's: acknowledged first.
      if (!args.timezone) await ack();
      const timezone =
        args.timezone ?? (await channelTimezone(services, client, team, channel, user));
      const schedule = await pairs.turnOn(
        team,
        channel,
        { weekday: args.weekday, time: args.time, timezone },
        user,
      );
      const reply = {
        response_type: "in_channel" as const,
        ...renderPairsOn(schedule, nextRun(schedule, now()), user),
      };
      await respond(reply);
      return;
    }
    case "off":
      await respond({
        response_type: "in_channel",
        ...renderPairsOff(await pairs.turnOff(team, channel, user), user),
      });
      return;
    case "join":
    case "leave": {
      const changed =
        args.sub === "join"
          ? await pairs.join(team, channel, user)
          : await pairs.leave(team, channel, user);
      await respond({ response_type: "ephemeral", ...renderPairsStanding(args.sub, changed) });
      return;
    }
    case "status": {
      const status = await pairs.status(team, channel);
      const timezone = status.schedule?.timezone ?? "UTC";
      await respond({ response_type: "ephemeral", ...renderPairsStatus(status, timezone) });
      return;
    }
    case "now": {
      const before = await pairs.status(team, channel);
      if (!before.open && before.standing.length < 2) {
        await respond({ response_type: "ephemeral", ...renderPairsNobodyYet() });
        return;
      }
      // Pairing reads the channel's members and opens group DMs: acknowledged first.
      await ack();
      const report = await scheduler.postNowOnce(await pairs.pairNow(team, channel));
      const last = (await pairs.status(team, channel)).last;
      await respond({
        response_type: "ephemeral",
        ...renderPairsNowResult({
          groups: last?.pairs ?? 0,
          participants: last?.participants ?? 0,
          failed: report.failed,
        }),
      });
      return;
    }
  }
}
