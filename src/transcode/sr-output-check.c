/* sr-output-check.c: checks one rendition against its source. Everything
 * here blocks (it decodes whole files), so _run is meant for a worker thread
 * and _run_async puts it in one. A problem with the output is a failed line
 * in the report, not a GError: the GError is for when the source itself
 * cannot be read.
 *
 * Duration is measured from the decoded frames, not from the container's
 * header: a truncated fast-start MP4 still carries the full duration in its
 * moov. SSIM compares the luma of frames taken at the same timestamps from
 * both files, scaled to a common size of at most 320 pixels wide. */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "sr-output-check.h"
#include "sr-output-report-private.h"
#include "sr-ssim.h"
#include "sr-transcode-error.h"
#include "sr-transcode-private.h"

#define SSIM_MAX_WIDTH 320
#define POLL_INTERVAL (100 * GST_MSECOND)
#define PREROLL_TIMEOUT (30 * GST_SECOND)

struct _SrOutputCheck
{
  GObject parent_instance;

  GFile *source;
  GFile *output;
  guint width;
  guint height;
  SrMediaProbe *source_probe;
  gdouble ssim_threshold;
  guint ssim_samples;
};

G_DEFINE_FINAL_TYPE (SrOutputCheck, sr_output_check, G_TYPE_OBJECT)

static void
sr_output_check_finalize (GObject *object)
{
  SrOutputCheck *self = SR_OUTPUT_CHECK (object);

  g_clear_object (&self->source);
  g_clear_object (&self->output);
  g_clear_object (&self->source_probe);
  G_OBJECT_CLASS (sr_output_check_parent_class)->finalize (object);
}

static void
sr_output_check_class_init (SrOutputCheckClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sr_output_check_finalize;
}

static void
sr_output_check_init (SrOutputCheck *self)
{
  self->ssim_threshold = SR_OUTPUT_CHECK_DEFAULT_SSIM_THRESHOLD;
  self->ssim_samples = SR_OUTPUT_CHECK_DEFAULT_SSIM_SAMPLES;
}

SrOutputCheck *
sr_output_check_new (GFile *source,
                     GFile *output,
                     guint  width,
                     guint  height)
{
  SrOutputCheck *self;

  g_return_val_if_fail (G_IS_FILE (source), NULL);
  g_return_val_if_fail (G_IS_FILE (output), NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);

  self = g_object_new (SR_TYPE_OUTPUT_CHECK, NULL);
  self->source = g_object_ref (source);
  self->output = g_object_ref (output);
  self->width = width;
  self->height = height;
  return self;
}

/* Lets several renditions of one source share one probe of it. */
void
sr_output_check_set_source_probe (SrOutputCheck *self,
                                  SrMediaProbe  *probe)
{
  g_return_if_fail (SR_IS_OUTPUT_CHECK (self));
  g_return_if_fail (probe == NULL || SR_IS_MEDIA_PROBE (probe));
  g_set_object (&self->source_probe, probe);
}

void
sr_output_check_set_ssim_threshold (SrOutputCheck *self,
                                    gdouble        threshold)
{
  g_return_if_fail (SR_IS_OUTPUT_CHECK (self));
  g_return_if_fail (threshold >= 0 && threshold <= 1);
  self->ssim_threshold = threshold;
}

void
sr_output_check_set_ssim_samples (SrOutputCheck *self,
                                  guint          samples)
{
  g_return_if_fail (SR_IS_OUTPUT_CHECK (self));
  g_return_if_fail (samples > 0);
  self->ssim_samples = samples;
}

static gdouble
seconds (GstClockTime t)
{
  return (gdouble) t / GST_SECOND;
}

/* ---- decoding end to end ----------------------------------------------- */

typedef struct
{
  GstElement *pipeline;    /* borrowed */
  GMutex lock;
  gboolean have_video;
  gboolean have_audio;
  guint64 frames;
  GstClockTime first_pts;
  GstClockTime end;
} Decode;

static GstPadProbeReturn
on_decoded_frame (GstPad          *pad,
                  GstPadProbeInfo *info,
                  gpointer         user_data)
{
  Decode *decode = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);

  g_mutex_lock (&decode->lock);
  decode->frames++;
  if (GST_BUFFER_PTS_IS_VALID (buffer))
    {
      GstClockTime pts = GST_BUFFER_PTS (buffer);
      GstClockTime end = pts + (GST_BUFFER_DURATION_IS_VALID (buffer) ? GST_BUFFER_DURATION (buffer) : 0);

      if (!GST_CLOCK_TIME_IS_VALID (decode->first_pts) || pts < decode->first_pts)
        decode->first_pts = pts;
      if (!GST_CLOCK_TIME_IS_VALID (decode->end) || end > decode->end)
        decode->end = end;
    }
  g_mutex_unlock (&decode->lock);
  return GST_PAD_PROBE_OK;
}

