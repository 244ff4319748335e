#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the whole stack: QEMU starts hyp-stub at EL2, which boots Linux at EL1.
#   scripts/qemu.sh [--smp N] [--mem SIZE] [--cpu MODEL] [--mode run|check]
#                   [--append "ARGS"] [--print] [-- EXTRA QEMU ARGS]
# --print only prints the command line. STUB_IMAGE and INITRD override the
# images (default: build/hyp-stub/gunyah.img, build/initramfs.cpio.gz).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

smp=2 mem=1G cpu=cortex-a72 mode=run append="" print=0
while [ $# -gt 0 ]; do
	case "$1" in
	--smp) smp=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--cpu) cpu=$2; shift 2 ;;
	--mode) mode=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--print) print=1; shift ;;
	--) shift; break ;;
	*) die "unknown option $1" ;;
	esac
done

# A private test build can point at its own images.
STUB_IMAGE=${STUB_IMAGE:-$BUILD/hyp-stub/gunyah.img}
INITRD=${INITRD:-$BUILD/initramfs.cpio.gz}

# The demo boots straight to the shell; make check runs the KUnit suites.
[ "$mode" = run ] && append="kunit.enable=0 $append"
cmd=(qemu-system-aarch64 -M virt,virtualization=on,gic-version=3
	-cpu "$cpu" -smp "$smp" -m "$mem" -nographic -no-reboot -nic none
	-kernel "$STUB_IMAGE" -initrd "$INITRD"
	-append "console=ttyAMA0 gunyah_mode=$mode $append" "$@")
if [ $print = 1 ]; then
	printf '%q ' "${cmd[@]}"
	echo
	exit 0
fi
exec "${cmd[@]}"
