import type { WebClient } from "@slack/web-api";
import { escapeText } from "../../blocks/kit.ts";
import { exportFileComment, renderExportInline } from "../../blocks/tracker.ts";

/** A CSV this short (and at most this many rows) goes in a code block; longer ones as a file. */
const INLINE_CHARS = 2500;
const INLINE_ROWS = 25;

/**
 * Sends a student their CSV in their DM with the bot: a code block when it is short, else a file
 * through Slack's external upload (files.getUploadURLExternal, a POST of the bytes to the URL it
 * gives, then files.completeUploadExternal shares it in the DM). Throws on any failure.
 */
export async function sendExport(
  client: WebClient,
  userId: string,
  csv: string,
  count: number,
  fetchImpl: typeof fetch = fetch,
): Promise<"inline" | "file"> {
  const opened = await client.conversations.open({ users: userId });
  const channel = opened.channel?.id;
  if (!channel) throw new Error("conversations.open returned no channel");
  if (escapeText(csv).length <= INLINE_CHARS && count <= INLINE_ROWS) {
    await client.chat.postMessage({ channel, ...renderExportInline(csv, count) });
    return "inline";
  }
  const bytes = Buffer.from(csv, "utf8");
  const filename = "internprep-applications.csv";
  const target = await client.files.getUploadURLExternal({ filename, length: bytes.length });
  if (!target.upload_url || !target.file_id) throw new Error("no upload_url from Slack");
  const uploaded = await fetchImpl(target.upload_url, {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: bytes,
  });
  if (!uploaded.ok) throw new Error(`upload_http_${uploaded.status}`);
  await client.files.completeUploadExternal({
    files: [{ id: target.file_id, title: "Your applications (CSV)" }],
    channel_id: channel,
    initial_comment: exportFileComment(count),
  });
  return "file";
}
