#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the driver as out-of-tree modules (make -C <kernel> M=<dir>) against
# build/kernel, from a copy of the sources in build/oot so that the
# repository stays free of objects. Extra arguments go to make (W=1, C=2).
#
# build/kernel has the driver built in, and modpost refuses a module that
# exports a symbol vmlinux already exports. So the modules are built against
# a shadow of that object tree whose Module.symvers lacks the driver's own
# exports: what a kernel without CONFIG_GUNYAH provides.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OOT=$BUILD/oot
SHADOW=$BUILD/oot-kernel
[ -f "$KOBJ/Module.symvers" ] || die "build the kernel first (scripts/kernel.sh)"

rm -rf "$OOT" "$SHADOW"
mkdir -p "$OOT" "$SHADOW"
(cd "$ROOT" && cp -r --parents Kbuild Kconfig arch/arm64/gunyah drivers/virt/gunyah \
	include/linux/gunyah*.h include/uapi/linux/gunyah.h "$OOT/")

for f in "$KOBJ"/.config "$KOBJ"/Makefile "$KOBJ"/include "$KOBJ"/scripts \
	 "$KOBJ"/arch "$KOBJ"/source; do
	[ -e "$f" ] && ln -s "$f" "$SHADOW/"
done
exports=$(grep -ho 'EXPORT_SYMBOL[A-Z_]*([a-z0-9_]*' \
	"$ROOT"/arch/arm64/gunyah/*.c "$ROOT"/drivers/virt/gunyah/*.c | sed 's/.*(//' | sort -u)
grep -v -F -w -f <(echo "$exports") "$KOBJ/Module.symvers" >"$SHADOW/Module.symvers"

flock "$BUILD/.kernel.lock" make -C "$SHADOW" -j"$JOBS" M="$OOT" \
	CONFIG_GUNYAH=m CONFIG_GUNYAH_KUNIT_TEST=m "$@" modules
ls "$OOT"/arch/arm64/gunyah/*.ko "$OOT"/drivers/virt/gunyah/*.ko
