/**
 * Schemas both editions export and their test/schemas.test.ts must find by walking the package's
 * exports: a check that the walk reaches every kind (responses, events, parameters).
 */
export const mustFind: ReadonlyArray<string> = [
  "ChatSession",
  "ChatSessionDetail",
  "ChatSessionPage",
  "JobMetadata",
  "SharedAccess",
  "Timestamp",
  "CreateSessionParams",
  "ListSessionsParams",
  "ListPageParams",
  "SessionParams",
  "SendMessageParams",
  "ChatEvent.ChatEvent",
  "ChatEvent.TextDelta",
  "ChatEvent.Stop",
  "ChatEvent.ToolResult"
]
