import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

/** RFC 4122 namespace of this package's derived uuids (itself a fixed random uuid). */
const NAMESPACE = "6f1c3a52-9d0e-4b7a-8e1f-2c4d5b6a7e80";

/**
 * A deterministic dash-less version-5 UUID for a resource: the SHA-1 of a fixed namespace and
 * `project/stack/type/name`. It passes ZStack's `resourceUuid` check, and an interrupted `pulumi up`
 * derives the same uuid again, so the provider adopts the long job or package it already started.
 * @internal
 */
export function deriveResourceUuid(
  type: string,
  name: string,
  project = pulumi.getProject(),
  stack = pulumi.getStack(),
): string {
  const ns = Buffer.from(NAMESPACE.replace(/-/g, ""), "hex");
  const hash = createHash("sha1").update(ns).update(`${project}/${stack}/${type}/${name}`, "utf8").digest();
  const bytes = Buffer.from(hash.subarray(0, 16));
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  return bytes.toString("hex");
}
