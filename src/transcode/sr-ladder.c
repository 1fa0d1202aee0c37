/* sr-ladder.c: the default rendition ladder and its JSON form. The worker
 * treats a ladder from the network as untrusted: sizes and bitrates are
 * bounded and names are restricted to safe file names. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "sr-ladder.h"
#include "sr-transcode-error.h"

#define MAX_RUNGS 8
#define MAX_DIMENSION 4096
#define MAX_VIDEO_KBPS 50000
#define MAX_AUDIO_KBPS 512

static const struct {
  const gchar *name;
  guint height;
  guint video_bitrate;
  guint audio_bitrate;
} default_rungs[] = {
  { "1080p", 1080, 5000, 128 },
  { "720p",   720, 2800, 128 },
  { "480p",   480, 1400,  96 },
  { "360p",   360,  800,  96 },
};

struct _SrLadder
{
  GObject parent_instance;
  GPtrArray *rungs;
};

G_DEFINE_BOXED_TYPE (SrLadderRung, sr_ladder_rung, sr_ladder_rung_copy, sr_ladder_rung_free)
G_DEFINE_FINAL_TYPE (SrLadder, sr_ladder, G_TYPE_OBJECT)

SrLadderRung *
sr_ladder_rung_new (const gchar *name,
                    guint        width,
                    guint        height,
                    guint        video_bitrate,
                    guint        audio_bitrate)
{
  SrLadderRung *rung = g_new0 (SrLadderRung, 1);

  rung->name = g_strdup (name);
  rung->width = width;
  rung->height = height;
  rung->video_bitrate = video_bitrate;
  rung->audio_bitrate = audio_bitrate;
  return rung;
}

SrLadderRung *
sr_ladder_rung_copy (const SrLadderRung *rung)
{
  return sr_ladder_rung_new (rung->name, rung->width, rung->height,
                             rung->video_bitrate, rung->audio_bitrate);
}

void
sr_ladder_rung_free (SrLadderRung *rung)
{
  if (rung == NULL)
    return;
  g_free (rung->name);
  g_free (rung);
}

static void
sr_ladder_finalize (GObject *object)
{
  SrLadder *self = SR_LADDER (object);

  g_clear_pointer (&self->rungs, g_ptr_array_unref);
  G_OBJECT_CLASS (sr_ladder_parent_class)->finalize (object);
}

static void
sr_ladder_class_init (SrLadderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sr_ladder_finalize;
}

static void
sr_ladder_init (SrLadder *self)
{
  self->rungs = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_ladder_rung_free);
}

SrLadder *
sr_ladder_new (void)
{
  return g_object_new (SR_TYPE_LADDER, NULL);
}

static guint
round_even (gdouble value)
{
  guint v = (guint) (value / 2.0 + 0.5) * 2;
  return MAX (v, 2);
}

guint
sr_ladder_rung_width_for (const SrLadderRung *rung,
                          guint               source_width,
                          guint               source_height)
{
  g_return_val_if_fail (rung != NULL, 0);

  if (rung->width != 0)
    return rung->width;
  if (source_width == 0 || source_height == 0)
    return round_even (rung->height * 16.0 / 9.0);
  return round_even ((gdouble) rung->height * source_width / source_height);
}

static SrLadderRung *
rung_for_short_side (const gchar *name,
                     guint        short_side,
                     guint        width,
                     guint        height,
                     guint        video_bitrate,
                     guint        audio_bitrate)
{
  if (width >= height)
    return sr_ladder_rung_new (name, round_even ((gdouble) short_side * width / height), short_side,
                               video_bitrate, audio_bitrate);
  return sr_ladder_rung_new (name, short_side, round_even ((gdouble) short_side * height / width),
                             video_bitrate, audio_bitrate);
}

/* Every default rung no larger than the source, measured on the short side
 * so that a portrait 1080×1920 video gets a 1080×1920 "1080p". A source
 * smaller than the lowest rung gets one rendition at its own size rather
 * than an upscale. */
SrLadder *
sr_ladder_for_source (guint width,
                      guint height)
{
  SrLadder *self = sr_ladder_new ();
  const guint lowest = G_N_ELEMENTS (default_rungs) - 1;
  guint short_side;

  g_return_val_if_fail (width > 0 && height > 0, self);

  short_side = MIN (width, height);
  for (guint i = 0; i < G_N_ELEMENTS (default_rungs); i++)
    {
      if (default_rungs[i].height > short_side)
        continue;
      sr_ladder_add_rung (self, rung_for_short_side (default_rungs[i].name, default_rungs[i].height,
                                                     width, height,
                                                     default_rungs[i].video_bitrate,
                                                     default_rungs[i].audio_bitrate));
    }

  if (self->rungs->len == 0)
    {
      guint side = MAX (short_side & ~1u, 2);
      g_autofree gchar *name = g_strdup_printf ("%up", side);

      sr_ladder_add_rung (self, rung_for_short_side (name, side, width, height,
                                                     MAX (default_rungs[lowest].video_bitrate * side / default_rungs[lowest].height, 100),
                                                     default_rungs[lowest].audio_bitrate));
    }

  return self;
}

void
sr_ladder_add_rung (SrLadder     *self,
                    SrLadderRung *rung)
{
  g_return_if_fail (SR_IS_LADDER (self));
  g_return_if_fail (rung != NULL);
  g_ptr_array_add (self->rungs, rung);
}

guint
sr_ladder_get_n_rungs (SrLadder *self)
{
  g_return_val_if_fail (SR_IS_LADDER (self), 0);
  return self->rungs->len;
}

