// `npm run bench [simulator|polling|scale|verify|plan ...]`: every benchmark prints its own figures
// (what each measures and the last measured figures: docs/benchmarks.md).
//   simulator — requests/s the simulator sustains on loopback under concurrent polling
//   polling   — requests and detection latency for one simulated 2-hour migration
//   scale     — 200 V2vMigrations + 200 OvaPackages on the real engine vs 400 trivial resources
//   verify    — OvaPackage verify "md5" throughput and the provider's peak RSS for 8, 50, 200 and 500 MiB OVAs
//   plan      — a MigrationPlan of 200 VMs through 2 conversion hosts, maxInFlight 20: preview requests, the wave vs the ideal, peak concurrency
const parts = process.argv.slice(2);
const want = (p: string) => parts.length === 0 || parts.includes(p);

async function main(): Promise<void> {
  if (want("simulator")) {
    const { benchSimulator } = await import("./simulator");
    await benchSimulator();
  }
  if (want("polling")) {
    const { benchPolling } = await import("./polling");
    await benchPolling();
  }
  if (want("verify")) {
    const { benchOvaVerify } = await import("./ova-verify");
    await benchOvaVerify();
  }
  if (want("scale")) {
    const { benchScale } = await import("./scale");
    await benchScale();
  }
  if (want("plan")) {
    const { benchPlan } = await import("./plan");
    await benchPlan();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
