import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { Organizers } from "../src/listeners/organizers.ts";
import type { Services } from "../src/services/index.ts";

/**
 * Handles one command. `respond` sends a reply: the first quick ephemeral one travels in the ack
 * (the HTTP response), so a handler calls `ack()` itself only before slow work (a Slack API call,
 * a fetch), after which replies go through the response_url. See `registerCommands`.
 */
export type CommandHandler = (
  args: SlackCommandMiddlewareArgs & AllMiddlewareArgs,
) => Promise<void>;

/** A slash command: the source of truth for manifest.yml (a test compares them). */
export interface SlashCommand {
  /** e.g. "/skills" */
  name: string;
  /** Shown in Slack's command picker. */
  description: string;
  /** Shown after the command name while typing. */
  usageHint: string;
  /** Works only in channels (it keeps per-channel data); in a DM it answers that it works in channels. */
  channelsOnly?: boolean;
  create(services: Services, context: CommandContext): CommandHandler;
}

/** What command handlers get besides the services: Slack-side helpers shared by listeners. */
export interface CommandContext {
  organizers: Organizers;
}
