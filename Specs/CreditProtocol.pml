/*
 * CreditProtocol.pml: the credit-based bridge between two threads, and the task signal a task
 * waits on. The prose spec is CreditProtocol.md beside this file ("Bridges between threads",
 * "Promela model"); scripts/check-specs runs spin on this model.
 *
 * What this model mirrors in Swift:
 *   - CreditStateMachine  Sources/FlowRuntime/Bridges/CreditStateMachine.swift
 *       the counters `sent` and `received` themselves: credits = N - (sent - received) and
 *       inFlight = sent - received, so credits + inFlight == N; a send needs credits > 0
 *       (sendRequested -> .send), a consume returns one credit (elementConsumed). RingBridge runs
 *       one machine per side: the sender's view (`sent`, and the `received` it last loaded:
 *       creditsReturned) and the receiver's view (`received`, and the `sent` it last loaded:
 *       elementsArrived). This model loads the other side's counter at every check, a view
 *       refreshed each time; the Swift views reload only when they say "no credit" or "no
 *       element", which is the same check on an older value (a view lags, never runs ahead).
 *   - RingBridge          Sources/FlowRuntime/Bridges/RingBridge.swift
 *       the ring of N slots, the sender-owned counter `sent`, the receiver-owned counter
 *       `received`, publish with release / read with acquire, notify after publishing. The
 *       receiver notifies the sender only if the sender announced that it waits for credit
 *       (`senderWaiting`: the sender sets it, then re-checks its credit; the receiver publishes
 *       `received`, then takes the flag; both sequentially consistent).
 *   - TaskSignal          Sources/FlowRuntime/Scheduling/TaskSignal.swift
 *       the parker, one per task: an atomic EMPTY / NOTIFIED / PARKED, a lock and a condition.
 *
 * Spin runs processes with sequentially consistent memory, so a release store / acquire load
 * is one Promela statement; an atomic swap or compare-and-swap is one d_step. Everything a
 * thread does between two shared accesses is a separate statement, so spin explores every
 * interleaving of them.
 *
 * Parameters (spin -DNAME=value):
 *   N        slots per bridge, >= 1                                           (default 2)
 *   INPUTS   bridges into the receiving task, 1 or 2; each has its own sender (default 1)
 *   ELEMS    elements each sender produces, end-of-input included, >= 1        (default 4)
 *   PENDING  elements one step of a sender may produce (its pending queue), 1 or 2 (default 2)
 *
 * Broken variants (spin -DBUG_...), each of which spin must catch; scripts/check-specs checks
 * that it does, so the checks are shown able to fail:
 *   BUG_SEND_NOTIFY_BEFORE_PUBLISH     the sender notifies before publishing sent + 1
 *   BUG_RECEIVE_NOTIFY_BEFORE_PUBLISH  the receiver takes the sender's waiting flag (and
 *                                      notifies) before publishing received + 1; shows with
 *                                      N = 1 only: with more slots the sender still sees the
 *                                      credit of an earlier consume, and the next consume
 *                                      finds the flag and notifies
 *   BUG_WAIT_WITHOUT_RECHECK           the sender announces that it waits for credit and parks
 *                                      without looking at its credit again
 *   BUG_NO_PERMIT                      notify wakes a parked waiter, else keeps no permit
 *   BUG_PARK_WITHOUT_CAS               wait() stores PARKED instead of CAS(EMPTY -> PARKED)
 *   BUG_SIGNAL_WITHOUT_LOCK            notify signals the condition without taking the lock
 *   BUG_CREDIT_BEFORE_READ             the receiver returns the credit before reading the slot
 *   BUG_NO_RECHECK                     the receiver reads an input after a wake-up without
 *                                      re-checking received < sent
 *
 * Properties: assertions (no overflow, no overwrite, no loss, order kept, markers in place,
 * end-of-input last), no invalid end state (no deadlock, no lost wake-up), and the LTL
 * property `done` (the receiving task eventually consumes end-of-input on every input).
 *
 * The runs scripts/check-specs makes, one per line and per value of N. `check:` lines must pass;
 * `catch:` lines must fail, with the error after `=>`. Properties: `safety` (assertions and
 * invalid end states), `ltl:NAME` (acceptance cycles of the LTL property NAME), `termination`
 * (no cycle at all: every execution ends). Other words are -D flags for spin.
 *
 * check: safety       N=1,2,3 ELEMS=5
 * check: ltl:done     N=1,2,3 ELEMS=5
 * check: termination  N=1,2,3 ELEMS=4
 * check: safety       N=1,2 INPUTS=2 PENDING=1 ELEMS=3 SCRIPTED
 * check: ltl:done     N=1,2 INPUTS=2 PENDING=1 ELEMS=3 SCRIPTED
 * check: termination  N=2 INPUTS=2 PENDING=1 ELEMS=3 SCRIPTED
 * catch: safety       N=2 ELEMS=4 BUG_SEND_NOTIFY_BEFORE_PUBLISH    => invalid end state
 * catch: ltl:done     N=2 ELEMS=4 BUG_SEND_NOTIFY_BEFORE_PUBLISH    => acceptance cycle
 * catch: safety       N=1 ELEMS=4 BUG_RECEIVE_NOTIFY_BEFORE_PUBLISH => invalid end state
 * catch: ltl:done     N=1 ELEMS=4 BUG_RECEIVE_NOTIFY_BEFORE_PUBLISH => acceptance cycle
 * catch: safety       N=1 ELEMS=4 BUG_WAIT_WITHOUT_RECHECK          => invalid end state
 * catch: safety       N=2 ELEMS=4 BUG_WAIT_WITHOUT_RECHECK          => invalid end state
 * catch: safety       N=2 ELEMS=4 BUG_NO_PERMIT                     => invalid end state
 * catch: ltl:done     N=2 ELEMS=4 BUG_NO_PERMIT                     => acceptance cycle
 * catch: safety       N=2 ELEMS=4 BUG_PARK_WITHOUT_CAS              => invalid end state
 * catch: ltl:done     N=2 ELEMS=4 BUG_PARK_WITHOUT_CAS              => acceptance cycle
 * catch: safety       N=2 ELEMS=4 BUG_SIGNAL_WITHOUT_LOCK           => invalid end state
 * catch: ltl:done     N=2 ELEMS=4 BUG_SIGNAL_WITHOUT_LOCK           => acceptance cycle
 * catch: safety       N=2 ELEMS=4 BUG_CREDIT_BEFORE_READ            => assertion violated
 * catch: safety       N=2 ELEMS=4 BUG_NO_RECHECK                    => assertion violated
 * catch: safety       N=1 INPUTS=2 PENDING=1 ELEMS=3 SCRIPTED BUG_NO_PERMIT => invalid end state
 */

