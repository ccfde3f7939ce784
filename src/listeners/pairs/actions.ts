import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { Actions } from "../../blocks/action-ids.ts";
import type { Message } from "../../blocks/kit.ts";
import {
  renderPairsAnswered,
  renderPairsNotYours,
  renderPairsSignUpReply,
} from "../../blocks/pairs.ts";
import { decodeMeet, decodeRound } from "../../blocks/values.ts";
import type { Services } from "../../services/index.ts";
import type { MeetAnswer } from "../../services/pairs/rounds.ts";

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

function clickedValue(args: ActionArgs): string {
  return args.action.type === "button" ? (args.action.value ?? "") : "";
}

function teamOf(args: ActionArgs): string {
  return args.body.team?.id ?? args.context.teamId ?? "";
}

/** Tells only the clicker, beside the message they clicked. */
async function tell(args: ActionArgs, reply: Message): Promise<void> {
  if (args.body.response_url)
    await args.respond({ response_type: "ephemeral", replace_original: false, ...reply });
}

/**
 * `/pairs` buttons: Join / Skip this week on the sign-up post (the round comes from the value, the
 * channel from where it was clicked), and Yes / Not yet / Can't this week on a pair's follow-up
 * (recorded only for a member of that pair).
 */
export function registerPairsActions(
  on: (actionId: string, handle: (args: ActionArgs) => Promise<void>) => void,
  services: Services,
): void {
  const { pairs } = services;
  const signUp = (choice: "join" | "skip") => async (args: ActionArgs) => {
    const roundId = decodeRound(clickedValue(args));
    const channel = args.body.channel?.id;
    if (!roundId || !channel) {
      args.logger.warn("refusing a /pairs sign-up click whose value names no round");
      await tell(args, renderPairsSignUpReply({ kind: "unknown" }));
      return;
    }
    const team = teamOf(args);
    const result = await pairs.signUp(team, channel, roundId, args.body.user.id, choice);
    if (!result.ok) {
      await tell(args, renderPairsSignUpReply({ kind: result.reason }));
      return;
    }
    const timezone = (await pairs.get(team, channel)).schedule?.timezone ?? "UTC";
    await tell(
      args,
      renderPairsSignUpReply(
        choice === "join"
          ? {
              kind: "joined",
              pairAt: new Date(result.round.pairAt),
              timezone,
              already: result.already,
            }
          : { kind: "skipped" },
      ),
    );
  };
  on(Actions.pairsJoin, signUp("join"));
  on(Actions.pairsSkip, signUp("skip"));

  const met = (answer: MeetAnswer) => async (args: ActionArgs) => {
    const value = decodeMeet(clickedValue(args));
    const user = args.body.user.id;
    const recorded = value
      ? await pairs.answer(teamOf(args), value.channelId, value.roundId, value.index, user, answer)
      : false;
    if (!recorded) {
      await tell(args, renderPairsNotYours());
      return;
    }
    // The question is answered for the pair: the buttons give way to the answer.
    if (args.body.response_url)
      await args.respond({ replace_original: true, ...renderPairsAnswered(user, answer) });
  };
  on(Actions.pairsMetYes, met("yes"));
  on(Actions.pairsMetNotYet, met("not_yet"));
  on(Actions.pairsMetCant, met("cant"));
}
