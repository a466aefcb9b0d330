#!/usr/bin/env bash
# Install buildah (and what the image build tests use, shellcheck for the
# scripts, rsync for gitlab-ci-local, htpasswd for the local registry) from
# Debian's packages when missing, then print its version.
set -euo pipefail

need=()
command -v buildah >/dev/null || need+=(buildah)
command -v busybox >/dev/null || need+=(busybox-static)
[ -f /etc/ssl/certs/ca-certificates.crt ] || need+=(ca-certificates)
[ -d /usr/share/zoneinfo ] || need+=(tzdata)
command -v shellcheck >/dev/null || need+=(shellcheck)
command -v rsync >/dev/null || need+=(rsync)
command -v htpasswd >/dev/null || need+=(apache2-utils)

if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${need[@]}"
fi

buildah --version
