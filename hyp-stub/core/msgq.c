// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bounded message queue: see include/msgq.h. A ring of fixed-size slots,
 * indexed by head and count so that "full" and "empty" are never ambiguous.
 */
#include <string.h>

#include "gunyah.h"
#include "msgq.h"

int msgq_init(struct msgq *q, struct msgq_slot *slots, u32 depth, u32 max_msg_size)
{
	if (!depth || !max_msg_size || max_msg_size > MSGQ_MSG_SIZE_MAX)
		return GH_ERROR_ARG_INVAL;

	q->slots = slots;
	q->depth = depth;
	q->max_msg_size = max_msg_size;
	q->head = 0;
	q->count = 0;
	return GH_ERROR_OK;
}

int msgq_send(struct msgq *q, const void *msg, size_t size, bool push,
	      bool *not_full, bool *wake)
{
	struct msgq_slot *slot;

	*wake = false;
	if (msgq_full(q)) {
		*not_full = false;
		return GH_ERROR_MSGQUEUE_FULL;
	}
	*not_full = true;
	/* Gunyah refuses empty messages too: nothing could tell them apart from none. */
	if (!size || size > q->max_msg_size)
		return GH_ERROR_ARG_SIZE;

	slot = &q->slots[(q->head + q->count) % q->depth];
	memcpy(slot->data, msg, size);
	slot->len = (u32)size;
	q->count++;

	*wake = push || q->count == 1;
	*not_full = !msgq_full(q);
	return GH_ERROR_OK;
}

int msgq_recv(struct msgq *q, void *buf, size_t buf_size, size_t *size,
	      bool *not_empty, bool *wake)
{
	struct msgq_slot *slot;

	*size = 0;
	*wake = false;
	if (msgq_empty(q)) {
		*not_empty = false;
		return GH_ERROR_MSGQUEUE_EMPTY;
	}
	*not_empty = true;

	slot = &q->slots[q->head];
	if (slot->len > buf_size)
		return GH_ERROR_ARG_SIZE;

	memcpy(buf, slot->data, slot->len);
	*size = slot->len;
	*wake = msgq_full(q);
	q->head = (q->head + 1) % q->depth;
	q->count--;

	*not_empty = !msgq_empty(q);
	return GH_ERROR_OK;
}

bool msgq_flush(struct msgq *q)
{
	bool was_full = msgq_full(q);

	q->head = 0;
	q->count = 0;
	return was_full;
}
