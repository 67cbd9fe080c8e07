import { describe, expect, it } from "vitest"
import { hasLimit, isEventStream, limitDue } from "../../src/core/turnLimits.js"

describe("limitDue", () => {
  it("a consumer that is not waiting is never idle: the next look is one idle period on", () => {
    expect(limitDue(1_000, undefined, 500, Infinity)).toBe(1_500)
  })

  it("a consumer waiting since t is idle once the idle period has passed from t, not from now", () => {
    expect(limitDue(1_499, 1_000, 500, Infinity)).toBe(1_500)
    expect(limitDue(1_500, 1_000, 500, Infinity)).toBe("idle")
  })

  it("the deadline wins over the idle limit when both have passed", () => {
    expect(limitDue(2_000, 1_000, 500, 2_000)).toBe("deadline")
  })

  it("the next look is the earlier of the idle limit and the deadline", () => {
    expect(limitDue(1_000, 1_000, 500, 1_200)).toBe(1_200)
    expect(limitDue(1_000, undefined, Infinity, 1_200)).toBe(1_200)
  })

  it("with neither limit the next look is never", () => {
    expect(limitDue(1_000, 1_000, Infinity, Infinity)).toBe(Infinity)
    expect(hasLimit(Infinity, Infinity)).toBe(false)
    expect(hasLimit(500, Infinity)).toBe(true)
    expect(hasLimit(Infinity, 2_000)).toBe(true)
  })
})

describe("isEventStream", () => {
  it("admits an absent content type and any event-stream type, whatever its case and parameters", () => {
    expect(isEventStream(undefined)).toBe(true)
    expect(isEventStream("Text/Event-Stream; charset=utf-8")).toBe(true)
  })

  it("refuses a JSON or HTML answer", () => {
    expect(isEventStream("application/json")).toBe(false)
    expect(isEventStream("text/html")).toBe(false)
  })
})
