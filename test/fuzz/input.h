/* SPDX-License-Identifier: BSD-2-Clause */
/* The fuzz targets' input, read as a stream of big-endian numbers; past its end every
 * byte reads 0, so any input is a complete one. */
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

static const uint8_t *in;
static size_t in_len;

static __u32 take(unsigned bytes)
{
	__u32 v = 0;

	while (bytes--) {
		v = v << 8 | (in_len ? *in : 0);
		if (in_len) {
			in++;
			in_len--;
		}
	}
	return v;
}
