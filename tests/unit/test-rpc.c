/* Unit tests for lib/rpc: framing, request parsing, encoding, and the
 * blocking client against a socketpair "daemon". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check-main.h"
#include "rpc.h"
#include "util.h"

START_TEST(test_reader_chunks)
{
    struct rpc_reader r;
    char *msg;
    rpc_reader_init(&r, 1024);
    ck_assert_int_eq(rpc_reader_next(&r, &msg), EAGAIN);
    /* One message split over three feeds, then two in one feed. */
    rpc_reader_feed(&r, "{\"a\"", 4);
    ck_assert_int_eq(rpc_reader_next(&r, &msg), EAGAIN);
    rpc_reader_feed(&r, ":1", 2);
    rpc_reader_feed(&r, "}\n{}\n[", 6);
    ck_assert_int_eq(rpc_reader_next(&r, &msg), 0);
    ck_assert_str_eq(msg, "{\"a\":1}");
    free(msg);
    ck_assert_int_eq(rpc_reader_next(&r, &msg), 0);
    ck_assert_str_eq(msg, "{}");
    free(msg);
    ck_assert_int_eq(rpc_reader_next(&r, &msg), EAGAIN);
    ck_assert_ptr_null(msg);
    rpc_reader_feed(&r, "]\n", 2);
    ck_assert_int_eq(rpc_reader_next(&r, &msg), 0);
    ck_assert_str_eq(msg, "[]");
    free(msg);
    rpc_reader_uninit(&r);
}
END_TEST

START_TEST(test_reader_limit)
{
    struct rpc_reader r;
    char *msg;
    char big[100];
    memset(big, 'x', sizeof big);
    rpc_reader_init(&r, 64);
    rpc_reader_feed(&r, big, 60);
    ck_assert_int_eq(rpc_reader_next(&r, &msg), EAGAIN);
    rpc_reader_feed(&r, big, 40);
    ck_assert_int_eq(rpc_reader_next(&r, &msg), EMSGSIZE);
    rpc_reader_uninit(&r);

    /* A message of exactly the limit passes; one byte more does not. */
    rpc_reader_init(&r, 64);
    rpc_reader_feed(&r, big, 64);
    rpc_reader_feed(&r, "\n", 1);
    ck_assert_int_eq(rpc_reader_next(&r, &msg), 0);
    ck_assert_uint_eq(strlen(msg), 64);
    free(msg);
    rpc_reader_feed(&r, big, 65);
    rpc_reader_feed(&r, "\n", 1);
    ck_assert_int_eq(rpc_reader_next(&r, &msg), EMSGSIZE);
    rpc_reader_uninit(&r);
}
END_TEST

START_TEST(test_parse_request)
{
    json_t *req, *id, *params;
    const char *method;
    char *err = rpc_parse_request(
        "{\"id\":3,\"method\":\"show\",\"params\":{\"bridge\":\"br0\"}}", &req,
        &id, &method, &params);
    ck_assert_ptr_null(err);
    ck_assert_str_eq(method, "show");
    ck_assert_int_eq(json_integer_value(id), 3);
    ck_assert_str_eq(json_string_value(json_object_get(params, "bridge")),
                     "br0");
    json_decref(id);
    json_decref(req);

    /* No params: an empty object. */
    err = rpc_parse_request("{\"method\":\"version\"}", &req, &id, &method,
                            &params);
    ck_assert_ptr_null(err);
    ck_assert(json_is_null(id));
    ck_assert(json_is_object(params) && !json_object_size(params));
    json_decref(id);
    json_decref(req);

    err = rpc_parse_request("{\"method\": ", &req, &id, &method, &params);
    ck_assert_ptr_nonnull(err);
    ck_assert(strstr(err, "malformed JSON") != NULL);
    ck_assert_ptr_null(req);
    free(err);
    json_decref(id);

    err = rpc_parse_request("[1,2]", &req, &id, &method, &params);
    ck_assert_str_eq(err, "request is not a JSON object");
    free(err);
    json_decref(id);

    err = rpc_parse_request("{\"id\":9,\"method\":1}", &req, &id, &method,
                            &params);
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(json_integer_value(id), 9); /* Echoed in the error. */
    free(err);
    json_decref(id);

    err = rpc_parse_request("{\"method\":\"x\",\"params\":[]}", &req, &id,
                            &method, &params);
    ck_assert_ptr_nonnull(err);
    free(err);
    json_decref(id);
}
END_TEST

START_TEST(test_encode_one_line)
{
    json_t *id = json_integer(1);
    json_t *params = json_pack("{s:s}", "flows", "a\nb\nc");
    char *line = rpc_encode_request(id, "add-flows", params);
    /* Embedded newlines are escaped: the only '\n' ends the message. */
    ck_assert_ptr_eq(strchr(line, '\n'), line + strlen(line) - 1);
    json_t *back = json_loads(line, 0, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_object_get(back, "params"), "flows")),
                     "a\nb\nc");
    json_decref(back);
    free(line);

    line = rpc_encode_error(id, "no bridge named br-x");
    ck_assert_str_eq(line, "{\"id\":1,\"error\":\"no bridge named br-x\"}\n");
    free(line);
    json_t *result = json_pack("[s]", "br0");
    line = rpc_encode_reply(id, result);
    ck_assert_str_eq(line, "{\"id\":1,\"result\":[\"br0\"]}\n");
    free(line);
    json_decref(result);
    json_decref(params);
    json_decref(id);
}
END_TEST

