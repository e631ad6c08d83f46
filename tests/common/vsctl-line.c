/* vsctl-line: see the header. */
#include "vsctl-line.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "vsctl.h"

char *vsctl_line(struct config *cfg, const char *line, json_t **resultp,
                 bool *changedp)
{
    return vsctl_line_view(cfg, line, NULL, resultp, changedp);
}

char *vsctl_line_view(struct config *cfg, const char *line,
                      const struct vsctl_view *view, json_t **resultp,
                      bool *changedp)
{
    char *copy = xstrdup(line);
    char *argv[VSCTL_LINE_MAX_WORDS];
    int argc = 0;
    char *save = NULL;
    for (char *t = strtok_r(copy, " \n", &save);
         t && argc < VSCTL_LINE_MAX_WORDS; t = strtok_r(NULL, " \n", &save)) {
        argv[argc++] = t;
    }
    json_t *result = NULL;
    bool changed = false;
    char *err = vsctl_run(cfg, argc, argv, NULL, view, &result, &changed);
    if (resultp) {
        *resultp = result;
    } else {
        json_decref(result);
    }
    if (changedp) {
        *changedp = changed;
    }
    free(copy);
    return err;
}