const SrLadderRung *
sr_ladder_get_rung (SrLadder *self,
                    guint     index)
{
  g_return_val_if_fail (SR_IS_LADDER (self), NULL);
  g_return_val_if_fail (index < self->rungs->len, NULL);
  return g_ptr_array_index (self->rungs, index);
}

const SrLadderRung *
sr_ladder_find_rung (SrLadder    *self,
                     const gchar *name)
{
  g_return_val_if_fail (SR_IS_LADDER (self), NULL);

  for (guint i = 0; i < self->rungs->len; i++)
    {
      const SrLadderRung *rung = g_ptr_array_index (self->rungs, i);
      if (g_strcmp0 (rung->name, name) == 0)
        return rung;
    }
  return NULL;
}

JsonNode *
sr_ladder_to_json (SrLadder *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (SR_IS_LADDER (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "rungs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->rungs->len; i++)
    {
      const SrLadderRung *rung = g_ptr_array_index (self->rungs, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, rung->name);
      json_builder_set_member_name (builder, "width");
      json_builder_add_int_value (builder, rung->width);
      json_builder_set_member_name (builder, "height");
      json_builder_add_int_value (builder, rung->height);
      json_builder_set_member_name (builder, "video_bitrate");
      json_builder_add_int_value (builder, rung->video_bitrate);
      json_builder_set_member_name (builder, "audio_bitrate");
      json_builder_add_int_value (builder, rung->audio_bitrate);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

gchar *
sr_ladder_to_string (SrLadder *self)
{
  g_autoptr(JsonNode) node = sr_ladder_to_json (self);

  return json_to_string (node, FALSE);
}

/* Rung names become output file names, so only [A-Za-z0-9_-] are allowed. */
static gboolean
name_is_safe (const gchar *name)
{
  gsize len = strlen (name);

  if (len == 0 || len > 32)
    return FALSE;
  for (const gchar *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
read_uint (JsonObject   *object,
           const gchar  *member,
           guint         max,
           gboolean      zero_ok,
           guint        *out,
           GError      **error)
{
  JsonNode *node = json_object_get_member (object, member);
  gint64 value;

  if (node == NULL && zero_ok)
    {
      *out = 0;
      return TRUE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_INVALID_LADDER,
                   _("The rendition ladder is invalid: “%s” must be a whole number"), member);
      return FALSE;
    }
  value = json_node_get_int (node);
  if (value < (zero_ok ? 0 : 1) || value > max)
    {
      g_set_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_INVALID_LADDER,
                   _("The rendition ladder is invalid: “%s” is out of range"), member);
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

SrLadder *
sr_ladder_new_from_json (JsonNode  *node,
                         GError   **error)
{
  g_autoptr(SrLadder) self = sr_ladder_new ();
  JsonObject *root;
  JsonArray *rungs;
  JsonNode *rungs_node;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    goto invalid;
  root = json_node_get_object (node);
  rungs_node = json_object_get_member (root, "rungs");
  if (rungs_node == NULL || !JSON_NODE_HOLDS_ARRAY (rungs_node))
    goto invalid;
  rungs = json_node_get_array (rungs_node);
  if (json_array_get_length (rungs) == 0 || json_array_get_length (rungs) > MAX_RUNGS)
    {
      g_set_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_INVALID_LADDER,
                   _("The rendition ladder is invalid: it must have between 1 and %d renditions"),
                   MAX_RUNGS);
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (rungs); i++)
    {
      JsonNode *item = json_array_get_element (rungs, i);
      JsonObject *object;
      const gchar *name;
      g_autoptr(SrLadderRung) rung = g_new0 (SrLadderRung, 1);

      if (!JSON_NODE_HOLDS_OBJECT (item))
        goto invalid;
      object = json_node_get_object (item);
      name = json_object_get_string_member_with_default (object, "name", NULL);
      if (name == NULL || !name_is_safe (name))
        {
          g_set_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_INVALID_LADDER,
                       _("The rendition ladder is invalid: a rendition name must be letters, digits, “-” or “_”"));
          return NULL;
        }
      if (sr_ladder_find_rung (self, name) != NULL)
        {
          g_set_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_INVALID_LADDER,
                       _("The rendition ladder is invalid: “%s” appears twice"), name);
          return NULL;
        }
      rung->name = g_strdup (name);
      if (!read_uint (object, "width", MAX_DIMENSION, TRUE, &rung->width, error) ||
          !read_uint (object, "height", MAX_DIMENSION, FALSE, &rung->height, error) ||
          !read_uint (object, "video_bitrate", MAX_VIDEO_KBPS, FALSE, &rung->video_bitrate, error) ||
          !read_uint (object, "audio_bitrate", MAX_AUDIO_KBPS, FALSE, &rung->audio_bitrate, error))
        return NULL;
      if (rung->width % 2 != 0 || rung->height % 2 != 0)
        {
          g_set_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_INVALID_LADDER,
                       _("The rendition ladder is invalid: “%s” must have an even width and height"), name);
          return NULL;
        }
      sr_ladder_add_rung (self, g_steal_pointer (&rung));
    }

  return g_steal_pointer (&self);

invalid:
  g_set_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_INVALID_LADDER,
               _("The rendition ladder is invalid: expected an object with a “rungs” list"));
  return NULL;
}

SrLadder *
sr_ladder_new_from_string (const gchar  *json,
                           GError      **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, &local_error))
    {
      g_set_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_INVALID_LADDER,
                   _("The rendition ladder is invalid: %s"), local_error->message);
      return NULL;
    }
  return sr_ladder_new_from_json (json_parser_get_root (parser), error);
}
