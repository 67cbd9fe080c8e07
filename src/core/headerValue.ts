/**
 * What an HTTP header can carry, checked when the client is built: a value that a transport refuses
 * fails at send time as an error that looks like a network failure, after nothing was sent.
 */

// RFC 9110 §5.1 `token`, the header-name grammar undici enforces.
const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/**
 * Whether `name` is a valid header name.
 */
export const isHeaderName = (name: string): boolean => token.test(name)

/**
 * `value` without the whitespace around it (SP, HTAB, CR, LF). fetch strips it before sending and
 * undici refuses the CR / LF: stripping first makes both send the same thing.
 */
export const trimHeaderValue = (value: string): string => value.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "")

/**
 * Why `value` cannot be sent as a header value, or `undefined` when it can. Accepted is what undici
 * accepts (RFC 9110 `field-value`: HTAB, visible ASCII, space, and bytes 0x80-0xFF); fetch also
 * refuses characters above 0xFF, and it alone lets other control characters through. The reason
 * names the character by code point and position, never the text around it (it may be a secret).
 */
export const invalidHeaderValue = (value: string): string | undefined => {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code === 0x09 || (code >= 0x20 && code <= 0x7e) || (code >= 0x80 && code <= 0xff)) continue
    const at = `(character ${i + 1})`
    if (code === 0x0a || code === 0x0d) return `contains a line break ${at}`
    const point = value.codePointAt(i) ?? code
    const name = `U+${point.toString(16).toUpperCase().padStart(4, "0")}`
    return code < 0x20 || code === 0x7f ?
      `contains the control character ${name} ${at}` :
      `contains ${name} ${at}, which is not Latin-1 and cannot be sent in an HTTP header`
  }
  return undefined
}

/**
 * Headers that frame the message or steer the connection, which the transport sets itself: undici
 * refuses several of them at send time, and a wrong length or host breaks the exchange. None can be
 * a custom header.
 */
export const transportHeaders: ReadonlySet<string> = new Set([
  "connection",
  "content-length",
  "expect",
  "host",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade"
])