/* Sinks are added per decoded stream: a sink that never gets data would keep
 * the pipeline from ever prerolling. */
static void
on_decode_pad_added (GstElement *decodebin,
                     GstPad     *pad,
                     gpointer    user_data)
{
  Decode *decode = user_data;
  g_autoptr(GstCaps) caps = gst_pad_query_caps (pad, NULL);
  g_autoptr(GstPad) sink_pad = NULL;
  GstElement *sink;
  const gchar *name;
  gboolean video;

  if (caps == NULL || gst_caps_is_empty (caps))
    return;
  name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  video = g_str_has_prefix (name, "video/x-raw");
  if (!video && !g_str_has_prefix (name, "audio/x-raw"))
    return;

  g_mutex_lock (&decode->lock);
  if ((video && decode->have_video) || (!video && decode->have_audio))
    {
      g_mutex_unlock (&decode->lock);
      return;
    }
  if (video)
    decode->have_video = TRUE;
  else
    decode->have_audio = TRUE;
  g_mutex_unlock (&decode->lock);

  sink = gst_element_factory_make ("fakesink", NULL);
  if (sink == NULL)
    return;
  g_object_set (sink, "sync", FALSE, NULL);
  gst_bin_add (GST_BIN (decode->pipeline), sink);
  sink_pad = gst_element_get_static_pad (sink, "sink");
  if (video)
    gst_pad_add_probe (sink_pad, GST_PAD_PROBE_TYPE_BUFFER, on_decoded_frame, decode, NULL);
  gst_element_sync_state_with_parent (sink);
  gst_pad_link (pad, sink_pad);
}

/* Runs a pipeline to EOS, polling so that cancellation is noticed. Returns
 * FALSE with @error set on a pipeline error, or a cancellation. */
static gboolean
play_to_end (GstElement    *pipeline,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  gboolean ok = FALSE;

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr(GstMessage) msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      g_autoptr(GError) gst_error = NULL;

      if (msg != NULL)
        gst_message_parse_error (msg, &gst_error, NULL);
      g_set_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_DECODE_FAILED,
                   "%s", gst_error != NULL ? gst_error->message : _("it could not be opened"));
      gst_element_set_state (pipeline, GST_STATE_NULL);
      return FALSE;
    }

  for (;;)
    {
      g_autoptr(GstMessage) msg = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      msg = gst_bus_timed_pop_filtered (bus, POLL_INTERVAL, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
      if (msg == NULL)
        continue;
      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS)
        {
          ok = TRUE;
          break;
        }
      else
        {
          g_autoptr(GError) gst_error = NULL;
          gst_message_parse_error (msg, &gst_error, NULL);
          g_set_error_literal (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_DECODE_FAILED,
                               gst_error->message);
          break;
        }
    }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  return ok;
}

static gboolean
decode_whole_file (GFile         *file,
                   guint64       *frames,
                   GstClockTime  *duration,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GstElement) pipeline = gst_object_ref_sink (gst_pipeline_new ("sr-output-decode"));
  g_autofree gchar *uri = g_file_get_uri (file);
  GstElement *dec;
  Decode decode = { 0 };
  gboolean ok;

  if (!(dec = _sr_transcode_make_element ("uridecodebin", NULL, error)))
    return FALSE;
  g_mutex_init (&decode.lock);
  decode.pipeline = pipeline;
  decode.first_pts = GST_CLOCK_TIME_NONE;
  decode.end = GST_CLOCK_TIME_NONE;

  gst_bin_add (GST_BIN (pipeline), dec);
  g_object_set (dec, "uri", uri, NULL);
  g_signal_connect (dec, "pad-added", G_CALLBACK (on_decode_pad_added), &decode);

  ok = play_to_end (pipeline, cancellable, error);

  *frames = decode.frames;
  *duration = GST_CLOCK_TIME_IS_VALID (decode.end) ? decode.end - decode.first_pts : 0;
  g_mutex_clear (&decode.lock);
  return ok;
}

/* ---- frames for SSIM --------------------------------------------------- */

