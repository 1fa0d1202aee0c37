/* sr-ladder-encoder.c: one decode of the source, a tee into every rung
 * (lanczos scale → x264 → fast-start MP4), AAC audio per rung, a poster frame
 * at a tenth of the duration, and info.json describing the renditions.
 *
 * Keyframes line up across rungs because every rung gets the same frames
 * and x264 places IDRs only every key-int-max frames (scene-cut detection
 * off), so a player can switch rendition at any keyframe.
 *
 * Threads: the probe, the PLAYING and NULL state changes and the file
 * finishing run off the main thread; bus messages, progress and the
 * cancellable are watched on the caller's main context. Outputs are written
 * as "<rung>.mp4.part" and only renamed once the mux has finished and every
 * rung produced the same number of frames, since a pipeline can reach EOS
 * and still leave an MP4 without its moov. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "sr-ladder-encoder.h"
#include "sr-media-probe.h"
#include "sr-transcode-error.h"
#include "sr-transcode-private.h"

#define GOP_SECONDS 2
#define PROGRESS_INTERVAL_MS 250
#define QUEUE_TIME (3 * GST_SECOND)

typedef struct
{
  gchar *name;
  guint width;
  guint height;
  guint video_bitrate;
  guint audio_bitrate;
  gchar *part_path;
  gchar *final_path;
  gchar *moov_tmp_path;
  /* Written by the encoder's streaming thread, read on the main thread. */
  gint64 position;
  guint64 frames;
} Rung;

typedef struct
{
  SrLadderEncoder *self;   /* borrowed: the task holds a reference */
  SrMediaProbe *probe;
  GstElement *pipeline;
  GstElement *video_in;
  GstElement *audio_in;
  GArray *rungs;           /* of Rung */
  GMutex lock;             /* guards positions, frames, stopping */
  gboolean stopping;
  GstClockTime poster_at;
  gboolean poster_taken;
  gchar *poster_part;
  gchar *poster_path;
  gchar *info_path;
  GSource *bus_source;
  GSource *cancel_source;
  GSource *progress_source;
  GError *error;           /* why the pipeline stopped, NULL on EOS */
} Run;

struct _SrLadderEncoder
{
  GObject parent_instance;

  GFile *source;
  GFile *output_dir;
  SrLadder *ladder;
  gchar *speed_preset;
  gchar *title;
  gchar *description;

  gboolean running;
  gdouble progress;
  gint64 duration;
  GArray *positions; /* gint64 per rung, as last reported */
};

G_DEFINE_FINAL_TYPE (SrLadderEncoder, sr_ladder_encoder, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SOURCE,
  PROP_OUTPUT_DIR,
  PROP_LADDER,
  PROP_SPEED_PRESET,
  PROP_TITLE,
  PROP_DESCRIPTION,
  PROP_PROGRESS,
  PROP_DURATION,
  N_PROPS
};

