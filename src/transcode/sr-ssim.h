/* sr-ssim.h: structural similarity of two 8-bit luma planes. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gdouble sr_ssim_gray8 (const guint8 *a,
                       gsize         a_stride,
                       const guint8 *b,
                       gsize         b_stride,
                       guint         width,
                       guint         height);

G_END_DECLS