#ifndef N
#define N 2
#endif
#ifndef INPUTS
#define INPUTS 1
#endif
#ifndef ELEMS
#define ELEMS 4
#endif
#ifndef PENDING
#define PENDING 2
#endif

/* Element kinds (StreamElement): a batch, three control elements, and NONE for a cleared slot. */
#define NONE      0
#define BATCH     1   /* val: the batch's sequence number on its bridge: 0, 1, 2, ... */
#define WATERMARK 2   /* val: the watermark, nondecreasing on a bridge */
#define BARRIER   3   /* val: the checkpoint id: 1, 2, 3, ... */
#define EOI       4   /* end of input: the last element of a bridge */

/* TaskSignal states. */
#define EMPTY    0    /* no permit, nobody parked */
#define NOTIFIED 1    /* a permit: the next wait() returns at once */
#define PARKED   2    /* the owner is blocked (or about to block) in wait() */

/* An element in a slot. pos is the element's position on its bridge (0, 1, ...): a ghost field
 * the receiver checks to prove no loss, no duplicate, order kept. */
typedef Elem {
    byte pos;
    byte kind;
    byte val
};

/* ---- the bridges (RingBridge); bridge b owns slot[b*N .. b*N + N-1] ---- */
Elem slot[INPUTS * N];
byte sent[INPUTS];       /* elements published by the sender; written only by Sender(b) */
byte received[INPUTS];   /* elements consumed by the receiver; written only by Receiver */
bool senderWaiting[INPUTS]; /* Sender(b) waits for credit: set by the sender, taken by the receiver */

