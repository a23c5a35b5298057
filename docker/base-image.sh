#!/usr/bin/env bash
# Makes the JRE base image herald-jre:17 without a container registry: a minimal Debian
# bookworm tree with openjdk-17-jre-headless, made by debootstrap from the Debian mirror and
# imported into the local Docker engine. The Dockerfiles take it as
#   --build-arg BASE_IMAGE=herald-jre:17   (or HERALD_BASE_IMAGE=herald-jre:17 for compose)
#
# Idempotent: does nothing when the image already exists. Needs root, debootstrap and a running
# Docker engine. Settings (environment):
#   HERALD_JRE_IMAGE  image name to make          (default herald-jre:17)
#   DEBIAN_MIRROR     mirror debootstrap reads    (default debootstrap's own, deb.debian.org)
#
# The image has what the Dockerfiles' RUN lines and the compose healthchecks use: bash, useradd
# (passwd is Priority: required, so minbase has it), getent, mkdir, chown; and java on PATH. The
# script checks each before it tags the image, so a broken tree never becomes herald-jre:17.
set -euo pipefail

image="${HERALD_JRE_IMAGE:-herald-jre:17}"
suite=bookworm

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "base-image: $image already exists; nothing to do"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "base-image: debootstrap needs root" >&2
  exit 1
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  echo "base-image: debootstrap is missing (apt-get install -y debootstrap)" >&2
  exit 1
fi

root="$(mktemp -d /tmp/herald-jre-root.XXXXXX)"
trap 'rm -rf "$root"' EXIT
started=$SECONDS

echo "base-image: debootstrap $suite with openjdk-17-jre-headless into $root"
debootstrap --variant=minbase --include=openjdk-17-jre-headless "$suite" "$root" ${DEBIAN_MIRROR:+"$DEBIAN_MIRROR"} \
  >"$root.log" 2>&1 || { tail -n 30 "$root.log" >&2; echo "base-image: debootstrap failed (log: $root.log)" >&2; exit 1; }
rm -f "$root.log"
# The downloaded .debs and package lists are only needed to install, not to run: ~100 MB less.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*

# Import under a temporary tag, check it, then tag it: a failed check leaves no herald-jre:17.
candidate="${image%%:*}:candidate-$$"
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["bash"]' \
  - "$candidate" >/dev/null
if ! docker run --rm --network none "$candidate" bash -c \
     'set -e; for tool in java bash useradd getent mkdir chown; do command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }; done; java -version'; then
  docker rmi "$candidate" >/dev/null
  echo "base-image: the imported tree lacks a tool the Dockerfiles need" >&2
  exit 1
fi
docker tag "$candidate" "$image"
docker rmi "$candidate" >/dev/null
echo "base-image: made $image in $((SECONDS - started)) s"
