import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import {
  ListingActions,
  POLL_NOW_ACTION,
  pollSummary,
  renderListingGone,
  renderListingsOrganizersOnly,
  renderPicked,
} from "../../blocks/listings.ts";
import type { Services } from "../../services/index.ts";
import type { PickStage } from "../../services/listings/tracker.ts";
import type { AddRoute } from "../actions/index.ts";
import type { Organizers } from "../organizers.ts";
import { apologizeWith } from "../safely.ts";

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/**
 * The buttons on listing posts: "Apply" (a link; nothing to do), "I applied" and "Save" (add the
 * listing to the clicker's tracker, told only to them), the digest's menu, and "Check now".
 */
export function registerListingActions(
  route: AddRoute,
  services: Services,
  organizers: Organizers,
): void {
  const on = (actionId: string, handle: (args: ActionArgs) => Promise<void>) => {
    route(actionId, async (args) => {
      await args.ack();
      try {
        await handle(args);
      } catch (error) {
        await apologizeWith(
          args.body.response_url ? args.respond : undefined,
          args.logger,
          error,
          `action ${actionId}`,
        );
      }
    });
  };

  const pick = async (args: ActionArgs, listingId: string, stage: PickStage) => {
    const team = args.body.team?.id ?? args.context.teamId ?? "";
    const channel = args.body.channel?.id ?? "";
    const user = args.body.user.id;
    const record = listingId ? await services.listings.posted(team, channel, listingId) : undefined;
    const reply = record
      ? renderPicked(
          await services.tracker.addListing(
            team,
            user,
            {
              listingId,
              company: record.listing.company,
              role: record.listing.title,
              link: record.listing.url,
            },
            stage,
          ),
          record.listing,
        )
      : renderListingGone();
    if (args.body.response_url) {
      await args.respond({ response_type: "ephemeral", replace_original: false, ...reply });
    } else if (channel) {
      await args.client.chat.postEphemeral({ channel, user, ...reply });
    }
  };

  const value = (args: ActionArgs) =>
    args.action.type === "button" ? (args.action.value ?? "") : "";

  // The link opens in the browser; Slack still sends the click, which needs only its ack.
  on(ListingActions.apply, async () => {});
  on(ListingActions.applied, (args) => pick(args, value(args), "applied"));
  on(ListingActions.save, (args) => pick(args, value(args), "saved"));
  on(ListingActions.menu, async (args) => {
    if (args.action.type !== "overflow") return;
    const selected = args.action.selected_option.value ?? "";
    const [choice, ...rest] = selected.split(":");
    const listingId = rest.join(":");
    if (choice === "applied") await pick(args, listingId, "applied");
    else if (choice === "save") await pick(args, listingId, "saved");
  });

  on(POLL_NOW_ACTION, async (args) => {
    const team = args.body.team?.id ?? args.context.teamId ?? "";
    const channel = args.body.channel?.id ?? "";
    const user = args.body.user.id;
    const reply = (await organizers.check(args.client, team, user))
      ? { text: pollSummary(await services.listings.pollNow(team, channel)) }
      : renderListingsOrganizersOnly("status → Check now");
    if (args.body.response_url) {
      await args.respond({ response_type: "ephemeral", replace_original: false, ...reply });
    } else {
      await args.client.chat.postEphemeral({ channel, user, ...reply });
    }
  });
}
