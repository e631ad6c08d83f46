/* Replays fuzz inputs without libFuzzer: each argument is a file (or a
 * directory of files) handed once to the target's LLVMFuzzerTestOneInput.
 * The normal test build links every tests/fuzz/fuzz-*.c with this driver
 * and runs it over tests/fuzz/corpus/<target>/, so the seeds, and every
 * crash once fixed and moved there, run under ASan/UBSan in CI. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static unsigned n_inputs;

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    if (!buf) {
        fputs("replay: out of memory\n", stderr);
        return 1;
    }
    /* An exact-size copy lets ASan catch a read one byte past the end. */
    uint8_t *exact = malloc(len ? len : 1);
    memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    n_inputs++;
    return 0;
}

static int replay_path(const char *path)
{
    struct stat st;
    if (stat(path, &st)) {
        perror(path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        return replay_file(path);
    }
    struct dirent **names;
    int n = scandir(path, &names, NULL, alphasort);
    if (n < 0) {
        perror(path);
        return 1;
    }
    int errors = 0;
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.') {
            char *child = malloc(strlen(path) + strlen(names[i]->d_name) + 2);
            sprintf(child, "%s/%s", path, names[i]->d_name);
            errors += replay_path(child);
            free(child);
        }
        free(names[i]);
    }
    free(names);
    return errors;
}

int main(int argc, char *argv[])
{
    if (LLVMFuzzerInitialize) {
        LLVMFuzzerInitialize(&argc, &argv);
    }
    int errors = 0;
    for (int i = 1; i < argc; i++) {
        errors += replay_path(argv[i]);
    }
    if (!n_inputs) {
        fputs("replay: no input files\n", stderr);
        return 1;
    }
    printf("replayed %u inputs\n", n_inputs);
    return errors ? 1 : 0;
}
