# SPDX-License-Identifier: GPL-2.0
#
# Gunyah reference stack: the two commands are
#   make run    bootstrap, build, boot the stack in QEMU to a shell
#   make check  every test; ends with "N passed, N failed, N skipped"
#   make bench  Gunyah against KVM on the same machine: build/bench/results.*
#
# (The kernel's own build reads ./Kbuild, not this file, for
#  make -C <kernel> M=$PWD.)

BUILD   := $(CURDIR)/build
# make run boots the release kernel; make check builds and boots it and the
# debug kernel (KASAN, UBSAN, lockdep, kmemleak, ...; build/kernel).
KOBJ_RELEASE := $(BUILD)/kernel-release
IMAGE   := $(KOBJ_RELEASE)/arch/arm64/boot/Image
STUB    := $(BUILD)/hyp-stub
STUB_RELEASE := $(BUILD)/hyp-stub-release
SMP     ?= 2
MEM     ?= 1G
CPU     ?= cortex-a72

.PHONY: all bootstrap kernel release-kernel stub image initramfs run check bench unit module \
	kunit clean distclean

all: image initramfs

bootstrap:
	@scripts/bootstrap.sh

# The debug kernel (make check, make module, make kunit).
kernel: bootstrap
	@scripts/kernel.sh build

release-kernel: bootstrap
	@scripts/kernel.sh release

stub:
	@$(MAKE) -s -C hyp-stub O=$(STUB)

image: release-kernel
	@$(MAKE) -s -C hyp-stub O=$(STUB_RELEASE) LINUX_IMAGE=$(IMAGE) image

# The guest Linux in it is the release kernel too.
initramfs: release-kernel
	@KOBJ=$(KOBJ_RELEASE) scripts/initramfs.sh

run: all
	@export STUB_IMAGE=$(STUB_RELEASE)/gunyah.img; \
	echo "==> booting: $$(scripts/qemu.sh --print --smp $(SMP) --mem $(MEM) --cpu $(CPU))"; \
	echo "==> leave QEMU with Ctrl-A X"; \
	scripts/qemu.sh --smp $(SMP) --mem $(MEM) --cpu $(CPU)

check:
	@scripts/check.sh

# The release kernel (build/kernel-release), four QEMU boots (Gunyah and KVM,
# icount and wall clock), then build/bench/results.{json,txt,png}.
# See scripts/bench.sh and Documentation/virt/gunyah/benchmark.rst.
bench: bootstrap
	@scripts/bench.sh

# hyp-stub host-side unit tests only
unit:
	@$(MAKE) -s -C hyp-stub O=$(STUB) test

# The driver as out-of-tree modules against the prepared kernel (a copy of
# the sources is built in build/oot; see scripts/module.sh).
module: kernel
	@scripts/module.sh

# The KUnit suites through the kernel's own kunit.py (separate build dir).
kunit: kernel
	@cd $(BUILD)/linux && ./tools/testing/kunit/kunit.py run --arch=arm64 \
		--cross_compile=aarch64-linux-gnu- --build_dir=$(BUILD)/kunit \
		--kunitconfig=drivers/virt/gunyah

clean:
	@$(MAKE) -s -C hyp-stub O=$(STUB) clean 2>/dev/null || true
	@rm -rf $(BUILD)/initramfs* $(BUILD)/oot $(BUILD)/selftests $(BUILD)/logs
	@find . -path ./build -prune -o \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' \
		-o -name '*.mod' -o -name '*.mod.c' -o -name '*.order' -o -name Module.symvers \) \
		-print | xargs rm -f

distclean:
	rm -rf $(BUILD)
