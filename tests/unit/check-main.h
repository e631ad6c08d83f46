/* Shared main() for the Check unit test programs: each test-*.c defines
 * its suite with SW_TEST_MAIN(make_suite) and links this in. */
#ifndef SW_CHECK_MAIN_H
#define SW_CHECK_MAIN_H 1

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

/* Tests that cannot run here (most often: not root) call SW_SKIP(WHY)
 * instead of returning early, so that the program exits 77 and ctest
 * reports it as skipped rather than passed; the tests that did run still
 * fail it if they fail.  The count lives in this process, which is why
 * main() runs the suite without forking (ctest sets CK_FORK=no anyway). */
static int sw_tests_skipped;
#define SW_SKIP(WHY)                            \
    do {                                        \
        printf("SKIP %s: %s\n", __func__, WHY); \
        sw_tests_skipped++;                     \
        return;                                 \
    } while (0)

#define SW_TEST_MAIN(MAKE_SUITE)                                          \
    int main(void)                                                        \
    {                                                                     \
        SRunner *sr = srunner_create(MAKE_SUITE());                       \
        srunner_set_fork_status(sr, CK_NOFORK);                           \
        srunner_run_all(sr, CK_NORMAL);                                   \
        int failed = srunner_ntests_failed(sr);                           \
        srunner_free(sr);                                                 \
        if (failed) {                                                     \
            return EXIT_FAILURE;                                          \
        }                                                                 \
        if (sw_tests_skipped) {                                           \
            printf("%d test(s) skipped: exiting 77\n", sw_tests_skipped); \
            return 77;                                                    \
        }                                                                 \
        return EXIT_SUCCESS;                                              \
    }

#endif
