import * as pulumi from "@pulumi/pulumi";
import { resourceUuidOf } from "../provider/client/client";

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
  return resourceUuidOf(project, stack, type, name);
}