enum {
  RUNG_PROGRESS,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
replace_str (gchar       **slot,
             const gchar  *value)
{
  if (g_strcmp0 (*slot, value) == 0)
    return FALSE;
  g_free (*slot);
  *slot = g_strdup (value);
  return TRUE;
}

static void
source_destroy_unref (GSource *source)
{
  g_source_destroy (source);
  g_source_unref (source);
}

static void
rung_clear (gpointer data)
{
  Rung *rung = data;

  g_free (rung->name);
  g_free (rung->part_path);
  g_free (rung->final_path);
  g_free (rung->moov_tmp_path);
}

static void
run_free (Run *run)
{
  g_assert (run->bus_source == NULL && run->cancel_source == NULL && run->progress_source == NULL);

  if (run->pipeline != NULL)
    gst_element_set_state (run->pipeline, GST_STATE_NULL);
  g_clear_object (&run->pipeline);
  g_clear_object (&run->video_in);
  g_clear_object (&run->audio_in);
  g_clear_object (&run->probe);
  g_clear_pointer (&run->rungs, g_array_unref);
  g_clear_pointer (&run->poster_part, g_free);
  g_clear_pointer (&run->poster_path, g_free);
  g_clear_pointer (&run->info_path, g_free);
  g_clear_error (&run->error);
  g_mutex_clear (&run->lock);
  g_free (run);
}

static void
sr_ladder_encoder_finalize (GObject *object)
{
  SrLadderEncoder *self = SR_LADDER_ENCODER (object);

  g_clear_object (&self->source);
  g_clear_object (&self->output_dir);
  g_clear_object (&self->ladder);
  g_clear_pointer (&self->speed_preset, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->positions, g_array_unref);

  G_OBJECT_CLASS (sr_ladder_encoder_parent_class)->finalize (object);
}

static void
sr_ladder_encoder_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SrLadderEncoder *self = SR_LADDER_ENCODER (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      g_value_set_object (value, self->source);
      break;
    case PROP_OUTPUT_DIR:
      g_value_set_object (value, self->output_dir);
      break;
    case PROP_LADDER:
      g_value_set_object (value, self->ladder);
      break;
    case PROP_SPEED_PRESET:
      g_value_set_string (value, self->speed_preset);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_DURATION:
      g_value_set_int64 (value, self->duration);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_ladder_encoder_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SrLadderEncoder *self = SR_LADDER_ENCODER (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      self->source = g_value_dup_object (value);
      break;
    case PROP_OUTPUT_DIR:
      self->output_dir = g_value_dup_object (value);
      break;
    case PROP_LADDER:
      self->ladder = g_value_dup_object (value);
      break;
    case PROP_SPEED_PRESET:
      sr_ladder_encoder_set_speed_preset (self, g_value_get_string (value));
      break;
    case PROP_TITLE:
      sr_ladder_encoder_set_title (self, g_value_get_string (value));
      break;
    case PROP_DESCRIPTION:
      sr_ladder_encoder_set_description (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_ladder_encoder_class_init (SrLadderEncoderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sr_ladder_encoder_finalize;
  object_class->get_property = sr_ladder_encoder_get_property;
  object_class->set_property = sr_ladder_encoder_set_property;

  properties[PROP_SOURCE] =
    g_param_spec_object ("source", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OUTPUT_DIR] =
    g_param_spec_object ("output-dir", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* NULL until run: the default ladder for the source is then chosen. */
  properties[PROP_LADDER] =
    g_param_spec_object ("ladder", NULL, NULL, SR_TYPE_LADDER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPEED_PRESET] =
    g_param_spec_string ("speed-preset", NULL, NULL, "veryfast",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The slowest rung's share of the duration, 0…1. */
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0, 1, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DURATION] =
    g_param_spec_int64 ("duration", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (index, name, position ns, duration ns), on the main context. */
  signals[RUNG_PROGRESS] =
    g_signal_new ("rung-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_UINT, G_TYPE_STRING, G_TYPE_INT64, G_TYPE_INT64);
}

static void
sr_ladder_encoder_init (SrLadderEncoder *self)
{
  self->duration = -1;
  self->positions = g_array_new (FALSE, TRUE, sizeof (gint64));
}

SrLadderEncoder *
sr_ladder_encoder_new (GFile    *source,
                       GFile    *output_dir,
                       SrLadder *ladder)
{
  g_return_val_if_fail (G_IS_FILE (source), NULL);
  g_return_val_if_fail (G_IS_FILE (output_dir), NULL);
  g_return_val_if_fail (ladder == NULL || SR_IS_LADDER (ladder), NULL);

  return g_object_new (SR_TYPE_LADDER_ENCODER,
                       "source", source,
                       "output-dir", output_dir,
                       "ladder", ladder,
                       NULL);
}

GFile *
sr_ladder_encoder_get_source (SrLadderEncoder *self)
{
  g_return_val_if_fail (SR_IS_LADDER_ENCODER (self), NULL);
  return self->source;
}

GFile *
sr_ladder_encoder_get_output_dir (SrLadderEncoder *self)
{
  g_return_val_if_fail (SR_IS_LADDER_ENCODER (self), NULL);
  return self->output_dir;
}

SrLadder *
sr_ladder_encoder_get_ladder (SrLadderEncoder *self)
{
  g_return_val_if_fail (SR_IS_LADDER_ENCODER (self), NULL);
  return self->ladder;
}

const gchar *
sr_ladder_encoder_get_speed_preset (SrLadderEncoder *self)
{
  g_return_val_if_fail (SR_IS_LADDER_ENCODER (self), NULL);
  return self->speed_preset;
}

void
sr_ladder_encoder_set_speed_preset (SrLadderEncoder *self,
                                    const gchar     *preset)
{
  g_return_if_fail (SR_IS_LADDER_ENCODER (self));

  if (preset == NULL)
    preset = "veryfast";
  if (replace_str (&self->speed_preset, preset))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED_PRESET]);
}

void
sr_ladder_encoder_set_title (SrLadderEncoder *self,
                             const gchar     *title)
{
  g_return_if_fail (SR_IS_LADDER_ENCODER (self));
  if (replace_str (&self->title, title))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

void
sr_ladder_encoder_set_description (SrLadderEncoder *self,
                                   const gchar     *description)
{
  g_return_if_fail (SR_IS_LADDER_ENCODER (self));
  if (replace_str (&self->description, description))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

gdouble
sr_ladder_encoder_get_progress (SrLadderEncoder *self)
{
  g_return_val_if_fail (SR_IS_LADDER_ENCODER (self), 0);
  return self->progress;
}

gint64
sr_ladder_encoder_get_duration (SrLadderEncoder *self)
{
  g_return_val_if_fail (SR_IS_LADDER_ENCODER (self), -1);
  return self->duration;
}

gint64
sr_ladder_encoder_get_rung_position (SrLadderEncoder *self,
                                     guint            index)
{
  g_return_val_if_fail (SR_IS_LADDER_ENCODER (self), -1);
  if (index >= self->positions->len)
    return -1;
  return g_array_index (self->positions, gint64, index);
}

/* ---- progress ---------------------------------------------------------- */

static void
report_progress (Run      *run,
                 gboolean  finished)
{
  SrLadderEncoder *self = run->self;
  gint64 slowest = G_MAXINT64;

  for (guint i = 0; i < run->rungs->len; i++)
    {
      Rung *rung = &g_array_index (run->rungs, Rung, i);
      gint64 position;

      g_mutex_lock (&run->lock);
      position = finished ? self->duration : MIN (rung->position, self->duration);
      g_mutex_unlock (&run->lock);

      slowest = MIN (slowest, position);
      if (position != g_array_index (self->positions, gint64, i))
        {
          g_array_index (self->positions, gint64, i) = position;
          g_signal_emit (self, signals[RUNG_PROGRESS], 0, i, rung->name, position, self->duration);
        }
    }

  if (self->duration > 0 && slowest != G_MAXINT64)
    {
      gdouble progress = CLAMP ((gdouble) slowest / self->duration, 0.0, 1.0);

      if (progress != self->progress)
        {
          self->progress = progress;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
        }
    }
}

static gboolean
on_progress_tick (gpointer user_data)
{
  GTask *task = user_data;

  report_progress (g_task_get_task_data (task), FALSE);
  return G_SOURCE_CONTINUE;
}

static GstPadProbeReturn
on_encoded_buffer (GstPad          *pad,
                   GstPadProbeInfo *info,
                   gpointer         user_data)
{
  Rung *rung = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  Run *run = g_object_get_data (G_OBJECT (pad), "sr-run");

  g_mutex_lock (&run->lock);
  rung->frames++;
  if (GST_BUFFER_PTS_IS_VALID (buffer))
    rung->position = MAX (rung->position, (gint64) GST_BUFFER_PTS (buffer));
  g_mutex_unlock (&run->lock);

  return GST_PAD_PROBE_OK;
}

/* Lets exactly one frame, the first at or after poster_at, reach jpegenc. */
static GstPadProbeReturn
on_poster_buffer (GstPad          *pad,
                  GstPadProbeInfo *info,
                  gpointer         user_data)
{
  Run *run = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);

  if (run->poster_taken)
    return GST_PAD_PROBE_DROP;
  if (GST_BUFFER_PTS_IS_VALID (buffer) && GST_BUFFER_PTS (buffer) < run->poster_at)
    return GST_PAD_PROBE_DROP;
  run->poster_taken = TRUE;
  return GST_PAD_PROBE_OK;
}

/* ---- pipeline ---------------------------------------------------------- */

static GstElement *
add_element (GstBin       *bin,
             const gchar  *factory,
             GError      **error)
{
  GstElement *element = _sr_transcode_make_element (factory, NULL, error);

  if (element != NULL)
    gst_bin_add (bin, element);
  return element;
}

static GstElement *
make_aac_encoder (GstBin  *bin,
                  guint    kbps,
                  GError **error)
{
  GstElement *enc = gst_element_factory_make ("avenc_aac", NULL);

  if (enc == NULL)
    enc = _sr_transcode_make_element ("voaacenc", NULL, error);
  if (enc == NULL)
    return NULL;
  g_object_set (enc, "bitrate", (gint) (kbps * 1000), NULL);
  gst_bin_add (bin, enc);
  return enc;
}

static gboolean
link_or_fail (GError **error,
              GstElement *first,
              ...) G_GNUC_NULL_TERMINATED;

static gboolean
link_or_fail (GError     **error,
              GstElement  *first,
              ...)
{
  va_list args;
  gboolean ok = TRUE;
  GstElement *prev = first;
  GstElement *next;

  va_start (args, first);
  while (ok && (next = va_arg (args, GstElement *)) != NULL)
    {
      ok = gst_element_link (prev, next);
      prev = next;
    }
  va_end (args);
  if (!ok)
    g_set_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_ENCODE_FAILED,
                 _("The encoding pipeline could not be assembled"));
  return ok;
}

/* An allocation query is serialized: a queue holds it until everything
 * before it has left, while the tee waits for every branch's answer. When
 * the decoder renegotiates mid-stream (it does for widths such as 854 that
 * it pads), one branch's encoder waiting for more input then deadlocks the
 * whole pipeline. Each branch allocates its own buffers instead. */
static GstPadProbeReturn
drop_allocation_query (GstPad          *pad,
                       GstPadProbeInfo *info,
                       gpointer         user_data)
{
  (void) pad;
  (void) user_data;
  if (GST_QUERY_TYPE (GST_PAD_PROBE_INFO_QUERY (info)) == GST_QUERY_ALLOCATION)
    return GST_PAD_PROBE_DROP;
  return GST_PAD_PROBE_OK;
}

static GstElement *
make_queue (GstBin  *bin,
            GError **error)
{
  GstElement *queue = add_element (bin, "queue", error);

  if (queue != NULL)
    {
      g_autoptr(GstPad) sink = gst_element_get_static_pad (queue, "sink");

      g_object_set (queue, "max-size-buffers", 0, "max-size-bytes", 0,
                    "max-size-time", (guint64) QUEUE_TIME, NULL);
      gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM, drop_allocation_query, NULL, NULL);
    }
  return queue;
}

static void
on_pad_added (GstElement *decodebin,
              GstPad     *pad,
              gpointer    user_data)
{
  Run *run = user_data;
  g_autoptr(GstCaps) caps = gst_pad_query_caps (pad, NULL);
  GstElement *target = NULL;
  g_autoptr(GstPad) sink = NULL;
  const gchar *name;

  if (caps == NULL || gst_caps_is_empty (caps))
    return;
  name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  if (g_str_has_prefix (name, "video/x-raw"))
    target = run->video_in;
  else if (g_str_has_prefix (name, "audio/x-raw"))
    target = run->audio_in;
  if (target == NULL)
    return;

  sink = gst_element_get_static_pad (target, "sink");
  if (gst_pad_is_linked (sink))
    return; /* only the first video and the first audio stream are encoded */
  gst_pad_link (pad, sink);
}

static void
on_no_more_pads (GstElement *decodebin,
                 gpointer    user_data)
{
  Run *run = user_data;
  g_autoptr(GstPad) video = gst_element_get_static_pad (run->video_in, "sink");
  g_autoptr(GstPad) audio = run->audio_in ? gst_element_get_static_pad (run->audio_in, "sink") : NULL;

  /* A mux waiting on a stream that never comes would wait forever. */
  if (!gst_pad_is_linked (video) || (audio != NULL && !gst_pad_is_linked (audio)))
    GST_ELEMENT_ERROR (decodebin, STREAM, CODEC_NOT_FOUND,
                       ("%s", _("A track of the source cannot be decoded")), (NULL));
}

static gboolean
build_pipeline (Run     *run,
                GError **error)
{
  SrLadderEncoder *self = run->self;
  SrMediaProbe *probe = run->probe;
  GstBin *bin;
  GstElement *dec, *vconv, *vcaps, *vtee, *atee = NULL;
  g_autofree gchar *uri = g_file_get_uri (self->source);
  g_autoptr(GstCaps) i420 = gst_caps_from_string ("video/x-raw,format=I420");
  gint fps_n, fps_d;
  guint gop;
  g_autofree gchar *x264_options = NULL;
  const Rung *top;

  sr_media_probe_get_framerate (probe, &fps_n, &fps_d);
  if (fps_n <= 0 || fps_d <= 0)
    {
      fps_n = 25;
      fps_d = 1;
    }
  gop = MAX (1, (guint) ((gdouble) GOP_SECONDS * fps_n / fps_d + 0.5));
  x264_options = g_strdup_printf ("scenecut=0:min-keyint=%u", gop);

  run->pipeline = gst_object_ref_sink (gst_pipeline_new ("sr-ladder-encoder"));
  bin = GST_BIN (run->pipeline);

  if (!(dec = add_element (bin, "uridecodebin", error)) ||
      !(vconv = add_element (bin, "videoconvert", error)) ||
      !(vcaps = add_element (bin, "capsfilter", error)) ||
      !(vtee = add_element (bin, "tee", error)))
    return FALSE;
  g_object_set (dec, "uri", uri, NULL);
  g_object_set (vcaps, "caps", i420, NULL);
  if (!link_or_fail (error, vconv, vcaps, vtee, NULL))
    return FALSE;
  run->video_in = g_object_ref (vconv);

  if (sr_media_probe_has_audio (probe))
    {
      GstElement *aconv, *ares;

      if (!(aconv = add_element (bin, "audioconvert", error)) ||
          !(ares = add_element (bin, "audioresample", error)) ||
          !(atee = add_element (bin, "tee", error)))
        return FALSE;
      if (!link_or_fail (error, aconv, ares, atee, NULL))
        return FALSE;
      run->audio_in = g_object_ref (aconv);
    }

  g_signal_connect (dec, "pad-added", G_CALLBACK (on_pad_added), run);
  g_signal_connect (dec, "no-more-pads", G_CALLBACK (on_no_more_pads), run);

  for (guint i = 0; i < run->rungs->len; i++)
    {
      Rung *rung = &g_array_index (run->rungs, Rung, i);
      GstElement *q, *scale, *caps, *enc, *mux, *sink;
      g_autoptr(GstCaps) size_caps = NULL;
      g_autoptr(GstPad) enc_src = NULL;

      if (!(q = make_queue (bin, error)) ||
          !(scale = add_element (bin, "videoscale", error)) ||
          !(caps = add_element (bin, "capsfilter", error)) ||
          !(enc = add_element (bin, "x264enc", error)) ||
          !(mux = add_element (bin, "mp4mux", error)) ||
          !(sink = add_element (bin, "filesink", error)))
        return FALSE;

      /* Rung sizes follow the source's aspect to the nearest even pixel;
       * stretching by under a pixel beats a one-pixel black border. */
      gst_util_set_object_arg (G_OBJECT (scale), "method", "lanczos");
      g_object_set (scale, "add-borders", FALSE, NULL);
      size_caps = gst_caps_new_simple ("video/x-raw",
                                       "width", G_TYPE_INT, (gint) rung->width,
                                       "height", G_TYPE_INT, (gint) rung->height,
                                       "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                                       NULL);
      g_object_set (caps, "caps", size_caps, NULL);
      g_object_set (enc,
                    "bitrate", rung->video_bitrate,
                    "key-int-max", gop,
                    "option-string", x264_options,
                    NULL);
      gst_util_set_object_arg (G_OBJECT (enc), "speed-preset", self->speed_preset);
      g_object_set (mux, "faststart", TRUE, "faststart-file", rung->moov_tmp_path, NULL);
      g_object_set (sink, "location", rung->part_path, NULL);

      if (!link_or_fail (error, vtee, q, scale, caps, enc, mux, sink, NULL))
        return FALSE;

      enc_src = gst_element_get_static_pad (enc, "src");
      g_object_set_data (G_OBJECT (enc_src), "sr-run", run);
      gst_pad_add_probe (enc_src, GST_PAD_PROBE_TYPE_BUFFER, on_encoded_buffer, rung, NULL);

      if (atee != NULL)
        {
          GstElement *aq, *aenc;

          if (!(aq = make_queue (bin, error)) ||
              !(aenc = make_aac_encoder (bin, rung->audio_bitrate, error)))
            return FALSE;
          if (!link_or_fail (error, atee, aq, aenc, mux, NULL))
            return FALSE;
        }
    }

  /* The poster is taken from the same decode, at the top rung's size. */
  top = &g_array_index (run->rungs, Rung, 0);
  {
    GstElement *q, *scale, *caps, *conv, *jpeg, *sink;
    g_autoptr(GstCaps) size_caps = NULL;
    g_autoptr(GstPad) q_sink = NULL;

    if (!(q = make_queue (bin, error)) ||
        !(scale = add_element (bin, "videoscale", error)) ||
        !(caps = add_element (bin, "capsfilter", error)) ||
        !(conv = add_element (bin, "videoconvert", error)) ||
        !(jpeg = add_element (bin, "jpegenc", error)) ||
        !(sink = add_element (bin, "filesink", error)))
      return FALSE;
    gst_util_set_object_arg (G_OBJECT (scale), "method", "lanczos");
    g_object_set (scale, "add-borders", FALSE, NULL);
    size_caps = gst_caps_new_simple ("video/x-raw",
                                     "width", G_TYPE_INT, (gint) top->width,
                                     "height", G_TYPE_INT, (gint) top->height,
                                     "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                                     NULL);
    g_object_set (caps, "caps", size_caps, NULL);
    g_object_set (jpeg, "quality", 90, NULL);
    g_object_set (sink, "location", run->poster_part, NULL);
    if (!link_or_fail (error, vtee, q, scale, caps, conv, jpeg, sink, NULL))
      return FALSE;
    q_sink = gst_element_get_static_pad (q, "sink");
    gst_pad_add_probe (q_sink, GST_PAD_PROBE_TYPE_BUFFER, on_poster_buffer, run, NULL);
  }

  return TRUE;
}

/* ---- finishing --------------------------------------------------------- */

static void
remove_outputs (Run *run)
{
  for (guint i = 0; i < run->rungs->len; i++)
    {
      Rung *rung = &g_array_index (run->rungs, Rung, i);

      g_unlink (rung->part_path);
      g_unlink (rung->moov_tmp_path);
      g_unlink (rung->final_path);
    }
  g_unlink (run->poster_part);
  g_unlink (run->poster_path);
  g_unlink (run->info_path);
}

static gboolean
write_info (Run     *run,
            GError **error)
{
  SrLadderEncoder *self = run->self;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  gdouble seconds = (gdouble) sr_media_probe_get_duration (run->probe) / GST_SECOND;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, self->title != NULL ? self->title : "");
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, self->description != NULL ? self->description : "");
  json_builder_set_member_name (builder, "duration");
  json_builder_add_double_value (builder, seconds);
  json_builder_set_member_name (builder, "poster");
  json_builder_add_string_value (builder, "poster.jpg");
  json_builder_set_member_name (builder, "renditions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < run->rungs->len; i++)
    {
      Rung *rung = &g_array_index (run->rungs, Rung, i);
      g_autofree gchar *file = g_path_get_basename (rung->final_path);
      GStatBuf st;

      if (g_stat (rung->final_path, &st) != 0)
        {
          g_set_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_ENCODE_FAILED,
                       _("The rendition “%s” was not written"), rung->name);
          return FALSE;
        }

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, rung->name);
      json_builder_set_member_name (builder, "width");
      json_builder_add_int_value (builder, rung->width);
      json_builder_set_member_name (builder, "height");
      json_builder_add_int_value (builder, rung->height);
      json_builder_set_member_name (builder, "bitrate");
      json_builder_add_int_value (builder, rung->video_bitrate);
      json_builder_set_member_name (builder, "audio_bitrate");
      json_builder_add_int_value (builder, sr_media_probe_has_audio (run->probe) ? rung->audio_bitrate : 0);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, st.st_size);
      json_builder_set_member_name (builder, "frames");
      json_builder_add_int_value (builder, (gint64) rung->frames);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, file);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_file (generator, run->info_path, error);
}

static gboolean
finish_outputs (Run     *run,
                GError **error)
{
  guint64 frames = 0;

  for (guint i = 0; i < run->rungs->len; i++)
    {
      Rung *rung = &g_array_index (run->rungs, Rung, i);
      g_autoptr(GFile) part = g_file_new_for_path (rung->part_path);
      gboolean has_moov = FALSE, moov_first = FALSE;

      if (i == 0)
        frames = rung->frames;
      if (rung->frames == 0 || rung->frames != frames)
        {
          g_set_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_ENCODE_FAILED,
                       _("The renditions came out with different frame counts (%s: %llu, expected %llu)"),
                       rung->name, (unsigned long long) rung->frames, (unsigned long long) frames);
          return FALSE;
        }
      if (!_sr_transcode_read_mp4_layout (part, &has_moov, &moov_first, error))
        return FALSE;
      if (!has_moov || !moov_first)
        {
          g_set_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_ENCODE_FAILED,
                       _("The rendition “%s” was left unfinished (no index at its start)"), rung->name);
          return FALSE;
        }
    }

