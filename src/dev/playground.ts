import { readFile, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { z } from "zod";
import { STUDY_CHANNEL, type Workspace } from "./workspace.ts";

const PAGE = path.join(import.meta.dirname, "page.html");

const Send = z.object({ user: z.string(), channel: z.string(), text: z.string().min(1).max(4000) });
const Click = z.object({
  user: z.string(),
  messageId: z.string().optional(),
  home: z.boolean().optional(),
  action: z.record(z.string(), z.unknown()),
});
const UserOnly = z.object({ user: z.string() });

/** Invented companies for the openings "Poll now" adds to the playground's listings file. */
const LATER = [
  ["Kestrel Aerospace (sample)", "Flight Software Intern", "Denver, CO", "Software"],
  ["Brightwater AI (sample)", "Applied ML Intern", "Remote in USA", "AI/ML/Data"],
  ["Ironbark Trading (sample)", "Quant Developer Intern", "Chicago, IL", "Quant"],
  ["Willow Learning (sample)", "Data Engineering Intern", "New York, NY", "AI/ML/Data"],
] as const;

/** Appends one invented, open Summer 2027 opening to the playground's copy of the sample list. */
async function addSampleOpening(file: string): Promise<void> {
  const list = JSON.parse(await readFile(file, "utf8")) as unknown[];
  const [company, title, location, category] = LATER[list.length % LATER.length] ?? LATER[0];
  const now = Math.floor(Date.now() / 1000);
  const id = `sample-${now}-${list.length}`;
  list.push({
    source: "Sample data (invented companies)",
    company_name: company,
    id,
    title,
    active: true,
    terms: ["Summer 2027"],
    date_updated: now,
    url: `https://careers.example/${id}`,
    locations: [location],
    company_url: "https://careers.example",
    is_visible: true,
    sponsorship: "Offers Sponsorship",
    date_posted: now,
    category,
  });
  await writeFile(file, JSON.stringify(list, null, 4));
}

async function json(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
}

/**
 * The playground's web server: the page, a Server-Sent Events stream of what each user sees, and
 * the endpoints the page calls when someone types or clicks.
 */
export interface Playground {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startPlayground(
  workspaces: Workspace | readonly Workspace[],
  port: number,
  host = "127.0.0.1",
  /** Multi-workspace mode: the app's "Add to Slack" page. */
  installUrl?: string,
  /** The listings file the page suggests following; "Poll now" adds a sample opening to it first. */
  listingsFile?: string,
): Promise<Playground> {
  const all: readonly Workspace[] = Array.isArray(workspaces)
    ? workspaces
    : [workspaces as Workspace];
  const first = all[0] as Workspace;
  // Every member of every workspace, each acting in their own; the page switches between them.
  const users = all.flatMap((w) =>
    w.users.map((u) => ({ ...u, workspace: w.team.teamName, teamId: w.team.teamId })),
  );
  const of = (user: string) => all.find((w) => w.users.some((u) => u.id === user)) ?? first;
  const snapshot = (user: string) => ({
    ...of(user).snapshot(user),
    users,
    ...(installUrl ? { installUrl } : {}),
  });
  const streams = new Set<{ res: ServerResponse; user: string }>();
  let pending: NodeJS.Timeout | undefined;
  const changed = () => {
    // Coalesce bursts of changes into one push.
    pending ??= setTimeout(() => {
      pending = undefined;
      for (const s of streams) s.res.write(`data: ${JSON.stringify(snapshot(s.user))}\n\n`);
    }, 20);
  };
  for (const w of all) w.on("change", changed);

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    try {
      if (req.method === "GET" && url.pathname === "/") {
        res.writeHead(200, {
          "content-type": "text/html; charset=utf-8",
          "cache-control": "no-store",
        });
        res.end(await readFile(PAGE, "utf8"));
        return;
      }
      if (req.method === "GET" && url.pathname === "/events") {
        const user = url.searchParams.get("user") ?? "";
        res.writeHead(200, {
          "content-type": "text/event-stream",
          "cache-control": "no-store",
          connection: "keep-alive",
        });
        const stream = { res, user };
        streams.add(stream);
        res.write(`data: ${JSON.stringify(snapshot(user))}\n\n`);
        req.on("close", () => streams.delete(stream));
        return;
      }
      if (req.method === "POST" && url.pathname === "/api/send") {
        const body = Send.parse(await json(req));
        if (body.text.trim().startsWith("/"))
          await of(body.user).command(body.user, body.channel, body.text);
        else await of(body.user).say(body.user, body.channel, body.text);
      } else if (req.method === "POST" && url.pathname === "/api/click") {
        const body = Click.parse(await json(req));
        await of(body.user).click(
          body.user,
          body.home ? { home: true } : { messageId: body.messageId ?? "" },
          body.action,
        );
      } else if (req.method === "POST" && url.pathname === "/api/home") {
        const { user } = UserOnly.parse(await json(req));
        await of(user).openHome(user);
      } else if (req.method === "POST" && url.pathname === "/api/poll-listings") {
        const { user } = UserOnly.parse(await json(req));
        if (listingsFile) await addSampleOpening(listingsFile);
        await of(user).pollListings(user);
      } else if (req.method === "POST" && url.pathname === "/api/nudge") {
        const { user } = UserOnly.parse(await json(req));
        await of(user).command(user, STUDY_CHANNEL.id, "/nudges now");
      } else if (req.method === "POST" && url.pathname === "/api/uninstall" && installUrl) {
        await of(UserOnly.parse(await json(req)).user).uninstall();
      } else {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(204).end();
    } catch (error) {
      res.writeHead(400, { "content-type": "text/plain" });
      res.end(error instanceof Error ? error.message : String(error));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    server,
    url: `http://localhost:${bound}`,
    close: () => {
      for (const s of streams) s.res.end();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
