import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One record in the community listings format, with sensible defaults. */
export function record(
  id: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    company_name: `Company ${id}`,
    title: "Software Engineering Intern",
    url: `https://jobs.example.com/${id}`,
    locations: ["New York, NY"],
    terms: ["Summer 2027"],
    sponsorship: "Offers Sponsorship",
    active: true,
    is_visible: true,
    date_posted: 1_790_000_000,
    date_updated: 1_790_000_000,
    company_url: "https://example.com",
    source: "Simplify",
    category: "Software",
    ...overrides,
  };
}

/** `count` records with ids `${prefix}1`…, posted a minute apart (the last is the newest). */
export function records(prefix: string, count: number, overrides: Record<string, unknown> = {}) {
  return Array.from({ length: count }, (_, i) =>
    record(`${prefix}${i + 1}`, { date_posted: 1_790_000_000 + i * 60, ...overrides }),
  );
}

/**
 * A listings file served on 127.0.0.1 with an ETag and Last-Modified, answering 304 to a
 * matching If-None-Match. `status` forces an error answer; `requests` records what was asked.
 */
export class ListingsServer {
  body = "[]";
  status = 200;
  lastModified = "Mon, 23 Nov 2026 10:00:00 GMT";
  readonly requests: Array<{ ifNoneMatch?: string; ifModifiedSince?: string; status: number }> = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<ListingsServer> {
    let self: ListingsServer | undefined;
    const server = createServer((req, res) => self?.handle(req.headers, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    self = new ListingsServer(server, `http://127.0.0.1:${port}/listings.json`);
    return self;
  }

  set(list: unknown[]): void {
    this.body = JSON.stringify(list);
  }

  get etag(): string {
    return `"${createHash("sha1").update(this.body).digest("hex")}"`;
  }

  private handle(
    headers: Record<string, string | string[] | undefined>,
    res: import("node:http").ServerResponse,
  ): void {
    const ifNoneMatch = headers["if-none-match"] as string | undefined;
    const ifModifiedSince = headers["if-modified-since"] as string | undefined;
    let status = this.status;
    if (status === 200 && ifNoneMatch === this.etag) status = 304;
    this.requests.push({
      ...(ifNoneMatch ? { ifNoneMatch } : {}),
      ...(ifModifiedSince ? { ifModifiedSince } : {}),
      status,
    });
    if (status !== 200) {
      res.writeHead(status).end();
      return;
    }
    res.writeHead(200, {
      "content-type": "application/json",
      etag: this.etag,
      "last-modified": this.lastModified,
    });
    res.end(this.body);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
