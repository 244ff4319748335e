#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# mkimage.sh <hyp-stub.bin> <Linux arm64 Image> <output>
#
# Builds the image QEMU boots with -kernel: hyp-stub.bin padded to 0xE00000
# bytes (so Linux lands at RAM base + 16 MiB, the end of the stub region),
# then the Linux Image. The combined header's image_size covers both, so QEMU
# places the initrd and DTB after Linux.

set -eu

LINUX_OFFSET=$((0xE00000))

die() {
	echo "mkimage.sh: $*" >&2
	exit 1
}

# Little-endian u64 at byte offset $2 of file $1.
get_le64() {
	od -An -tu1 -j "$2" -N 8 "$1" | awk '{
		v = 0
		for (i = NF; i >= 1; i--)
			v = v * 256 + $i
		printf "%d\n", v
	}'
}

# Write $3 as a little-endian u64 at byte offset $2 of file $1.
put_le64() {
	v=$3
	bytes=
	for _ in 1 2 3 4 5 6 7 8; do
		bytes="$bytes$(printf '\\%03o' $((v & 255)))"
		v=$((v >> 8))
	done
	printf "$bytes" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

[ $# -eq 3 ] || die "usage: mkimage.sh <hyp-stub.bin> <Linux Image> <output>"
stub=$1
linux=$2
out=$3

[ -f "$stub" ] || die "$stub: not found"
[ -f "$linux" ] || die "$linux: not found"
[ "$(dd if="$linux" bs=1 skip=56 count=4 2>/dev/null)" = "$(printf 'ARM\144')" ] ||
	die "$linux: not an arm64 Image (no ARM\\x64 magic; pass arch/arm64/boot/Image, not vmlinux or Image.gz)"
[ "$(get_le64 "$linux" 8)" -eq 0 ] || die "$linux: text_offset is not 0"
linux_size=$(get_le64 "$linux" 16)
[ "$linux_size" -gt 0 ] || die "$linux: image_size is 0"
stub_size=$(wc -c < "$stub")
[ "$stub_size" -le "$LINUX_OFFSET" ] || die "$stub: larger than $LINUX_OFFSET bytes"

tmp="$out.tmp"
cp "$stub" "$tmp"
truncate -s "$LINUX_OFFSET" "$tmp"
cat "$linux" >> "$tmp"
put_le64 "$tmp" 16 $((LINUX_OFFSET + linux_size))
mv "$tmp" "$out"
