/**
 * The Web API calls on the busiest paths (a DM's or a mention's answer, an App Home publish), with
 * their Block Kit turned into JSON once, here. Handed objects, the Web API client walks every block
 * three times per call (a copy with tokens redacted for its debug line, that copy's JSON, then the
 * JSON it sends) whatever the log level: for a Home view that was ~20% of a publish's CPU. Slack
 * receives exactly the same request either way (form fields holding JSON).
 */
import type { KnownBlock, View } from "@slack/types";
import type { WebAPICallResult, WebClient } from "@slack/web-api";
import type { Message } from "../blocks/kit.ts";

/** Where a message goes: a conversation, and a thread in it (a mention's answer). */
export interface Destination {
  channel: string;
  thread_ts?: string;
}

/**
 * `chat.postMessage` of a rendered message (or a plain text one).
 *
 * @example
 * await postMessage(client, { channel: "D123" }, renderAnswer(hit, [], question));
 */
export function postMessage(
  client: WebClient,
  to: Destination,
  message: Message | { text: string; blocks?: KnownBlock[] },
): Promise<WebAPICallResult> {
  const { blocks, ...rest } = message;
  return client.apiCall("chat.postMessage", {
    ...to,
    ...rest,
    ...(blocks ? { blocks: JSON.stringify(blocks) } : {}),
  });
}

/**
 * `views.publish` of a user's App Home.
 *
 * @example
 * await publishView(client, "U123", renderHome(data));
 */
export function publishView(
  client: WebClient,
  userId: string,
  view: View,
): Promise<WebAPICallResult> {
  return client.apiCall("views.publish", { user_id: userId, view: JSON.stringify(view) });
}
