#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every test of the project. Each step prints lines of the form
#   <suite>: N passed, N failed[, N skipped]
# which are summed into the final line. Exits non-zero on any failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

OUT=$BUILD/check.out
mkdir -p "$BUILD"
: >"$OUT"

# Project kernel sources: the subject of checkpatch, sparse, W=1, kernel-doc.
KFILES=$(cd "$ROOT" && ls arch/arm64/gunyah/*.[ch] drivers/virt/gunyah/*.[ch] \
	include/linux/gunyah*.h include/uapi/linux/gunyah.h 2>/dev/null)
SELFTEST_FILES=$(cd "$ROOT" && ls tools/testing/selftests/gunyah/*.[ch] 2>/dev/null)

step_failed=0
run() { # description, command...: a step; a failure it did not report itself counts as one
	local what=$1 tmp=$BUILD/check.step
	shift
	if ! "$@" 2>&1 | tee "$tmp"; then
		cat "$tmp" >>"$OUT"
		grep -qE ': [0-9]+ passed, [1-9][0-9]* failed' "$tmp" ||
			echo "$what: 0 passed, 1 failed" | tee -a "$OUT"
		step_failed=1
		return 1
	fi
	cat "$tmp" >>"$OUT"
}
result() { echo "$1: $2 passed, $3 failed" | tee -a "$OUT"; }

checkpatch() {
	local f pass=0 fail=0 o
	local ignore
	for f in $KFILES $SELFTEST_FILES; do
		# BIT() does not exist for userspace: UAPI headers spell out shifts.
		ignore=FILE_PATH_CHANGES
		case "$f" in include/uapi/*) ignore=$ignore,BIT_MACRO ;; esac
		o=$("$KSRC/scripts/checkpatch.pl" --strict --no-tree --quiet \
			--ignore "$ignore" -f "$ROOT/$f" 2>&1)
		if [ -z "$o" ]; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "$o" | head -20
		fi
	done
	result checkpatch $pass $fail
}

kerneldoc() {
	local f pass=0 fail=0 o
	for f in $KFILES; do
		o=$("$KSRC/scripts/kernel-doc" -none -Wall "$ROOT/$f" 2>&1)
		if [ -z "$o" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "$o"; fi
	done
	result kernel-doc $pass $fail
}

# The driver as out-of-tree modules with W=1, then sparse over the same
# files (C=2 checks every file again without recompiling).
out_of_tree() {
	local log=$BUILD/oot.log w
	if "$ROOT/scripts/module.sh" W=1 >"$log" 2>&1; then
		result out-of-tree-module 1 0
	else
		tail -20 "$log"
		result out-of-tree-module 0 1
	fi
	w=$(grep -E 'warning:|error:|WARNING:|ERROR:' "$log")
	[ -z "$w" ] && result W=1 1 0 || { echo "$w"; result W=1 0 1; }
	(cd "$BUILD/oot-kernel" && flock "$BUILD/.kernel.lock" make -j"$JOBS" M="$BUILD/oot" \
		CONFIG_GUNYAH=m CONFIG_GUNYAH_KUNIT_TEST=m W=1 C=2 modules) >"$log.sparse" 2>&1
	w=$(grep -E 'warning:|error:|WARNING:|ERROR:' "$log.sparse")
	[ -z "$w" ] && result sparse 1 0 || { echo "$w"; result sparse 0 1; }
}

log "bootstrap"
run bootstrap "$ROOT/scripts/bootstrap.sh"
log "debug kernel (build/kernel)"
run kernel-build "$ROOT/scripts/kernel.sh" build
log "release kernel (build/kernel-release)"
run kernel-release-build "$ROOT/scripts/kernel.sh" release
log "static checks: checkpatch --strict, kernel-doc, W=1, sparse, out-of-tree build"
checkpatch 2>&1 | tee -a "$OUT"
kerneldoc 2>&1 | tee -a "$OUT"
out_of_tree 2>&1 | tee -a "$OUT"
log "hyp-stub host unit tests"
run hyp-stub-unit make -s -C "$ROOT/hyp-stub" O="$BUILD/hyp-stub" test
log "hyp-stub RM-RPC parser under libFuzzer (${FUZZ_TIME:-20} s; longer: make -C hyp-stub fuzz FUZZ_TIME=N)"
rm_rpc_fuzz() {
	local o=$BUILD/hyp-stub/fuzz.log
	if make -s -C "$ROOT/hyp-stub" O="$BUILD/hyp-stub" FUZZ_TIME="${FUZZ_TIME:-20}" \
		fuzz >"$o" 2>&1; then
		grep -E '^(Done|stat::new_units_added)' "$o"
		echo "rm-rpc-fuzz: 1 passed, 0 failed"
	else
		tail -30 "$o"
		echo "rm-rpc-fuzz: 0 passed, 1 failed"
		return 1
	fi
}
run rm-rpc-fuzz rm_rpc_fuzz
log "hyp-stub EL1 self-test (a bare-metal hostile host under the stub in QEMU)"
run hyp-stub-el1-selftest make -s -C "$ROOT/hyp-stub" O="$BUILD/hyp-stub" selftest
log "hyp-stub images (debug and release kernel)"
run hyp-stub-image make -s -C "$ROOT/hyp-stub" O="$BUILD/hyp-stub" \
	LINUX_IMAGE="$KOBJ/arch/arm64/boot/Image" image &&
run hyp-stub-release-image make -s -C "$ROOT/hyp-stub" O="$BUILD/hyp-stub-release" \
	LINUX_IMAGE="$KOBJ_RELEASE/arch/arm64/boot/Image" image &&
log "initramfs (the Linux guest is the release kernel)" &&
run initramfs env KOBJ="$KOBJ_RELEASE" "$ROOT/scripts/initramfs.sh" &&
log "boot tests" &&
run boot-tests "$ROOT/scripts/boottest.sh"

grep -E '^[^ =][^:]*: [0-9]+ passed, [0-9]+ failed' "$OUT" |
	sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/' |
	awk '{p += $1; f += $2; s += $3} END {printf "%d passed, %d failed, %d skipped\n", p, f, s}' >"$OUT.total"
[ $step_failed = 0 ] || echo "(a build step failed: see above)"
cat "$OUT.total"
read -r _ _ failed _ <"$OUT.total"
[ "$failed" = 0 ] && [ $step_failed = 0 ]
