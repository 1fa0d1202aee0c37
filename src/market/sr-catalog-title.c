/* sr-catalog-title.c: one catalog title (see sr-catalog-title.h). */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "crypto/sr-hex.h"
#include "market/sr-catalog-title.h"

/* Metadata is untrusted text from the chain: keep what is shown bounded. */
#define MAX_TITLE_CHARS 200
#define MAX_DESCRIPTION_CHARS 5000
#define MAX_RENDITIONS 16

struct _SrCatalogTitle
{
  GObject parent_instance;

  SrStoreTitle row;
  char *title;
  char *description;
  double duration;
  GStrv renditions;
  char *poster_name;
  char *view_id;
  int seeders;
  char *poster_path;
  char *folded;  /* title and description, case-folded, for search */
  gboolean has_key_check;
  guint8 key_check[16];
  char btih[41];  /* the hybrid torrent's v1 info-hash, "" when not published */
};

G_DEFINE_FINAL_TYPE (SrCatalogTitle, sr_catalog_title, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONTENT_ID,
  PROP_TITLE,
  PROP_DESCRIPTION,
  PROP_CREATOR,
  PROP_PRICE,
  PROP_VIEW_ID,
  PROP_PURCHASED,
  PROP_SEEDERS,
  PROP_POSTER_PATH,
  PROP_DETAILS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sr_catalog_title_finalize (GObject *object)
{
  SrCatalogTitle *self = SR_CATALOG_TITLE (object);

  g_free (self->row.content_id);
  g_free (self->row.infohash);
  g_free (self->row.creator);
  g_free (self->row.price);
  g_free (self->row.metadata);
  g_free (self->row.block_hash);
  g_free (self->title);
  g_free (self->description);
  g_strfreev (self->renditions);
  g_free (self->poster_name);
  g_free (self->view_id);
  g_free (self->poster_path);
  g_free (self->folded);

  G_OBJECT_CLASS (sr_catalog_title_parent_class)->finalize (object);
}

static void
sr_catalog_title_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SrCatalogTitle *self = SR_CATALOG_TITLE (object);

  switch (prop_id)
    {
    case PROP_CONTENT_ID: g_value_set_string (value, self->row.content_id); break;
    case PROP_TITLE: g_value_set_string (value, self->title); break;
    case PROP_DESCRIPTION: g_value_set_string (value, self->description); break;
    case PROP_CREATOR: g_value_set_string (value, self->row.creator); break;
    case PROP_PRICE: g_value_set_string (value, self->row.price); break;
    case PROP_VIEW_ID: g_value_set_string (value, self->view_id); break;
    case PROP_PURCHASED: g_value_set_boolean (value, self->view_id != NULL); break;
    case PROP_SEEDERS: g_value_set_int (value, self->seeders); break;
    case PROP_POSTER_PATH: g_value_set_string (value, self->poster_path); break;
    case PROP_DETAILS: g_value_set_boolean (value, self->duration > 0 || self->renditions[0] != NULL); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_catalog_title_class_init (SrCatalogTitleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  GParamFlags rn = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sr_catalog_title_finalize;
  object_class->get_property = sr_catalog_title_get_property;

  properties[PROP_CONTENT_ID] = g_param_spec_string ("content-id", NULL, NULL, NULL, ro);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, ro);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, ro);
  properties[PROP_CREATOR] = g_param_spec_string ("creator", NULL, NULL, NULL, ro);
  properties[PROP_PRICE] = g_param_spec_string ("price", NULL, NULL, NULL, ro);
  properties[PROP_VIEW_ID] = g_param_spec_string ("view-id", NULL, NULL, NULL, rn);
  properties[PROP_PURCHASED] = g_param_spec_boolean ("purchased", NULL, NULL, FALSE, rn);
  properties[PROP_SEEDERS] = g_param_spec_int ("seeders", NULL, NULL, -1, G_MAXINT, -1, rn);
  properties[PROP_POSTER_PATH] = g_param_spec_string ("poster-path", NULL, NULL, NULL, rn);
  /* Notified when the duration or the renditions changed (info.json). */
  properties[PROP_DETAILS] = g_param_spec_boolean ("details", NULL, NULL, FALSE, rn);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sr_catalog_title_init (SrCatalogTitle *self)
{
  self->seeders = -1;
}

/* A display string from untrusted text: valid UTF-8, no control
 * characters except newlines, at most @max characters. */
static char *
clean_text (const char *text,
            gsize       max,
            gboolean    keep_newlines)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new (NULL);
  gsize n = 0;

  for (const char *p = valid; *p != '\0' && n < max; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n' && keep_newlines)
        g_string_append_c (out, '\n');
      else if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  return g_strstrip (g_string_free (out, FALSE));
}

/* "duration": seconds, as a number. */
static gboolean
parse_duration (SrCatalogTitle *self,
                JsonObject     *object)
{
  JsonNode *node = json_object_get_member (object, "duration");

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      (json_node_get_value_type (node) == G_TYPE_DOUBLE || json_node_get_value_type (node) == G_TYPE_INT64))
    {
      double d = json_node_get_double (node);
      if (d > 0 && d < 1e7)
        {
          self->duration = d;
          return TRUE;
        }
    }
  return FALSE;
}

