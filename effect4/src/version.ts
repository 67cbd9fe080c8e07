/**
 * The package version, sent in `User-Agent`. A test checks it against package.json.
 *
 * @since 0.1.0
 * @category constants
 */
export const VERSION = "1.0.0-alpha.0"