typedef struct
{
  GstElement *pipeline;
  GstElement *sink;
} Grabber;

static void
grabber_clear (Grabber *grabber)
{
  if (grabber->pipeline != NULL)
    gst_element_set_state (grabber->pipeline, GST_STATE_NULL);
  g_clear_object (&grabber->sink);
  g_clear_object (&grabber->pipeline);
}

static gboolean
grabber_open (Grabber  *grabber,
              GFile    *file,
              guint     width,
              guint     height,
              GError  **error)
{
  g_autofree gchar *uri = g_file_get_uri (file);
  g_autofree gchar *desc = NULL;
  g_autoptr(GError) local_error = NULL;

  /* Only the video pad of uridecodebin matches the capsfilter; the audio
   * pad stays unlinked, which decodebin tolerates. */
  desc = g_strdup_printf ("uridecodebin name=dec ! videoconvert ! videoscale method=lanczos add-borders=false ! "
                          "video/x-raw,format=GRAY8,width=%u,height=%u,pixel-aspect-ratio=1/1 ! "
                          "appsink name=sink sync=false max-buffers=1",
                          width, height);
  grabber->pipeline = gst_parse_launch (desc, &local_error);
  if (grabber->pipeline == NULL)
    {
      g_set_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_MISSING_ELEMENT,
                   _("Cannot compare pictures: %s"), local_error->message);
      return FALSE;
    }
  gst_object_ref_sink (grabber->pipeline);
  {
    g_autoptr(GstElement) dec = gst_bin_get_by_name (GST_BIN (grabber->pipeline), "dec");
    g_object_set (dec, "uri", uri, NULL);
  }
  grabber->sink = gst_bin_get_by_name (GST_BIN (grabber->pipeline), "sink");

  if (gst_element_set_state (grabber->pipeline, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE ||
      gst_element_get_state (grabber->pipeline, NULL, NULL, PREROLL_TIMEOUT) != GST_STATE_CHANGE_SUCCESS)
    {
      g_set_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_DECODE_FAILED,
                   _("it could not be decoded"));
      return FALSE;
    }
  return TRUE;
}

/* Copies the luma of the frame shown at @t into @plane (width × height). */
static gboolean
grabber_frame_at (Grabber      *grabber,
                  GstClockTime  t,
                  guint8       *plane,
                  guint         width,
                  guint         height)
{
  g_autoptr(GstSample) sample = NULL;
  GstVideoInfo info;
  GstVideoFrame frame;

  if (!gst_element_seek_simple (grabber->pipeline, GST_FORMAT_TIME,
                                GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, t))
    return FALSE;
  if (gst_element_get_state (grabber->pipeline, NULL, NULL, PREROLL_TIMEOUT) == GST_STATE_CHANGE_FAILURE)
    return FALSE;
  sample = gst_app_sink_try_pull_preroll (GST_APP_SINK (grabber->sink), PREROLL_TIMEOUT);
  if (sample == NULL)
    return FALSE;
  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample)) ||
      GST_VIDEO_INFO_WIDTH (&info) != (gint) width || GST_VIDEO_INFO_HEIGHT (&info) != (gint) height)
    return FALSE;
  if (!gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
    return FALSE;
  for (guint y = 0; y < height; y++)
    memcpy (plane + (gsize) y * width,
            (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) + (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0),
            width);
  gst_video_frame_unmap (&frame);
  return TRUE;
}

/* ---- the checks -------------------------------------------------------- */

static gboolean
caps_named (GstCaps     *caps,
            const gchar *name)
{
  return caps != NULL && !gst_caps_is_empty (caps) &&
         gst_structure_has_name (gst_caps_get_structure (caps, 0), name);
}

static gboolean
caps_are_aac (GstCaps *caps)
{
  gint version = 0;

  return caps_named (caps, "audio/mpeg") &&
         gst_structure_get_int (gst_caps_get_structure (caps, 0), "mpegversion", &version) &&
         (version == 4 || version == 2);
}

