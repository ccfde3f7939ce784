import {
  renderNudgeNowProblem,
  renderNudgesDamaged,
  renderNudgesHelp,
  renderNudgesOff,
  renderNudgesOn,
  renderNudgesStatus,
} from "../src/blocks/deadlines.ts";
import { problemText } from "../src/blocks/problems.ts";
import {
  nextRun,
  parseTime,
  parseTimezone,
  parseWeekday,
} from "../src/services/scheduling/time.ts";
import { channelTimezone, userTimezone } from "./deadlines.ts";
import type { SlashCommand } from "./types.ts";

/**
 * `/nudges on <weekday> <HH:MM> [IANA timezone]`, `/nudges off`, `/nudges status`, `/nudges now`,
 * `/nudges help`.
 */
export const nudgesCommand: SlashCommand = {
  name: "/nudges",
  description: "Weekly deadline and practice nudges in this channel",
  channelsOnly: true,
  usageHint: "on <weekday> <HH:MM> [timezone] | off | status | now | help",
  create:
    (services) =>
    async ({ command, ack, respond, client }) => {
      const { channels, scheduler } = services;
      const { team_id: team, channel_id: channel, user_id: user } = command;
      const [sub = "", ...args] = command.text.trim().split(/\s+/).filter(Boolean);
      switch (sub.toLowerCase()) {
        case "on": {
          // The user's timezone may come from users.info: a Slack API call, so ack first.
          await ack();
          const [dayWord, timeWord, zoneWord, ...extra] = args;
          if (!dayWord || !timeWord || extra.length > 0) {
            await respond({
              response_type: "ephemeral",
              ...renderNudgesHelp(problemText({ code: "nudges_on_usage" })),
            });
            return;
          }
          const weekday = parseWeekday(dayWord);
          const time = parseTime(timeWord);
          const zone = zoneWord
            ? parseTimezone(zoneWord)
            : { ok: true as const, value: await userTimezone(client, user) };
          const problem = [weekday, time, zone].find((p) => !p.ok);
          if (problem && !problem.ok) {
            await respond({
              response_type: "ephemeral",
              ...renderNudgesHelp(problemText(problem.problem)),
            });
            return;
          }
          if (!weekday.ok || !time.ok || !zone.ok) return;
          const schedule = await channels.turnOn(
            team,
            channel,
            { weekday: weekday.value, time: time.value, timezone: zone.value },
            user,
          );
          await respond({
            response_type: "in_channel",
            ...renderNudgesOn(schedule, nextRun(schedule, new Date(services.clock.now())), user),
          });
          return;
        }
        case "off":
          await respond({
            response_type: "in_channel",
            ...renderNudgesOff(await channels.turnOff(team, channel, user), user),
          });
          return;
        case "status": {
          const state = await channels.inspect(team, channel);
          if (state === "damaged") {
            await respond({ response_type: "ephemeral", ...renderNudgesDamaged() });
            return;
          }
          const { schedule } = state;
          const active = schedule?.enabled && !schedule.pausedReason;
          await respond({
            response_type: "ephemeral",
            ...renderNudgesStatus(
              schedule,
              active ? nextRun(schedule, new Date(services.clock.now())) : undefined,
            ),
          });
          return;
        }
        case "now": {
          await ack();
          const timezone = await channelTimezone(services, client, team, channel, user);
          const result = await scheduler.postNow(team, channel, timezone);
          if (result.status !== "posted") {
            await respond({
              response_type: "ephemeral",
              ...renderNudgeNowProblem(result.error ?? result.status),
            });
          }
          return;
        }
        case "":
        case "help":
          await respond({ response_type: "ephemeral", ...renderNudgesHelp() });
          return;
        default:
          await respond({
            response_type: "ephemeral",
            ...renderNudgesHelp(
              problemText({ code: "unknown_subcommand", command: "/nudges", sub }),
            ),
          });
      }
    },
};