/* "renditions": names, or objects with a "name". */
static gboolean
parse_renditions (SrCatalogTitle *self,
                  JsonObject     *object)
{
  JsonNode *node;

  node = json_object_get_member (object, "renditions");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      for (guint i = 0; i < json_array_get_length (array) && i < MAX_RENDITIONS; i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          const char *name = NULL;

          if (json_node_get_value_type (item) == G_TYPE_STRING)
            name = json_node_get_string (item);
          else if (JSON_NODE_HOLDS_OBJECT (item))
            {
              JsonNode *member = json_object_get_member (json_node_get_object (item), "name");
              if (member != NULL && json_node_get_value_type (member) == G_TYPE_STRING)
                name = json_node_get_string (member);
            }
          if (name != NULL && name[0] != '\0')
            {
              g_autofree char *clean = clean_text (name, 40, FALSE);
              g_strv_builder_add (builder, clean);
            }
        }
      g_auto(GStrv) names = g_strv_builder_end (builder);

      if (names[0] == NULL)
        return FALSE;
      g_strfreev (self->renditions);
      self->renditions = g_steal_pointer (&names);
      return TRUE;
    }
  return FALSE;
}

static void
parse_metadata (SrCatalogTitle *self)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonNode *node;

  if (self->row.metadata == NULL || !json_parser_load_from_data (parser, self->row.metadata, -1, NULL))
    return;
  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  object = json_node_get_object (node);

  node = json_object_get_member (object, "title");
  if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING)
    self->title = clean_text (json_node_get_string (node), MAX_TITLE_CHARS, FALSE);
  node = json_object_get_member (object, "description");
  if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING)
    self->description = clean_text (json_node_get_string (node), MAX_DESCRIPTION_CHARS, TRUE);
  parse_duration (self, object);
  node = json_object_get_member (object, "keyCheck");
  if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autoptr(GBytes) check = sr_hex_decode_bare (json_node_get_string (node), NULL);
      if (check != NULL && g_bytes_get_size (check) == sizeof self->key_check)
        {
          memcpy (self->key_check, g_bytes_get_data (check, NULL), sizeof self->key_check);
          self->has_key_check = TRUE;
        }
    }
  node = json_object_get_member (object, "btih");
  if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *btih = json_node_get_string (node);
      gboolean hex = strlen (btih) == 40;

      for (int i = 0; hex && i < 40; i++)
        hex = g_ascii_isxdigit (btih[i]);
      if (hex)
        for (int i = 0; i <= 40; i++)
          self->btih[i] = g_ascii_tolower (btih[i]);
    }
  node = json_object_get_member (object, "poster");
  if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *name = json_node_get_string (node);
      /* A file name inside the torrent, never a path out of it. */
      if (name[0] != '\0' && strchr (name, '/') == NULL && strchr (name, '\\') == NULL &&
          strcmp (name, "..") != 0 && g_utf8_validate (name, -1, NULL) && strlen (name) < 256)
        self->poster_name = g_strdup (name);
    }
  parse_renditions (self, object);
}