static void
check_ssim (SrOutputCheck  *self,
            SrOutputReport *report,
            GstClockTime    duration,
            GCancellable   *cancellable,
            gdouble        *mean_out,
            gdouble        *lowest_out)
{
  g_autoptr(GError) error = NULL;
  Grabber src = { 0 }, out = { 0 };
  guint w = MIN (self->width, SSIM_MAX_WIDTH);
  guint h = MAX (2, (guint) ((gdouble) self->height * w / self->width / 2 + 0.5) * 2);
  g_autofree guint8 *a = g_malloc ((gsize) w * h);
  g_autofree guint8 *b = g_malloc ((gsize) w * h);
  gdouble total = 0, lowest = 1;
  guint n = self->ssim_samples;

  *mean_out = -1;
  *lowest_out = -1;

  if (!grabber_open (&src, self->source, w, h, &error))
    {
      _sr_output_report_add (report, SR_OUTPUT_CHECK_SSIM, FALSE,
                             _("SSIM not measured: the source %s"), error->message);
      goto out;
    }
  if (!grabber_open (&out, self->output, w, h, &error))
    {
      _sr_output_report_add (report, SR_OUTPUT_CHECK_SSIM, FALSE,
                             _("SSIM not measured: the output %s"), error->message);
      goto out;
    }

  for (guint i = 0; i < n; i++)
    {
      GstClockTime t = gst_util_uint64_scale (duration, 2 * i + 1, 2 * n);
      gdouble ssim;

      if (g_cancellable_is_cancelled (cancellable))
        {
          _sr_output_report_add (report, SR_OUTPUT_CHECK_SSIM, FALSE, _("SSIM not measured: cancelled"));
          goto out;
        }
      if (!grabber_frame_at (&src, t, a, w, h))
        {
          _sr_output_report_add (report, SR_OUTPUT_CHECK_SSIM, FALSE,
                                 _("SSIM not measured: the source has no frame at %.2f s"), seconds (t));
          goto out;
        }
      if (!grabber_frame_at (&out, t, b, w, h))
        {
          _sr_output_report_add (report, SR_OUTPUT_CHECK_SSIM, FALSE,
                                 _("SSIM failed: the output has no frame at %.2f s"), seconds (t));
          goto out;
        }
      ssim = sr_ssim_gray8 (a, w, b, w, w, h);
      g_debug ("SSIM at %.2f s: %.4f", seconds (t), ssim);
      total += ssim;
      lowest = MIN (lowest, ssim);
    }

  *mean_out = total / n;
  *lowest_out = lowest;
  _sr_output_report_add (report, SR_OUTPUT_CHECK_SSIM, lowest >= self->ssim_threshold,
                         ngettext ("SSIM %.2f at %u point (lowest %.2f, needs %.2f)",
                                   "SSIM %.2f at %u points (lowest %.2f, needs %.2f)", n),
                         *mean_out, n, lowest, self->ssim_threshold);

out:
  grabber_clear (&src);
  grabber_clear (&out);
}

