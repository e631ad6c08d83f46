/* vsctl-line: a swctl command line, as one string, run against a
 * configuration: what the unit tests and fuzz targets that drive the
 * configuration do, in one place. */
#ifndef SW_VSCTL_LINE_H
#define SW_VSCTL_LINE_H 1

#include <jansson.h>
#include <stdbool.h>

struct config;

/* At most this many words: the rest of a longer line is ignored. */
#define VSCTL_LINE_MAX_WORDS 64

/* Splits 'line' on spaces and newlines and runs it with vsctl_run().
 * Returns NULL or the error (the caller frees it).  '*resultp' gets the
 * result and '*changedp' whether the configuration changed; either may
 * be NULL. */
char *vsctl_line(struct config *, const char *line, json_t **resultp,
                 bool *changedp);
/* The same with the reply in 'view''s form (NULL: JSON). */
struct vsctl_view;
char *vsctl_line_view(struct config *, const char *line,
                      const struct vsctl_view *, json_t **resultp,
                      bool *changedp);

#endif
