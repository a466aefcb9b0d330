# buildah with this project's local store: source it to get `bah` (scripts do), or
# run it as buildah itself: `bash scripts/buildah-local.sh images` (the tests do).
# One store outside the repository, reused across runs so rebuilds are fast; vfs
# storage and chroot isolation work without kernel overlay or user namespaces.
GOSERVICE_CACHE="${GOSERVICE_CACHE:-$HOME/.cache/goservice}"
export BUILDAH_ISOLATION="${BUILDAH_ISOLATION:-chroot}"
# RUN --mount=type=cache directories live under TMPDIR: keep them with the store.
export TMPDIR="${GOSERVICE_BUILD_TMPDIR:-$GOSERVICE_CACHE/containers/tmp}"
mkdir -p "$TMPDIR"

BUILDAH_STORE=(--root "$GOSERVICE_CACHE/containers/storage" --runroot "$GOSERVICE_CACHE/containers/run"
  --storage-driver vfs)

bah() { buildah "${BUILDAH_STORE[@]}" "$@"; }

if [ "${BASH_SOURCE[0]}" = "$0" ]; then exec buildah "${BUILDAH_STORE[@]}" "$@"; fi
