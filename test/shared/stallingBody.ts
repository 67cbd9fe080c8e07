/**
 * A 2xx answer that sends its headers and half a JSON body, then stalls forever, as a Web
 * `Response`: both editions' test transports (`stallingBody` in test/fixtures/harness.ts and
 * effect4/test/fixtures/calls.ts) hand it to their own `HttpClientResponse.fromWeb`.
 */

/** How far the stalled answers got: `halfRead` turns true once a client has consumed the first half. */
export interface StallState {
  requests: number
  halfRead: boolean
}

/** One stalled answer, counted in `state`; `declaresLength`: with a `content-length` the body never reaches. */
export const stallingResponse = (state: StallState, options: { readonly declaresLength: boolean }): Response => {
  state.requests++
  const half = new TextEncoder().encode(`{"session_id":"ses-1",`)
  const stream = new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(half),
    // Called once the first half has been taken; the promise never settles, so nothing more comes.
    pull: () => {
      state.halfRead = true
      return new Promise<void>(() => {})
    }
  })
  const headers: Record<string, string> = { "content-type": "application/json" }
  if (options.declaresLength) headers["content-length"] = String(half.byteLength * 2)
  return new Response(stream, { status: 200, headers })
}
