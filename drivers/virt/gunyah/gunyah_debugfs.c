// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah debugfs: in-kernel microbenchmarks of the host's paths to the
 * hypervisor and to the Resource Manager, for `make bench`, and the
 * driver's leak accounting, for the kselftests.
 *
 * /sys/kernel/debug/gunyah/bench_<name>: writing an iteration count runs
 * that many timed calls in the writer's context; reading returns
 * "<n> <median> <p10> <p90>\n", in nanoseconds, of the last run.
 * /sys/kernel/debug/gunyah/rm_stats: messages and packets sent to the RM.
 * /sys/kernel/debug/gunyah/vm_stats: "key: value" lines of what the driver
 * holds: VMs, vCPU functions, pinned user pages, parcels with the RM and
 * VMIDs allocated.
 */

#include <linux/debugfs.h>
#include <linux/gunyah.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "rsc_mgr.h"
#include "rsc_mgr_rpc.h"
#include "vm_mgr.h"

/* Bound on one run: 1M samples of 8 bytes */
#define GUNYAH_DEBUGFS_MAX_ITERS	SZ_1M

struct gunyah_bench;

/**
 * struct gunyah_bench_ops - One benchmark
 * @name: The file name, after "bench_".
 * @run: One iteration; returns 0 or a negative errno.
 */
struct gunyah_bench_ops {
	const char *name;
	int (*run)(struct gunyah_bench *bench);
};

/**
 * struct gunyah_bench - A benchmark file and its last result
 * @rm: The RM connection.
 * @ops: What one iteration does.
 * @buf: Payload of the maximum-size RM request (rm_max_message only).
 * @lock: Serializes runs and protects the results.
 * @n: Number of samples of the last run.
 * @median: Median of the last run, in ns.
 * @p10: 10th percentile, in ns.
 * @p90: 90th percentile, in ns.
 */
struct gunyah_bench {
	struct gunyah_rm *rm;
	const struct gunyah_bench_ops *ops;
	void *buf;
	struct mutex lock; /* runs and results */
	u32 n;
	u64 median, p10, p90;
};

/* hyp_identify: the null call from the host to the hypervisor. */
static int gunyah_bench_hyp_identify(struct gunyah_bench *bench)
{
	struct gunyah_hypercall_hyp_identify_resp resp;

	gunyah_hypercall_hyp_identify(&resp);
	return 0;
}

/*
 * VM_GET_VMID, not cached: one request packet, one reply packet. The
 * cached gunyah_rm_get_vmid() would not reach the RM.
 */
static int gunyah_bench_rm_get_vmid(struct gunyah_bench *bench)
{
	size_t resp_size;
	void *resp;
	int ret;

	ret = gunyah_rm_call(bench->rm, GUNYAH_RM_RPC_VM_GET_VMID, NULL, 0,
			     &resp, &resp_size);
	if (!ret)
		kfree(resp);
	return ret;
}

/*
 * VM_GET_VMID with the largest payload the protocol carries: a request
 * packet and 62 continuations (GUNYAH_RM_MAX_MSG_SIZE bytes). The RM
 * reassembles the whole message, then rejects the payload (VM_GET_VMID
 * takes none) with an RM_ERROR_INVALID reply: the expected outcome.
 */
static int gunyah_bench_rm_max_message(struct gunyah_bench *bench)
{
	int ret;

	if (!bench->buf)
		return -ENOMEM;

	ret = gunyah_rm_call(bench->rm, GUNYAH_RM_RPC_VM_GET_VMID, bench->buf,
			     GUNYAH_RM_MAX_MSG_SIZE, NULL, NULL);
	return ret == -EINVAL ? 0 : (ret ? ret : -EPROTO);
}

static const struct gunyah_bench_ops gunyah_bench_ops[] = {
	{ "hyp_identify", gunyah_bench_hyp_identify },
	{ "rm_get_vmid", gunyah_bench_rm_get_vmid },
	{ "rm_max_message", gunyah_bench_rm_max_message },
};

static int gunyah_bench_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank quantile @pct (0..100) of the sorted @v[@n], @n > 0. */
static u64 gunyah_bench_quantile(const u64 *v, u32 n, u32 pct)
{
	return v[((u64)(n - 1) * pct + 50) / 100];
}

