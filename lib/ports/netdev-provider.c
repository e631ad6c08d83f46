/* netdev-provider: what every port class is built from (netdev-provider.h:
 * initialising the common part, reading options, device ioctls).  Kept
 * apart from netdev.c, which dispatches to the classes, so that the
 * classes depend on this file and netdev.c on the classes, and nothing
 * calls back up. */
#include "netdev-provider.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "eth-addr.h"
#include "util.h"

void netdev_init_(struct netdev *dev, const struct netdev_class *class,
                  const char *name)
{
    memset(dev, 0, sizeof *dev);
    dev->class = class;
    dev->name = xstrdup(name);
    dev->mtu = 1500;
    eth_addr_from_name(name, dev->mac);
}

void netdev_uninit_(struct netdev *dev)
{
    free(dev->name);
    dev->name = NULL;
}

const char *netdev_option_find(const struct netdev_option *opts, size_t n,
                               const char *key)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(opts[i].key, key)) {
            return opts[i].value;
        }
    }
    return NULL;
}

char *netdev_options_check_known(const char *name,
                                 const struct netdev_option *opts, size_t n,
                                 const char *const known[])
{
    for (size_t i = 0; i < n; i++) {
        bool ok = false;
        for (const char *const *k = known; *k; k++) {
            if (!strcmp(opts[i].key, *k)) {
                ok = true;
                break;
            }
        }
        if (!ok) {
            return xasprintf("%s: unknown option '%s'", name, opts[i].key);
        }
        if (!opts[i].value) {
            return xasprintf("%s: options:%s has no value", name, opts[i].key);
        }
    }
    return NULL;
}

bool netdev_parse_ipv4(const char *s, uint32_t *ip)
{
    struct in_addr a;
    if (!s || inet_pton(AF_INET, s, &a) != 1) {
        return false;
    }
    *ip = ntohl(a.s_addr);
    return true;
}

static int ifreq_ioctl(const char *ifname, unsigned long req,
                       struct ifreq *ifr)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return errno;
    }
    snprintf(ifr->ifr_name, sizeof ifr->ifr_name, "%s", ifname);
    int error = ioctl(fd, req, ifr) < 0 ? errno : 0;
    close(fd);
    return error;
}

int netdev_ioctl_get_mtu(const char *ifname, int *mtu)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    int error = ifreq_ioctl(ifname, SIOCGIFMTU, &ifr);
    if (!error) {
        *mtu = ifr.ifr_mtu;
    }
    return error;
}

int netdev_ioctl_set_mtu(const char *ifname, int mtu)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_mtu = mtu;
    return ifreq_ioctl(ifname, SIOCSIFMTU, &ifr);
}

int netdev_ioctl_get_mac(const char *ifname, uint8_t mac[6])
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    int error = ifreq_ioctl(ifname, SIOCGIFHWADDR, &ifr);
    if (!error) {
        memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    }
    return error;
}

int netdev_ioctl_set_mac(const char *ifname, const uint8_t mac[6])
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
    memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
    return ifreq_ioctl(ifname, SIOCSIFHWADDR, &ifr);
}