SrOutputReport *
sr_output_check_run (SrOutputCheck  *self,
                     GCancellable   *cancellable,
                     GError        **error)
{
  g_autoptr(SrOutputReport) report = NULL;
  g_autoptr(SrMediaProbe) out_probe = NULL;
  g_autoptr(GError) local_error = NULL;
  SrMediaProbe *src_probe;
  gboolean has_moov = FALSE, moov_first = FALSE;
  GstClockTime src_duration, decoded_duration = 0;
  guint64 frames = 0;
  gboolean decoded;
  gdouble ssim = -1, lowest = -1;

  g_return_val_if_fail (SR_IS_OUTPUT_CHECK (self), NULL);

  _sr_transcode_ensure_gst ();

  if (self->source_probe == NULL)
    {
      self->source_probe = sr_media_probe_new_for_file (self->source, cancellable, error);
      if (self->source_probe == NULL)
        return NULL;
    }
  src_probe = self->source_probe;
  src_duration = sr_media_probe_get_duration (src_probe);

  report = _sr_output_report_new ();

  /* Container and codecs, from the output's own description. */
  out_probe = sr_media_probe_new_for_file (self->output, cancellable, &local_error);
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (out_probe == NULL)
    _sr_output_report_add (report, SR_OUTPUT_CHECK_CONTAINER, FALSE, "%s", local_error->message);
  else
    {
      GstCaps *audio_caps = sr_media_probe_get_audio_caps (out_probe);
      gboolean ok = caps_named (sr_media_probe_get_container_caps (out_probe), "video/quicktime") &&
                    caps_named (sr_media_probe_get_video_caps (out_probe), "video/x-h264") &&
                    (audio_caps == NULL || caps_are_aac (audio_caps));

      if (ok)
        _sr_output_report_add (report, SR_OUTPUT_CHECK_CONTAINER, TRUE,
                               audio_caps != NULL ? _("H.264 video and AAC audio in MP4")
                                                  : _("H.264 video in MP4"));
      else
        _sr_output_report_add (report, SR_OUTPUT_CHECK_CONTAINER, FALSE,
                               _("Expected H.264 and AAC in MP4, found %s video%s%s in %s"),
                               sr_media_probe_get_video_codec (out_probe),
                               audio_caps != NULL ? _(" and audio ") : "",
                               audio_caps != NULL ? sr_media_probe_get_audio_codec (out_probe) : "",
                               sr_media_probe_get_container (out_probe));
    }

  /* Fast start: the moov must come before the mdat for streaming. */
  g_clear_error (&local_error);
  if (!_sr_transcode_read_mp4_layout (self->output, &has_moov, &moov_first, &local_error))
    _sr_output_report_add (report, SR_OUTPUT_CHECK_FAST_START, FALSE, "%s", local_error->message);
  else if (!has_moov)
    _sr_output_report_add (report, SR_OUTPUT_CHECK_FAST_START, FALSE,
                           _("No MP4 index (moov): the file is unfinished"));
  else
    _sr_output_report_add (report, SR_OUTPUT_CHECK_FAST_START, moov_first,
                           moov_first ? _("Fast start: the index comes before the media data")
                                      : _("Not fast start: the index comes after the media data"));

  if (out_probe != NULL)
    {
      guint w = sr_media_probe_get_width (out_probe);
      guint h = sr_media_probe_get_height (out_probe);

      _sr_output_report_add (report, SR_OUTPUT_CHECK_RESOLUTION, w == self->width && h == self->height,
                             _("Resolution %u×%u (requested %u×%u)"), w, h, self->width, self->height);
    }
  else
    _sr_output_report_add (report, SR_OUTPUT_CHECK_RESOLUTION, FALSE,
                           _("Resolution unknown (requested %u×%u)"), self->width, self->height);

  if (!sr_media_probe_has_audio (src_probe))
    _sr_output_report_add (report, SR_OUTPUT_CHECK_AUDIO, TRUE, _("No audio (the source has none)"));
  else if (out_probe != NULL && sr_media_probe_has_audio (out_probe))
    _sr_output_report_add (report, SR_OUTPUT_CHECK_AUDIO, TRUE, _("Audio present"));
  else
    _sr_output_report_add (report, SR_OUTPUT_CHECK_AUDIO, FALSE, _("Audio missing (the source has audio)"));

  /* Decodable end to end, and how long the decoded picture really lasts. */
  g_clear_error (&local_error);
  decoded = decode_whole_file (self->output, &frames, &decoded_duration, cancellable, &local_error);
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (decoded && frames > 0)
    _sr_output_report_add (report, SR_OUTPUT_CHECK_DECODABLE, TRUE,
                           ngettext ("Decoded end to end: %llu frame",
                                     "Decoded end to end: %llu frames", frames),
                           (unsigned long long) frames);
  else
    _sr_output_report_add (report, SR_OUTPUT_CHECK_DECODABLE, FALSE,
                           _("Not decodable after %llu frames: %s"), (unsigned long long) frames,
                           local_error != NULL ? local_error->message : _("no pictures"));

  {
    /* Within 1 % of the source, and never stricter than a millisecond. */
    gint64 diff = (gint64) decoded_duration - (gint64) src_duration;
    gint64 tolerance = MAX ((gint64) src_duration / 100, (gint64) GST_MSECOND);

    _sr_output_report_add (report, SR_OUTPUT_CHECK_DURATION, ABS (diff) <= tolerance,
                           _("Duration %.2f s (source %.2f s)"),
                           seconds (decoded_duration), seconds (src_duration));
  }

  if (out_probe != NULL && decoded && frames > 0)
    check_ssim (self, report, MIN (src_duration, decoded_duration), cancellable, &ssim, &lowest);
  else
    _sr_output_report_add (report, SR_OUTPUT_CHECK_SSIM, FALSE, _("SSIM not measured: the output cannot be decoded"));

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  _sr_output_report_set_measures (report, ssim, lowest, frames, (gint64) decoded_duration);
  return g_steal_pointer (&report);
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;
  SrOutputReport *report = sr_output_check_run (source_object, cancellable, &error);

  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, g_object_unref);
}

void
sr_output_check_run_async (SrOutputCheck       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SR_IS_OUTPUT_CHECK (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_output_check_run_async);
  g_task_run_in_thread (task, check_thread);
}

SrOutputReport *
sr_output_check_run_finish (SrOutputCheck  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (SR_IS_OUTPUT_CHECK (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
