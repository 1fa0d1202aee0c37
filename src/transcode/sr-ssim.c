/* sr-ssim.c: structural similarity (Wang et al. 2004) of two 8-bit luma
 * planes, averaged over 8×8 windows placed every 4 pixels. Uniform windows
 * rather than the paper's Gaussian: close enough to tell a faithful
 * transcode (> 0.9) from a different or tampered picture (< 0.6). */
#include "config.h"

#include "sr-ssim.h"

#define WIN 8
#define STEP 4

gdouble
sr_ssim_gray8 (const guint8 *a,
               gsize         a_stride,
               const guint8 *b,
               gsize         b_stride,
               guint         width,
               guint         height)
{
  const gdouble c1 = (0.01 * 255) * (0.01 * 255);
  const gdouble c2 = (0.03 * 255) * (0.03 * 255);
  const gdouble n = WIN * WIN;
  gdouble total = 0;
  guint windows = 0;

  g_return_val_if_fail (a != NULL && b != NULL, 0);

  if (width < WIN || height < WIN)
    return 0;

  for (guint y = 0; y + WIN <= height; y += STEP)
    for (guint x = 0; x + WIN <= width; x += STEP)
      {
        guint64 sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
        gdouble ma, mb, va, vb, cov;

        for (guint j = 0; j < WIN; j++)
          {
            const guint8 *pa = a + (gsize) (y + j) * a_stride + x;
            const guint8 *pb = b + (gsize) (y + j) * b_stride + x;

            for (guint i = 0; i < WIN; i++)
              {
                guint va_ = pa[i], vb_ = pb[i];
                sa += va_;
                sb += vb_;
                saa += va_ * va_;
                sbb += vb_ * vb_;
                sab += va_ * vb_;
              }
          }

        ma = sa / n;
        mb = sb / n;
        va = saa / n - ma * ma;
        vb = sbb / n - mb * mb;
        cov = sab / n - ma * mb;
        total += ((2 * ma * mb + c1) * (2 * cov + c2)) /
                 ((ma * ma + mb * mb + c1) * (va + vb + c2));
        windows++;
      }

  return total / windows;
}
