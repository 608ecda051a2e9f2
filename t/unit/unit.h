/*
 * Shared main for the CUnit test programs: each t/unit/test_<module>.c
 * defines its tests in a table and ends with UNIT_MAIN("module", tests).
 * The program exits non-zero when a test fails, so `make check` sees it.
 */
#ifndef BARONG_UNIT_H
#define BARONG_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <CUnit/Basic.h>

struct unit_test {
	const char	*name;
	void		(*fn)(void);
};

static inline int
unit_run(const char *suite_name, const struct unit_test *tests)
{
	CU_pSuite	 suite;
	unsigned	 failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	suite = CU_add_suite(suite_name, NULL, NULL);
	for (; tests->name != NULL; tests++)
		CU_add_test(suite, tests->name, tests->fn);
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}

#define UNIT_MAIN(name, tests)						\
	int main(void) { return unit_run((name), (tests)); }

#endif
