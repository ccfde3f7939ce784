/**
 * Where Bolt hands each request to the app: one global middleware that routes by kind (a slash
 * command, a block action, an event) to the one handler each kind registers, instead of one Bolt
 * listener per kind. Bolt runs every request through the middleware chain of every listener
 * (copying the request's arguments for each step of each chain), so with three listeners each
 * request paid for three chains of which one matched; here it pays for one step. Each kind still
 * routes within its own table: commands by name (commands/index.ts), clicks by action_id
 * (listeners/actions), events by type (listeners/events).
 */
import type {
  AllMiddlewareArgs,
  AnyMiddlewareArgs,
  BlockAction,
  Middleware,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
} from "@slack/bolt";

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
export type BlockActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
export type AnyEventArgs = SlackEventMiddlewareArgs & AllMiddlewareArgs;

type Handler<A> = (args: A) => Promise<void>;

/**
 * @example
 * const router = new Router();
 * router.command(async (args) => { ... });      // every slash command
 * router.action(async (args) => { ... });       // every block action (button, select, checkbox)
 * router.event(async (args) => { ... });        // every event (already acknowledged by Bolt)
 * app.use(router.middleware());                 // after the middleware every request goes through
 */
export class Router {
  private onCommand?: Handler<CommandArgs>;
  private onAction?: Handler<BlockActionArgs>;
  private onEvent?: Handler<AnyEventArgs>;

  command(handler: Handler<CommandArgs>): void {
    this.onCommand = handler;
  }

  action(handler: Handler<BlockActionArgs>): void {
    this.onAction = handler;
  }

  event(handler: Handler<AnyEventArgs>): void {
    this.onEvent = handler;
  }

  /**
   * The global middleware. A kind nobody handles (a modal submission, a shortcut: the app opens
   * none) goes on to Bolt, which finds no listener for it, as before.
   */
  middleware(): Middleware<AnyMiddlewareArgs> {
    return async (args) => {
      if ("command" in args && this.onCommand) return this.onCommand(args as CommandArgs);
      if ("event" in args && this.onEvent) return this.onEvent(args as AnyEventArgs);
      if (
        "action" in args &&
        args.body.type === "block_actions" &&
        typeof (args.action as { action_id?: unknown }).action_id === "string" &&
        this.onAction
      ) {
        return this.onAction(args as BlockActionArgs);
      }
      await args.next();
    };
  }
}