/* ---- the task signals (TaskSignal): 0 .. INPUTS-1 the senders', RECEIVER the receiver's ---- */
#define RECEIVER INPUTS
byte sig[INPUTS + 1];     /* the atomic state */
bool locked[INPUTS + 1];  /* the signal's lock */
bool waiting[INPUTS + 1]; /* the owner sleeps in the condition wait; a signal clears it */

bool receiverDone = false; /* the receiver consumed end-of-input on every input */

ltl done { <> receiverDone }

/* ---------------------------------------------------------------------------------------------
 * TaskSignal
 * ------------------------------------------------------------------------------------------- */

inline lock(s) {
    atomic { !locked[s] -> locked[s] = true }
}

inline unlock(s) {
    locked[s] = false
}

/* The condition wait: atomically unlock and sleep; sleep until a signal (waiting cleared by a
 * notifier holding the lock), then take the lock again. A real condition variable may also
 * return spuriously; callers loop on the state, so that only adds loop iterations. */
inline condWait(s) {
    d_step { waiting[s] = true; locked[s] = false };
    atomic { !waiting[s] && !locked[s] -> locked[s] = true }
}

/* notify(): old = swap(state, NOTIFIED); if old == PARKED, wake the waiter under the lock.
 * Uses the caller's local `old`. */
inline notify(s) {
#ifdef BUG_NO_PERMIT
    /* Broken: a notify that finds nobody parked is forgotten. */
    d_step { old = sig[s]; if :: old == PARKED -> sig[s] = NOTIFIED :: else -> skip fi };
#else
    d_step { old = sig[s]; sig[s] = NOTIFIED };
#endif
    if
    :: old == PARKED ->
#ifdef BUG_SIGNAL_WITHOUT_LOCK
        /* Broken: the signal can come before the waiter sleeps, and is lost. */
        waiting[s] = false
#else
        lock(s);
        waiting[s] = false;   /* condition.signal() */
        unlock(s)
#endif
    :: else -> skip
    fi;
    old = 0
}

/* wait(): return at once on a permit; else park until a notify. Only the owner of signal s
 * calls it. It may return without a new notify (a permit left by an earlier one): callers
 * re-check their condition in a loop. */
inline wait(s) {
    if
    :: d_step { sig[s] == NOTIFIED -> sig[s] = EMPTY }   /* CAS(NOTIFIED -> EMPTY): the fast path */
    :: else ->
        lock(s);
#ifdef BUG_PARK_WITHOUT_CAS
        /* Broken: overwrites a permit that arrived after the fast-path check. */
        sig[s] = PARKED;
        do
        :: sig[s] == PARKED -> condWait(s)
        :: else -> break
        od;
#else
        if
        :: d_step { sig[s] == EMPTY -> sig[s] = PARKED } ->   /* CAS(EMPTY -> PARKED) */
            do
            :: sig[s] == PARKED -> condWait(s)          /* while state == PARKED { wait } */
            :: else -> break
            od
        :: else -> skip                                 /* the CAS failed: a notify came in */
        fi;
#endif
        assert(sig[s] == NOTIFIED);                      /* only the owner ever stores EMPTY */
        sig[s] = EMPTY;                                  /* consume the permit */
        unlock(s)
    fi
}

/* ---------------------------------------------------------------------------------------------
 * The sending task of bridge b (EdgeRouter + TaskInstance.step, one output channel)
 * ------------------------------------------------------------------------------------------- */

