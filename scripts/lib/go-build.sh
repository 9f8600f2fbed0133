# shellcheck shell=bash
# Helpers shared by the scripts that build Pulumi binaries from Go modules (scripts/setup-pulumi.sh,
# scripts/setup-language-hosts.sh). Sourced, not run. The caller sets PZM_LOG_TAG (the log prefix).
#
# Only the Go module proxy is used; GOMODCACHE and GOCACHE keep their usual locations.

log() { printf '[%s] %s\n' "${PZM_LOG_TAG:-setup}" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "${PZM_LOG_TAG:-setup}" "$*" >&2; exit 1; }

# version_ge A B: true when A >= B (both vX.Y.Z, pre-release suffixes ignored).
version_ge() {
  local a="${1#v}" b="${2#v}"
  a="${a%%[-+]*}"; b="${b%%[-+]*}"
  [ "$(printf '%s\n%s\n' "$a" "$b" | sort -V | head -n1)" = "$b" ]
}

# Drop go's routine chatter (downloads, retraction notices of indirect dependencies); keep errors.
pzm_go_filter() { grep -v -e '^go: \(downloading\|added\|upgraded\|finding\) ' -e '^go: warning: .*retracted' -e '^go: to switch to the latest' -e '^[[:space:]]go get .*@latest$' || true; }

# The replace line of pulumi's own go.mod that does not carry over to a module depending on it.
CLIPBOARD_REPLACE="github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e"
# The variable the Pulumi release builds set to the version (CLI and the sdk/v3 language hosts).
VERSION_X="github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"

go_env() {
  # GOTOOLCHAIN=local: never download a toolchain, the installed Go must satisfy the go directive.
  GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 "$@"
}

require_go() {
  command -v go >/dev/null 2>&1 || die "${1:-no Go toolchain}; install Go >= 1.26.6 (https://go.dev/dl)"
}

# go_directive_ok GOMOD: the local Go satisfies the go directive of that go.mod file.
go_directive_ok() {
  local gomod="$1" need have
  need="$(awk '$1=="go"{print $2; exit}' "$gomod")"
  have="$(go env GOVERSION)"; have="${have#go}"
  version_ge "v$have" "v$need" || { log "Go $have is older than the 'go $need' directive of $gomod"; return 1; }
}

# go_build_tool WORK PKG VERSION OUT [LDFLAGS_X]: builds the command package PKG at module version
# VERSION into the file OUT, in a throwaway module in WORK whose requirements are those of PKG's own
# module (go get -tool), plus the clipboard replace. LDFLAGS_X (default $VERSION_X) is the variable
# set to VERSION.
go_build_tool() {
  local work="$1" pkg="$2" v="$3" out="$4" x="${5:-$VERSION_X}"
  mkdir -p "$work"
  (
    cd "$work"
    go_env go mod init example.invalid/pzm-build >/dev/null 2>&1
    go_env go mod edit -replace "$CLIPBOARD_REPLACE"
    log "resolving $pkg@$v"
    go_env go get -tool "$pkg@$v" 2>&1 | pzm_go_filter >&2 || true
    grep -q "^tool $pkg\$" go.mod || { log "the Go module proxy did not serve $pkg@$v"; exit 1; }
    log "compiling $(basename "$pkg") ($v)"
    go_env go build -p "${PZM_GO_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}" -trimpath -tags osusergo,grpcnotrace \
      -ldflags "-s -w -X $x=$v" -o "$out" "$pkg"
  )
}
