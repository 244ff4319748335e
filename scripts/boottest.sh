#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot test: boot the whole stack in QEMU in several machine shapes, with the
# debug and the release kernel, run the in-kernel KUnit suites, the init's
# boot checks and the kselftests, and judge the console log. Prints one "<suite>: N passed, N failed, N skipped" line per
# suite; exits non-zero on any failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

LOGS=$BUILD/logs
BOOT_TIMEOUT=${BOOT_TIMEOUT:-600}
mkdir -p "$LOGS"

# Anything the debug kernel reports fails the run.
# (A lockdep splat, DEBUG_LIST corruption and a hung task all print one of
# these; kmemleak's list is printed by init after its scan.)
BAD_LOG='BUG:|WARNING:|KASAN|UBSAN|Oops|Call trace:|Kernel panic|Unable to handle|Internal error|possible recursive locking|circular locking|inconsistent lock state|hyp-stub: (panic|PANIC|fatal)|blocked for more than|soft lockup|self-detected stall|rcu: INFO|ODEBUG|list_(add|del) corruption|unreferenced object 0x'

total_pass=0 total_fail=0 total_skip=0
suite_result() { # name pass fail skip
	echo "$1: $2 passed, $3 failed, $4 skipped"
	total_pass=$((total_pass + $2))
	total_fail=$((total_fail + $3))
	total_skip=$((total_skip + $4))
}

# The failed kselftest cases of @log, each with its failed expectations, the
# message after each and the seed of a randomised test: what the CI output
# needs to tell a flake from a bug once the log is gone.
kselftest_failures() { # log
	awk '/^=== kselftest: /{on=1}
	     on && /^#  RUN /{n=0; more=0}
	     on && /^# / {
		if (($0 ~ /:Expected / || $0 ~ /seed 0x/ || more) && n < 12)
			buf[n++] = $0
		more = $0 ~ /:Expected /
	     }
	     on && /^not ok/ {print; for (i = 0; i < n; i++) print "  " buf[i]; n = 0}' "$1" |
		sed 's|# /[^ ]*/selftests/gunyah/|# |'
}

