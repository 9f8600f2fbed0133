// `npm run bench [-- --short] [simulator|polling|scale|verify|plan|preview-errors ...]`: every benchmark prints its own figures
// (what each measures and the last measured figures: docs/benchmarks.md).
//   simulator — requests/s the simulator sustains on loopback under concurrent polling
//   polling   — requests and detection latency for one simulated 2-hour migration
//   scale     — 200 V2vMigrations + 200 OvaPackages on the real engine vs 400 trivial resources
//   verify    — OvaPackage verify "md5" throughput and the provider's peak RSS for 8, 50, 200 and 500 MiB OVAs
//   preview-errors — how long a preview takes to fail on bad input (a lookup typo, a wrong password, a closed port, …)
//   plan      — a MigrationPlan of 200 VMs through 2 conversion hosts, maxInFlight 20: preview requests, the wave vs the ideal, peak concurrency
// --short (or PZM_BENCH_SHORT=1): each on the smallest set-up, in seconds, to check that it completes (bench/mode.ts).

/** The benchmarks, in the order `npm run bench` runs them. Each module is loaded only when it runs. */
export const BENCHMARKS: Record<string, () => Promise<unknown>> = {
  simulator: async () => (await import("./simulator")).benchSimulator(),
  polling: async () => (await import("./polling")).benchPolling(),
  verify: async () => (await import("./ova-verify")).benchOvaVerify(),
  scale: async () => (await import("./scale")).benchScale(),
  plan: async () => (await import("./plan")).benchPlan(),
  "preview-errors": async () => (await import("./preview-errors")).benchPreviewErrors(),
};

async function main(args: string[]): Promise<void> {
  if (args.includes("--short")) process.env.PZM_BENCH_SHORT = "1";
  const parts = args.filter((a) => !a.startsWith("--"));
  const unknown = parts.filter((p) => !(p in BENCHMARKS));
  if (unknown.length) {
    throw new Error(`unknown benchmark ${unknown.join(", ")}; the benchmarks: ${Object.keys(BENCHMARKS).join(", ")}`);
  }
  for (const [name, run] of Object.entries(BENCHMARKS)) {
    if (parts.length === 0 || parts.includes(name)) await run();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
