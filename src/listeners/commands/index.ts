import type { App } from "@slack/bolt";
import { commands } from "../../../commands/index.ts";
import { renderChannelsOnly } from "../../blocks/deadlines.ts";
import type { Services } from "../../services/index.ts";
import type { Organizers } from "../organizers.ts";
import { apologizeWith, respondOrEphemeral } from "../safely.ts";
import { decodeSlackText } from "../slack-text.ts";

/** A direct message with the bot (or another person), where per-channel commands make no sense. */
function isDirectMessage(command: { channel_id: string; channel_name: string }): boolean {
  return command.channel_name === "directmessage" || command.channel_id.startsWith("D");
}

/**
 * Registers every slash command in `commands/`. Handlers get the text as typed (Slack's escaping
 * of `&`, `<`, `>` undone once, here), and a `respond` that falls back to `chat.postEphemeral`
 * when the response_url fails.
 */
export function registerCommands(app: App, services: Services, organizers: Organizers): void {
  for (const command of commands) {
    const handler = command.create(services, { organizers });
    app.command(command.name, async (args) => {
      const respond = respondOrEphemeral(
        args.respond,
        args.client,
        { channel: args.command.channel_id, user: args.command.user_id },
        args.logger,
      );
      try {
        if (command.channelsOnly && isDirectMessage(args.command)) {
          await args.ack();
          await respond({ response_type: "ephemeral", ...renderChannelsOnly(command.name) });
          return;
        }
        await handler({
          ...args,
          respond,
          command: { ...args.command, text: decodeSlackText(args.command.text) },
        });
      } catch (error) {
        await apologizeWith(respond, args.logger, error, command.name);
      }
    });
  }
}
