#!/usr/bin/env bash
# installcheck: prove every module of this repository installs the way the
# README tells users to install it, before anything is tagged.
#
# 1. Find the modules: every go.mod except the benchmark module and test
#    data (the root and contrib/*, present or future).
# 2. Check each published go.mod: no replace directive, and the core is
#    required at a real version (the one being released), and go.work uses
#    every module.
# 3. Publish the tree, at that version, into a file-based module proxy.
# 4. In a scratch module outside the repository, with that proxy first
#    (GOPROXY=file://...,<normal proxy>), a fresh module cache and no
#    workspace, run the README install section's `go get` lines and build a
#    program importing every public package of every module, plus the
#    simkit command.
#
# Usage: scripts/installcheck.sh   (INSTALLCHECK_VERSION=v0.2.0 to override
# the version; INSTALLCHECK_KEEP=1 keeps the scratch directory)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
core=github.com/simkit/simkit
fail() { echo "installcheck: $*" >&2; exit 1; }

# 1. Modules. The root first; benchmarks and testdata are never published.
mapfile -t modules < <(find . -name go.mod -not -path './go.mod' -not -path './benchmarks/*' \
  -not -path '*/testdata/*' -not -path './.git/*' -printf '%h\n' | sed 's|^\./||' | sort)
modules=(. "${modules[@]}")

# 2. Published go.mod files.
version="${INSTALLCHECK_VERSION:-}"
for m in "${modules[@]}"; do
  if grep -qE '^[[:space:]]*replace\b' "$m/go.mod"; then
    fail "$m/go.mod has a replace directive; users' builds ignore it. Use go.work for local development"
  fi
  [ "$m" = . ] && continue
  req=$(awk -v core="$core" '$1 == core || ($1 == "require" && $2 == core) { print ($1 == "require" ? $3 : $2) }' "$m/go.mod")
  [ -n "$req" ] || continue # a contrib module that does not import the core
  case "$req" in v0.0.0*) fail "$m/go.mod requires $core $req, which will never exist; require the version being released" ;; esac
  if [ -z "$version" ]; then version=$req; fi
  [ "$req" = "$version" ] || fail "$m/go.mod requires $core $req, another module $version; require one release"
done
version="${version:-v0.1.0}"
work_uses=$(go work edit -json go.work | sed -n 's/.*"DiskPath": "\(.*\)".*/\1/p' | sed 's|^\./||; s|^$|.|')
for m in "${modules[@]}"; do
  grep -qxF "$m" <<<"$work_uses" || fail "go.work does not use $m; run: go work use ./$m"
done
grep -q "replace $core $version => " go.work ||
  fail "go.work lacks 'replace $core $version => ./' (needed while $version is unpublished)"

# 3. The proxy.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/simkit-installcheck.XXXXXX")
if [ -z "${INSTALLCHECK_KEEP:-}" ]; then trap 'chmod -R u+w "$scratch" 2>/dev/null; rm -rf "$scratch"' EXIT; fi
go run ./scripts/installcheck -out "$scratch/proxy" -version "$version" "${modules[@]}"

# The README's install lines, one per module.
mapfile -t gets < <(awk '/^## /{ins = ($0 ~ /^## Install/)} ins && /^go get /' README.md | sed 's/[[:space:]]*#.*$//')
[ ${#gets[@]} -gt 0 ] || fail "README.md has no '## Install' section with go get lines"
pkgs=()
for m in "${modules[@]}"; do
  mp=$(awk '$1 == "module" { gsub(/"/, "", $2); print $2; exit }' "$m/go.mod")
  printf '%s\n' "${gets[@]}" | grep -qE "^go get $mp(@[^ ]*)?$" ||
    fail "README.md install section lacks: go get $mp"
  # Every public library package (no internal, examples, scripts, mains).
  mapfile -t -O ${#pkgs[@]} pkgs < <(cd "$m" && go list -f '{{if ne .Name "main"}}{{.ImportPath}}{{end}}' ./... |
    grep -vE '/(internal|examples|scripts|benchmarks)(/|$)' | grep -v '^$')
done

# 4. A user's fresh module. The file proxy of the real module cache serves
# the dependencies already downloaded, so a warm run needs no network for
# them; our own module comes only from the tree (a fresh module cache, so a
# stale copy of this version can never be used).
real_cache="$(go env GOMODCACHE)/cache/download"
mkdir -p "$scratch/app" "$scratch/modcache/cache/download"
[ -d "$real_cache/sumdb" ] && cp -r "$real_cache/sumdb" "$scratch/modcache/cache/download/"
cd "$scratch/app"
# -trimpath keeps build-cache keys independent of the fresh module cache
# path, so a warm run rebuilds nothing.
export GOWORK=off GOMODCACHE="$scratch/modcache" GOFLAGS="${GOFLAGS:-} -mod=mod -trimpath"
export GOPROXY="file://$scratch/proxy,file://$real_cache,$(cd "$root" && go env GOPROXY)"
export GONOSUMDB="$core" GONOPROXY="" GOPRIVATE=""
go mod init example.com/installcheck >/dev/null 2>&1
for line in "${gets[@]}"; do
  echo "+ $line"
  bash -c "$line"
done
{
  echo "package main"
  echo
  echo "import ("
  for p in "${pkgs[@]}"; do echo "	_ \"$p\""; done
  echo ")"
  echo
  echo "func main() {}"
} > main.go
go build -o /dev/null .
got=$(go list -m -f '{{.Version}}' "$core")
[ "$got" = "$version" ] || fail "the scratch module resolved $core $got, not $version"
go build -o "$scratch/simkit" "$core/cmd/simkit"
"$scratch/simkit" --help >/dev/null
echo "installcheck: ${#modules[@]} modules at $version install from README's go get lines; ${#pkgs[@]} packages and cmd/simkit build"
