/* dp-kernel: the kernel objects the fast path sets up, behind small
 * calls: switchd's vxlan device (rtnetlink) and the attachment of a
 * program to a device's clsact hook (libbpf's TC API).  Each returns 0
 * or a positive errno with an allocated message in '*errp'. */
#ifndef SW_DP_KERNEL_H
#define SW_DP_KERNEL_H 1

#include <stdbool.h>
#include <stdint.h>

/* Creates (replacing a leftover of the same name) and brings up a vxlan
 * device in external (collect_md) mode on UDP 'dst_port', bound to
 * 'local_ip' (0: any), learning off, outer source ports 49152..65535
 * (as RFC 7348 advises and the userspace datapath chooses them). */
int dp_kernel_vxlan_create(const char *name, uint32_t local_ip,
                           uint16_t dst_port, int *ifindexp, char **errp);
/* Deletes a device by index; errors are ignored (it may be gone). */
void dp_kernel_link_del(int ifindex);

/* Attaches 'prog_fd' at 'ifindex''s clsact ingress or egress hook
 * (creating the qdisc if need be) as direct-action filter handle 1,
 * priority 1, replacing what is there. */
int dp_kernel_tc_attach(int ifindex, bool ingress, int prog_fd, char **errp);
/* Whether a TC program attaches here: 'prog_fd' at the egress of a
 * throwaway TAP (clsact and cls_bpf present, and allowed).  0 or errno
 * with a message. */
int dp_kernel_probe_attach(int prog_fd, char **errp);
/* Detaches it again; the qdisc stays (others may use it). */
void dp_kernel_tc_detach(int ifindex, bool ingress);
/* Detaches the filter at handle 1, priority 1 of that hook only if it
 * runs one of the fast path's programs (by name), whoever attached it.
 * True if one was removed. */
bool dp_kernel_tc_detach_ours(int ifindex, bool ingress);

#endif
