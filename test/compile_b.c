/* SPDX-License-Identifier: BSD-2-Clause */
/* Compile test, second unit: uses the API without the implementation, which the first
 * unit holds; the program exits 0 when every call gives the error documented for it. */
#include <errno.h>
#include "xsk.h"

int compile_a(void);

int main(void)
{
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_umem *umem = NULL;
	struct xsk_socket *xsk = NULL;
	struct xdp_statistics st;
	int fails = compile_a(), map_fd = -1;

	fails += xsk_umem__create(&umem, NULL, 4096, &fill, &comp, NULL) != -EFAULT;
	fails += errno != EFAULT;
	fails += xsk_umem__create_with_fd(&umem, -1, NULL, 4096, &fill, &comp, NULL) != -EFAULT;
	fails += xsk_umem__delete(NULL) != 0;
	fails += xsk_socket__create_shared(&xsk, "lo", 0, NULL, NULL, NULL, NULL, NULL,
					   NULL) != -EFAULT;
	fails += xsk_socket__update_xskmap(NULL, map_fd) != -EFAULT;
	fails += xsk_release_xdp_prog(-1) != -ENOENT;
	fails += xsk_socket__stats(NULL, &st) != -EFAULT;
	fails += xsk_socket__zerocopy(NULL) != -EFAULT;
	fails += xsk_socket__xdp_mode(NULL) != -EFAULT;
	fails += xsk_socket__wakeup_tx(NULL) != -EINVAL;
	fails += xsk_socket__wakeup_rx(NULL) != -EINVAL;
	xsk_socket__delete(NULL);
	return fails ? 1 : 0;
}
