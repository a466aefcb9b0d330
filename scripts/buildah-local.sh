# shellcheck shell=bash
# buildah with this project's local store: source it to get `bah` (scripts do), or
# run it as buildah itself: `bash scripts/buildah-local.sh images` (the tests do).
# One store outside the repository, reused across runs so rebuilds are fast, with
# chroot isolation (no user namespaces needed). Storage driver: overlay where the
# kernel allows it (fast), else vfs (works everywhere, copies every layer);
# GOSERVICE_STORAGE_DRIVER=vfs|overlay forces one.
GOSERVICE_CACHE="${GOSERVICE_CACHE:-$HOME/.cache/goservice}"
export BUILDAH_ISOLATION="${BUILDAH_ISOLATION:-chroot}"
# RUN --mount=type=cache directories live under TMPDIR: keep them with the store.
export TMPDIR="${GOSERVICE_BUILD_TMPDIR:-$GOSERVICE_CACHE/containers/tmp}"
mkdir -p "$TMPDIR"

if [ -z "${GOSERVICE_STORAGE_DRIVER:-}" ]; then
  probed="$GOSERVICE_CACHE/containers/driver"
  if [ ! -s "$probed" ]; then
    d="$(mktemp -d)" && mkdir "$d/l" "$d/u" "$d/w" "$d/m"
    if [ "$(id -u)" = 0 ] && mount -t overlay overlay -o "lowerdir=$d/l,upperdir=$d/u,workdir=$d/w" "$d/m" 2>/dev/null; then
      umount "$d/m"; echo overlay >"$probed"
    else
      echo vfs >"$probed"
    fi
    rm -rf "$d"
  fi
  GOSERVICE_STORAGE_DRIVER="$(cat "$probed")"
fi
export GOSERVICE_STORAGE_DRIVER

BUILDAH_STORE=(--storage-driver "$GOSERVICE_STORAGE_DRIVER"
  --root "$GOSERVICE_CACHE/containers/$GOSERVICE_STORAGE_DRIVER/storage"
  --runroot "$GOSERVICE_CACHE/containers/$GOSERVICE_STORAGE_DRIVER/run")

# Programs that run buildah themselves (helm goservice publish) find the same
# store through a containers-storage.conf naming it.
CONTAINERS_STORAGE_CONF="$GOSERVICE_CACHE/containers/$GOSERVICE_STORAGE_DRIVER/storage.conf"
if [ ! -s "$CONTAINERS_STORAGE_CONF" ]; then
  mkdir -p "$(dirname "$CONTAINERS_STORAGE_CONF")"
  printf '[storage]\ndriver = "%s"\ngraphroot = "%s"\nrunroot = "%s"\n' "$GOSERVICE_STORAGE_DRIVER" \
    "$GOSERVICE_CACHE/containers/$GOSERVICE_STORAGE_DRIVER/storage" "$GOSERVICE_CACHE/containers/$GOSERVICE_STORAGE_DRIVER/run" \
    >"$CONTAINERS_STORAGE_CONF.$$" && mv "$CONTAINERS_STORAGE_CONF.$$" "$CONTAINERS_STORAGE_CONF"
fi
export CONTAINERS_STORAGE_CONF

bah() { buildah "${BUILDAH_STORE[@]}" "$@"; }

if [ "${BASH_SOURCE[0]}" = "$0" ]; then exec buildah "${BUILDAH_STORE[@]}" "$@"; fi