  if (!run->poster_taken || !g_file_test (run->poster_part, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_ENCODE_FAILED,
                   _("No poster frame could be taken from the source"));
      return FALSE;
    }

  for (guint i = 0; i < run->rungs->len; i++)
    {
      Rung *rung = &g_array_index (run->rungs, Rung, i);

      g_unlink (rung->moov_tmp_path);
      if (g_rename (rung->part_path, rung->final_path) != 0)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not save “%s”: %s"), rung->final_path, g_strerror (saved));
          return FALSE;
        }
    }
  if (g_rename (run->poster_part, run->poster_path) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not save “%s”: %s"), run->poster_path, g_strerror (saved));
      return FALSE;
    }

  return write_info (run, error);
}

static void
teardown_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Run *run = task_data;
  GError *error = NULL;

  g_mutex_lock (&run->lock);
  run->stopping = TRUE;
  g_mutex_unlock (&run->lock);
  gst_element_set_state (run->pipeline, GST_STATE_NULL);

  if (run->error != NULL)
    error = g_error_copy (run->error);
  else if (finish_outputs (run, &error))
    g_cancellable_set_error_if_cancelled (cancellable, &error);

  if (error != NULL)
    {
      remove_outputs (run);
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

static void
stop_run (GTask  *task,
          GError *error)
{
  Run *run = g_task_get_task_data (task);

  if (run->bus_source == NULL)
    return; /* already stopping */

  g_clear_pointer (&run->progress_source, source_destroy_unref);
  g_clear_pointer (&run->bus_source, source_destroy_unref);
  g_clear_pointer (&run->cancel_source, source_destroy_unref);

  if (error == NULL)
    report_progress (run, TRUE);
  run->error = error;

  g_task_run_in_thread (task, teardown_thread);
}

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  GTask *task = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_EOS:
      stop_run (task, NULL);
      break;
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) gst_error = NULL;
        g_autofree gchar *debug = NULL;

        gst_message_parse_error (message, &gst_error, &debug);
        g_debug ("ladder encoder: %s (%s)", gst_error->message, debug ? debug : "");
        stop_run (task, g_error_new (SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_ENCODE_FAILED,
                                     _("Encoding failed: %s"), gst_error->message));
      }
      break;
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  g_cancellable_set_error_if_cancelled (cancellable, &error);
  stop_run (task, error);
  return G_SOURCE_REMOVE;
}