static int gunyah_bench_run(struct gunyah_bench *bench, u32 n)
{
	u64 *v, t0;
	u32 i;
	int ret = 0;

	v = kvmalloc_array(n, sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;

	for (i = 0; i < n; i++) {
		t0 = ktime_get_ns();
		ret = bench->ops->run(bench);
		v[i] = ktime_get_ns() - t0;
		if (ret)
			goto out;
		cond_resched();
	}

	sort(v, n, sizeof(*v), gunyah_bench_cmp, NULL);
	bench->n = n;
	bench->median = gunyah_bench_quantile(v, n, 50);
	bench->p10 = gunyah_bench_quantile(v, n, 10);
	bench->p90 = gunyah_bench_quantile(v, n, 90);
out:
	kvfree(v);
	return ret;
}

static ssize_t gunyah_bench_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct gunyah_bench *bench = file->private_data;
	u32 n;
	int ret;

	ret = kstrtou32_from_user(ubuf, count, 0, &n);
	if (ret)
		return ret;
	if (!n || n > GUNYAH_DEBUGFS_MAX_ITERS)
		return -EINVAL;

	mutex_lock(&bench->lock);
	ret = gunyah_bench_run(bench, n);
	mutex_unlock(&bench->lock);

	return ret ? ret : count;
}

static ssize_t gunyah_bench_read(struct file *file, char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	struct gunyah_bench *bench = file->private_data;
	char buf[96];
	int len;

	mutex_lock(&bench->lock);
	len = scnprintf(buf, sizeof(buf), "%u %llu %llu %llu\n", bench->n,
			bench->median, bench->p10, bench->p90);
	mutex_unlock(&bench->lock);

	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations gunyah_bench_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = gunyah_bench_read,
	.write = gunyah_bench_write,
	.llseek = default_llseek,
};

static int gunyah_rm_stats_show(struct seq_file *s, void *unused)
{
	struct gunyah_rm *rm = s->private;
	u64 msgs, packets;

	mutex_lock(&rm->send_lock);
	msgs = rm->tx_msgs;
	packets = rm->tx_packets;
	mutex_unlock(&rm->send_lock);

	seq_printf(s, "messages %llu packets %llu\n", msgs, packets);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(gunyah_rm_stats);

/*
 * Each counter is read on its own: a file read while VMs come and go is a
 * snapshot of each, not of all at once. Tests read it when idle.
 */
static int gunyah_vm_stats_show(struct seq_file *s, void *unused)
{
	seq_printf(s, "vms: %d\n", atomic_read(&gunyah_live_vms));
	seq_printf(s, "vcpus: %d\n", atomic_read(&gunyah_vm_stats.vcpus));
	seq_printf(s, "pinned_pages: %lld\n",
		   atomic64_read(&gunyah_vm_stats.pinned_pages));
	seq_printf(s, "parcels: %d\n", atomic_read(&gunyah_vm_stats.parcels));
	seq_printf(s, "vmids: %d\n", atomic_read(&gunyah_vm_stats.vmids));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(gunyah_vm_stats);

/**
 * gunyah_rm_debugfs_register() - Create /sys/kernel/debug/gunyah
 * @rm: The RM connection the benchmarks call; must outlive the files
 *      (gunyah_rm_debugfs_unregister() first).
 *
 * Failing to create debugfs files is not an error: the driver works
 * without them.
 */
void gunyah_rm_debugfs_register(struct gunyah_rm *rm)
{
	struct gunyah_bench *bench;
	char name[32];
	size_t i;

	rm->debugfs = debugfs_create_dir("gunyah", NULL);
	debugfs_create_file("rm_stats", 0400, rm->debugfs, rm,
			    &gunyah_rm_stats_fops);
	debugfs_create_file("vm_stats", 0444, rm->debugfs, NULL,
			    &gunyah_vm_stats_fops);

	rm->benches = kcalloc(ARRAY_SIZE(gunyah_bench_ops), sizeof(*bench),
			      GFP_KERNEL);
	if (!rm->benches)
		return;

	for (i = 0; i < ARRAY_SIZE(gunyah_bench_ops); i++) {
		bench = &rm->benches[i];
		bench->rm = rm;
		bench->ops = &gunyah_bench_ops[i];
		mutex_init(&bench->lock);
		snprintf(name, sizeof(name), "bench_%s", bench->ops->name);
		debugfs_create_file(name, 0600, rm->debugfs, bench,
				    &gunyah_bench_fops);
	}

	bench = &rm->benches[ARRAY_SIZE(gunyah_bench_ops) - 1];
	bench->buf = kzalloc(GUNYAH_RM_MAX_MSG_SIZE, GFP_KERNEL);
}

/**
 * gunyah_rm_debugfs_unregister() - Remove /sys/kernel/debug/gunyah
 * @rm: The RM connection given to gunyah_rm_debugfs_register().
 *
 * Waits for runs in progress (debugfs_remove_recursive() does).
 */
void gunyah_rm_debugfs_unregister(struct gunyah_rm *rm)
{
	size_t i;

	debugfs_remove_recursive(rm->debugfs);
	rm->debugfs = NULL;
	if (!rm->benches)
		return;

	for (i = 0; i < ARRAY_SIZE(gunyah_bench_ops); i++) {
		kfree(rm->benches[i].buf);
		mutex_destroy(&rm->benches[i].lock);
	}
	kfree(rm->benches);
	rm->benches = NULL;
}
