#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build build/initramfs.cpio.gz: static arm64 busybox, the /init script,
# the static kselftests of tools/testing/selftests/gunyah (in /selftests/gunyah),
# their bare-metal guest payloads (in /guest), the reference VMM
# tools/gunyah-vmm (/bin/gunyah-vmm) and a Linux guest for it: the same
# kernel Image and a tiny initramfs (in /guest/linux).
# Outputs can be redirected (a private test build): OUT, ROOTFS,
# SELFTESTS_OUT, VMM_OUT; GUEST_KERNEL is the guest's Image.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROOTFS=${ROOTFS:-$BUILD/initramfs}
OUT=${OUT:-$BUILD/initramfs.cpio.gz}
SELFTESTS_OUT=${SELFTESTS_OUT:-$BUILD/selftests}
VMM_OUT=${VMM_OUT:-$BUILD/gunyah-vmm}
GUEST_KERNEL=${GUEST_KERNEL:-$KOBJ/arch/arm64/boot/Image}

deb=$(ls "$BUILD"/downloads/busybox-static_*_arm64.deb 2>/dev/null | head -1)
[ -n "$deb" ] || die "busybox-static:arm64 missing: run scripts/bootstrap.sh"

log "building kselftests (static, arm64)"
# Sanitised UAPI headers of the kernel build, as kselftests expect.
kmake -s headers
mkdir -p "$SELFTESTS_OUT"
make -s -C "$KSRC/tools/testing/selftests" TARGETS=gunyah O="$SELFTESTS_OUT" \
	CC="${CROSS_COMPILE}gcc" KHDR_INCLUDES="-isystem $KOBJ/usr/include" LDFLAGS=-static

log "building gunyah-vmm and the Linux guest's initramfs (static, arm64)"
make -s -C "$ROOT/tools/gunyah-vmm" O="$VMM_OUT" CROSS_COMPILE="$CROSS_COMPILE" \
	KHDR_INCLUDES="-isystem $KOBJ/usr/include" LDFLAGS=-static KSRC="$KSRC" \
	all linux-guest
[ -f "$GUEST_KERNEL" ] || die "$GUEST_KERNEL missing: make kernel"

rm -rf "$ROOTFS"
mkdir -p "$ROOTFS"/{bin,dev,proc,sys,tmp,guest/linux,selftests/gunyah}
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$ROOTFS" ./bin/busybox
install -m 755 "$ROOT/scripts/initramfs/init" "$ROOTFS/init"
find "$SELFTESTS_OUT/kselftest/gunyah" -maxdepth 1 -type f -perm -u+x \
	-exec install -m 755 {} "$ROOTFS/selftests/gunyah/" \;
# Guest payloads are data, not tests: init runs every executable in /selftests.
install -m 644 "$SELFTESTS_OUT"/kselftest/gunyah/guest/*.bin "$ROOTFS/guest/"
install -m 755 "$VMM_OUT/gunyah-vmm" "$ROOTFS/bin/gunyah-vmm"
install -m 644 "$GUEST_KERNEL" "$ROOTFS/guest/linux/Image"
install -m 644 "$VMM_OUT/linux-guest/initramfs.cpio" "$ROOTFS/guest/linux/initramfs.cpio"
(cd "$ROOTFS" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
	gzip -9 >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
log "initramfs: $OUT ($(du -h "$OUT" | cut -f1))"
