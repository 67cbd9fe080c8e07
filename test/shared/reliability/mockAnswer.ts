/**
 * An answer a mock transport gives, as plain data, for the reliability files that run on a mock
 * rather than a socket (backoff, properties): a JSON body, a text body, or a socket error. Each
 * edition's adapter turns it into its own `MockTransport` reply. Plain data: no Effect.
 */
import type { Answer } from "../errorAnswers.js"

export type MockAnswer = Answer | { readonly socketError: string }
