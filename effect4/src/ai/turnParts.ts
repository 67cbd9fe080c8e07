/**
 * A turn's events as Effect AI response parts, in the order they arrive: thinking as reasoning
 * blocks, the answer as text blocks (start, deltas, end), the agent's searches as provider-executed
 * tool parts (when the program asked to see them), and the `Stop` as the finish part. A whole
 * `Thinking` or `Text` event closes the block its deltas opened, or is the block when no delta came.
 *
 * Every part that a `Chat` keeps in its history names the session in its metadata
 * (`llamacloud.sessionId`): that is how a later prompt built on this answer, restored from an
 * export too, knows which session to continue.
 *
 * @since 0.3.0
 */
import type * as Response from "effect/ai/Response"
import * as Option from "effect/Option"
import type { ChatEvent, Stop } from "../ChatEvent.js"
import { Retrieval } from "../LlamaCloudTool.js"

/** Turns one turn's events into parts, keeping which block is open. */
export interface TurnParts {
  readonly next: (event: ChatEvent) => ReadonlyArray<Response.StreamPartEncoded>
}

/**
 * The provider metadata of this model's parts, under `llamacloud`.
 *
 * @since 0.3.0
 */
export const metadataKey = "llamacloud"

/** The finish part of a turn's `Stop`: an agent's failure is the `error` reason, its message in the metadata. */
export const finishOf = (sessionId: string, stop: Stop): Response.FinishPartEncoded => {
  const input = Option.getOrUndefined(stop.usage.totalInputTokens)
  const output = Option.getOrUndefined(stop.usage.totalOutputTokens)
  return {
    type: "finish",
    reason: stop.isError ? "error" : "stop",
    usage: {
      inputTokens: input === undefined ? {} : { total: input },
      outputTokens: output === undefined ? {} : { total: output }
    },
    metadata: {
      [metadataKey]: {
        sessionId,
        durationMs: stop.usage.durationMs,
        turns: stop.usage.turns,
        skippedIndexIds: [...stop.skippedIndexIds],
        ...(stop.isError ? { error: Option.getOrElse(stop.error, () => "no reason given") } : {})
      }
    }
  }
}

/** A fresh mapper for one turn on `sessionId`; `showRetrieval` emits the agent's searches as tool parts. */
export const make = (sessionId: string, showRetrieval: boolean): TurnParts => {
  let open: { readonly kind: "reasoning" | "text"; readonly id: string } | undefined
  let blocks = 0
  const session = { [metadataKey]: { sessionId } }

  const close = (): Array<Response.StreamPartEncoded> => {
    if (open === undefined) return []
    const { kind, id } = open
    open = undefined
    return [kind === "text" ? { type: "text-end", id } : { type: "reasoning-end", id }]
  }

  /** The parts of a delta of `kind`: a block of that kind is opened first if none is. */
  const delta = (kind: "reasoning" | "text", content: string): Array<Response.StreamPartEncoded> => {
    const parts: Array<Response.StreamPartEncoded> = []
    if (open?.kind !== kind) {
      parts.push(...close())
      const id = `${kind}-${blocks++}`
      open = { kind, id }
      parts.push(
        kind === "text" ? { type: "text-start", id, metadata: session } : { type: "reasoning-start", id, metadata: session }
      )
    }
    const id = open!.id
    parts.push(kind === "text" ? { type: "text-delta", id, delta: content } : { type: "reasoning-delta", id, delta: content })
    return parts
  }

  /** A whole `Thinking` / `Text`: the end of its deltas' block, or a block of its own. */
  const whole = (kind: "reasoning" | "text", content: string): Array<Response.StreamPartEncoded> =>
    open?.kind === kind ? close() : [...delta(kind, content), ...close()]

  const next = (event: ChatEvent): ReadonlyArray<Response.StreamPartEncoded> => {
    switch (event._tag) {
      case "ThinkingDelta":
        return delta("reasoning", event.content)
      case "Thinking":
        return whole("reasoning", event.content)
      case "TextDelta":
        return delta("text", event.content)
      case "Text":
        return whole("text", event.content)
      case "ToolCall":
        if (!showRetrieval) return close()
        return [...close(), {
          type: "tool-call",
          id: event.callId,
          name: Retrieval.name,
          params: { arguments: event.arguments },
          providerExecuted: true,
          metadata: { [metadataKey]: { sessionId, toolName: event.name } }
        }]
      case "ToolResult":
        if (!showRetrieval) return close()
        return [...close(), {
          type: "tool-result",
          id: event.callId,
          name: Retrieval.name,
          result: {
            result: event.result,
            image: Option.getOrNull(event.imageAttachment)
          },
          isFailure: false,
          providerExecuted: true,
          metadata: { [metadataKey]: { sessionId, toolName: event.name } }
        }]
      case "Stop":
        return [...close(), finishOf(sessionId, event)]
      // A user's input is history, not a turn's output; an event this version does not know changes nothing.
      case "UserInput":
      case "UnknownEvent":
        return []
    }
  }

  return { next }
}

/** A streamed turn's parts as the parts of a whole response: each block's deltas joined into one part. */
export const collect = (parts: ReadonlyArray<Response.StreamPartEncoded>): Array<Response.PartEncoded> => {
  const whole: Array<Response.PartEncoded> = []
  const blocks = new Map<string, { readonly type: "text" | "reasoning"; text: string; readonly metadata: Response.StreamPartEncoded["metadata"] }>()
  for (const part of parts) {
    switch (part.type) {
      case "text-start":
      case "reasoning-start":
        blocks.set(part.id, { type: part.type === "text-start" ? "text" : "reasoning", text: "", metadata: part.metadata })
        break
      case "text-delta":
      case "reasoning-delta": {
        const block = blocks.get(part.id)
        if (block !== undefined) block.text += part.delta
        break
      }
      case "text-end":
      case "reasoning-end": {
        const block = blocks.get(part.id)
        if (block !== undefined) {
          whole.push({ type: block.type, text: block.text, ...(block.metadata === undefined ? {} : { metadata: block.metadata }) })
        }
        blocks.delete(part.id)
        break
      }
      case "tool-call":
      case "tool-result":
      case "response-metadata":
      case "finish":
        whole.push(part)
        break
      default:
        break
    }
  }
  return whole
}
