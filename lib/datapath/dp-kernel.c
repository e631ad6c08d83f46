/* dp-kernel: vxlan devices over rtnetlink, TC attachment with libbpf. */
#include "dp-kernel.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

/* One rtnetlink request under construction: a netlink header, an
 * ifinfomsg, then attributes, in one aligned buffer. */
struct nlreq {
    _Alignas(struct nlmsghdr) uint8_t buf[1024];
    struct nlmsghdr *nh;
    struct ifinfomsg *ifi;
};

static struct rtattr *nl_put(struct nlreq *r, uint16_t type, const void *data,
                             size_t len)
{
    size_t ofs = NLMSG_ALIGN(r->nh->nlmsg_len);
    struct rtattr *a = (struct rtattr *)(void *)(r->buf + ofs);
    a->rta_type = type;
    a->rta_len = (uint16_t)RTA_LENGTH(len);
    if (len) {
        memcpy(r->buf + ofs + RTA_LENGTH(0), data, len);
    }
    r->nh->nlmsg_len = (uint32_t)(ofs + RTA_ALIGN(a->rta_len));
    return a;
}

static void nl_end(struct nlreq *r, struct rtattr *nest)
{
    nest->rta_len = (uint16_t)(r->buf + r->nh->nlmsg_len - (uint8_t *)nest);
}

/* Sends 'r' and waits for the kernel's acknowledgement.  0 or errno. */
static int nl_talk(struct nlreq *r)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) {
        return errno;
    }
    r->nh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    r->nh->nlmsg_seq = 1;
    int error = 0;
    if (send(fd, r->buf, r->nh->nlmsg_len, 0) < 0) {
        error = errno;
    } else {
        _Alignas(struct nlmsghdr) char buf[4096];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        struct nlmsghdr *h = (struct nlmsghdr *)(void *)buf;
        if (n < 0) {
            error = errno;
        } else if (n >= (ssize_t)sizeof *h && h->nlmsg_type == NLMSG_ERROR) {
            struct nlmsgerr *e = NLMSG_DATA(h);
            error = -e->error;
        }
    }
    close(fd);
    return error;
}

static void nl_init(struct nlreq *r, uint16_t type, uint16_t flags)
{
    memset(r->buf, 0, sizeof r->buf);
    r->nh = (struct nlmsghdr *)(void *)r->buf;
    r->ifi = NLMSG_DATA(r->nh);
    r->nh->nlmsg_len = NLMSG_LENGTH(sizeof *r->ifi);
    r->nh->nlmsg_type = type;
    r->nh->nlmsg_flags = flags;
    r->ifi->ifi_family = AF_UNSPEC;
}

int dp_kernel_vxlan_create(const char *name, uint32_t local_ip,
                           uint16_t dst_port, int *ifindexp, char **errp)
{
    int old = (int)if_nametoindex(name);
    if (old) {
        dp_kernel_link_del(old); /* Left by a switchd that died. */
    }

    struct nlreq r;
    nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    r.ifi->ifi_flags = IFF_UP;
    r.ifi->ifi_change = IFF_UP;
    nl_put(&r, IFLA_IFNAME, name, strlen(name) + 1);
    struct rtattr *info = nl_put(&r, IFLA_LINKINFO, NULL, 0);
    nl_put(&r, IFLA_INFO_KIND, "vxlan", 6);
    struct rtattr *data = nl_put(&r, IFLA_INFO_DATA, NULL, 0);
    uint8_t one = 1, zero = 0;
    uint16_t port = htons(dst_port);
    struct ifla_vxlan_port_range range = { htons(49152), htons(65535) };
    nl_put(&r, IFLA_VXLAN_COLLECT_METADATA, &one, 1);
    nl_put(&r, IFLA_VXLAN_LEARNING, &zero, 1);
    nl_put(&r, IFLA_VXLAN_PORT, &port, sizeof port);
    nl_put(&r, IFLA_VXLAN_PORT_RANGE, &range, sizeof range);
    if (local_ip) {
        uint32_t addr = htonl(local_ip);
        nl_put(&r, IFLA_VXLAN_LOCAL, &addr, sizeof addr);
    }
    nl_end(&r, data);
    nl_end(&r, info);

    int error = nl_talk(&r);
    if (!error) {
        *ifindexp = (int)if_nametoindex(name);
        error = *ifindexp ? 0 : ENODEV;
    }
    if (error) {
        char ip[16];
        *errp =
            xasprintf("kernel vxlan device %s (%s:%u): %s", name,
                      ipv4_to_str(local_ip, ip), dst_port, strerror(error));
    }
    return error;
}

