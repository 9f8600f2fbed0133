/**
 * A small seedable PRNG (sfc32) whose state can be saved with the world, so uuids and fault
 * decisions are reproducible with `randomSeed` and never repeat after a restart from a state file.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | number[]) {
    if (Array.isArray(seed)) {
      [this.a, this.b, this.c, this.d] = seed.map((x) => x >>> 0);
    } else {
      // splitmix32 expansion of a single seed
      let s = seed >>> 0;
      const next = () => {
        s = (s + 0x9e3779b9) >>> 0;
        let z = s;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
        return (z ^ (z >>> 16)) >>> 0;
      };
      this.a = next();
      this.b = next();
      this.c = next();
      this.d = next();
    }
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** uniform in [0, 1) */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** A dash-less version-4 uuid, which also passes ZStack's resourceUuid pattern. */
  uuid(): string {
    let hex = "";
    for (let i = 0; i < 4; i++) hex += this.nextU32().toString(16).padStart(8, "0");
    const variant = "89ab"[this.nextU32() & 3];
    return hex.slice(0, 12) + "4" + hex.slice(13, 16) + variant + hex.slice(17);
  }

  state(): number[] {
    return [this.a, this.b, this.c, this.d];
  }
}
