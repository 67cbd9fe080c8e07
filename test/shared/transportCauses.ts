/**
 * Transport failures as each runtime words them, for both editions' transportFailure tests: the
 * cause a transport fails with where nothing was sent, and whether a create is retried after it
 * (a failure that may pass, such as a refused connection, is; one that will not, such as a bad
 * certificate, is not).
 */

/** An `Error` with a Node-style `code`. */
export const withCode = (message: string, code: string) => Object.assign(new Error(message), { code })

export const nothingSent: ReadonlyArray<readonly [what: string, cause: Error, retried: boolean]> = [
  ["a refused connection in Deno's words", new TypeError("error sending request: Connection refused (os error 111)"), true],
  ["a DNS failure in workerd's words", new Error("Network connection lost: dns error: failed to lookup address information"), true],
  ["TLS spoken to a plain-HTTP port", withCode("wrong version number", "ERR_SSL_WRONG_VERSION_NUMBER"), false],
  ["an untrusted certificate", withCode("self-signed certificate", "DEPTH_ZERO_SELF_SIGNED_CERT"), false],
  ["an invalid header value", withCode("Invalid character in header content", "ERR_INVALID_CHAR"), false],
  ["a transport that does not run here", new TypeError("dispatcher.request is not a function"), false],
  [
    "a runtime that refuses (Deno without permission)",
    Object.assign(new Error('Requires env access to "NODE_DEBUG", run again with the --allow-env flag'), { name: "NotCapable" }),
    false
  ]
]
