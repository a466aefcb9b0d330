#!/usr/bin/env bash
# Make, in the local buildah store, the base images the generated Dockerfiles name,
# for machines without a registry:
#   golang:GO_VERSION                           the local Go toolchain (GOTOOLCHAIN=local)
#                                               on busybox, with CA certificates
#   gcr.io/distroless/static-debian12:nonroot   what distroless static gives a static
#                                               binary: CA certs, tzdata, nonroot 65532
# Usage: scripts/base-images.sh GO_VERSION   (images that exist are kept)
set -euo pipefail
go_version="${1:?usage: base-images.sh GO_VERSION (e.g. 1.22)}"
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/buildah-local.sh"
GOROOT_SRC="${GOROOT_SRC:-$(go env GOROOT)}"

exists() { bah inspect --type image "$1" >/dev/null 2>&1; }

# new_image NAME FILL_FUNCTION CONFIG_ARGS...: a scratch container filled by
# FILL_FUNCTION (given the mounted rootfs), configured and committed as NAME.
new_image() {
  local name="$1" fill="$2"; shift 2
  if exists "$name"; then echo "kept $name"; return; fi
  local ctr mnt
  ctr="$(bah from scratch)"
  mnt="$(bah mount "$ctr")"
  "$fill" "$mnt"
  bah config "$@" "$ctr"
  bah commit --quiet --rm "$ctr" "$name" >/dev/null
  echo "made $name"
}

common_files() { # ROOTFS: CA certificates and a user database with root and nonroot
  install -d -m 0755 "$1/etc/ssl/certs" "$1/home/nonroot" "$1/root"
  install -d -m 1777 "$1/tmp"
  chown 65532:65532 "$1/home/nonroot"
  cp /etc/ssl/certs/ca-certificates.crt "$1/etc/ssl/certs/"
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
    'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >"$1/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'nonroot:x:65532:' >"$1/etc/group"
  echo 'hosts: files dns' >"$1/etc/nsswitch.conf"
}

fill_golang() {
  common_files "$1"
  install -d "$1/bin" "$1/usr/local" "$1/go/bin" "$1/go/pkg/mod" "$1/etc/ssl/certs"
  cp "$(command -v busybox)" "$1/bin/busybox"
  for applet in $(busybox --list); do [ -e "$1/bin/$applet" ] || ln -s busybox "$1/bin/$applet"; done
  # The toolchain without its tests, API lists, docs and test data.
  tar -C "$(dirname "$GOROOT_SRC")" --exclude=go/test --exclude=go/api --exclude=go/doc --exclude=testdata \
    -cf - "$(basename "$GOROOT_SRC")" | tar -C "$1/usr/local" -xf -
  [ "$(basename "$GOROOT_SRC")" = go ] || mv "$1/usr/local/$(basename "$GOROOT_SRC")" "$1/usr/local/go"
}

fill_distroless() {
  common_files "$1"
  install -d "$1/usr/share" "$1/etc"
  cp -a /usr/share/zoneinfo "$1/usr/share/zoneinfo"
  for f in services protocols; do [ ! -f "/etc/$f" ] || cp "/etc/$f" "$1/etc/$f"; done
  printf '%s\n' 'PRETTY_NAME="Distroless (local stand-in)"' 'ID=debian' 'VERSION_ID="12"' >"$1/etc/os-release"
}

# Short names: buildah looks for localhost/NAME and docker.io/library/NAME.
new_image "docker.io/library/golang:$go_version" fill_golang \
  --env GOPATH=/go --env GOTOOLCHAIN=local --env HOME=/root \
  --env PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt --workingdir /go --cmd /bin/sh
new_image gcr.io/distroless/static-debian12:nonroot fill_distroless \
  --env PATH=/usr/local/bin:/usr/bin:/bin --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
  --user 65532:65532 --workingdir /home/nonroot