/* Produce one element into the pending queue: any kind the stream grammar
 * batch* (control batch*)* endOfInput allows, end-of-input forced as the ELEMS-th element. */
inline produceOne() {
    if
    :: produced == ELEMS - 1 -> k = EOI
#ifdef SCRIPTED
    /* One fixed stream: batch, watermark, batch, barrier, batch, watermark, ..., end-of-input. */
    :: else ->
        if
        :: produced % 2 == 0 -> k = BATCH;     v = batchSeq; batchSeq++
        :: produced % 4 == 1 -> k = WATERMARK; wm++; v = wm
        :: else ->              k = BARRIER;   barrierId++; v = barrierId
        fi
#else
    /* Every stream the grammar allows: the model checker tries each choice. */
    :: else ->
        if
        :: k = BATCH;     v = batchSeq; batchSeq++
        :: k = WATERMARK; v = wm                     /* the same watermark again */
        :: k = WATERMARK; wm++; v = wm               /* a higher watermark */
        :: k = BARRIER;   barrierId++; v = barrierId
        :: k = EOI
        fi
#endif
    fi;
    pending!produced, k, v;
    eoiProduced = (k == EOI);
    produced++;
    k = 0; v = 0
}

/* Send the front of the pending queue on bridge b; the caller saw credit. */
inline send() {
    d_step {
        pending?p, k, v;
        assert(sent[b] - received[b] < N);               /* no overflow: a credit is left */
        assert(slot[b * N + sent[b] % N].kind == NONE);  /* never overwrite an unread element */
        slot[b * N + sent[b] % N].pos = p;               /* plain stores into the slot */
        slot[b * N + sent[b] % N].kind = k;
        slot[b * N + sent[b] % N].val = v;
        p = 0; k = 0; v = 0
    };
#ifdef BUG_SEND_NOTIFY_BEFORE_PUBLISH
    notify(RECEIVER);
    sent[b]++;
#else
    sent[b]++;            /* publish sent + 1 (release) */
    notify(RECEIVER);     /* then wake the receiving task */
#endif
}

proctype Sender(byte b) {
    chan pending = [PENDING] of { byte, byte, byte };  /* pos, kind, val */
    byte produced = 0;    /* elements produced so far: the next element's pos */
    byte batchSeq = 0;    /* the next batch's sequence number */
    byte wm = 0;          /* the last watermark */
    byte barrierId = 0;   /* the last checkpoint id */
    bool eoiProduced = false;
    byte p, k, v, old;

    do
    :: /* Drain: send from the front while there is credit (acquire load of received). */
        do
        :: len(pending) > 0 && sent[b] - received[b] < N -> send()
        :: else -> break
        od;
        if
        :: len(pending) > 0 ->
            /* No credit: announce the wait, look at the credit again, and only then wait for
             * the receiver's notify (which it sends only to a sender that announced). */
            senderWaiting[b] = true;
#ifdef BUG_WAIT_WITHOUT_RECHECK
            wait(b)
#else
            if
            :: sent[b] - received[b] < N -> skip   /* a credit came back meanwhile */
            :: else -> wait(b)
            fi
#endif
        :: else ->
            if
            :: eoiProduced -> break  /* end-of-input sent: nothing more on this bridge */
            :: else ->
                /* One step of the task: produce 1 .. PENDING elements (atomic: it is local). */
                atomic {
                    produceOne();
                    do
                    :: len(pending) < PENDING && !eoiProduced -> produceOne()
                    :: true -> break
                    od
                }
            fi
        fi
    od
}

/* ---------------------------------------------------------------------------------------------
 * The receiving task (InputHead + TaskInstance.step): INPUTS bridges, one signal
 * ------------------------------------------------------------------------------------------- */

/* Notify Sender(b) if it announced that it waits for credit; take the announcement. */
inline notifyWaitingSender() {
    if
    :: d_step { senderWaiting[b] -> senderWaiting[b] = false } -> notify(b)
    :: else -> skip
    fi
}

