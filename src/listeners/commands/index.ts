import type { App } from "@slack/bolt";
import { commands } from "../../../commands/index.ts";
import type { Services } from "../../services/index.ts";
import type { Organizers } from "../organizers.ts";
import { apologizeWith } from "../safely.ts";

/** Registers every slash command in `commands/`. */
export function registerCommands(app: App, services: Services, organizers: Organizers): void {
  for (const command of commands) {
    const handler = command.create(services, { organizers });
    app.command(command.name, async (args) => {
      try {
        await handler(args);
      } catch (error) {
        await apologizeWith(args.respond, args.logger, error, command.name);
      }
    });
  }
}
