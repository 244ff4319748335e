/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Resource Manager as seen from the hypercall layer.
 *
 * The RM lives inside the stub. The host reaches it only through its two
 * message queues: TX (host -> RM, host calls msgq_send) and RX (RM -> host,
 * host calls msgq_recv). The RM consumes TX messages synchronously inside
 * msgq_send and queues replies on RX; when RX is full it stops consuming TX
 * (back-pressure) and resumes when the host drains RX.
 *
 * Locking: the RM is single-threaded. The hypercall layer serialises every
 * call below with one lock; the RM never takes locks itself.
 */
#ifndef HYP_RM_H
#define HYP_RM_H

#include <stdarg.h>

#include "types.h"

#define RM_MSGQ_MSG_SIZE	240	/* bytes per message-queue message */
#define RM_MSGQ_DEPTH		8	/* messages per host queue */

/*
 * Interrupts the RM raises to the host, on the transition (edge), as the
 * hypervisor's default queue thresholds do: when the RM puts a message into
 * an empty RX queue, and when the RM takes one from a full TX queue (or the
 * host flushes a full TX queue).
 */
enum rm_host_irq {
	RM_HOST_IRQ_TX_NOT_FULL,	/* host TX queue went from full to not full */
	RM_HOST_IRQ_RX_NOT_EMPTY,	/* host RX queue went from empty to not empty */
};

/* Reset all RM state (VMIDs, queues). Called once at boot. */
void rm_init(void);

/*
 * Host msgq_send on its TX queue. @msg points to a stub-owned copy of the
 * host's buffer. Returns a GH_ERROR_* code (0 on success,
 * GH_ERROR_MSGQUEUE_FULL when the queue is full, checked first as by Gunyah,
 * GH_ERROR_ARG_SIZE for size 0 or > 240; nothing is queued on error);
 * *not_full is the queue state after the call, i.e. after the RM consumed
 * what it could. The RM consumes synchronously, so @push changes nothing.
 */
int rm_host_msgq_send(const void *msg, size_t size, bool push, bool *not_full);

/*
 * Host msgq_recv on its RX queue. @buf is a stub-owned buffer of @buf_size
 * bytes that the caller copies out to the host afterwards. Returns a
 * GH_ERROR_* code (GH_ERROR_MSGQUEUE_EMPTY when empty, GH_ERROR_ARG_SIZE when
 * the message does not fit; the message then stays queued); *size is the
 * message length (0 on error) and *not_empty the queue state after the call,
 * i.e. after the RM refilled RX from its pending replies.
 */
int rm_host_msgq_recv(void *buf, size_t buf_size, size_t *size, bool *not_empty);

/*
 * Host msgq_flush: drop every message queued on the host's TX (tx=true) or
 * RX queue. Flushing a full TX raises TX_NOT_FULL; flushing RX lets the RM
 * refill it with what it still had pending. Returns GH_ERROR_OK.
 */
int rm_host_msgq_flush(bool tx);

/* Provided by the platform (arch code, or the unit-test harness). */
void plat_raise_host_irq(enum rm_host_irq irq);

/*
 * Work the RM does later, from its own event loop on the real Gunyah
 * (finishing a guest's halt, a VM_RESET): the stub has no RM thread, so
 * rm_poll() runs what is due at the next stub entry on any CPU (host
 * hypercall or trap, host WFI with the EL2 timer armed at
 * rm_next_deadline). @now and the deadline are physical counter ticks.
 */
extern u64 rm_next_deadline;	/* ~0: nothing pending; read without hyp_lock */
void rm_poll(u64 now);

/* The physical counter and its frequency (platform; mocked by tests). */
u64 plat_counter(void);
u64 plat_counter_freq(void);

/*
 * The RM's console, as the real RM logs its refusals: one line
 * "hyp-stub: rm: VM <vmid>: <why>". Rate-limited (a host can repeat a
 * refused call at will). The platform prints the line (plat_rm_log()).
 */
void rm_log_vm(u16 vmid, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void plat_rm_log(u16 vmid, const char *fmt, va_list ap);

#endif
