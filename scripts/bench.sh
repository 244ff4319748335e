#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: Gunyah against KVM on the same QEMU machine, same kernel, same
# guest payload (tools/testing/selftests/gunyah/guest/bench.c).
#   1. the release kernel (scripts/config/release.config: KVM, GUNYAH_DEBUGFS,
#      no debug options) in build/kernel-release
#   2. the hyp-stub image with it (build/bench/stub/gunyah.img)
#   3. bench.bin, gunyah-bench, kvm-bench and a small initramfs
#      (build/bench/initramfs.cpio.gz; init mode gunyah_mode=bench)
#   4. four boots: {gunyah, kvm} x {icount, wall}. Gunyah: QEMU boots the
#      stub, Linux runs at EL1, gunyah-bench uses /dev/gunyah. KVM: QEMU
#      boots the same Image at EL2 (virtualization=on), kvm-bench uses
#      /dev/kvm. icount: -icount shift=0,align=off,sleep=off (1 ns of guest
#      time per instruction: figures repeat across runs and machines).
#   5. build/bench/results.json, results.txt (the table), results.png
#      (scripts/bench_report.py).
# Knobs (environment): BENCH_ITERS (modes 1-3; irqfd /4, timer /10),
# BENCH_VMS (lifecycle VMs), BENCH_ROUNDS (256 MiB share/lend rounds),
# BENCH_KITERS (in-kernel loops), BENCH_CLOCKS ("icount wall"),
# BENCH_SIDES ("gunyah kvm"), BENCH_TIMEOUT (seconds per boot),
# BENCH_NO_BUILD=1 (reuse the builds).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT=$BUILD/bench
IMAGE=$KOBJ_RELEASE/arch/arm64/boot/Image
ITERS=${BENCH_ITERS:-2000}
VMS=${BENCH_VMS:-20}
ROUNDS=${BENCH_ROUNDS:-3}
KITERS=${BENCH_KITERS:-5000}
CLOCKS=${BENCH_CLOCKS:-icount wall}
SIDES=${BENCH_SIDES:-gunyah kvm}
TIMEOUT=${BENCH_TIMEOUT:-300}
START=$(date +%s)

elapsed() { echo "$(($(date +%s) - START))s"; }
progress() { printf '\033[1m==> [bench %s] %s\033[0m\n' "$(elapsed)" "$*" >&2; }

mkdir -p "$OUT"

build_all() {
	local deb rootfs=$OUT/rootfs
	progress "release kernel (FRAGMENTS=\"$RELEASE_FRAGMENTS\", $KOBJ_RELEASE)"
	"$ROOT/scripts/kernel.sh" release
	KOBJ=$KOBJ_RELEASE kmake -s headers

	progress "hyp-stub image with the release kernel"
	make -s -C "$ROOT/hyp-stub" O="$OUT/stub" LINUX_IMAGE="$IMAGE" image

	progress "bench.bin, gunyah-bench, kvm-bench (static, arm64)"
	make -s -C "$KSRC/tools/testing/selftests/gunyah" OUTPUT="$OUT/guest-build" \
		CC="${CROSS_COMPILE}gcc" "$OUT/guest-build/guest/bench.bin"
	local progs="$OUT/bin/gunyah-bench"
	[ -f "$ROOT/tools/gunyah-bench/kvm-bench.c" ] && progs="$progs $OUT/bin/kvm-bench"
	# shellcheck disable=SC2086
	make -s -C "$ROOT/tools/gunyah-bench" O="$OUT/bin" CROSS_COMPILE="$CROSS_COMPILE" \
		KHDR_INCLUDES="-isystem $KOBJ_RELEASE/usr/include" LDFLAGS=-static $progs

	progress "initramfs ($OUT/initramfs.cpio.gz)"
	deb=$(ls "$BUILD"/downloads/busybox-static_*_arm64.deb 2>/dev/null | head -1)
	[ -n "$deb" ] || die "busybox-static:arm64 missing: run scripts/bootstrap.sh"
	rm -rf "$rootfs"
	mkdir -p "$rootfs"/{bin,dev,proc,sys,tmp,guest}
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$rootfs" ./bin/busybox
	install -m 755 "$ROOT/scripts/initramfs/init" "$rootfs/init"
	for p in $progs; do install -m 755 "$p" "$rootfs/bin/"; done
	install -m 644 "$OUT/guest-build/guest/bench.bin" "$rootfs/guest/bench.bin"
	(cd "$rootfs" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
		gzip -9 >"$OUT/initramfs.cpio.gz.tmp"
	mv "$OUT/initramfs.cpio.gz.tmp" "$OUT/initramfs.cpio.gz"
}

boot() { # side clock [extra kernel args]
	local side=$1 clock=$2 log=$OUT/$1-$2.log kernel extra=() cmdline=${3:-}
	local args="-n,$ITERS,-l,$VMS,-m,$ROUNDS,-k,$KITERS"
	case "$side" in
	gunyah) kernel=$OUT/stub/gunyah.img ;;
	kvm) kernel=$IMAGE ;;
	esac
	[ "$clock" = icount ] && extra=(-icount shift=0,align=off,sleep=off)
	progress "boot $side/$clock (log: $log)"
	# Progress: the tools' stderr lines and init's markers, as they come.
	timeout --foreground "$TIMEOUT" qemu-system-aarch64 \
		-M virt,virtualization=on,gic-version=3,dtb-randomness=off -cpu cortex-a72 -smp 2 -m 2G \
		-nographic -no-reboot -nic none "${extra[@]}" \
		-kernel "$kernel" -initrd "$OUT/initramfs.cpio.gz" \
		-append "console=ttyAMA0 gunyah_mode=bench kunit.enable=0 $cmdline bench_args=$args" \
		</dev/null 2>&1 | tr -d '\r' | tee "$log" |
		while IFS= read -r line; do
			case "$line" in
			gunyah-bench:*|kvm-bench:*|"=== bench"*|BENCH*)
				printf '    [%s/%s %s] %s\n' "$side" "$clock" "$(elapsed)" "${line:0:110}" >&2 ;;
			esac
		done || true
	grep -q '^=== bench: exit 0' "$log"
}

run_boot() { # side clock
	boot "$1" "$2" && return
	if ! grep -q '^=== bench: init started' "$OUT/$1-$2.log"; then
		# A rare hang of the host's boot under the stub (hres + nohz
		# timers, icount): retry once without the idle tick stop.
		echo "    [$1/$2] WARNING: boot hung; retrying with nohz=off" >&2
		cp "$OUT/$1-$2.log" "$OUT/$1-$2.hung.log"
		boot "$1" "$2" nohz=off && return
	fi
	echo "    [$1/$2] WARNING: incomplete run (see $OUT/$1-$2.log)" >&2
}

[ "${BENCH_NO_BUILD:-0}" = 1 ] || build_all
for clock in $CLOCKS; do
	for side in $SIDES; do
		run_boot "$side" "$clock"
	done
done
progress "report"
python3 "$ROOT/scripts/bench_report.py" "$OUT"
progress "done: $OUT/results.json, $OUT/results.txt, $OUT/results.png"
