import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { KnownBlock } from "@slack/types";
import { Actions, TICK_ACTION } from "../../blocks/action-ids.ts";
import { renderThanks } from "../../blocks/answers.ts";
import type { Message } from "../../blocks/kit.ts";
import { renderEntry, renderShared } from "../../blocks/prep.ts";
import { renderChecklist, renderChecklistWhy } from "../../blocks/skills.ts";
import type { Services } from "../../services/index.ts";
import { homeFor } from "../events/index.ts";
import { apologizeWith } from "../safely.ts";
import { registerTrackerActions } from "../tracker/actions.ts";

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
export function registerActions(app: App, services: Services): void {
  const { kb, progress, feedback } = services;
  const on = (actionId: string | RegExp, handle: (args: ActionArgs) => Promise<void>) => {
    app.action<BlockAction>(actionId, async (args) => {
      await args.ack();
      try {
        await handle(args);
      } catch (error) {
        await apologizeWith(
          args.body.response_url ? args.respond : undefined,
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
      await args.client.views.publish({
        user_id: user,
        view: await homeFor(services, args.client, teamOf(args), user, args.logger),
      });
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

  registerTrackerActions(app, services);
}
