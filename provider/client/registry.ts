/**
 * Process-wide registries: one Map (or WeakMap) per name, kept on `globalThis` under a string key.
 *
 * Why not a module variable: two copies of this package loaded in one process (a program's and the
 * provider's) must share one registry, and a provider serialized by value must never capture a live
 * client, agent or slot (a `Symbol.for` key cannot be captured either, a string can).
 */
type Registries = Record<string, unknown>;

const g = (): Registries => globalThis;

/** `Sessions` → `__pulumiZStackMigrationSessions_v1` (the keys earlier versions used). */
const keyOf = (name: string): string => `__pulumiZStackMigration${name}_v1`;

/** The process-wide Map registered under `name` (created on first use). */
export function processRegistry<K, V>(name: string): Map<K, V> {
  const key = keyOf(name);
  return (g()[key] ??= new Map<K, V>()) as Map<K, V>;
}

/** The process-wide WeakMap registered under `name`: state attached to an object without being a field of it. */
export function processWeakRegistry<K extends object, V>(name: string): WeakMap<K, V> {
  const key = keyOf(name);
  return (g()[key] ??= new WeakMap<K, V>()) as WeakMap<K, V>;
}

/** The value of `key` in `registry`, made by `make` the first time. */
export function registered<K, V>(registry: Map<K, V> | WeakMap<K & object, V>, key: K, make: () => V): V {
  const map = registry as Map<K, V>;
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
