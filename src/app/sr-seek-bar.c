/* sr-seek-bar.c — the player's seek bar. It is a GtkScale so that assistive
 * technologies see (and can set) its value; the buffering point uses the
 * range's own fill level, and the downloaded spans are drawn as a thin
 * strip under the trough. */
#include "config.h"

#include <string.h>

#include "sr-seek-bar.h"

#define STRIP_HEIGHT 3

struct _SrSeekBar
{
  GtkScale  parent_instance;

  GArray   *spans;   /* of double, start/end pairs */
};

G_DEFINE_FINAL_TYPE (SrSeekBar, sr_seek_bar, GTK_TYPE_SCALE)

GtkWidget *
sr_seek_bar_new (void)
{
  return g_object_new (SR_TYPE_SEEK_BAR, "orientation", GTK_ORIENTATION_HORIZONTAL, NULL);
}

void
sr_seek_bar_set_downloaded (SrSeekBar    *self,
                            const double *spans,
                            guint         n_spans)
{
  g_return_if_fail (SR_IS_SEEK_BAR (self));

  if (self->spans->len == n_spans * 2 &&
      (n_spans == 0 || memcmp (self->spans->data, spans, n_spans * 2 * sizeof (double)) == 0))
    return;
  g_array_set_size (self->spans, 0);
  g_array_append_vals (self->spans, spans, n_spans * 2);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sr_seek_bar_set_buffered (SrSeekBar *self,
                          double     seconds)
{
  g_return_if_fail (SR_IS_SEEK_BAR (self));

  gtk_range_set_show_fill_level (GTK_RANGE (self), seconds >= 0);
  if (seconds >= 0)
    gtk_range_set_fill_level (GTK_RANGE (self), seconds);
}

static void
sr_seek_bar_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  SrSeekBar *self = SR_SEEK_BAR (widget);
  GdkRectangle trough;
  GdkRGBA color;
  float y;

  GTK_WIDGET_CLASS (sr_seek_bar_parent_class)->snapshot (widget, snapshot);

  if (self->spans->len == 0)
    return;

  gtk_range_get_range_rect (GTK_RANGE (self), &trough);
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  color.alpha *= 0.45f;
  /* Just under the trough, clear of the slider's shadow. */
  y = (float) gtk_widget_get_height (widget) / 2.f + 5.f;
  for (guint i = 0; i + 1 < self->spans->len; i += 2)
    {
      double start = g_array_index (self->spans, double, i);
      double end = g_array_index (self->spans, double, i + 1);
      float x = (float) (trough.x + start * trough.width);
      float w = (float) ((end - start) * trough.width);

      gtk_snapshot_append_color (snapshot, &color,
                                 &GRAPHENE_RECT_INIT (x, y, MAX (w, 1.f), STRIP_HEIGHT));
    }
}

static void
sr_seek_bar_finalize (GObject *object)
{
  SrSeekBar *self = SR_SEEK_BAR (object);

  g_array_unref (self->spans);

  G_OBJECT_CLASS (sr_seek_bar_parent_class)->finalize (object);
}

/* The range has its adjustment only once constructed. Seeking past the
 * buffering point must stay possible: it only means waiting. */
static void
sr_seek_bar_constructed (GObject *object)
{
  G_OBJECT_CLASS (sr_seek_bar_parent_class)->constructed (object);
  gtk_range_set_restrict_to_fill_level (GTK_RANGE (object), FALSE);
}

static void
sr_seek_bar_class_init (SrSeekBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sr_seek_bar_constructed;
  object_class->finalize = sr_seek_bar_finalize;
  widget_class->snapshot = sr_seek_bar_snapshot;
  gtk_widget_class_set_css_name (widget_class, "scale");
}

static void
sr_seek_bar_init (SrSeekBar *self)
{
  self->spans = g_array_new (FALSE, FALSE, sizeof (double));
  gtk_scale_set_draw_value (GTK_SCALE (self), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self), "sr-seek-bar");
}