/* Return the credit of the element just consumed from bridge b. */
inline returnCredit() {
#ifdef BUG_RECEIVE_NOTIFY_BEFORE_PUBLISH
    notifyWaitingSender();
    received[b]++
#else
    received[b]++;        /* publish received + 1: the credit returns */
    notifyWaitingSender() /* then wake the sending task, if it waits for credit */
#endif
}

/* Consume one element of bridge b; the caller saw received[b] < sent[b]. */
inline consume() {
#ifdef BUG_CREDIT_BEFORE_READ
    returnCredit();       /* Broken: the sender may overwrite the slot before it is read. */
#endif
    d_step {
        /* read slot[received % N] (the acquire load of sent made its contents visible) */
        e.pos  = slot[b * N + count[b] % N].pos;
        e.kind = slot[b * N + count[b] % N].kind;
        e.val  = slot[b * N + count[b] % N].val;
        /* no loss, no duplicate, order kept: this is element number count[b] */
        assert(e.kind != NONE && e.pos == count[b]);
        count[b]++;
        if
        :: e.kind == BATCH ->     assert(e.val == nextBatch[b]); nextBatch[b]++
        :: e.kind == WATERMARK -> assert(e.val >= lastWm[b]); lastWm[b] = e.val
        :: e.kind == BARRIER ->   assert(e.val == lastBarrier[b] + 1); lastBarrier[b] = e.val
        :: e.kind == EOI ->       eoi[b] = true; ndone++   /* stop reading bridge b */
        fi;
        e.pos = 0; e.kind = 0; e.val = 0
    };
    d_step {   /* clear the slot */
        slot[b * N + (count[b] - 1) % N].pos = 0;
        slot[b * N + (count[b] - 1) % N].kind = NONE;
        slot[b * N + (count[b] - 1) % N].val = 0
    };
#ifndef BUG_CREDIT_BEFORE_READ
    returnCredit()
#endif
}

proctype Receiver() {
    byte count[INPUTS];        /* elements consumed per bridge (a copy of received[b]) */
    byte nextBatch[INPUTS];    /* the next batch sequence number expected */
    byte lastWm[INPUTS];       /* the last watermark seen */
    byte lastBarrier[INPUTS];  /* the last checkpoint id seen */
    bool eoi[INPUTS];          /* end-of-input consumed: the bridge is no longer read */
    byte ndone = 0;
    bool progress;
    byte b, old;
    Elem e;

    do
    :: ndone == INPUTS -> break
    :: else ->
        /* Poll every input once (acquire load of sent[b]). */
        b = 0;
        do
        :: b < INPUTS ->
            if
            :: !eoi[b] && received[b] < sent[b] -> consume(); progress = true
            :: else -> skip
            fi;
            b++
        :: else -> break
        od;
        b = 0;
        /* Nothing on any input: wait for a sender's notify, then poll again. */
        if
        :: !progress ->
            wait(RECEIVER)
#ifdef BUG_NO_RECHECK
            ;
            /* Broken: takes the wake-up as proof that an element is there, and reads the first
             * open input without checking received < sent. */
            b = 0;
            do
            :: b < INPUTS - 1 && eoi[b] -> b++
            :: else -> break
            od;
            consume();
            b = 0
#endif
        :: else -> progress = false
        fi
    od;

    /* End-of-input was last: nothing was sent after it, every slot is clear. */
    b = 0;
    do
    :: b < INPUTS -> assert(received[b] == sent[b]); b++
    :: else -> break
    od;
    b = 0;
    do
    :: b < INPUTS * N -> assert(slot[b].kind == NONE); b++
    :: else -> break
    od;
    receiverDone = true
}

init {
    byte i = 0;
    atomic {
        do
        :: i < INPUTS -> run Sender(i); i++
        :: else -> break
        od;
        run Receiver()
    }
}