static void
set_playing (GstElement *pipeline,
             gpointer    user_data)
{
  Run *run = user_data;

  g_mutex_lock (&run->lock);
  if (!run->stopping)
    gst_element_set_state (pipeline, GST_STATE_PLAYING);
  g_mutex_unlock (&run->lock);
}

static void
release_task (gpointer data)
{
  g_object_unref (data);
}

static void
on_probed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SrLadderEncoder *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autofree gchar *dir = NULL;
  GMainContext *context = g_task_get_context (task);
  guint src_w, src_h;

  run->probe = sr_media_probe_new_for_file_finish (result, &error);
  if (run->probe == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  src_w = sr_media_probe_get_width (run->probe);
  src_h = sr_media_probe_get_height (run->probe);
  if (self->ladder == NULL)
    {
      self->ladder = sr_ladder_for_source (src_w, src_h);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LADDER]);
    }
  self->duration = (gint64) sr_media_probe_get_duration (run->probe);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);

  if (!g_file_make_directory_with_parents (self->output_dir, g_task_get_cancellable (task), &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_error (&error);

  dir = g_file_get_path (self->output_dir);
  if (dir == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Renditions can only be written to a local folder"));
      return;
    }
  g_array_set_size (self->positions, 0);
  for (guint i = 0; i < sr_ladder_get_n_rungs (self->ladder); i++)
    {
      const SrLadderRung *lr = sr_ladder_get_rung (self->ladder, i);
      Rung rung = { 0 };
      g_autofree gchar *file = g_strdup_printf ("%s.mp4", lr->name);
      g_autofree gchar *tmp = g_strdup_printf (".%s.mp4.moov", lr->name);
      gint64 zero = 0;

      rung.name = g_strdup (lr->name);
      rung.height = lr->height;
      rung.width = sr_ladder_rung_width_for (lr, src_w, src_h);
      rung.video_bitrate = lr->video_bitrate;
      rung.audio_bitrate = lr->audio_bitrate;
      rung.final_path = g_build_filename (dir, file, NULL);
      rung.part_path = g_strconcat (rung.final_path, ".part", NULL);
      rung.moov_tmp_path = g_build_filename (dir, tmp, NULL);
      g_array_append_val (run->rungs, rung);
      g_array_append_val (self->positions, zero);
    }
  if (run->rungs->len == 0)
    {
      g_task_return_new_error (task, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_INVALID_LADDER,
                               _("The rendition ladder is empty"));
      return;
    }
  run->poster_path = g_build_filename (dir, "poster.jpg", NULL);
  run->poster_part = g_build_filename (dir, "poster.jpg.part", NULL);
  run->info_path = g_build_filename (dir, "info.json", NULL);
  run->poster_at = sr_media_probe_get_duration (run->probe) / 10;

  if (!build_pipeline (run, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Each source holds a task reference, dropped when stop_run destroys it. */
  bus = gst_element_get_bus (run->pipeline);
  run->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (run->bus_source, (GSourceFunc) (void (*) (void)) on_bus_message,
                         g_object_ref (task), release_task);
  g_source_attach (run->bus_source, context);

  run->progress_source = g_timeout_source_new (PROGRESS_INTERVAL_MS);
  g_source_set_callback (run->progress_source, on_progress_tick, g_object_ref (task), release_task);
  g_source_attach (run->progress_source, context);

  if (g_task_get_cancellable (task) != NULL)
    {
      run->cancel_source = g_cancellable_source_new (g_task_get_cancellable (task));
      g_source_set_callback (run->cancel_source, (GSourceFunc) (void (*) (void)) on_cancelled,
                             g_object_ref (task), release_task);
      g_source_attach (run->cancel_source, context);
    }

  gst_element_call_async (run->pipeline, set_playing, run, NULL);
}

static void
on_task_completed (GTask      *task,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  SR_LADDER_ENCODER (g_task_get_source_object (task))->running = FALSE;
}

void
sr_ladder_encoder_run_async (SrLadderEncoder     *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Run *run;

  g_return_if_fail (SR_IS_LADDER_ENCODER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sr_transcode_ensure_gst ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_ladder_encoder_run_async);

  if (self->running)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("This encoder is already running"));
      return;
    }
  self->running = TRUE;
  self->progress = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);

  run = g_new0 (Run, 1);
  run->self = self;
  run->rungs = g_array_new (FALSE, TRUE, sizeof (Rung));
  g_array_set_clear_func (run->rungs, rung_clear);
  g_mutex_init (&run->lock);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  g_signal_connect (task, "notify::completed", G_CALLBACK (on_task_completed), NULL);
  sr_media_probe_new_for_file_async (self->source, cancellable, on_probed, g_steal_pointer (&task));
}

gboolean
sr_ladder_encoder_run_finish (SrLadderEncoder  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (SR_IS_LADDER_ENCODER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_ladder_encoder_run_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
