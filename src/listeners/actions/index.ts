import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { KnownBlock } from "@slack/types";
import { Actions, LEARNED_PAGE_ACTION, PICK_ACTION, TICK_ACTION } from "../../blocks/action-ids.ts";
import { pickedNote, renderPicked, renderStaleClick, renderThanks } from "../../blocks/answers.ts";
import { renderChannelFull, renderDeadlineAdded } from "../../blocks/deadlines.ts";
import type { Message } from "../../blocks/kit.ts";
import {
  renderEntry,
  renderOrganizersOnly,
  renderPickedEntry,
  renderShared,
} from "../../blocks/prep.ts";
import { renderChecklist, renderChecklistWhy } from "../../blocks/skills.ts";
import { decodePage, decodePick, decodeReview, decodeVote } from "../../blocks/values.ts";
import { pendingDeadline } from "../../services/deadlines/deadlines.ts";
import type { Services } from "../../services/index.ts";
import type { HomePublisher } from "../home.ts";
import { registerListingActions } from "../listings/actions.ts";
import type { Organizers } from "../organizers.ts";
import { registerPairsActions } from "../pairs/actions.ts";
import { learnedReview } from "../review.ts";
import type { Router } from "../router.ts";
import { apologizeWith, respondOrEphemeral } from "../safely.ts";
import { registerTrackerActions } from "../tracker/actions.ts";

export type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

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

/** Tells only the clicker, beside the message they clicked in (nothing when there is no response_url). */
async function tell(args: ActionArgs, reply: Message): Promise<void> {
  if (args.body.response_url) {
    await args.respond({ response_type: "ephemeral", replace_original: false, ...reply });
  }
}

/** Handles one click or tick, given Bolt's arguments as they are (it must ack). */
export type ActionRoute = (args: ActionArgs) => Promise<void>;

/** Adds a route for an action id: exact, or a pattern (ids that carry a suffix, `answer_pick:2`). */
export type AddRoute = (actionId: string | RegExp, route: ActionRoute) => void;

/**
 * Button clicks, selects and checkbox ticks: one handler for all of them (../router.ts), routing
 * by action_id through one table (exact ids in a map, the few suffixed ids by pattern). Features add
 * their entries with `on` here, or with `route` from their own module (tracker, listings).
 */
export function registerActions(
  router: Router,
  services: Services,
  home: HomePublisher,
  organizers: Organizers,
): void {
  const { kb, progress, feedback, learned, deliveries } = services;
  const exact = new Map<string, ActionRoute>();
  const patterns: Array<[RegExp, ActionRoute]> = [];
  const route: AddRoute = (actionId, handle) => {
    if (typeof actionId === "string") exact.set(actionId, handle);
    else patterns.push([actionId, handle]);
  };
  /** A route that acks at once and apologizes for a failure (replies fall back to chat.postEphemeral). */
  const on = (actionId: string | RegExp, handle: (args: ActionArgs) => Promise<void>) =>
    route(actionId, async (raw) => {
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

  router.action(async (args) => {
    const id = args.action.action_id;
    const handle = exact.get(id) ?? patterns.find(([pattern]) => pattern.test(id))?.[1];
    if (handle) return handle(args);
    // Any other action id (a button from an older version of a message, a link button) is
    // acknowledged at once, so Slack shows no error.
    args.logger.debug(`acknowledged an action with an unknown id: ${id}`);
    await args.ack();
  });

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

  const vote = (helpful: boolean) => async (args: ActionArgs) => {
    const value = decodeVote(clickedValue(args));
    if (!value || !kb.get(value.entryId)) {
      args.logger.warn("ignoring a vote for an unknown entry");
      return;
    }
    const { entryId, question } = value;
    await feedback.vote(entryId, args.body.user.id, helpful, {
      teamId: teamOf(args),
      ...(question ? { question } : {}),
    });
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

  // "Did you mean…?": show the picked entry where the question was asked, and keep the question
  // as a pending learned phrasing of it. The value is checked: the entry must exist.
  on(PICK_ACTION, async (args) => {
    const pick = decodePick(clickedValue(args));
    const entry = pick ? kb.get(pick.entryId) : undefined;
    if (!pick || !entry || entry.kind === "prompt") {
      args.logger.warn("refusing a suggestion click whose value names no entry");
      await tell(args, renderStaleClick());
      return;
    }
    const user = args.body.user.id;
    const container = args.body.container as { message_ts?: string; is_ephemeral?: boolean };
    const where = `${args.body.channel?.id ?? ""}:${container.message_ts ?? ""}`;
    // Recording is idempotent (one pick per user), so a click retried after a failure records it.
    const item = await learned.record(teamOf(args), {
      entryId: entry.id,
      phrasing: pick.question,
      userId: user,
    });
    // A double click shows the entry once.
    if (!(await deliveries.firstTime(`pick:${where}:${entry.id}:${user}`))) return;
    const recorded = item?.status === "pending";
    const original = args.body.message;
    if (container.is_ephemeral || !original || !args.body.channel?.id) {
      // From /prep: an ephemeral reply, like the suggestion itself.
      await tell(args, renderPickedEntry(entry, recorded ? pickedNote(pick.question) : undefined));
      return;
    }
    const threadTs = (original as { thread_ts?: string }).thread_ts;
    await args.client.chat.postMessage({
      channel: args.body.channel.id,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...renderPicked(entry, pick.question, recorded),
    });
  });

  /** Runs a review click for organizers only; others get the polite explanation. */
  const forOrganizers =
    (handle: (args: ActionArgs, teamId: string) => Promise<void>) => async (args: ActionArgs) => {
      const teamId = teamOf(args);
      if (!(await organizers.check(args.client, teamId, args.body.user.id))) {
        await tell(args, renderOrganizersOnly("/prep learned"));
        return;
      }
      await handle(args, teamId);
    };

  const review = (confirm: boolean) =>
    forOrganizers(async (args, teamId) => {
      const value = decodeReview(clickedValue(args));
      if (!value) {
        args.logger.warn("refusing a review click with an invalid value");
        await tell(args, renderStaleClick());
        return;
      }
      const done = confirm
        ? await learned.confirm(teamId, value.id, args.body.user.id)
        : await learned.reject(teamId, value.id);
      const outcome = done
        ? {
            kind: confirm ? ("confirmed" as const) : ("rejected" as const),
            phrasing: done.phrasing,
            title: kb.get(done.entryId)?.title ?? done.entryId,
          }
        : { kind: "already-reviewed" as const };
      await args.respond({
        replace_original: true,
        ...(await learnedReview(services, teamId, value.page, outcome)),
      });
    });
  on(Actions.confirmLearned, review(true));
  on(Actions.rejectLearned, review(false));

  on(
    LEARNED_PAGE_ACTION,
    forOrganizers(async (args, teamId) => {
      const page = decodePage(clickedValue(args));
      if (page === undefined) {
        await tell(args, renderStaleClick());
        return;
      }
      await args.respond({
        replace_original: true,
        ...(await learnedReview(services, teamId, page)),
      });
    }),
  );

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

  registerTrackerActions(on, services, home);
  registerPairsActions(on, services);
  registerListingActions(route, services, organizers);
}
