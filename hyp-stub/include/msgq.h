/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bounded message queue with the semantics of Gunyah's msgqueue object: a
 * FIFO of up to @depth messages of 1..@max_msg_size bytes each.
 *
 * The storage is supplied by the owner (all memory is static at EL2). The
 * queue does not raise interrupts itself: send and receive report through
 * @wake when the other side must be signalled, with the hypervisor's default
 * thresholds (receiver: the queue became non-empty or the sender asked for a
 * push; sender: the queue went from full to not full).
 *
 * Not thread-safe: the owner serialises all calls.
 */
#ifndef HYP_MSGQ_H
#define HYP_MSGQ_H

#include "types.h"

#define MSGQ_MSG_SIZE_MAX	240	/* Gunyah's limit, and the RM-RPC packet size */

struct msgq_slot {
	u32 len;
	u8 data[MSGQ_MSG_SIZE_MAX];
};

struct msgq {
	struct msgq_slot *slots;
	u32 depth;
	u32 max_msg_size;
	u32 head;	/* slot of the oldest message */
	u32 count;
};

/*
 * Set up an empty queue over @slots[@depth]. Returns GH_ERROR_ARG_INVAL, and
 * leaves @q untouched, for a zero depth or a max_msg_size outside
 * 1..MSGQ_MSG_SIZE_MAX.
 */
int msgq_init(struct msgq *q, struct msgq_slot *slots, u32 depth, u32 max_msg_size);

/*
 * Append a copy of @msg[@size]. Returns GH_ERROR_MSGQUEUE_FULL when the queue
 * is full (checked first, as Gunyah does), GH_ERROR_ARG_SIZE for a size of 0
 * or above max_msg_size; the queue is unchanged on error. *not_full is the
 * state after the call; *wake is true when the receiver must be signalled.
 */
int msgq_send(struct msgq *q, const void *msg, size_t size, bool push,
	      bool *not_full, bool *wake);

/*
 * Remove the oldest message into @buf[@buf_size]. Returns
 * GH_ERROR_MSGQUEUE_EMPTY when empty, GH_ERROR_ARG_SIZE when the message is
 * larger than @buf_size (it then stays queued). *size is the message length
 * (0 on error), *not_empty the state after the call, *wake true when the
 * sender must be signalled (the queue just stopped being full).
 */
int msgq_recv(struct msgq *q, void *buf, size_t buf_size, size_t *size,
	      bool *not_empty, bool *wake);

/* Drop every message. Returns true when the queue was full (sender to be woken). */
bool msgq_flush(struct msgq *q);

static inline u32 msgq_count(const struct msgq *q)
{
	return q->count;
}

static inline u32 msgq_space(const struct msgq *q)
{
	return q->depth - q->count;
}

static inline bool msgq_empty(const struct msgq *q)
{
	return q->count == 0;
}

static inline bool msgq_full(const struct msgq *q)
{
	return q->count == q->depth;
}

#endif
