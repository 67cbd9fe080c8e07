/** Bundles the command line (src/cli/main.ts) into `outfile`: see bundle-cli.mjs. */
export declare const bundleCli: (outfile: string, options?: { readonly version?: string }) => Promise<unknown>
/** Where the build writes the bundle, relative to the package root: package.json's `bin`. */
export declare const binPath: string
