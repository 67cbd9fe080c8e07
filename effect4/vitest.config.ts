import { defineConfig } from "vitest/config"

/** The reliability suite watches the whole process (sockets, timers, unhandled rejections): it keeps a process per file. */
const reliability = ["test/reliability/**/*.test.ts"]

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        // One module graph for all these files (isolated, each file imports Effect again, which was
        // most of their time): none of them leaves global state behind.
        test: { name: "suite", include: ["test/**/*.test.ts"], exclude: reliability, isolate: false }
      },
      { extends: true, test: { name: "reliability", include: reliability } }
    ]
  }
})
