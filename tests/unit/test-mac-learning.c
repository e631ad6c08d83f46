/* Unit tests for the NORMAL action's MAC table: learning, moves, VLAN
 * separation, ageing with the fake clock, the size bound and flushes. */
#include <string.h>

#include "check-main.h"
#include "clock.h"
#include "mac-learning.h"

static const uint8_t mac_a[6] = { 0x2e, 0x7a, 0xa2, 0x53, 0x7b, 0x31 };
static const uint8_t mac_b[6] = { 0xee, 0x2c, 0x09, 0x42, 0x0e, 0x46 };
static const uint8_t mac_mc[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

START_TEST(test_learn_lookup_move)
{
    clock_fake_set(1000);
    struct mac_learning *ml = mac_learning_create(300, 100);
    uint16_t port = 0;
    ck_assert(!mac_learning_lookup(ml, mac_a, 0, &port));
    ck_assert(mac_learning_learn(ml, mac_a, 0, 5));
    ck_assert(!mac_learning_learn(ml, mac_a, 0, 5)); /* No change. */
    ck_assert(mac_learning_lookup(ml, mac_a, 0, &port));
    ck_assert_uint_eq(port, 5);
    ck_assert(mac_learning_learn(ml, mac_a, 0, 6)); /* Moved. */
    ck_assert(mac_learning_lookup(ml, mac_a, 0, &port));
    ck_assert_uint_eq(port, 6);
    ck_assert_uint_eq(mac_learning_count(ml), 1);
    /* VLANs are separate tables. */
    ck_assert(!mac_learning_lookup(ml, mac_a, 10, &port));
    ck_assert(mac_learning_learn(ml, mac_a, 10, 7));
    ck_assert(mac_learning_lookup(ml, mac_a, 10, &port));
    ck_assert_uint_eq(port, 7);
    ck_assert(mac_learning_lookup(ml, mac_a, 0, &port));
    ck_assert_uint_eq(port, 6);
    /* Multicast sources are never learned. */
    ck_assert(!mac_learning_learn(ml, mac_mc, 0, 1));
    ck_assert(!mac_learning_lookup(ml, mac_mc, 0, &port));
    ck_assert_uint_eq(mac_learning_count(ml), 2);
    mac_learning_destroy(ml);
    clock_fake_off();
}
END_TEST

START_TEST(test_ageing)
{
    clock_fake_set(0);
    struct mac_learning *ml = mac_learning_create(300, 100);
    uint16_t port;
    mac_learning_learn(ml, mac_a, 0, 1);
    clock_fake_advance(200 * 1000);
    mac_learning_learn(ml, mac_b, 0, 2);
    ck_assert_int_eq(mac_learning_next_expiry(ml), 300 * 1000);
    clock_fake_advance(99 * 1000); /* t = 299 s: both alive. */
    ck_assert_uint_eq(mac_learning_run(ml), 0);
    ck_assert(mac_learning_lookup(ml, mac_a, 0, &port));
    clock_fake_advance(1000); /* t = 300 s: a ages out. */
    ck_assert(!mac_learning_lookup(ml, mac_a, 0, &port));
    ck_assert_uint_eq(mac_learning_run(ml), 1);
    ck_assert(mac_learning_lookup(ml, mac_b, 0, &port));
    ck_assert_uint_eq(port, 2);
    /* Seeing b again restarts its age. */
    clock_fake_advance(50 * 1000);
    mac_learning_learn(ml, mac_b, 0, 2);
    clock_fake_advance(290 * 1000);
    ck_assert_uint_eq(mac_learning_run(ml), 0);
    ck_assert(mac_learning_lookup(ml, mac_b, 0, &port));
    clock_fake_advance(10 * 1000);
    ck_assert_uint_eq(mac_learning_run(ml), 1);
    ck_assert_uint_eq(mac_learning_count(ml), 0);
    ck_assert_int_eq(mac_learning_next_expiry(ml), INT64_MAX);
    mac_learning_destroy(ml);
    clock_fake_off();
}
END_TEST

START_TEST(test_bounded)
{
    clock_fake_set(0);
    struct mac_learning *ml = mac_learning_create(300, 10);
    uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0 };
    for (int i = 0; i < 25; i++) {
        mac[5] = (uint8_t)i;
        mac_learning_learn(ml, mac, 0, (uint16_t)(i + 1));
        clock_fake_advance(1);
    }
    ck_assert_uint_eq(mac_learning_count(ml), 10);
    ck_assert_uint_eq(mac_learning_n_evicted(ml), 15);
    /* The oldest were evicted; the newest 10 remain. */
    uint16_t port;
    mac[5] = 14;
    ck_assert(!mac_learning_lookup(ml, mac, 0, &port));
    mac[5] = 15;
    ck_assert(mac_learning_lookup(ml, mac, 0, &port));
    ck_assert_uint_eq(port, 16);
    /* Shrinking the bound evicts the oldest. */
    mac_learning_set_max_entries(ml, 3);
    ck_assert_uint_eq(mac_learning_count(ml), 3);
    ck_assert(!mac_learning_lookup(ml, mac, 0, &port));
    mac[5] = 24;
    ck_assert(mac_learning_lookup(ml, mac, 0, &port));
    mac_learning_destroy(ml);
    clock_fake_off();
}
END_TEST

struct dump_aux {
    int n;
    uint16_t ports[4];
    int64_t ages[4];
};

static void dump_cb(uint16_t port, uint16_t vlan, const uint8_t mac[6],
                    int64_t age, void *aux_)
{
    struct dump_aux *aux = aux_;
    if (aux->n < 4) {
        aux->ports[aux->n] = port;
        aux->ages[aux->n] = age;
    }
    aux->n++;
}

START_TEST(test_flush_and_dump)
{
    clock_fake_set(0);
    struct mac_learning *ml = mac_learning_create(0, 0); /* Defaults. */
    mac_learning_learn(ml, mac_a, 0, 1);
    clock_fake_advance(7000);
    mac_learning_learn(ml, mac_b, 0, 2);
    clock_fake_advance(2000);
    struct dump_aux aux = { 0 };
    mac_learning_for_each(ml, dump_cb, &aux);
    ck_assert_int_eq(aux.n, 2);
    ck_assert_uint_eq(aux.ports[0], 1); /* Oldest first. */
    ck_assert_int_eq(aux.ages[0], 9);
    ck_assert_uint_eq(aux.ports[1], 2);
    ck_assert_int_eq(aux.ages[1], 2);
    mac_learning_flush_port(ml, 1);
    ck_assert_uint_eq(mac_learning_count(ml), 1);
    mac_learning_flush(ml);
    ck_assert_uint_eq(mac_learning_count(ml), 0);
    mac_learning_destroy(ml);
    mac_learning_destroy(NULL);
    clock_fake_off();
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("mac-learning");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_learn_lookup_move);
    tcase_add_test(tc, test_ageing);
    tcase_add_test(tc, test_bounded);
    tcase_add_test(tc, test_flush_and_dump);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
