/* SPDX-License-Identifier: BSD-2-Clause */
/* Compile test, first unit: holds the implementation when built with
 * -DXSK_IMPLEMENTATION; with -DCOMPILE_MAIN it is a one-file program (XSK_STATIC). */
#include <errno.h>
#include "xsk.h"

int compile_a(void);

int compile_a(void)
{
	struct xsk_socket *xsk = NULL;
	int fails = 0, map_fd;

	fails += xsk_umem__fd(NULL) != -EINVAL;
	fails += xsk_socket__fd(NULL) != -EINVAL;
	fails += xsk_socket__create(&xsk, "lo", 0, NULL, NULL, NULL, NULL) != -EFAULT;
	fails += xsk_setup_xdp_prog(1, NULL) != -EFAULT;
	fails += xsk_socket__stats(NULL, NULL) != -EFAULT;
	fails += xsk_set_print(NULL) != NULL;
	(void)map_fd;
	return fails;
}

#ifdef COMPILE_MAIN
int main(void)
{
	return compile_a() ? 1 : 0;
}
#endif