void dp_kernel_link_del(int ifindex)
{
    struct nlreq r;
    nl_init(&r, RTM_DELLINK, 0);
    r.ifi->ifi_index = ifindex;
    nl_talk(&r);
}

static void tc_hook_init(struct bpf_tc_hook *hook, int ifindex, bool ingress)
{
    memset(hook, 0, sizeof *hook);
    hook->sz = sizeof *hook;
    hook->ifindex = ifindex;
    hook->attach_point = ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS;
}

/* Our filter is always handle 1, priority 1 on its hook: attach, query
 * and detach name it the same way. */
static void tc_opts_init(struct bpf_tc_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->sz = sizeof *opts;
    opts->handle = 1;
    opts->priority = 1;
}

int dp_kernel_tc_attach(int ifindex, bool ingress, int prog_fd, char **errp)
{
    struct bpf_tc_hook hook;
    tc_hook_init(&hook, ifindex, ingress);
    int error = bpf_tc_hook_create(&hook);
    if (error && error != -EEXIST) {
        *errp = xasprintf("clsact qdisc on ifindex %d: %s", ifindex,
                          strerror(-error));
        return -error;
    }
    struct bpf_tc_opts opts;
    tc_opts_init(&opts);
    opts.prog_fd = prog_fd;
    opts.flags = BPF_TC_F_REPLACE;
    error = bpf_tc_attach(&hook, &opts);
    if (error) {
        *errp = xasprintf("attaching the fast path at %s of ifindex %d: %s",
                          ingress ? "ingress" : "egress", ifindex,
                          strerror(-error));
        return -error;
    }
    return 0;
}

void dp_kernel_tc_detach(int ifindex, bool ingress)
{
    struct bpf_tc_hook hook;
    tc_hook_init(&hook, ifindex, ingress);
    struct bpf_tc_opts opts;
    tc_opts_init(&opts);
    bpf_tc_detach(&hook, &opts);
}

/* The names of the programs in bpf/datapath.bpf.c: a filter running one
 * of them is ours (BPF keeps the first 15 characters of a name). */
static bool is_our_program(int prog_id)
{
    static const char *const ours[] = { "tap_egress", "port_ingress",
                                        "tunnel_ingress" };
    int fd = bpf_prog_get_fd_by_id((uint32_t)prog_id);
    if (fd < 0) {
        return false;
    }
    struct bpf_prog_info info;
    uint32_t len = sizeof info;
    memset(&info, 0, sizeof info);
    bool ours_ = false;
    if (!bpf_obj_get_info_by_fd(fd, &info, &len)) {
        for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++) {
            ours_ = ours_ || !strcmp(info.name, ours[i]);
        }
    }
    close(fd);
    return ours_;
}

bool dp_kernel_tc_detach_ours(int ifindex, bool ingress)
{
    struct bpf_tc_hook hook;
    tc_hook_init(&hook, ifindex, ingress);
    struct bpf_tc_opts opts;
    tc_opts_init(&opts);
    if (bpf_tc_query(&hook, &opts) || !is_our_program((int)opts.prog_id)) {
        return false;
    }
    tc_opts_init(&opts); /* The query filled in what detach refuses. */
    return !bpf_tc_detach(&hook, &opts);
}

int dp_kernel_probe_attach(int prog_fd, char **errp)
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        int error = errno;
        *errp = xasprintf("/dev/net/tun: %s", strerror(error));
        return error;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    memcpy(ifr.ifr_name, "swprobe%d", sizeof "swprobe%d");
    int error = 0;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        error = errno;
        *errp = xasprintf("creating a probe TAP: %s", strerror(error));
    } else {
        int ifindex = (int)if_nametoindex(ifr.ifr_name);
        error = ifindex ? dp_kernel_tc_attach(ifindex, false, prog_fd, errp)
                        : ENODEV;
        if (!ifindex) {
            *errp = xasprintf("%s: no index", ifr.ifr_name);
        }
    }
    close(fd); /* Not persistent: the device and its filter go. */
    return error;
}
