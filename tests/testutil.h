/* Small helpers shared by the test programs. */
#ifndef PM_TESTUTIL_H
#define PM_TESTUTIL_H

/* PM_ASAN: built with AddressSanitizer (gcc or clang). */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PM_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PM_ASAN 1
#endif

/* The whole file as a NUL-terminated malloc'd string, or NULL. */
char *pm_test_read_text(const char *path);
/* Writes text to path; fails the current cmocka test on error. */
void pm_test_write_text(const char *path, const char *text);
/* A generated scenario's JSON (pm_free it); fails the test on error. */
char *pm_test_generate(const char *profile, int seed, int children);

#endif
