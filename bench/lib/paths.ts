import * as Path from "node:path"
import { fileURLToPath } from "node:url"

/** `bench/`, wherever the harness runs from. */
export const benchDir = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
export const repoDir = Path.resolve(benchDir, "..")
/**
 * This run's compiled children and server: inside the repo so that they find node_modules, one
 * directory per run so that two runs (a bench and the smoke test) never share files.
 */
export const buildDir = Path.join(benchDir, ".build", `run-${process.pid}`)
export const defaultResultsDir = Path.join(benchDir, "results")
