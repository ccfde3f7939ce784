import type { AnyMiddlewareArgs } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { Router } from "../../src/listeners/router.ts";

/** The arguments Bolt gives a global middleware, for one kind of request. */
function request(kind: Record<string, unknown>, body: Record<string, unknown>) {
  const passed: string[] = [];
  const args = {
    body,
    ...kind,
    next: async () => {
      passed.push("next");
    },
  } as unknown as AnyMiddlewareArgs;
  return { args, passed };
}

describe("the router: one global middleware for every kind of request", () => {
  const router = new Router();
  const seen: string[] = [];
  router.command(async ({ command }) => {
    seen.push(`command ${command.command}`);
  });
  router.action(async ({ action }) => {
    seen.push(`action ${action.action_id}`);
  });
  router.event(async ({ event }) => {
    seen.push(`event ${event.type}`);
  });
  const middleware = router.middleware() as (args: AnyMiddlewareArgs) => Promise<void>;

  it("hands each kind to its handler, and nothing on to Bolt", async () => {
    seen.length = 0;
    const command = request({ command: { command: "/prep" } }, { command: "/prep" });
    const action = request(
      { action: { action_id: "skills_open", type: "button" } },
      { type: "block_actions" },
    );
    const event = request(
      { event: { type: "app_home_opened" } },
      { type: "event_callback", event: { type: "app_home_opened" } },
    );
    for (const r of [command, action, event]) await middleware(r.args);
    expect(seen).toEqual(["command /prep", "action skills_open", "event app_home_opened"]);
    expect([...command.passed, ...action.passed, ...event.passed]).toEqual([]);
  });

  it("passes on to Bolt what it does not handle: a modal submission, a legacy attachment button", async () => {
    seen.length = 0;
    const view = request({ view: { id: "V1" } }, { type: "view_submission" });
    const legacy = request(
      { action: { name: "yes", type: "button" } },
      { type: "interactive_message" },
    );
    for (const r of [view, legacy]) await middleware(r.args);
    expect(seen).toEqual([]);
    expect([...view.passed, ...legacy.passed]).toEqual(["next", "next"]);
  });
});
