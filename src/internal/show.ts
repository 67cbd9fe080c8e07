/** A short, never-throwing rendering of an arbitrary value for error messages (circular or BigInt included). */
export const show = (u: unknown, max = 80): string => {
  let text: string
  try {
    text = typeof u === "string" ? JSON.stringify(u) : JSON.stringify(u) ?? String(u)
  } catch {
    text = String(u)
  }
  return text.length > max ? `${text.slice(0, max)}…` : text
}