START_TEST(test_rundir)
{
    setenv("SW_RUNDIR", "/tmp/x", 1);
    ck_assert_str_eq(rpc_rundir("/a"), "/a");
    ck_assert_str_eq(rpc_rundir(NULL), "/tmp/x");
    unsetenv("SW_RUNDIR");
    ck_assert_str_eq(rpc_rundir(NULL), RPC_DEFAULT_RUNDIR);
    char *f = rpc_rundir_file("/r", RPC_SOCKET_NAME);
    ck_assert_str_eq(f, "/r/switchd.sock");
    free(f);
}
END_TEST

/* As the 'error' of serve_once(): answer with neither result nor error. */
static const char EMPTY_REPLY[] = "(empty)";

/* A one-shot server on the other end of a socketpair: reads a request
 * and answers with 'reply' (with the request's id unless 'bad_id'). */
static void serve_once(int fd, const char *error, bool bad_id)
{
    struct rpc_reader r;
    char buf[4096], *line = NULL;
    rpc_reader_init(&r, RPC_MAX_MSG);
    while (rpc_reader_next(&r, &line) == EAGAIN) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) {
            _exit(1);
        }
        rpc_reader_feed(&r, buf, (size_t)n);
    }
    json_t *req, *id, *params;
    const char *method;
    if (rpc_parse_request(line, &req, &id, &method, &params)) {
        _exit(1);
    }
    json_t *rid = bad_id ? json_integer(12345) : json_incref(id);
    json_t *res = json_pack("{s:s}", "echo", method);
    char *out =
        error ? rpc_encode_error(rid, error) : rpc_encode_reply(rid, res);
    if (error && !strcmp(error, EMPTY_REPLY)) {
        /* Neither a result nor an error. */
        free(out);
        out = xasprintf("{\"id\":%lld}\n", (long long)json_integer_value(rid));
    }
    ssize_t w = write(fd, out, strlen(out));
    _exit(w > 0 ? 0 : 1);
}

static int call_child(const char *error, bool bad_id, bool hang_up,
                      json_t **resultp, char **errp)
{
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    pid_t pid = fork();
    if (!pid) {
        close(sv[0]);
        if (hang_up) {
            /* Read the request, then go away without answering. */
            char buf[4096];
            ssize_t n = read(sv[1], buf, sizeof buf);
            _exit(n > 0 ? 0 : 1);
        }
        serve_once(sv[1], error, bad_id);
    }
    close(sv[1]);
    json_t *params = json_object();
    int r = rpc_client_call(sv[0], "dump-flows", params, resultp, errp);
    json_decref(params);
    close(sv[0]);
    waitpid(pid, NULL, 0);
    return r;
}

START_TEST(test_client_call)
{
    json_t *result;
    char *err;
    ck_assert_int_eq(call_child(NULL, false, false, &result, &err), 0);
    ck_assert_str_eq(json_string_value(json_object_get(result, "echo")),
                     "dump-flows");
    json_decref(result);

    ck_assert_int_eq(
        call_child("no bridge named br-x", false, false, &result, &err),
        EPROTO);
    ck_assert_str_eq(err, "no bridge named br-x");
    ck_assert_ptr_null(result);
    free(err);

    ck_assert_int_eq(call_child(NULL, true, false, &result, &err), EPROTO);
    ck_assert(strstr(err, "wrong id") != NULL);
    free(err);

    /* Silence is not success. */
    ck_assert_int_eq(call_child(EMPTY_REPLY, false, false, &result, &err),
                     EPROTO);
    ck_assert_ptr_null(result);
    ck_assert_str_eq(err, "reply from switchd has neither a result nor an "
                          "error");
    free(err);

    /* An error quoting bytes that are not UTF-8 still arrives, escaped. */
    ck_assert_int_eq(
        call_child("bridge name \"\xe9\" is bad", false, false, &result, &err),
        EPROTO);
    ck_assert_str_eq(err, "bridge name \"\\xe9\" is bad");
    free(err);

    ck_assert_int_eq(call_child(NULL, false, true, &result, &err), EPIPE);
    ck_assert_str_eq(err, "switchd closed the connection");
    free(err);
}
END_TEST

START_TEST(test_connect_missing)
{
    int fd;
    char *err;
    int r = rpc_client_connect("/nonexistent-switchd-dir", &fd, &err);
    ck_assert_int_ne(r, 0);
    ck_assert(strstr(err, "/nonexistent-switchd-dir/switchd.sock") != NULL);
    free(err);
}
END_TEST

static Suite *rpc_suite(void)
{
    Suite *s = suite_create("rpc");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_reader_chunks);
    tcase_add_test(tc, test_reader_limit);
    tcase_add_test(tc, test_parse_request);
    tcase_add_test(tc, test_encode_one_line);
    tcase_add_test(tc, test_rundir);
    tcase_add_test(tc, test_client_call);
    tcase_add_test(tc, test_connect_missing);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(rpc_suite)
