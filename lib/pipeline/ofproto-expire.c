/* ofproto-expire: which flows are due, found without looking at the
 * others (ofproto-private.h, "Timeouts").
 *
 * Every rule with a timeout is filed under a lower bound of its expiry:
 * in the slot of a wheel of EXP_SLOTS slots of EXP_SLOT_MSEC each, or on
 * the 'near' list when it is due within about two slots.  A packet hit
 * or a learn refresh only moves a rule's expiry later, so they leave it
 * where it is: the hot paths do no timer work.  ofproto_run() drains
 * the slots whose time has come; a rule that is not due yet (it was
 * refreshed) is filed again under its real expiry.  So expiring costs a
 * look at each due flow, plus one look per refresh that postponed one,
 * instead of a look at every flow with a timeout on every pass (which
 * was most of the CPU during a mass expiry: a table of a million
 * learned flows was walked again and again while they left at the rate
 * they had come).  A rule due beyond the wheel's horizon waits in its
 * last slot and moves on from there, once per turn of the wheel. */
#include <stdlib.h>

#include "clock.h"
#include "ofproto-private.h"
#include "util.h"

/* 16 ms slots: the near list holds only what is due within 32 ms, and
 * 8,192 of them cover 131 s (the article's learned flows live 300 s:
 * filed twice). */
#define EXP_SLOT_MSEC 16
#define EXP_SLOTS 8192
/* The next timeout is exact when the next slot holds at most this many
 * rules, else the slot's start (a lower bound, which is all
 * ofproto_next_timeout() promises). */
#define EXP_EXACT_MAX 64

bool rule_has_timeout(const struct rule *r)
{
    return r->idle_timeout || r->hard_timeout;
}

int64_t rule_expiry(const struct rule *r)
{
    int64_t t = INT64_MAX;
    if (r->hard_timeout) {
        /* Measured from the last modification, so a learn that fires
         * again keeps its flow alive (the article's hard_age). */
        t = r->modified + (int64_t)r->hard_timeout * 1000;
    }
    if (r->idle_timeout) {
        t = SW_MIN(t, r->used + (int64_t)r->idle_timeout * 1000);
    }
    return t;
}

static int64_t slot_of(int64_t msec)
{
    /* Floor division: the fake clock may stand before 0. */
    return msec >= 0 ? msec / EXP_SLOT_MSEC
                     : -((-msec + EXP_SLOT_MSEC - 1) / EXP_SLOT_MSEC);
}

static struct rule **wheel_slot(struct ofproto *p, int64_t slot)
{
    return &p->exp_wheel[(size_t)(slot & (EXP_SLOTS - 1))];
}

static void list_push(struct rule **head, struct rule *r)
{
    r->exp_next = *head;
    if (*head) {
        (*head)->exp_pprev = &r->exp_next;
    }
    *head = r;
    r->exp_pprev = head;
}

/* Files 'r', due at 't', on the near list or in its slot. */
static void file_at(struct ofproto *p, struct rule *r, int64_t t)
{
    if (!p->exp_wheel) {
        p->exp_wheel = xcalloc(EXP_SLOTS, sizeof *p->exp_wheel);
        p->exp_base = slot_of(clock_msec());
    }
    int64_t slot = slot_of(t);
    if (slot <= p->exp_base) {
        /* Not in the slot being drained (it would come back to it). */
        list_push(&p->exp_near, r);
    } else {
        /* Beyond the horizon: the last slot, a lower bound. */
        slot = SW_MIN(slot, p->exp_base + EXP_SLOTS - 1);
        list_push(wheel_slot(p, slot), r);
        p->exp_n_wheel++;
        r->flags |= RULE_F_IN_WHEEL;
    }
    p->next_timeout = SW_MIN(p->next_timeout, t);
}

void expire_file(struct ofproto *p, struct rule *r)
{
    if (rule_has_timeout(r)) {
        file_at(p, r, rule_expiry(r));
    }
}

