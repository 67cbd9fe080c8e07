import { defineConfig } from "vitest/config"

/**
 * Three projects; `vitest run` (`npm test`) runs all of them, `--project <name>` one.
 *
 * - `unit`: contract tables, virtual time (TestClock), the mock transport, the in-memory double.
 *   No real socket, no child process: the loop to run after every change (`npm run test:unit`).
 * - `integration`: what only a real socket on 127.0.0.1 or a child process shows: the local
 *   server, both transports, the reliability matrices, the CLI, the packed package.
 * - `bench`: the benchmark harness's arithmetic, and two tiny smoke runs of it in child processes.
 *
 * `unit` runs in worker threads, the others in child processes (vitest's default pool): `vitest run`
 * runs the two pools side by side, the unit files' work beside the integration files' waits.
 */

/**
 * Files that open a socket on 127.0.0.1 or start a child process (test/projects.test.ts checks that
 * no other file does).
 */
export const integration = [
  "test/socket.test.ts",
  "test/headers.test.ts",
  "test/telemetry.test.ts",
  "test/transportFailure.test.ts",
  "test/package.test.ts",
  "test/cli/cli.test.ts",
  "test/cli/FaultFlags.test.ts",
  "test/testing/LocalServer.test.ts",
  "test/testing/entries.test.ts",
  "test/testing/localServer/**/*.test.ts",
  // The local server's core on real sockets (its routes' matching, test/core/localServer/routes, is unit).
  "test/core/localServer/server.test.ts",
  "test/core/localServer/resource.test.ts",
  "test/core/localServer/turns.test.ts",
  "test/core/localServer/faults.test.ts",
  "test/core/localServer/streamFaults.test.ts",
  "test/ai/LlamaCloudLanguageModel.test.ts",
  "test/docs/programs.test.ts",
  "test/examples/start.test.ts",
  // A real redis-server and three replica processes.
  "test/rateLimitRedis.test.ts",
  // The reliability suite runs on real sockets, except its properties and backoff (virtual time).
  "test/reliability/harness.test.ts",
  "test/reliability/hostile.test.ts",
  "test/reliability/interruption.test.ts",
  "test/reliability/load.test.ts",
  "test/reliability/matrix.test.ts",
  "test/reliability/memory.test.ts",
  "test/reliability/operations.test.ts",
  "test/reliability/sdk.test.ts",
  "test/reliability/streams.test.ts"
]
export const bench = ["test/bench/**/*.test.ts"]

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Isolation is an option of the pool, not of a project: the unit project, alone in the threads
    // pool, runs its files in one module graph (isolated, each file imports Effect again, which was
    // most of the project's time). None of its files leaves global state behind: the CLI's spies are
    // restored, the TZ test puts TZ back.
    poolOptions: { threads: { isolate: false } },
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: [...integration, ...bench], pool: "threads" }
      },
      {
        extends: true,
        // Real sockets share the machine's cores with everything else: the waits (never a bound on
        // how fast something happens) get room on a loaded machine.
        test: { name: "integration", include: integration, testTimeout: 60_000 }
      },
      {
        extends: true,
        test: { name: "bench", include: bench }
      }
    ]
  }
})