boot() { # name kernel(debug/release) smp mem cpu kunit(0/1)
	local name=$1 kernel=$2 smp=$3 mem=$4 cpu=$5 kunit=$6 log="$LOGS/boot-$1.log"
	local pass=0 fail=0 append="" stub=$BUILD/hyp-stub
	[ "$kunit" = 1 ] || append="kunit.enable=0"
	[ "$kernel" = release ] && stub=$BUILD/hyp-stub-release
	log "boot test $name: $kernel kernel, $smp CPUs, $mem, -cpu $cpu (log: $log)"
	STUB_IMAGE=$stub/gunyah.img timeout --foreground "$BOOT_TIMEOUT" "$ROOT/scripts/qemu.sh" --smp "$smp" \
		--mem "$mem" --cpu "$cpu" --mode check --append "$append" \
		</dev/null >"$log" 2>&1
	local rc=$?
	tr -d '\r' <"$log" >"$log.txt"
	log="$log.txt"

	check() { # description, command...
		local what=$1
		shift
		if "$@" >/dev/null 2>&1; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "  FAIL [$name]: $what"
		fi
	}
	check "QEMU exited normally (rc $rc)" test "$rc" = 0
	check "stub banner" grep -q '^hyp-stub: Gunyah EL2 hypervisor stub' "$log"
	# Anchored: the Linux guest's console ("# guest: ...") has these too.
	check "Linux at EL1 on every CPU" grep -q '^CPU: All CPU(s) started at EL1' "$log"
	check "all $smp CPUs brought up" grep -q "^smp: Brought up 1 node, $smp CPUs" "$log"
	check "Gunyah detected (API version 1)" grep -q '^Gunyah hypervisor detected, API version 1' "$log"
	check "resource manager probed (host VMID 3)" grep -q 'Gunyah resource manager probed, host VMID 3' "$log"
	check "init reached the end of the tests" grep -q '^=== boot-test: done' "$log"
	[ "$kernel" = debug ] &&
		check "kmemleak scanned: no leaks" grep -q '^=== kmemleak: 0 leaks' "$log"
	check "no kernel or stub error reports" bash -c "! grep -E '$BAD_LOG' '$log'"
	if grep -E "$BAD_LOG" "$log" | head -5 | sed 's/^/  | /' | grep .; then :; fi
	suite_result "boot-$name" $pass $fail 0

	# Init's own TAP checks (hotplug, DT, /dev/gunyah).
	local line
	line=$(grep -m1 '^=== boot-test: boot checks:' "$log")
	if [ -n "$line" ]; then
		set -- $(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1 \2/')
		awk '/^=== boot-test: init started/{on=1} /^=== boot-test: boot checks:/{exit}
		     on && /^not ok/' "$log" | sed "s/^/  [$name] /"
		suite_result "init-checks-$name" "$1" "$2" 0
	else
		suite_result "init-checks-$name" 0 1 0
	fi

	# kselftests: kselftest_harness totals of each binary after our marker.
	awk '/^=== kselftest: /{t=$3} t && /^# Totals: /{print t, $0}' "$log" >"$log.kselftest"
	if [ -s "$log.kselftest" ]; then
		local t
		while read -r t _ _ p f _ _ s e; do
			p=${p#pass:} f=${f#fail:} s=${s#skip:} e=${e#error:}
			suite_result "$t-$name" "$p" $((f + e)) "$s"
		done <"$log.kselftest"
		kselftest_failures "$log" | sed "s/^/  [$name] /"
		# A binary that died before its totals, or exited non-zero
		# (other than KSFT_SKIP, 4), fails too.
		local started reported bad_exit
		started=$(grep -c '^=== kselftest: ' "$log")
		reported=$(wc -l <"$log.kselftest")
		bad_exit=$(awk '/^=== kselftest exit: / && $5 != 0 && $5 != 4' "$log" | wc -l)
		[ "$started" = "$reported" ] && [ "$bad_exit" = 0 ] &&
			suite_result "kselftest-binaries-$name" 1 0 0 ||
			suite_result "kselftest-binaries-$name" 0 1 0
	else
		suite_result "kselftest-$name" 0 1 0
	fi

	# KUnit: per-suite totals printed before init starts.
	if [ "$kunit" = 1 ]; then
		awk '/=== boot-test: init started/{exit} /# Totals: pass:/' "$log" |
			sed -E 's/.*pass:([0-9]+) fail:([0-9]+) skip:([0-9]+).*/\1 \2 \3/' >"$log.kunit"
		# Failed cases, each failed expectation with its three lines
		awk '/=== boot-test: init started/{exit}
		     /^[ \t]*not ok/ {print; n = 0; next}
		     /(EXPECTATION|ASSERTION) FAILED/ {n = 4}
		     n-- > 0' "$log" | sed "s/^/  [kunit] /" | head -40
		if [ -s "$log.kunit" ]; then
			local kp=0 kf=0 ks=0 p f s
			while read -r p f s; do
				kp=$((kp + p)) kf=$((kf + f)) ks=$((ks + s))
			done <"$log.kunit"
			suite_result "kunit" $kp $kf $ks
		else
			suite_result "kunit" 0 1 0
		fi
	fi
}

# The kselftests run on every boot; KUnit (with the hostile-host suite) on
# the first. The release kernel runs at full speed: races the debug options
# slow down show there.
boot smp2-1G debug 2 1G cortex-a72 1
boot smp4-4G-release release 4 4G cortex-a72 0
# PAuth, SVE and the rest of -cpu max exercise the stub's feature-dependent
# EL2 setup; pauth-impdef keeps TCG fast.
boot max-smp2-1G debug 2 1G max,pauth-impdef=on 0
echo "== boot tests total: $total_pass passed, $total_fail failed, $total_skip skipped"
[ $total_fail = 0 ]
