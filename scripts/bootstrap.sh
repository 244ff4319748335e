#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the build needs on Debian 12, once. Safe to re-run: it only
# acts when something is missing. Also fetches the arm64 busybox used for
# the test initramfs into build/downloads.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES="make gcc libc6-dev gcc-aarch64-linux-gnu libc6-dev-arm64-cross
qemu-system-arm linux-source-6.12 sparse flex bison bc libssl-dev libelf-dev
cpio gzip xz-utils device-tree-compiler python3 rsync kmod util-linux
gnuplot-nox clang libclang-rt-14-dev"
BUSYBOX_DEB_DIR=$BUILD/downloads

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
need_arm64=0
dpkg --print-foreign-architectures | grep -qx arm64 || need_arm64=1

if [ -n "$missing" ] || [ $need_arm64 = 1 ]; then
	[ $need_arm64 = 1 ] && { log "enabling arm64 packages (for busybox-static:arm64)"; as_root dpkg --add-architecture arm64; }
	log "installing:${missing:- (none)}"
	as_root apt-get update -q
	# shellcheck disable=SC2086
	[ -z "$missing" ] || as_root env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends $missing
fi

if ! ls "$BUSYBOX_DEB_DIR"/busybox-static_*_arm64.deb >/dev/null 2>&1; then
	log "downloading busybox-static:arm64"
	mkdir -p "$BUSYBOX_DEB_DIR"
	(cd "$BUSYBOX_DEB_DIR" && apt-get download -q -o APT::Sandbox::User=root busybox-static:arm64)
fi