SrCatalogTitle *
sr_catalog_title_new_from_store (const SrStoreTitle *row)
{
  SrCatalogTitle *self = g_object_new (SR_TYPE_CATALOG_TITLE, NULL);
  g_autofree char *both = NULL;

  self->row.content_id = g_strdup (row->content_id);
  self->row.infohash = g_strdup (row->infohash);
  self->row.creator = g_strdup (row->creator);
  self->row.price = g_strdup (row->price);
  self->row.seeder_share_bps = row->seeder_share_bps;
  self->row.content_size = row->content_size;
  self->row.metadata = g_strdup (row->metadata != NULL ? row->metadata : "");
  self->row.block_number = row->block_number;
  self->row.block_hash = g_strdup (row->block_hash);
  self->row.log_index = row->log_index;
  parse_metadata (self);
  if (self->title == NULL || self->title[0] == '\0')
    {
      g_free (self->title);
      self->title = g_strdup_printf (_("Title %s"), row->content_id);
    }
  if (self->description == NULL)
    self->description = g_strdup ("");
  if (self->renditions == NULL)
    self->renditions = g_new0 (char *, 1);
  both = g_strconcat (self->title, "\n", self->description, NULL);
  self->folded = g_utf8_casefold (both, -1);
  return self;
}

const char *sr_catalog_title_get_content_id (SrCatalogTitle *self) { return self->row.content_id; }
const char *sr_catalog_title_get_infohash (SrCatalogTitle *self) { return self->row.infohash; }
const char *sr_catalog_title_get_creator (SrCatalogTitle *self) { return self->row.creator; }
const char *sr_catalog_title_get_price (SrCatalogTitle *self) { return self->row.price; }
guint sr_catalog_title_get_seeder_share_bps (SrCatalogTitle *self) { return self->row.seeder_share_bps; }
guint64 sr_catalog_title_get_content_size (SrCatalogTitle *self) { return self->row.content_size; }
const char *sr_catalog_title_get_metadata (SrCatalogTitle *self) { return self->row.metadata; }
guint64 sr_catalog_title_get_block_number (SrCatalogTitle *self) { return self->row.block_number; }
const char *sr_catalog_title_get_block_hash (SrCatalogTitle *self) { return self->row.block_hash; }
guint64 sr_catalog_title_get_log_index (SrCatalogTitle *self) { return self->row.log_index; }
const char *sr_catalog_title_get_title (SrCatalogTitle *self) { return self->title; }
const char *sr_catalog_title_get_description (SrCatalogTitle *self) { return self->description; }
double sr_catalog_title_get_duration (SrCatalogTitle *self) { return self->duration; }
const char * const *sr_catalog_title_get_renditions (SrCatalogTitle *self) { return (const char * const *) self->renditions; }
const char *sr_catalog_title_get_poster_name (SrCatalogTitle *self) { return self->poster_name; }
const char *sr_catalog_title_get_view_id (SrCatalogTitle *self) { return self->view_id; }
gboolean sr_catalog_title_get_purchased (SrCatalogTitle *self) { return self->view_id != NULL; }
int sr_catalog_title_get_seeders (SrCatalogTitle *self) { return self->seeders; }
const char *sr_catalog_title_get_poster_path (SrCatalogTitle *self) { return self->poster_path; }

void
sr_catalog_title_set_view_id (SrCatalogTitle *self,
                              const char     *view_id)
{
  gboolean was = self->view_id != NULL;

  g_return_if_fail (SR_IS_CATALOG_TITLE (self));
  if (g_strcmp0 (self->view_id, view_id) == 0)
    return;
  g_free (self->view_id);
  self->view_id = g_strdup (view_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW_ID]);
  if (was != (view_id != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PURCHASED]);
}

void
sr_catalog_title_set_seeders (SrCatalogTitle *self,
                              int             seeders)
{
  g_return_if_fail (SR_IS_CATALOG_TITLE (self));
  seeders = MAX (seeders, -1);
  if (self->seeders == seeders)
    return;
  self->seeders = seeders;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEEDERS]);
}

