import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { KnownBlock } from "@slack/types";
import { Actions, TICK_ACTION } from "../../blocks/action-ids.ts";
import { renderThanks } from "../../blocks/answers.ts";
import { renderChannelFull, renderDeadlineAdded } from "../../blocks/deadlines.ts";
import type { Message } from "../../blocks/kit.ts";
import { renderEntry, renderShared } from "../../blocks/prep.ts";
import { renderChecklist, renderChecklistWhy } from "../../blocks/skills.ts";
import { pendingDeadline } from "../../services/deadlines/deadlines.ts";
import type { Services } from "../../services/index.ts";
import type { HomePublisher } from "../home.ts";
import { apologizeWith, respondOrEphemeral } from "../safely.ts";

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** The value of the clicked button or select, if any. */
function clickedValue(args: ActionArgs): string {
  const action = args.action;
  if (action.type === "button") return action.value ?? "";
  if (action.type === "static_select") return action.selected_option?.value ?? "";
  return "";
}

/**
 * Shows a new message to the user who clicked: ephemeral where the click came from a message,
 * or in their DM with the bot where it came from the Home tab (which has no response_url).
 */
async function show(args: ActionArgs, reply: Message): Promise<void> {
  if (args.body.response_url) {
    await args.respond({ response_type: "ephemeral", replace_original: false, ...reply });
  } else {
    await args.client.chat.postMessage({ channel: args.body.user.id, ...reply });
  }
}

function teamOf(args: ActionArgs): string {
  return args.body.team?.id ?? args.context.teamId ?? "";
}

/** Button clicks and checkbox ticks. */
export function registerActions(
  app: App,
  services: Services,
  home: HomePublisher,
  /** Action ids other modules handle (e.g. listing posts), left alone by the catch-all below. */
  handledElsewhere: ReadonlyArray<string | RegExp> = [],
): void {
  const { kb, progress, feedback } = services;
  const known: Array<string | RegExp> = [...handledElsewhere];
  const on = (actionId: string | RegExp, handle: (args: ActionArgs) => Promise<void>) => {
    known.push(actionId);
    app.action<BlockAction>(actionId, async (raw) => {
      await raw.ack();
      const respond = respondOrEphemeral(
        raw.respond,
        raw.client,
        { channel: raw.body.channel?.id, user: raw.body.user.id },
        raw.logger,
      );
      const args = { ...raw, respond };
      try {
        await handle(args);
      } catch (error) {
        await apologizeWith(
          args.body.response_url ? respond : undefined,
          args.logger,
          error,
          `action ${String(actionId)}`,
        );
      }
    });
  };

  on(Actions.openRole, async (args) => {
    const role = kb.getOfKind(clickedValue(args), "role");
    if (!role) return;
    await show(
      args,
      renderChecklist(role, await progress.forRole(teamOf(args), args.body.user.id, role)),
    );
  });

  on(TICK_ACTION, async (args) => {
    const { action } = args;
    if (action.type !== "checkboxes") return;
    const [, roleId, group] = action.block_id.split(":");
    const role = kb.getOfKind(roleId ?? "", "role");
    if (!role) return;
    const start = Number(group) * 10;
    const shown = role.checklist.slice(start, start + 10).map((item) => item.id);
    const selected = action.selected_options.map((o) => o.value ?? "");
    const user = args.body.user.id;
    const updated = await progress.setTicks(teamOf(args), user, role, shown, selected);
    // Redraw with the new progress line; ticks come from what was saved, so the view never lies.
    if (args.body.response_url) {
      await args.respond({ replace_original: true, ...renderChecklist(role, updated) });
    }
    if (args.body.container.type === "view") {
      await home.refresh(teamOf(args), user, args.client, args.logger);
    }
  });

  on(Actions.roleWhy, async (args) => {
    const role = kb.getOfKind(clickedValue(args), "role");
    if (role) await show(args, renderChecklistWhy(role));
  });

  on(Actions.openTopic, async (args) => {
    const topic = kb.getOfKind(clickedValue(args), "topic");
    if (topic) await show(args, renderEntry(topic));
  });

  on(Actions.openEntry, async (args) => {
    const entry = kb.get(clickedValue(args));
    if (entry) await show(args, renderEntry(entry));
  });

  on(Actions.share, async (args) => {
    const entry = kb.get(clickedValue(args));
    if (!entry || !args.body.response_url) return;
    await args.respond({
      response_type: "in_channel",
      replace_original: false,
      ...renderShared(entry, args.body.user.id),
    });
  });

  // "Yes, add it for <date>" under a far-off deadline: adds exactly that one, once however often
  // the button is pressed (the deadline's id was fixed when the question was asked).
  on(Actions.confirmDeadline, async (args) => {
    const pending = pendingDeadline.decode(clickedValue(args), new Date(services.clock.now()));
    const channel = args.body.channel?.id;
    if (!pending || !channel) return;
    const { deadlines } = services;
    const added = await deadlines.add(
      teamOf(args),
      channel,
      pendingDeadline.toNew(pending),
      args.body.user.id,
      pending.timezone,
      { id: pending.id },
    );
    if (!added.ok) {
      await show(args, renderChannelFull(added.limit));
      return;
    }
    if (added.existed) return;
    if (args.body.response_url) {
      await args.respond({
        response_type: "in_channel",
        replace_original: false,
        ...renderDeadlineAdded(added.value, deadlines.daysLeft(added.value)),
      });
      // The question is answered: take it (and its button) away.
      await args.respond({ delete_original: true });
    }
  });

  const vote = (helpful: boolean) => async (args: ActionArgs) => {
    const entryId = clickedValue(args);
    if (!kb.get(entryId)) return;
    await feedback.vote(entryId, args.body.user.id, helpful);
    const original = args.body.message;
    if (!original?.ts || !args.body.channel?.id) return;
    const blocks = ((original.blocks ?? []) as KnownBlock[]).map((block) =>
      block.block_id?.startsWith(`feedback:${entryId}`) ? renderThanks(helpful) : block,
    );
    await args.client.chat.update({
      channel: args.body.channel.id,
      ts: original.ts,
      text: original.text ?? "",
      blocks,
    });
  };
  on(Actions.helpful, vote(true));
  on(Actions.notHelpful, vote(false));

  // Any other action id (a button from an older version of a message, a link button) is acknowledged
  // at once, so Slack shows no error. It runs beside the listeners above (Bolt runs every match).
  app.action<BlockAction>(/./, async ({ action, ack, logger }) => {
    const id = action.action_id;
    if (known.some((m) => (typeof m === "string" ? m === id : m.test(id)))) return;
    logger.debug(`acknowledged an action with an unknown id: ${id}`);
    await ack();
  });
}