void expire_unfile(struct ofproto *p, struct rule *r)
{
    if (!r->exp_pprev) {
        return;
    }
    *r->exp_pprev = r->exp_next;
    if (r->exp_next) {
        r->exp_next->exp_pprev = r->exp_pprev;
    }
    r->exp_pprev = NULL;
    r->exp_next = NULL;
    if (r->flags & RULE_F_IN_WHEEL) {
        r->flags &= ~RULE_F_IN_WHEEL;
        p->exp_n_wheel--;
    }
}

void expire_refile(struct ofproto *p, struct rule *r)
{
    expire_unfile(p, r);
    expire_file(p, r);
}

void expire_destroy(struct ofproto *p)
{
    free(p->exp_wheel);
    p->exp_wheel = NULL;
}

/* Takes 'r' off its list and either collects it (due) or files it again
 * under its real expiry; updates '*next' with what stays. */
static void examine(struct ofproto *p, struct rule *r, int64_t now,
                    struct rule_vec *due, int64_t *next)
{
    int64_t t = rule_expiry(r);
    if (now >= t) {
        expire_unfile(p, r);
        /* Hard wins a tie, as the flow would have gone at that moment
         * whatever the traffic. */
        bool hard = r->hard_timeout
                    && now >= r->modified + (int64_t)r->hard_timeout * 1000;
        r->remove_reason =
            hard ? OFPROTO_REASON_HARD_TIMEOUT : OFPROTO_REASON_IDLE_TIMEOUT;
        rule_vec_push(due, r);
    } else {
        *next = SW_MIN(*next, t);
    }
}

/* The earliest time anything in the wheel may be due. */
static int64_t wheel_next(const struct ofproto *p)
{
    if (!p->exp_n_wheel) {
        return INT64_MAX;
    }
    for (int64_t s = p->exp_base; s < p->exp_base + EXP_SLOTS; s++) {
        const struct rule *r = p->exp_wheel[(size_t)(s & (EXP_SLOTS - 1))];
        if (!r) {
            continue;
        }
        int64_t t = INT64_MAX;
        for (size_t i = 0; r && i < EXP_EXACT_MAX; r = r->exp_next, i++) {
            t = SW_MIN(t, rule_expiry(r));
        }
        return r ? s * EXP_SLOT_MSEC : t;
    }
    return INT64_MAX; /* Not reached: the wheel holds a rule. */
}

bool expire_collect(struct ofproto *p, int64_t now, struct rule_vec *due)
{
    if (!p->exp_wheel) {
        p->next_timeout = INT64_MAX;
        return true;
    }
    size_t scanned = 0, slots = 0;
    int64_t next = INT64_MAX;
    /* The near list: everything on it is due within two slots. */
    for (struct rule *r = p->exp_near, *nx; r; r = nx) {
        nx = r->exp_next;
        if (scanned++ >= OFPROTO_EXPIRE_SCAN
            || due->n >= OFPROTO_EXPIRE_SLICE) {
            return false;
        }
        examine(p, r, now, due, &next);
    }
    if (!p->exp_n_wheel) {
        /* Nothing filed ahead: no need to walk the slots in between. */
        p->exp_base = SW_MAX(p->exp_base, slot_of(now));
    }
    /* The slots whose start has passed: what is due goes, the rest is
     * filed again (on the near list or ahead), which empties the slot. */
    while (p->exp_base * EXP_SLOT_MSEC <= now) {
        struct rule **slot = wheel_slot(p, p->exp_base);
        while (*slot) {
            if (scanned++ >= OFPROTO_EXPIRE_SCAN
                || due->n >= OFPROTO_EXPIRE_SLICE) {
                return false;
            }
            struct rule *r = *slot;
            int64_t t = rule_expiry(r);
            if (now >= t) {
                examine(p, r, now, due, &next);
            } else {
                expire_unfile(p, r);
                file_at(p, r, t);
            }
        }
        p->exp_base++;
        /* An empty slot costs a pointer read: up to four turns of the
         * wheel per call (after a long wait, the daemon's timer never
         * sleeps that long). */
        if (++slots >= 4 * EXP_SLOTS) {
            return false;
        }
    }
    /* What was filed again lowered next_timeout: start afresh. */
    for (struct rule *r = p->exp_near; r; r = r->exp_next) {
        next = SW_MIN(next, rule_expiry(r));
    }
    p->next_timeout = SW_MIN(next, wheel_next(p));
    return true;
}
