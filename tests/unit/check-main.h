/* Shared main() for the Check unit test programs: each test-*.c defines
 * its suite with SW_TEST_MAIN(make_suite) and links this in. */
#ifndef SW_CHECK_MAIN_H
#define SW_CHECK_MAIN_H 1

#include <check.h>
#include <stdlib.h>

#define SW_TEST_MAIN(MAKE_SUITE)                                              \
    int main(void)                                                            \
    {                                                                         \
        SRunner *sr = srunner_create(MAKE_SUITE());                           \
        srunner_run_all(sr, CK_NORMAL);                                       \
        int failed = srunner_ntests_failed(sr);                               \
        srunner_free(sr);                                                     \
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;                          \
    }

#endif
