/*
 * InputGate.pml: exactly-once barrier alignment in a small DAG. The prose spec is InputGate.md
 * beside this file ("Promela model"); scripts/check-specs runs spin on this model.
 *
 *     Source(0) --in[0]--\
 *                         Task (a two-input gate) --out--> Sink
 *     Source(1) --in[1]--/
 *
 * What this model mirrors in Swift:
 *   - InputGateStateMachine  Sources/FlowRuntime/Gate/InputGateStateMachine.swift
 *       per channel: reading / blocked / ended (ChannelState); the pending checkpoint and the
 *       channels still missing (BarrierState.aligning(_, missing:)); barrierReceived(_:on:),
 *       endOfInputReceived(on:); a channel that delivered the pending barrier is blocked, an
 *       ended channel counts as aligned, the last one completes the alignment: forward the
 *       barrier once, read every channel again.
 *   - InputHead              Sources/FlowRuntime/Task/InputHead.swift
 *       the receiver that reads only channels the gate calls readable (isReadable(_:)).
 *   - the channels           credits as in CreditProtocol.pml: each channel has N slots, a send
 *       needs a credit (a free slot), a receive returns it (credits + inFlight == N). A Promela
 *       channel of N slots is exactly that: a send blocks while it is full, as a sender without
 *       credit waits (CreditProtocol.pml checks the wake-ups that make that wait end).
 *
 * Each batch carries, as a ghost value, the epoch its source was in: how many barriers it had
 * sent before the batch. The cut property: a batch reaches the task's body (and the sink) only
 * in its epoch, so nothing after barrier n on a channel is read before barrier n is forwarded,
 * and nothing before it after.
 *
 * Parameters (spin -DNAME=value):
 *   N   slots (credits) per channel, >= 1                   (default 2)
 *   K   barriers a source may send before it ends, >= 1     (default 2)
 *
 * Each source sends, per epoch, a batch or not, then the next barrier; after any barrier (or
 * none) it may end: a batch or not, then end of input. So spin tries every stream of up to K
 * barriers on each input, every interleaving, and a source ending during an alignment.
 *
 * Broken variants (spin -DBUG_...), each of which spin must catch:
 *   BUG_READ_BLOCKED       the task reads a blocked channel (the gate's isReadable ignored)
 *   BUG_NO_UNBLOCK         the task forwards the barrier but never reads the blocked channels again
 *   BUG_ENDED_NOT_ALIGNED  an ended channel does not count as aligned
 *
 * Properties: assertions (the cut; barriers forwarded in order, once each; every barrier a
 * source sent is forwarded), no invalid end state (no deadlock: every process ends).
 *
 * check: safety  N=1,2 K=2
 * check: safety  N=1 K=3
 * catch: safety  N=2 K=2 BUG_READ_BLOCKED       => assertion violated
 * catch: safety  N=1 K=2 BUG_READ_BLOCKED       => assertion violated
 * catch: safety  N=2 K=2 BUG_NO_UNBLOCK         => invalid end state
 * catch: safety  N=2 K=2 BUG_ENDED_NOT_ALIGNED  => invalid end state
 */

#ifndef N
#define N 2
#endif
#ifndef K
#define K 2
#endif

/* Element kinds (StreamElement). */
#define BATCH   1   /* val: the epoch of its source when it was sent (a ghost value) */
#define BARRIER 2   /* val: the checkpoint id: 1, 2, ... */
#define EOI     3   /* end of input: the last element of a channel */

chan in[2] = [N] of { byte, byte };   /* kind, val */
chan out = [N] of { byte, byte };

byte sentBarriers[2];   /* the last barrier each source sent */

proctype Source(byte s) {
    byte epoch = 0;
    do
    :: epoch < K ->
        if
        :: in[s]!BATCH, epoch
        :: skip
        fi;
        epoch++;
        sentBarriers[s] = epoch;
        in[s]!BARRIER, epoch
    :: break   /* end now */
    od;
    if
    :: in[s]!BATCH, epoch
    :: skip
    fi;
    in[s]!EOI, 0
}

/* The gate's state (InputGateStateMachine). */
bool blocked[2];
bool ended[2];
byte openChannels = 2;
byte pending = 0;      /* the checkpoint being aligned, 0 for none (BarrierState) */
byte missing = 0;      /* channels that must still deliver it or end */
byte forwarded = 0;    /* the last barrier forwarded */

/* The alignment of `pending` is complete: forward it once, read every channel again. */
inline completeAlignment() {
    assert(pending == forwarded + 1);   /* in order, once each */
    out!BARRIER, pending;
    forwarded = pending;
    pending = 0;
#ifndef BUG_NO_UNBLOCK
    blocked[0] = false;
    blocked[1] = false
#endif
}

/* What the task does with element (k, v) read from channel c (InputHead + the gate). */
inline handle(c) {
    if
    :: k == BATCH ->
        assert(v == forwarded);   /* the cut: no batch of a later epoch before its barrier */
        out!BATCH, v
    :: k == BARRIER ->
        /* Sources send each barrier once, in order, so here v is the pending or the next one. */
        if
        :: pending == 0 ->
            assert(v == forwarded + 1);
            pending = v;
            missing = openChannels - 1
        :: else ->
            assert(v == pending);
            missing--
        fi;
        blocked[c] = true;
        if
        :: missing == 0 -> completeAlignment()
        :: else -> skip
        fi
    :: k == EOI ->
        ended[c] = true;
        openChannels--;
#ifndef BUG_ENDED_NOT_ALIGNED
        if
        :: pending != 0 && !blocked[c] ->   /* an ended channel counts as aligned */
            missing--;
            if
            :: missing == 0 -> completeAlignment()
            :: else -> skip
            fi
        :: else -> skip
        fi
#endif
    fi;
    k = 0; v = 0
}

/* A channel the task may read: not ended, and (the gate's isReadable) not blocked. */
#ifdef BUG_READ_BLOCKED
#define readable(c) (!ended[c])
#else
#define readable(c) (!ended[c] && !blocked[c])
#endif

proctype Task() {
    byte k, v;
    do
    :: openChannels == 0 -> break
    :: readable(0) && len(in[0]) > 0 -> in[0]?k, v; handle(0)
    :: readable(1) && len(in[1]) > 0 -> in[1]?k, v; handle(1)
    od;
    out!EOI, 0
}

proctype Sink() {
    byte k, v;
    byte barriers = 0;
    do
    :: out?k, v ->
        if
        :: k == BATCH -> assert(v == barriers)         /* the cut holds downstream too */
        :: k == BARRIER -> assert(v == barriers + 1); barriers = v
        :: k == EOI -> break
        fi
    od;
    /* Every barrier completed: each one a source sent was forwarded. */
    assert(barriers == sentBarriers[0] || barriers == sentBarriers[1]);
    assert(barriers >= sentBarriers[0] && barriers >= sentBarriers[1])
}

init {
    atomic {
        run Source(0);
        run Source(1);
        run Task();
        run Sink()
    }
}
