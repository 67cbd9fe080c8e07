/**
 * `llamacloud-chat server`: the local LlamaCloud (`effect-llamacloud/testing/node`) as a process, for
 * trying a client by hand or pointing a load test at it, with faults on request. Runs until SIGINT
 * or SIGTERM.
 *
 * @since 0.2.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import { routes } from "../core/localServer/routes.js"
import * as Render from "./Render.js"

const faultHelp = `Faults make the server misbehave on purpose. Each --fault goes to the first request it is aimed at, in order; once they are used up, --random-fault applies to a share of requests.

These change the most recent --fault or --random-fault:
  --route ROUTE[,ROUTE]    aim it at these routes: ${routes.join(", ")}
                           (default: every route; stream faults: sendMessage)
  --header NAME=VALUE      add a response header (status faults; repeatable)
  --body TEXT              the response body (status and body200 faults)
  --content-type TYPE      the response content type (status and body200 faults)
  --performs BOOL          whether the server carries the request out before misbehaving (true|false)
  --creates-session BOOL   the same as --performs

SPEC is one of:
  status:CODE              reply CODE (body: FastAPI's {"detail": ...} unless --body)
  reset-before             reset the socket before any response byte
  reset-mid-body           headers and half the body, then reset
  close-after-headers      headers, then close without a body
  delay:MS                 answer normally after MS milliseconds
  stall                    headers and half the body, then nothing
  drip:MS                  the normal body, one byte every MS milliseconds
  body200[:TEXT]           a 200 with body TEXT (everything after the first colon; or --body)
  large:BYTES              a valid session of BYTES bytes
Stream faults (turns):
  cut:N                    N events, then the connection closes mid-body
  cut-mid:N                N events and half the next, then a reset
  stall-stream:N           N events, then nothing
  drip-stream:MS           the whole stream, one byte every MS milliseconds
  malformed:N              event N is not JSON
  unknown-event:N          an event of an unknown type before event N
  oversized:N:BYTES        event N grown to BYTES bytes
  no-stop                  every event but stop, then the body ends
  after-stop               events after stop, and the connection left open
  keep-alives:MS           keep-alive comments every MS milliseconds, never an event

Example:
  llamacloud-chat server --fault status:429 --header retry-after=2 --fault cut:3 --route sendMessage \\
    --random-fault 0.1:status:503`

const whole = (name: string, description: string) =>
  Options.integer(name).pipe(Options.withPseudoName("MS"), Options.withDescription(description), Options.optional)

const options = {
  json: Options.boolean("json").pipe(Options.withDescription("Announce the server as one JSON line: its url and port.")),
  port: Options.integer("port").pipe(
    Options.withPseudoName("PORT"),
    Options.withDescription("The port to listen on, 1 to 65535; 0 picks a free one."),
    Options.withDefault(4010)
  ),
  host: Options.text("host").pipe(
    Options.withPseudoName("ADDRESS"),
    Options.withDescription("The address to listen on."),
    Options.withDefault("127.0.0.1")
  ),
  apiKeys: Options.text("api-key").pipe(
    Options.withPseudoName("KEY"),
    Options.withDescription("Accept only this key; give it once per key. Default: any non-empty key."),
    Options.repeated
  ),
  seed: Options.integer("seed").pipe(
    Options.withPseudoName("N"),
    Options.withDescription("Seed of --random-fault, for reproducible runs."),
    Options.optional
  ),
  thinkMs: whole("think-ms", "How long the agent thinks before a turn's first event (default 0)."),
  keepAliveMs: whole("keep-alive-ms", "Keep-alive comment interval while the agent thinks (default 15000)."),
  eventMs: whole("event-ms", "Pause between a turn's events (default 0)."),
  eventNames: Options.choice("event-names", ["none", "type", "delta-message"]).pipe(
    Options.withDescription("SSE event names (default none)."),
    Options.optional
  ),
  // Declared for the help text and the check of the command line; read in order by FaultFlags.
  fault: Options.text("fault").pipe(
    Options.withPseudoName("SPEC"),
    Options.withDescription("Add a fault to the script; give it once per fault (SPEC below)."),
    Options.repeated
  ),
  randomFault: Options.text("random-fault").pipe(
    Options.withPseudoName("RATE:SPEC"),
    Options.withDescription("Once the script is used up, SPEC on a RATE (0..1) share of requests."),
    Options.optional
  ),
  route: Options.text("route").pipe(
    Options.withPseudoName("ROUTE"),
    Options.withDescription("Aim the fault before it at these routes."),
    Options.repeated
  ),
  header: Options.text("header").pipe(
    Options.withPseudoName("NAME=VALUE"),
    Options.withDescription("A header of the fault before it."),
    Options.repeated
  ),
  body: Options.text("body").pipe(Options.withPseudoName("TEXT"), Options.withDescription("The body of the fault before it."), Options.repeated),
  contentType: Options.text("content-type").pipe(
    Options.withPseudoName("TYPE"),
    Options.withDescription("The content type of the fault before it."),
    Options.repeated
  ),
  performs: Options.choice("performs", ["true", "false"]).pipe(
    Options.withDescription("Whether the fault before it acts before misbehaving."),
    Options.repeated
  ),
  createsSession: Options.choice("creates-session", ["true", "false"]).pipe(
    Options.withDescription("The same as --performs."),
    Options.repeated
  )
}

/**
 * The `server` command's options, as parsed.
 *
 * @since 0.2.0
 * @category models
 */
export type Settings = Command.Command.ParseConfig<typeof options>

/**
 * The `server` command. `argv` is the whole command line, whose fault flags are read in order.
 *
 * @since 0.2.0
 * @category commands
 */
export const make = (argv: ReadonlyArray<string>) =>
  Command.make("server", options, (settings) =>
    // The server (node:http, the chat model) is loaded only when it runs: every other command starts faster.
    Effect.promise(() => import("./Serve.js")).pipe(
      Effect.flatMap((Serve) => Serve.serve(settings, argv)),
      Render.reportFailure(settings.json)
    )).pipe(
      Command.withDescription(`Run the local LlamaCloud (the chat resource on a real socket) until Ctrl-C.\n\n${faultHelp}`)
    )
