#!/usr/bin/env bash
# Builds this package, packs it with `npm pack` (exactly what would be published) and installs the
# tarball's contents as node_modules/pulumi-zstack-migration, so the root quickstart project imports
# the package the way a user's program does. Dynamic providers are then serialized by reference
# (`require("pulumi-zstack-migration/dist/provider/providers/…")`) instead of by value.
#
# npm refuses to install a package into a project of the same name, so the tarball is unpacked
# directly; its dependencies (node-fetch, zod) are this repository's own dependencies and already
# sit in node_modules.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PZM_ROOT"
npm run --silent build   # dist/ afresh: a module a refactor moved must not linger there
packdir="$(mktemp -d)"
trap 'rm -rf "$packdir"' EXIT
tgz="$(npm pack --silent --ignore-scripts --pack-destination "$packdir" | tail -n 1)"
rm -rf node_modules/pulumi-zstack-migration
mkdir -p node_modules/pulumi-zstack-migration
tar -xzf "$packdir/$tgz" -C node_modules/pulumi-zstack-migration --strip-components=1
echo "installed $tgz into node_modules/pulumi-zstack-migration" >&2
