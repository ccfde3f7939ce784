import type { AckFn, RespondArguments, RespondFn } from "@slack/bolt";
import { commands } from "../../../commands/index.ts";
import type { SlashCommand } from "../../../commands/types.ts";
import { renderChannelsOnly } from "../../blocks/deadlines.ts";
import type { Services } from "../../services/index.ts";
import type { Timers } from "../home.ts";
import type { Organizers } from "../organizers.ts";
import type { Router } from "../router.ts";
import { apologizeWith, respondOrEphemeral } from "../safely.ts";
import { decodeSlackText } from "../slack-text.ts";

/**
 * A command with no reply yet is acknowledged (empty) this long after it arrived, so Slack never
 * shows "operation_timeout" (it waits 3 s); its reply then goes through the response_url.
 */
export const ACK_DEADLINE_MS = 2000;

/**
 * How a reply travels in the ack: as JSON text already written (HTTP mode, see src/blocks/json.ts),
 * or as the object itself (Socket Mode, whose envelope carries it).
 */
export type AckBody = (reply: RespondArguments) => string | RespondArguments;

/** What `respond` returns for a reply that travelled in the ack. */
const NO_CALL = new Response(null, { status: 204 });

/** A direct message with the bot (or another person), where per-channel commands make no sense. */
function isDirectMessage(command: { channel_id: string; channel_name: string }): boolean {
  return command.channel_name === "directmessage" || command.channel_id.startsWith("D");
}

/**
 * Where a command's replies go. The first reply, when it is ephemeral and ready before the
 * command was acknowledged, travels in the ack itself (the HTTP response, or Socket Mode's ack):
 * no second request, and the user sees it sooner. Everything else goes through the response_url:
 * replies after a handler called `ack()` (it does before slow work: a Slack API call, a fetch),
 * `in_channel` replies (in the ack, Slack would also post the command as typed), and replies after
 * the deadline above.
 */
function replies(
  ack: AckFn<string | RespondArguments>,
  respond: RespondFn,
  timers: Timers,
  ackBody: AckBody,
): {
  ack: () => Promise<void>;
  respond: RespondFn;
  armDeadline: () => void;
  settle: () => Promise<void>;
} {
  const arrived = timers.now();
  let acked = false;
  let deadline: { cancel(): void } | undefined;
  const ackEmpty = async () => {
    if (acked) return;
    acked = true;
    deadline?.cancel();
    await ack();
  };
  return {
    ack: ackEmpty,
    async respond(message) {
      const args: RespondArguments = typeof message === "string" ? { text: message } : message;
      const ephemeral = (args.response_type ?? "ephemeral") === "ephemeral";
      if (!acked && ephemeral && !args.replace_original && !args.delete_original) {
        acked = true;
        deadline?.cancel();
        const { replace_original: _r, delete_original: _d, ...reply } = args;
        await ack(ackBody({ ...reply, response_type: "ephemeral" }));
        // No response_url call was made: one shared empty response says so (bodiless, so nobody
        // can consume it; a new one per reply cost ~3% of a quick command).
        return NO_CALL;
      }
      await ackEmpty();
      return respond(args);
    },
    /**
     * Once the handler has run up to its first wait: the deadline, counted from the command's
     * arrival, unless the reply already went in the ack, as most do (then no timer is set and
     * cleared for the command).
     */
    armDeadline() {
      if (acked || deadline) return;
      const left = ACK_DEADLINE_MS - (timers.now() - arrived);
      deadline = timers.setTimeout(() => void ackEmpty(), Math.max(0, left));
    },
    /** After the handler: acknowledges a command that got no reply at all. */
    settle: ackEmpty,
  };
}

/**
 * One listener for every slash command, routing by name through the table in `commands/index.ts`
 * (one entry there adds a command). Handlers get the text as typed (Slack's escaping of `&`, `<`,
 * `>` undone once, here), an `ack()` to call before slow work, and a `respond` whose first quick
 * ephemeral reply goes in the ack, later ones to the response_url (falling back to
 * `chat.postEphemeral` when the response_url fails).
 */
export function registerCommands(
  router: Router,
  services: Services,
  organizers: Organizers,
  timers: Timers,
  ackBody: AckBody,
): void {
  const routes = new Map<
    string,
    { command: SlashCommand; handler: ReturnType<SlashCommand["create"]> }
  >(
    commands.map((command) => [
      command.name,
      { command, handler: command.create(services, { organizers }) },
    ]),
  );
  router.command(async (args) => {
    const route = routes.get(args.command.command);
    if (!route) {
      args.logger.warn(`acknowledged an unknown command ${args.command.command}`);
      await args.ack();
      return;
    }
    const { command, handler } = route;
    const reply = replies(
      args.ack,
      respondOrEphemeral(
        args.respond,
        args.client,
        { channel: args.command.channel_id, user: args.command.user_id },
        args.logger,
      ),
      timers,
      ackBody,
    );
    try {
      if (command.channelsOnly && isDirectMessage(args.command)) {
        await reply.respond({ response_type: "ephemeral", ...renderChannelsOnly(command.name) });
        return;
      }
      // Decoded in place, once: the parsed body is this request's own, and a copy of it (a
      // dictionary object, as querystring makes it) cost more than the rest of routing.
      args.command.text = decodeSlackText(args.command.text);
      const handled = handler({ ...args, ack: reply.ack, respond: reply.respond });
      reply.armDeadline();
      await handled;
    } catch (error) {
      await apologizeWith(reply.respond, args.logger, error, command.name);
    } finally {
      await reply.settle();
    }
  });
}
