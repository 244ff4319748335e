#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare the Debian linux-source-6.12 tree under build/, hook the project's
# driver into it and build a kernel.
#   scripts/kernel.sh prepare   extract (once) and link the project in
#   scripts/kernel.sh config    write build/kernel/.config from the fragments
#   scripts/kernel.sh build     prepare + config + build Image (the debug kernel
#                               of make check, build/kernel)
#   scripts/kernel.sh release   the same for the release kernel
#                               (build/kernel-release)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

TARBALL=${KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
# FRAGMENTS="$RELEASE_FRAGMENTS" KOBJ=$KOBJ_RELEASE builds the release kernel.
FRAGMENTS=${FRAGMENTS:-base gunyah debug}

# Project files that live in the kernel tree as symlinks, so an edit in the
# repository is what the next kernel build compiles.
LINKS="arch/arm64/gunyah drivers/virt/gunyah include/linux/gunyah.h
include/linux/gunyah_rsc_mgr.h include/uapi/linux/gunyah.h"
# kselftests find ../lib.mk from their physical directory, so this one is a
# real directory in the kernel tree holding symlinks to the project's files.
SELFTESTS=tools/testing/selftests/gunyah

add_line() { # file line: append once
	grep -qxF "$2" "$1" || printf '%s\n' "$2" >>"$1"
}

prepare() {
	if [ ! -f "$KSRC/Makefile" ]; then
		[ -f "$TARBALL" ] || die "$TARBALL missing: run scripts/bootstrap.sh"
		log "extracting $(basename "$TARBALL")"
		mkdir -p "$BUILD"
		rm -rf "$BUILD/linux-source-6.12"
		tar -C "$BUILD" -xf "$TARBALL"
		mv "$BUILD/linux-source-6.12" "$KSRC"
	fi
	for f in $LINKS; do
		[ -e "$ROOT/$f" ] || continue
		if [ ! -L "$KSRC/$f" ]; then
			rm -rf "${KSRC:?}/$f"
			ln -s "$ROOT/$f" "$KSRC/$f"
		fi
	done
	[ -L "$KSRC/$SELFTESTS" ] && rm "$KSRC/$SELFTESTS"
	mkdir -p "$KSRC/$SELFTESTS"
	find "$KSRC/$SELFTESTS" -maxdepth 1 -type l ! -exec test -e {} \; -delete
	for f in "$ROOT/$SELFTESTS"/{Makefile,config,.gitignore,*.c,*.h}; do
		[ -f "$f" ] && ln -sfn "$f" "$KSRC/$SELFTESTS/"
	done
	if ! grep -q 'drivers/virt/gunyah/Kconfig' "$KSRC/drivers/virt/Kconfig"; then
		# Inside "if VIRT_DRIVERS": insert before the final endif.
		sed -i '$ d' "$KSRC/drivers/virt/Kconfig"
		printf 'source "drivers/virt/gunyah/Kconfig"\n\nendif\n' >>"$KSRC/drivers/virt/Kconfig"
	fi
	add_line "$KSRC/drivers/virt/Makefile" 'obj-$(CONFIG_GUNYAH)		+= gunyah/'
	add_line "$KSRC/arch/arm64/Kbuild" 'obj-$(CONFIG_GUNYAH)	+= gunyah/'
}

config() {
	local frag="$KOBJ/gunyah-fragments.config" f opt
	mkdir -p "$KOBJ"
	: >"$frag.new"
	for f in $FRAGMENTS; do
		cat "$ROOT/scripts/config/$f.config" >>"$frag.new"
	done
	if [ -f "$KOBJ/.config" ] && cmp -s "$frag.new" "$frag"; then
		rm "$frag.new"
		return
	fi
	mv "$frag.new" "$frag"
	log "configuring kernel (allnoconfig + $FRAGMENTS)"
	kmake -s KCONFIG_ALLCONFIG="$frag" allnoconfig
	# A fragment line that did not survive means a missing dependency.
	while read -r opt; do
		case "$opt" in CONFIG_*=*) ;; *) continue ;; esac
		grep -qxF "$opt" "$KOBJ/.config" || die "kernel config: $opt did not apply"
	done <"$frag"
}

build() {
	prepare
	config
	log "building kernel Image (log: $KOBJ/build.log)"
	# A line every 500 compiled files: a cold build takes a few minutes.
	if ! kmake Image modules 2>&1 | tee "$KOBJ/build.log" |
		awk '/^  CC/ && ++n % 500 == 0 { print "    " n " files compiled"; fflush() }'; then
		tail -40 "$KOBJ/build.log"
		die "kernel build failed"
	fi
	grep -E '(warning|error):' "$KOBJ/build.log" | tail -20 || true
}

case "${1:-build}" in
prepare) prepare ;;
config) prepare; config ;;
build) build ;;
release) FRAGMENTS=$RELEASE_FRAGMENTS KOBJ=$KOBJ_RELEASE build ;;
*) die "usage: $0 [prepare|config|build|release]" ;;
esac
