import type { Message } from "../src/blocks/kit.ts";
import {
  renderExportFailed,
  renderExportSent,
  renderTrackAdded,
  renderTrackFull,
  renderTrackHelp,
  renderTrackList,
  renderTrackMoved,
  renderTrackNotFound,
  renderTrackProblem,
  renderTrackRemoved,
  renderTrackSetting,
} from "../src/blocks/tracker.ts";
import { sendExport } from "../src/listeners/tracker/export.ts";
import { toCsv } from "../src/services/tracker/export.ts";
import { parseTrack } from "../src/services/tracker/parse.ts";
import { userTimezone } from "./deadlines.ts";
import type { SlashCommand } from "./types.ts";

/**
 * `/track` lists your applications; `/track add <company> — <role> [link]`, `/track <id> <stage>`,
 * `/track remove <id>`, `/track export`, `/track share on|off`, `/track reminders on|off`,
 * `/track help`. Every reply is ephemeral: a student's applications are theirs alone.
 */
export const trackCommand: SlashCommand = {
  name: "/track",
  description: "Your internship applications, from saved to offer (only you see them)",
  usageHint: "add <company> — <role> [link] | <id> <stage> | remove <id> | export | help",
  create:
    (services) =>
    async ({ command, ack, respond, client, logger }) => {
      const { tracker } = services;
      const { team_id: team, user_id: user } = command;
      const reply = (m: Message) => respond({ response_type: "ephemeral", ...m });
      const parsed = parseTrack(command.text);
      if (!parsed.ok) {
        await reply(renderTrackProblem(parsed.problem));
        return;
      }
      const c = parsed.command;
      // What asks Slack (the user's timezone, the export's upload) acks first; the rest answers in the ack.
      if (c.kind !== "list" && c.kind !== "help" && c.kind !== "remove") await ack();
      switch (c.kind) {
        case "list":
          await reply(renderTrackList(await tracker.list(team, user)));
          return;
        case "help":
          await reply(renderTrackHelp());
          return;
        case "add": {
          const timezone = await userTimezone(client, user);
          const added = await tracker.add(team, user, c.application, timezone);
          await reply(added.ok ? renderTrackAdded(added.application) : renderTrackFull(added.max));
          return;
        }
        case "move": {
          const timezone = await userTimezone(client, user);
          const moved = await tracker.move(team, user, c.id, c.stage, timezone);
          await reply(
            moved.ok
              ? renderTrackMoved(moved.application, moved.from, moved.changed)
              : renderTrackNotFound(moved.id),
          );
          return;
        }
        case "remove": {
          const removed = await tracker.remove(team, user, c.id);
          await reply(removed ? renderTrackRemoved(removed) : renderTrackNotFound(c.id));
          return;
        }
        case "share":
        case "reminders": {
          const timezone = await userTimezone(client, user);
          if (c.kind === "share") await tracker.setShare(team, user, c.on, timezone);
          else await tracker.setReminders(team, user, c.on, timezone);
          await reply(renderTrackSetting(c.kind, c.on));
          return;
        }
        case "export": {
          const applications = await tracker.list(team, user);
          if (applications.length === 0) {
            await reply(renderExportSent(0, "empty"));
            return;
          }
          try {
            const how = await sendExport(client, user, toCsv(applications), applications.length);
            await reply(renderExportSent(applications.length, how));
          } catch (error) {
            logger.warn("/track export could not be sent:", error);
            const code =
              (error as { data?: { error?: string } }).data?.error ??
              (error instanceof Error ? error.message : "unknown_error");
            await reply(renderExportFailed(code));
          }
          return;
        }
      }
    },
};
