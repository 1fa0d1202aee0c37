/* sr-output-report.c: the outcome of checking one rendition against its
 * source. Filled in by SrOutputCheck, read by the worker client and the
 * Create page. */
#include "config.h"

#include "sr-output-report.h"
#include "sr-output-report-private.h"

typedef struct
{
  SrOutputCheckKind kind;
  gboolean passed;
  gchar *message;
} Item;

struct _SrOutputReport
{
  GObject parent_instance;

  GArray *items;
  gdouble ssim;
  gdouble lowest_ssim;
  guint64 frames;
  gint64 duration;
};

G_DEFINE_FINAL_TYPE (SrOutputReport, sr_output_report, G_TYPE_OBJECT)

static void
item_clear (gpointer data)
{
  g_free (((Item *) data)->message);
}

static void
sr_output_report_finalize (GObject *object)
{
  SrOutputReport *self = SR_OUTPUT_REPORT (object);

  g_clear_pointer (&self->items, g_array_unref);
  G_OBJECT_CLASS (sr_output_report_parent_class)->finalize (object);
}

static void
sr_output_report_class_init (SrOutputReportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sr_output_report_finalize;
}

static void
sr_output_report_init (SrOutputReport *self)
{
  self->items = g_array_new (FALSE, TRUE, sizeof (Item));
  g_array_set_clear_func (self->items, item_clear);
  self->ssim = -1;
  self->lowest_ssim = -1;
  self->duration = -1;
}

SrOutputReport *
_sr_output_report_new (void)
{
  return g_object_new (SR_TYPE_OUTPUT_REPORT, NULL);
}

void
_sr_output_report_add (SrOutputReport    *self,
                       SrOutputCheckKind  kind,
                       gboolean           passed,
                       const gchar       *format,
                       ...)
{
  Item item = { kind, passed, NULL };
  va_list args;

  va_start (args, format);
  item.message = g_strdup_vprintf (format, args);
  va_end (args);
  g_array_append_val (self->items, item);
}

void
_sr_output_report_set_measures (SrOutputReport *self,
                                gdouble         ssim,
                                gdouble         lowest_ssim,
                                guint64         frames,
                                gint64          duration)
{
  self->ssim = ssim;
  self->lowest_ssim = lowest_ssim;
  self->frames = frames;
  self->duration = duration;
}

/* Passed only when every check ran and passed. */
gboolean
sr_output_report_get_passed (SrOutputReport *self)
{
  g_return_val_if_fail (SR_IS_OUTPUT_REPORT (self), FALSE);

  if (self->items->len == 0)
    return FALSE;
  for (guint i = 0; i < self->items->len; i++)
    if (!g_array_index (self->items, Item, i).passed)
      return FALSE;
  return TRUE;
}

guint
sr_output_report_get_n_checks (SrOutputReport *self)
{
  g_return_val_if_fail (SR_IS_OUTPUT_REPORT (self), 0);
  return self->items->len;
}

gboolean
sr_output_report_get_check (SrOutputReport     *self,
                            guint               index,
                            SrOutputCheckKind  *kind,
                            gboolean           *passed,
                            const gchar       **message)
{
  Item *item;

  g_return_val_if_fail (SR_IS_OUTPUT_REPORT (self), FALSE);
  if (index >= self->items->len)
    return FALSE;
  item = &g_array_index (self->items, Item, index);
  if (kind != NULL)
    *kind = item->kind;
  if (passed != NULL)
    *passed = item->passed;
  if (message != NULL)
    *message = item->message;
  return TRUE;
}

static Item *
find_item (SrOutputReport    *self,
           SrOutputCheckKind  kind)
{
  for (guint i = 0; i < self->items->len; i++)
    if (g_array_index (self->items, Item, i).kind == kind)
      return &g_array_index (self->items, Item, i);
  return NULL;
}

gboolean
sr_output_report_check_passed (SrOutputReport    *self,
                               SrOutputCheckKind  kind)
{
  Item *item;

  g_return_val_if_fail (SR_IS_OUTPUT_REPORT (self), FALSE);
  item = find_item (self, kind);
  return item != NULL && item->passed;
}

const gchar *
sr_output_report_get_message (SrOutputReport    *self,
                              SrOutputCheckKind  kind)
{
  Item *item;

  g_return_val_if_fail (SR_IS_OUTPUT_REPORT (self), NULL);
  item = find_item (self, kind);
  return item != NULL ? item->message : NULL;
}

gchar *
sr_output_report_to_string (SrOutputReport *self)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (SR_IS_OUTPUT_REPORT (self), NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = &g_array_index (self->items, Item, i);
      g_string_append_printf (s, "%s %s\n", item->passed ? "✓" : "✗", item->message);
    }
  return g_string_free (s, FALSE);
}

gdouble
sr_output_report_get_ssim (SrOutputReport *self)
{
  g_return_val_if_fail (SR_IS_OUTPUT_REPORT (self), -1);
  return self->ssim;
}

gdouble
sr_output_report_get_lowest_ssim (SrOutputReport *self)
{
  g_return_val_if_fail (SR_IS_OUTPUT_REPORT (self), -1);
  return self->lowest_ssim;
}

guint64
sr_output_report_get_frames (SrOutputReport *self)
{
  g_return_val_if_fail (SR_IS_OUTPUT_REPORT (self), 0);
  return self->frames;
}

gint64
sr_output_report_get_duration (SrOutputReport *self)
{
  g_return_val_if_fail (SR_IS_OUTPUT_REPORT (self), -1);
  return self->duration;
}
