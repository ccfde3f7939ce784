import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { z } from "zod";
import { userTimezone } from "../../../commands/deadlines.ts";
import { Actions, TRACK_STAGE_ACTION } from "../../blocks/action-ids.ts";
import type { Message } from "../../blocks/kit.ts";
import {
  renderDeadlineRefused,
  renderFromDeadline,
  renderStageRefused,
  renderTrackList,
  renderTrackMoved,
} from "../../blocks/tracker.ts";
import type { Services } from "../../services/index.ts";
import { ID_PATTERN, StageSchema } from "../../services/tracker/parse.ts";
import type { HomePublisher } from "../home.ts";

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** `<channel id>:<deadline id>` on "I applied" / "Save for later"; anything else is refused. */
const DeadlineValue = z
  .string()
  .regex(/^[CGD][A-Z0-9]{1,20}:[0-9a-f]{6}$/)
  .transform((v) => {
    const [channelId = "", deadlineId = ""] = v.split(":");
    return { channelId, deadlineId };
  });

/** `<application id>:<stage>` on stage pickers and buttons; anything else is refused. */
const StageValue = z
  .string()
  .max(40)
  .transform((v, ctx) => {
    const [id = "", stage = "", ...extra] = v.split(":");
    const parsed = StageSchema.safeParse(stage);
    if (!ID_PATTERN.test(id) || !parsed.success || extra.length > 0) {
      ctx.addIssue({ code: "custom", message: "not an application and stage" });
      return z.NEVER;
    }
    return { id, stage: parsed.data };
  });

function clickedValue(args: ActionArgs): string {
  const { action } = args;
  if (action.type === "button") return action.value ?? "";
  if (action.type === "static_select") return action.selected_option?.value ?? "";
  return "";
}

function teamOf(args: ActionArgs): string {
  return args.body.team?.id ?? args.context.teamId ?? "";
}

/** A new message only the clicker sees: ephemeral in place, or in their DM from the Home tab. */
async function tell(args: ActionArgs, reply: Message): Promise<void> {
  if (args.body.response_url) {
    await args.respond({ response_type: "ephemeral", replace_original: false, ...reply });
  } else {
    await args.client.chat.postMessage({ channel: args.body.user.id, ...reply });
  }
}

/**
 * "I applied" / "Save for later" on deadlines, and stage pickers and buttons. Every change is
 * made in the clicking user's own tracker, so a forged value can at most name something that
 * isn't theirs, which is refused with a reply and changes nothing.
 */
export function registerTrackerActions(
  on: (actionId: string | RegExp, handle: (args: ActionArgs) => Promise<void>) => void,
  services: Services,
  home: HomePublisher,
): void {
  const { tracker, deadlines } = services;
  const fromDeadline = (stage: "applied" | "saved") => async (args: ActionArgs) => {
    const value = DeadlineValue.safeParse(clickedValue(args));
    const clickedIn = args.body.channel?.id;
    const team = teamOf(args);
    // The button must be on a message in the very channel whose deadline it names.
    const deadline =
      value.success && clickedIn === value.data.channelId
        ? (await deadlines.upcoming(team, value.data.channelId)).find(
            (d) => d.id === value.data.deadlineId,
          )
        : undefined;
    if (!value.success || !deadline) {
      args.logger.warn(
        `refused a deadline button: ${JSON.stringify(clickedValue(args)).slice(0, 80)}`,
      );
      await tell(args, renderDeadlineRefused());
      return;
    }
    const user = args.body.user.id;
    const result = await tracker.addFromDeadline(
      team,
      user,
      {
        channelId: value.data.channelId,
        id: deadline.id,
        date: deadline.date,
        title: deadline.title,
        ...(deadline.url ? { url: deadline.url } : {}),
      },
      stage,
      await userTimezone(args.client, user),
    );
    await tell(args, renderFromDeadline(result));
  };
  on(Actions.trackApplied, fromDeadline("applied"));
  on(Actions.trackSave, fromDeadline("saved"));

  on(TRACK_STAGE_ACTION, async (args) => {
    const value = StageValue.safeParse(clickedValue(args));
    const team = teamOf(args);
    const user = args.body.user.id;
    const moved = value.success
      ? await tracker.move(
          team,
          user,
          value.data.id,
          value.data.stage,
          await userTimezone(args.client, user),
        )
      : undefined;
    if (!moved?.ok) {
      args.logger.warn(
        `refused a stage change: ${JSON.stringify(clickedValue(args)).slice(0, 80)}`,
      );
      await tell(args, renderStageRefused());
      return;
    }
    if (args.body.container.type === "view") {
      await home.refresh(team, user, args.client, args.logger);
      return;
    }
    if (!args.body.response_url) return;
    // Redraw where the click happened: the whole list, or the one application's message.
    const inList = "block_id" in args.action && args.action.block_id.startsWith("track-list:");
    await args.respond({
      replace_original: true,
      ...(inList
        ? renderTrackList(await tracker.list(team, user))
        : renderTrackMoved(moved.application, moved.from, moved.changed)),
    });
  });
}
