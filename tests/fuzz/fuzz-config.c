/* libFuzzer target for the configuration database and swctl's commands.
 *
 * The input is cut at its first NUL byte into a database part and a
 * command part (without a NUL both are the whole input):
 *
 *   - the database part is parsed by jansson as the daemon's database
 *     file would be, and given to config_from_json().  A database that
 *     loads must keep the invariants the daemon relies on (every bridge
 *     holds its own local port, port numbers unique per bridge) and
 *     survive config_to_json() -> config_from_json() unchanged.
 *
 *   - the command part, split on NUL, space and newline, is a swctl
 *     command line run with vsctl_run() on a clone of that database (or
 *     of the article's two bridges when it did not load), exactly as
 *     the daemon's "vsctl" method does.  A line that succeeds must leave
 *     a configuration that validates, keeps the invariants and round
 *     trips through JSON; a line that reports no change must not have
 *     changed anything; and the same line in the text form (a clone of
 *     the same database) must succeed too, with the same exit status.
 *
 * Arguments that are not valid UTF-8 are skipped: the daemon receives
 * argv as JSON strings, which cannot carry them. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config-check.h"
#include "ds.h"
#include "printer.h"
#include "util.h"
#include "vsctl-line.h"
#include "vsctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 64

static struct config *base;

static char *run_line(struct config *cfg, const char *line)
{
    return vsctl_line(cfg, line, NULL, NULL);
}

static void build_base(void)
{
    base = config_create();
    char *err = run_line(
        base, "add-br br-int -- add-br br-tun"
              " -- add-port br-int patch-tun -- set interface patch-tun"
              " type=patch options:peer=patch-int"
              " -- add-port br-tun patch-int -- set interface patch-int"
              " type=patch options:peer=patch-tun"
              " -- add-port br-tun vxlan0 -- set interface vxlan0 type=vxlan"
              " options:remote_ip=192.168.33.13 options:key=flow"
              " -- add-port br-int tap0 ofport_request=10");
    if (err) {
        abort(); /* The fixture itself must be valid. */
    }
}

static bool valid_utf8_args(const char *s)
{
    json_t *j = json_string(s);
    json_decref(j);
    return j != NULL;
}

static void run_commands(const struct config *cfg, const char *text,
                         size_t len)
{
    /* NUL, space and newline separate arguments. */
    char *copy = xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    char *argv[MAX_ARGS];
    int argc = 0;
    size_t i = 0;
    while (i < len && argc < MAX_ARGS) {
        while (i < len && (!copy[i] || copy[i] == ' ' || copy[i] == '\n')) {
            copy[i++] = '\0';
        }
        if (i >= len) {
            break;
        }
        argv[argc] = copy + i;
        while (i < len && copy[i] && copy[i] != ' ' && copy[i] != '\n') {
            i++;
        }
        if (i < len) {
            copy[i++] = '\0';
        }
        if (valid_utf8_args(argv[argc])) {
            argc++;
        }
    }

    struct config *clone = config_clone(cfg);
    json_t *before = config_to_json(cfg);
    json_t *result = NULL;
    bool changed = true;
    char *err = vsctl_run(clone, argc, argv, NULL, NULL, &result, &changed);
    if (err) {
        if (result || !*err) {
            abort();
        }
        free(err);
    } else {
        if (!result) {
            abort();
        }
        if (changed) {
            char *verr = config_validate(clone);
            if (verr) {
                abort(); /* vsctl_run promised a validated config. */
            }
            config_check_invariants(clone);
            config_check_round_trip(clone);
        } else {
            json_t *after = config_to_json(clone);
            if (!json_equal(before, after)) {
                abort(); /* Changed, yet said it did not. */
            }
            json_decref(after);
        }
        struct config *text_clone = config_clone(cfg);
        const struct vsctl_view as_text = { true, (len & 1) != 0 };
        json_t *reply = NULL;
        bool text_changed;
        char *text_err = vsctl_run(text_clone, argc, argv, NULL, &as_text,
                                   &reply, &text_changed);
        int code = vsctl_reply_status(result);
        if (text_err || text_changed != changed
            || !json_is_string(json_object_get(reply, PR_KEY_TEXT))
            || (code != 0 && code != 2) || code != vsctl_reply_status(reply)) {
            abort(); /* The two forms of one reply disagree. */
        }
        json_decref(reply);
        config_destroy(text_clone);
        json_decref(result);
    }
    json_decref(before);
    config_destroy(clone);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!base) {
        build_base();
    }
    if (size > 8192) {
        return 0;
    }
    const uint8_t *nul = memchr(data, '\0', size);
    size_t db_len = nul ? (size_t)(nul - data) : size;
    const char *cmd = nul ? (const char *)nul + 1 : (const char *)data;
    size_t cmd_len = nul ? size - db_len - 1 : size;

    struct config *cfg = NULL;
    json_error_t jerr;
    json_t *j =
        json_loadb((const char *)data, db_len, JSON_REJECT_DUPLICATES, &jerr);
    if (j) {
        char *err = config_from_json(j, &cfg);
        if (err) {
            if (cfg || !*err) {
                abort();
            }
            free(err);
        } else {
            if (config_validate(cfg)) {
                abort(); /* from_json validates. */
            }
            config_check_invariants(cfg);
            config_check_round_trip(cfg);
            struct config_bridge **brs = config_sorted_bridges(cfg);
            for (size_t i = 0; i < cfg->n_bridges; i++) {
                free(config_sorted_ports(brs[i]));
            }
            free(brs);
        }
        json_decref(j);
    }

    run_commands(cfg ? cfg : base, cmd, cmd_len);
    config_destroy(cfg);
    return 0;
}
