import type { SlackStandIn } from "../../src/dev/slack-stand-in.ts";

type Json = Record<string, unknown>;

/** The message in a command's ack (its HTTP response body), or undefined for an empty ack. */
export function ackReply(ack: { status: number; text: string }): Json | undefined {
  if (ack.status !== 200 || ack.text === "") return undefined;
  return JSON.parse(ack.text) as Json;
}

/**
 * What the user was shown for a slash command: the message in its ack when the app answered there
 * (quick replies), otherwise the first post to its response_url (replies after slow work).
 *
 * @example
 * const ack = await sendCommand(h.base, "/skills", "ml", { responseUrl: h.slack.responseUrl("r1") });
 * const reply = await commandReply(h.slack, ack, "r1");
 */
export async function commandReply(
  slack: SlackStandIn,
  ack: { status: number; text: string },
  responseId: string,
  timeoutMs?: number,
): Promise<Json> {
  const inAck = ackReply(ack);
  if (inAck) return inAck;
  const [reply] = await slack.waitFor((c) => c.responseId === responseId, 1, timeoutMs);
  return reply?.args as Json;
}
