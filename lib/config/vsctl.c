/* vsctl: the runner of a swctl command line (vsctl.h): parses the chain,
 * runs each command (vsctl-commands.c) and collects their renderings
 * (vsctl-render.c) into the reply. */
#include "vsctl.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "vsctl-private.h"

void vsctl_usage(struct ds *out)
{
    for (size_t i = 0; i < vsctl_n_commands; i++) {
        const struct vsctl_cmd *c = &vsctl_commands[i];
        struct ds syn = DS_EMPTY_INITIALIZER;
        if (c->opts & VSO_MAY_EXIST) {
            ds_put_cstr(&syn, "[--may-exist] ");
        }
        if (c->opts & VSO_IF_EXISTS) {
            ds_put_cstr(&syn, "[--if-exists] ");
        }
        ds_put_format(&syn, "%s %s", c->name, c->args);
        ds_chomp(&syn, ' ');
        ds_put_format(out, "  %-44s %s\n", ds_cstr(&syn), c->help);
        ds_destroy(&syn);
    }
}

static const char *opt_name(unsigned opt)
{
    return opt == VSO_COLUMNS     ? "--columns"
           : opt == VSO_MAY_EXIST ? "--may-exist"
                                  : "--if-exists";
}

/* The options before command 'n' (from 1) at argv[*ip]. */
static char *parse_options(int argc, char *argv[], int *ip, size_t n,
                           struct vsctl_ctx *ctx)
{
    int i = *ip;
    for (; i < argc && str_starts_with(argv[i], "--") && strcmp(argv[i], "--");
         i++) {
        if (str_starts_with(argv[i], "--columns=")) {
            ctx->columns = argv[i] + strlen("--columns=");
            ctx->opts |= VSO_COLUMNS;
        } else if (!strcmp(argv[i], "--may-exist")) {
            ctx->opts |= VSO_MAY_EXIST;
        } else if (!strcmp(argv[i], "--if-exists")) {
            ctx->opts |= VSO_IF_EXISTS;
        } else {
            return xasprintf("unknown option '%s' (command %zu)", argv[i], n);
        }
    }
    *ip = i;
    return NULL;
}

/* Parses argv into 'ctxs' (at most argc of them). */
static char *parse_chain(int argc, char *argv[], struct vsctl_ctx *ctxs,
                         size_t *np)
{
    size_t n = 0;
    int i = 0;
    *np = 0;
    while (i < argc) {
        struct vsctl_ctx *ctx = &ctxs[n];
        memset(ctx, 0, sizeof *ctx);
        char *err = parse_options(argc, argv, &i, n + 1, ctx);
        if (err) {
            return err;
        }
        if (i >= argc || !strcmp(argv[i], "--")) {
            return xasprintf("missing command name (command %zu)", n + 1);
        }
        ctx->cmd = vsctl_find_cmd(argv[i]);
        if (!ctx->cmd) {
            return xasprintf("unknown command '%s'; use --help for help",
                             argv[i]);
        }
        i++;
        ctx->argv = &argv[i];
        while (i < argc && strcmp(argv[i], "--")) {
            i++;
            ctx->argc++;
        }
        if (ctx->argc < ctx->cmd->min_args) {
            return xasprintf("'%s' command requires at least %d arguments",
                             ctx->cmd->name, ctx->cmd->min_args);
        }
        if (ctx->argc > ctx->cmd->max_args) {
            return xasprintf("'%s' command takes at most %d arguments",
                             ctx->cmd->name, ctx->cmd->max_args);
        }
        for (unsigned o = 1; o <= VSO_LAST; o <<= 1) {
            if ((ctx->opts & o) && !(ctx->cmd->opts & o)) {
                return xasprintf("'%s' command has no '%s' option",
                                 ctx->cmd->name, opt_name(o));
            }
        }
        n++;
        if (i < argc) {
            i++; /* Skip "--". */
        }
    }
    if (!n) {
        return xstrdup("missing command name (use --help for help)");
    }
    *np = n;
    return NULL;
}

/* Runs the parsed commands in turn, each rendering into the reply:
 * in text all into one text, in JSON each into its own entry. */
static char *run_chain(struct vsctl_ctx *ctxs, size_t n,
                       const struct vsctl_view *view, json_t **replyp,
                       bool *changedp)
{
    struct printer pr;
    json_t *entries = view->text ? NULL : json_array();
    int status = 0;
    char *err = NULL;
    pr_reply_begin(&pr, view->text);
    for (size_t i = 0; i < n && !err; i++) {
        struct vsctl_ctx *ctx = &ctxs[i];
        if (entries) {
            json_decref(pr.obj);
            pr.obj = json_pack("{s:s}", VSCTL_KEY_COMMAND, ctx->cmd->name);
        }
        err = ctx->cmd->run(ctx, &pr);
        *changedp = *changedp || ctx->changed;
        status = ctx->exit_status ? ctx->exit_status : status;
        if (!err && entries) {
            if (!json_object_get(pr.obj, VSCTL_KEY_RESULT)) {
                json_object_set_new(pr.obj, VSCTL_KEY_RESULT, json_null());
            }
            if (ctx->columns) {
                /* The order to print them in, as given. */
                json_object_set_new(pr.obj, VSCTL_KEY_COLUMNS,
                                    json_string(ctx->columns));
            }
            json_array_append(entries, pr.obj);
        }
    }
    json_t *reply = pr_reply_end(&pr);
    if (entries) {
        json_decref(reply);
        reply = entries;
    } else {
        json_object_set_new(reply, VSCTL_KEY_STATUS, json_integer(status));
        json_object_set_new(reply, VSCTL_KEY_ERRORS, json_string(""));
    }
    if (err) {
        json_decref(reply);
        reply = NULL;
    }
    *replyp = reply;
    return err;
}

char *vsctl_run(struct config *cfg, int argc, char *argv[],
                const struct db_status *status, const struct vsctl_view *view,
                json_t **resultp, bool *changedp)
{
    static const struct vsctl_view json_view = { false, false };
    struct vsctl_ctx *ctxs = xcalloc((size_t)argc + 1, sizeof *ctxs);
    size_t n;
    bool changed = false;
    *resultp = NULL;
    *changedp = false;

    char *err = parse_chain(argc, argv, ctxs, &n);
    for (size_t i = 0; i < n && !err; i++) {
        ctxs[i].cfg = cfg;
        ctxs[i].status = status;
        ctxs[i].view = view ? view : &json_view;
    }
    json_t *reply = NULL;
    if (!err) {
        err = run_chain(ctxs, n, view ? view : &json_view, &reply, &changed);
    }
    if (!err && changed) {
        err = config_validate(cfg);
        if (!err) {
            config_assign_ofports(cfg);
        }
    }
    free(ctxs);
    if (err) {
        json_decref(reply);
        return err;
    }
    *resultp = reply;
    *changedp = changed;
    return NULL;
}

/* Here, not with the renderers: a JSON reply says its status through the
 * command table. */
int vsctl_reply_status(const json_t *reply)
{
    if (json_is_object(reply)) {
        return (int)json_integer_value(
            json_object_get(reply, VSCTL_KEY_STATUS));
    }
    int status = 0;
    size_t i;
    json_t *e;
    json_array_foreach((json_t *)reply, i, e)
    {
        const char *name =
            json_string_value(json_object_get(e, VSCTL_KEY_COMMAND));
        const struct vsctl_cmd *c = name ? vsctl_find_cmd(name) : NULL;
        if (c && c->exit_2_if_false
            && json_is_false(json_object_get(e, VSCTL_KEY_RESULT))) {
            status = 2;
        }
    }
    return status;
}