void
sr_catalog_title_set_poster_path (SrCatalogTitle *self,
                                  const char     *path)
{
  g_return_if_fail (SR_IS_CATALOG_TITLE (self));
  if (g_strcmp0 (self->poster_path, path) == 0)
    return;
  g_free (self->poster_path);
  self->poster_path = g_strdup (path);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSTER_PATH]);
}

void
sr_catalog_title_apply_info (SrCatalogTitle *self,
                             const char     *json,
                             gssize          length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(GStrv) old_renditions = NULL;
  JsonNode *root;
  double old_duration;
  gboolean changed;

  g_return_if_fail (SR_IS_CATALOG_TITLE (self));

  if (json == NULL || !json_parser_load_from_data (parser, json, length, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  old_duration = self->duration;
  old_renditions = g_strdupv (self->renditions);
  parse_duration (self, json_node_get_object (root));
  parse_renditions (self, json_node_get_object (root));
  if (self->renditions == NULL)
    self->renditions = g_new0 (char *, 1);
  /* Asked again each time a card shows the title: only news notify. */
  changed = self->duration != old_duration ||
            !g_strv_equal ((const char * const *) old_renditions, (const char * const *) self->renditions);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DETAILS]);
}

gboolean
sr_catalog_title_matches (SrCatalogTitle *self,
                          const char     *query)
{
  g_auto(GStrv) words = NULL;

  g_return_val_if_fail (SR_IS_CATALOG_TITLE (self), FALSE);
  if (query == NULL || query[0] == '\0')
    return TRUE;
  words = g_strsplit_set (query, " \t\n", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0' && strstr (self->folded, words[i]) == NULL)
      return FALSE;
  return TRUE;
}

char *
sr_catalog_format_units (const char *base_units,
                         guint       decimals)
{
  g_autoptr(GString) s = g_string_new (base_units != NULL && base_units[0] != '\0' ? base_units : "0");

  while (s->len <= decimals)
    g_string_prepend_c (s, '0');
  if (decimals > 0)
    {
      g_string_insert_c (s, s->len - decimals, '.');
      while (s->str[s->len - 1] == '0')
        g_string_truncate (s, s->len - 1);
      if (s->str[s->len - 1] == '.')
        g_string_truncate (s, s->len - 1);
    }
  /* Leading zeros of the integer part, but one. */
  while (s->len > 1 && s->str[0] == '0' && s->str[1] != '.')
    g_string_erase (s, 0, 1);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

char *
sr_catalog_title_dup_price_text (SrCatalogTitle *self)
{
  g_return_val_if_fail (SR_IS_CATALOG_TITLE (self), NULL);
  return sr_catalog_format_units (self->row.price, 18);
}

char *
sr_catalog_title_dup_short_creator (SrCatalogTitle *self)
{
  const char *c;

  g_return_val_if_fail (SR_IS_CATALOG_TITLE (self), NULL);
  c = self->row.creator;
  if (c == NULL || strlen (c) < 12)
    return g_strdup (c != NULL ? c : "");
  return g_strdup_printf ("%.6s…%s", c, c + strlen (c) - 4);
}

gboolean
sr_catalog_title_get_key_check (SrCatalogTitle *self,
                                guint8          check[16])
{
  g_return_val_if_fail (SR_IS_CATALOG_TITLE (self), FALSE);
  if (self->has_key_check)
    memcpy (check, self->key_check, sizeof self->key_check);
  return self->has_key_check;
}

char *
sr_catalog_title_dup_magnet (SrCatalogTitle *self)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (SR_IS_CATALOG_TITLE (self), NULL);
  name = g_uri_escape_string (self->title, NULL, FALSE);
  /* 0x12 0x20: multihash sha2-256, 32 bytes (BEP 52). With the v1 hash as
   * well the torrent is a hybrid from the start, so peers that greet with
   * either hash are let in. */
  if (self->btih[0] != '\0')
    return g_strdup_printf ("magnet:?xt=urn:btih:%s&xt=urn:btmh:1220%s&dn=%s", self->btih, self->row.infohash, name);
  return g_strdup_printf ("magnet:?xt=urn:btmh:1220%s&dn=%s", self->row.infohash, name);
}
