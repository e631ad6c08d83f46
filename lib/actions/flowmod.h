/* flowmod: flow text as people type it, and dump lines as they read them.
 *
 * "table=2,priority=0,actions=learn(...),output:1" parses into a
 * 'struct flow_mod'; 'struct flow_print' formats one dump-flows line in
 * ovs-ofctl's shape, with or without statistics. */
#ifndef SW_FLOWMOD_H
#define SW_FLOWMOD_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "ds.h"
#include "match.h"

struct ofpact;
struct portmap;

enum fm_command {
    FM_ADD,
    FM_MODIFY,
    FM_MODIFY_STRICT,
    FM_DELETE,
    FM_DELETE_STRICT,
};

/* What the text is for: it decides which keywords are allowed and
 * whether actions are required (add), optional (modify) or forbidden
 * (delete, dump filters). */
enum fm_parse_mode {
    FM_PARSE_ADD,
    FM_PARSE_MODIFY,
    FM_PARSE_DELETE,
    FM_PARSE_DUMP,
};

#define FM_TABLE_ALL 0xff

/* Flow mod flags. */
#define FM_F_SEND_FLOW_REM 0x1
#define FM_F_CHECK_OVERLAP 0x2
#define FM_F_RESET_COUNTS 0x4
#define FM_F_NO_PACKET_COUNTS 0x8
#define FM_F_NO_BYTE_COUNTS 0x10

struct flow_mod {
    enum fm_command command;
    struct match match;
    uint16_t priority;     /* Default OFP_DEFAULT_PRIORITY. */
    uint8_t table_id;      /* FM_TABLE_ALL: every table (not for add). */
    uint64_t cookie;       /* add: the cookie; with cookie_mask: filter. */
    uint64_t cookie_mask;  /* 0: no cookie filter. */
    uint16_t idle_timeout; /* Seconds, 0 = none. */
    uint16_t hard_timeout;
    uint16_t importance;
    uint16_t out_port;  /* Filter for delete/dump; OFPP_ANY = none. */
    uint32_t flags;     /* FM_F_*. */
    struct buf ofpacts; /* Parsed actions (owned). */
    bool has_actions;   /* The text had actions=. */
};

void flow_mod_init(struct flow_mod *, enum fm_command);
void flow_mod_uninit(struct flow_mod *);

/* How a command's flow text is parsed: add, modify (what a modify may
 * leave out) or delete (a match only). */
enum fm_parse_mode flow_mod_parse_mode(enum fm_command);

/* Parses one flow.  Fields, keywords and actions may be separated by
 * commas or white space; "actions=" must be last.  Returns NULL or an
 * allocated message (caller frees) that names the offending token, its
 * position, and why; on error 'fm' is left initialized and empty. */
char *flow_mod_parse(struct flow_mod *, const char *text, enum fm_parse_mode,
                     const struct portmap *);

/* The one reader of flow text a line at a time (flow files, add-flows,
 * a bridge's saved flows): how flow_mods_parse_lines() reads 'text'. */
struct flow_lines {
    enum fm_command command; /* Of every flow mod. */
    enum fm_parse_mode mode;
    const struct portmap *ports;
    size_t first_line; /* The number of the text's first line (0: 1). */
    bool need_newline; /* A last line without '\n' is cut short. */
    /* Called on each line (without its newline; writable) before it is
     * parsed, 'index' being the number of flows parsed so far: returns
     * NULL and the flow's text in '*flowp' (a pointer into 'line', or NULL
     * for a line without a flow), or an allocated message.  NULL: the
     * line trimmed, blank and '#' lines without a flow. */
    char *(*line)(void *aux, size_t index, char *line, const char **flowp);
    void *aux;
};

/* Parses each line of 'text' into a new array of '*np' flow mods
 * ('*fmsp', caller frees with flow_mods_free()).  On any error nothing is
 * returned (NULL, 0) and the message (caller frees) starts with "line N:
 * ". */
char *flow_mods_parse_lines(const char *text, const struct flow_lines *,
                            struct flow_mod **fmsp, size_t *np);

/* Parses 'text' holding one flow per line ('#' comment lines and blank
 * lines skipped) into a new array of '*n_fmsp' flow mods ('*fmsp', caller
 * frees with flow_mods_free()).  The command of each is FM_ADD,
 * FM_MODIFY or FM_DELETE after 'mode'.  On any error nothing is returned
 * (NULL, 0) and the message (caller frees) starts with "line N: ". */
char *flow_mods_parse_text(const char *text, enum fm_parse_mode,
                           const struct portmap *, struct flow_mod **fmsp,
                           size_t *n_fmsp);
void flow_mods_free(struct flow_mod *, size_t n);

/* One dump-flows line. */
struct flow_print {
    const struct match *match;
    int priority;
    uint8_t table_id;
    uint64_t cookie;
    uint16_t idle_timeout, hard_timeout, importance;
    uint32_t flags;
    const struct ofpact *ofpacts;
    size_t ofpacts_len;

    /* Statistics, printed when 'show_stats'. */
    bool show_stats;
    int64_t duration_msec;
    uint64_t n_packets, n_bytes;
    int64_t idle_age; /* Seconds. */
    int64_t hard_age; /* Seconds, or -1: never modified (not printed). */

    /* What ovs-ofctl's rendering of the reply carries, which depends on
     * the OpenFlow version and on how it prints.  The ages: only the
     * plain OpenFlow 1.0 dump (with its NXST_FLOW header) has them, and
     * hard_age only when it differs from the duration's whole seconds.
     * The flags (send_flow_rem...): OpenFlow 1.3 replies carry them, 1.0
     * replies do not.  importance: neither does (it needs 1.4); only
     * parse-flows, which prints what it parsed, shows it. */
    bool show_ages;
    bool show_flags;
    bool show_importance;
};

/* Appends the line, with its leading space and no newline:
 * " cookie=0x0, duration=1.832s, table=20, n_packets=0, n_bytes=0,
 *   idle_age=1, priority=0 actions=resubmit(,21)" (one line). */
void flow_print_format(const struct flow_print *, const struct portmap *,
                       struct ds *);

/* Appends the line of the flow 'fm' would add: as a dump without
 * statistics prints it, or with 'as_parsed' as parse-flows shows what it
 * parsed (flags and importance too).  The one conversion from a parsed
 * flow to its line, for swofctl's offline parsing, tests and fuzzers. */
void flow_mod_format(const struct flow_mod *, const struct portmap *,
                     bool as_parsed, struct ds *);

#endif
