// `npm run bench verify` (or `npx ts-node --transpile-only bench/ova-verify.ts [--short]`): OvaPackage's
// `verify: "md5"` on OVAs of 8, 50, 200 and 500 MiB (short mode: 1, 2 and 4 MiB) served by the simulator
// over loopback. Each verification runs the compiled provider (dist/, built by scripts/bench.sh, loaded
// as bench/providers.ts says) in a fresh Node process, adopting the package (`adoptUuid`) so that the
// process does nothing but look the package up and stream the file; it reports the time the create
// took and the process's peak RSS. The simulator runs in this process, so its memory is not counted.
// The peak RSS must not grow with the file size.
import { execFile } from "child_process";
import { promisify } from "util";
import { startSimulator, SEED_CREDENTIALS as C, SEED_UUIDS as U } from "../simulator";
import { ovaMd5 } from "../simulator/http/download";
import { byMode } from "./mode";
import { providerClassLocation } from "./providers";

const MiB = 1024 * 1024;
/** 200 MiB is the largest file the simulator exports; 500 MiB shows the trend beyond it. */
const SIZES_MIB = { full: [8, 50, 200, 500], short: [1, 2, 4] };

/** The child: the compiled provider verifying one package; prints {ms, maxRssKiB, md5} as JSON. */
const CHILD = `
const [file, exportName, endpoint, uuid, method] = process.argv.slice(1);
const OvaPackageProvider = require(file)[exportName];
(async () => {
  const values = { "zstack:endpoint": endpoint, "zstack:accountName": process.env.BENCH_ACCOUNT, "zstack:password": process.env.BENCH_PASSWORD };
  const p = new OvaPackageProvider({ log: () => undefined });
  await p.configure({ config: { get: (k) => values[k] } });
  const t0 = process.hrtime.bigint();
  const { outs } = await p.create({ adoptUuid: uuid, verify: method });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(JSON.stringify({ ms, maxRssKiB: process.resourceUsage().maxRSS, md5: outs.verified && outs.verified.md5 }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

interface Run {
  sizeMiB: number;
  method: string;
  ms: number;
  maxRssMiB: number;
}

async function verifyInChild(
  endpoint: string,
  uuid: string,
  method: string,
): Promise<{ ms: number; maxRssMiB: number; md5?: string }> {
  const { file, exportName } = providerClassLocation("ova-package");
  const args = ["-e", CHILD, file, exportName, endpoint, uuid, method];
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    env: { ...process.env, BENCH_ACCOUNT: C.accountName, BENCH_PASSWORD: C.password },
    maxBuffer: 1024 * 1024,
  });
  const r = JSON.parse(stdout) as { ms: number; maxRssKiB: number; md5?: string };
  return { ms: r.ms, maxRssMiB: r.maxRssKiB / 1024, md5: r.md5 };
}

export async function benchOvaVerify(): Promise<Run[]> {
  const sim = await startSimulator({ port: 0, quiet: true, randomSeed: 1 });
  const runs: Run[] = [];
  try {
    const vms = [U.vmStopped, U.vmStopped2, U.vmStopped3, U.vmRunning];
    for (const [i, sizeMiB] of byMode(SIZES_MIB).entries()) {
      const uuid = `b${i}c0ffee5a6b4c7d8e9f0a1b2c3d4e5f`.slice(0, 32);
      const size = sizeMiB * MiB;
      sim.world.insert("imagePackages", {
        uuid,
        name: `bench-${sizeMiB}.ova`,
        vmUuid: vms[i],
        backupStorageUuid: U.bsImageStore,
        state: "Exported",
        format: "ova",
        size,
        md5Sum: ovaMd5(uuid, size),
        exportUrl: `${sim.url}/imagestore/download/ova/${uuid}/bench-${sizeMiB}.ova`,
      });
      for (const method of ["size", "md5"]) {
        const r = await verifyInChild(sim.url, uuid, method);
        if (method === "md5" && r.md5 !== ovaMd5(uuid, size))
          throw new Error(`the ${sizeMiB} MiB verification computed ${r.md5}`);
        runs.push({ sizeMiB, method, ms: r.ms, maxRssMiB: r.maxRssMiB });
      }
    }
  } finally {
    await sim.stop();
  }
  console.log(
    '\nOvaPackage verify: "md5" vs "size" (a fresh provider process each, adopting a package served by the simulator on loopback)',
  );
  console.log("  file     verify  create time   md5 throughput   provider peak RSS");
  for (const r of runs) {
    const rate =
      r.method === "md5" ? `${((r.sizeMiB * MiB) / MiB / (r.ms / 1000)).toFixed(0)} MiB/s`.padStart(10) : "         –";
    console.log(
      `  ${String(r.sizeMiB).padStart(3)} MiB  ${r.method.padEnd(6)}  ${(r.ms / 1000).toFixed(2).padStart(8)} s   ${rate}       ${r.maxRssMiB.toFixed(0).padStart(4)} MiB`,
    );
  }
  // the smallest file ends before the process reaches its steady RSS: compare from the second size on
  const md5 = runs.filter((r) => r.method === "md5");
  const [from, to] = [md5[1], md5[md5.length - 1]];
  const growth = to.maxRssMiB - from.maxRssMiB;
  const verdict = Math.abs(growth) < 16 ? "it does not grow with the file size" : "IT GROWS WITH THE FILE SIZE";
  console.log(
    `  peak RSS (md5) from a ${from.sizeMiB} MiB to a ${to.sizeMiB} MiB file: ${growth >= 0 ? "+" : ""}${growth.toFixed(1)} MiB for ${to.sizeMiB - from.sizeMiB} MiB more file: ${verdict}`,
  );
  return runs;
}

if (require.main === module) {
  benchOvaVerify().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
