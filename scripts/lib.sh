# SPDX-License-Identifier: GPL-2.0
# Shared settings for the build and test scripts; sourced, not run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
KSRC=$BUILD/linux
KOBJ=${KOBJ:-$BUILD/kernel}
# Relative to where the caller stands; make runs in other directories.
case "$KOBJ" in /*) ;; *) KOBJ=$PWD/$KOBJ ;; esac
# The release kernel (no debug options): make run, make bench, one boot of
# make check.
KOBJ_RELEASE=$BUILD/kernel-release
RELEASE_FRAGMENTS="base gunyah release"
CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
JOBS=${JOBS:-$(nproc)}
export ARCH=arm64 CROSS_COMPILE

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# All kernel makes go through one lock: two builds in one object tree
# corrupt each other.
kmake() {
	mkdir -p "$KOBJ"
	flock "$BUILD/.kernel.lock" make -C "$KSRC" O="$KOBJ" -j"$JOBS" "$@"
}
