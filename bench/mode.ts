// Short mode: `npm run bench -- --short [part ...]`, `--short` on a benchmark run alone, or
// PZM_BENCH_SHORT=1. Every benchmark runs its whole course on the smallest set-up (a few VMs, small
// files, short jobs), in seconds rather than minutes, so that CI can check that it completes and
// prints its figures (test/bench/bench-short.test.ts). The figures of a short run mean nothing.
// Settings given explicitly (environment variables, options) still apply.

export function isShort(): boolean {
  return process.env.PZM_BENCH_SHORT === "1" || process.argv.includes("--short");
}

/** The setting of the mode this run is in: `byMode({ full: 200, short: 3 })`. */
export function byMode<T>(settings: { full: T; short: T }): T {
  return isShort() ? settings.short : settings.full;
}
