/* netdev-patch: the "patch" port type.  There is no device: the bridge
 * layer hands a packet sent to a patch port to the peer bridge's table 0
 * with in_port = the peer port.  This class validates options:peer,
 * remembers it for the bridge, and counts. */
#include <stdlib.h>
#include <string.h>

#include "netdev-provider.h"
#include "util.h"

struct netdev_patch {
    struct netdev up;
    char *peer;
};

static struct netdev_patch *netdev_patch_cast(const struct netdev *dev)
{
    return CONTAINER_OF(dev, struct netdev_patch, up);
}

static char *patch_check_options(const char *name,
                                 const struct netdev_option *opts, size_t n)
{
    static const char *const known[] = { "peer", NULL };
    char *err = netdev_options_check_known(name, opts, n, known);
    if (err) {
        return err;
    }
    const char *peer = netdev_option_find(opts, n, "peer");
    if (!peer || !peer[0]) {
        return xasprintf("%s: patch port needs options:peer", name);
    }
    if (!strcmp(peer, name)) {
        return xasprintf("%s: options:peer: a patch port cannot be its own "
                         "peer",
                         name);
    }
    return NULL;
}

static int patch_open(const char *name, const struct netdev_option *opts,
                      size_t n, unsigned flags, struct netdev **devp,
                      char **errp)
{
    struct netdev_patch *patch = xzalloc(sizeof *patch);
    netdev_init_(&patch->up, &netdev_patch_class, name);
    patch->peer = xstrdup(netdev_option_find(opts, n, "peer"));
    /* No device, so no link MTU: a patch never limits a frame. */
    patch->up.mtu = 65535;
    *devp = &patch->up;
    return 0;
}

static void patch_close(struct netdev *dev)
{
    struct netdev_patch *patch = netdev_patch_cast(dev);
    free(patch->peer);
    netdev_uninit_(dev);
    free(patch);
}

static int patch_send(struct netdev *dev, const struct packet *pkt,
                      const struct netdev_tunnel *tnl)
{
    /* The crossing itself is the bridge's; netdev_send() counts it. */
    return 0;
}

static void patch_format(const struct netdev *dev, struct ds *ds)
{
    ds_put_format(ds, "peer=%s", netdev_patch_cast(dev)->peer);
}

const char *netdev_patch_peer(const struct netdev *dev)
{
    return dev->class == &netdev_patch_class ? netdev_patch_cast(dev)->peer
                                             : NULL;
}

const struct netdev_class netdev_patch_class = {
    .type = "patch",
    .check_options = patch_check_options,
    .open = patch_open,
    .close = patch_close,
    .get_fd = NULL,
    .recv = NULL,
    .send = patch_send,
    .format = patch_format,
};
