/* sr-network-profile.c — network profiles and the validation shown to users
 * when they type one into preferences or the first-run assistant. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sr-network-profile.h"

G_DEFINE_QUARK (sr-network-profile-error-quark, sr_network_profile_error)

struct _SrNetworkProfile
{
  GObject parent_instance;

  char    *name;
  char    *rpc_url;
  guint64  chain_id;
  char    *registry_address;
  char    *token_address;
};

G_DEFINE_FINAL_TYPE (SrNetworkProfile, sr_network_profile, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_RPC_URL,
  PROP_CHAIN_ID,
  PROP_REGISTRY_ADDRESS,
  PROP_TOKEN_ADDRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sr_network_profile_finalize (GObject *object)
{
  SrNetworkProfile *self = SR_NETWORK_PROFILE (object);

  g_free (self->name);
  g_free (self->rpc_url);
  g_free (self->registry_address);
  g_free (self->token_address);

  G_OBJECT_CLASS (sr_network_profile_parent_class)->finalize (object);
}

static void
sr_network_profile_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SrNetworkProfile *self = SR_NETWORK_PROFILE (object);

  switch (prop_id)
    {
    case PROP_NAME:             g_value_set_string (value, self->name); break;
    case PROP_RPC_URL:          g_value_set_string (value, self->rpc_url); break;
    case PROP_CHAIN_ID:         g_value_set_uint64 (value, self->chain_id); break;
    case PROP_REGISTRY_ADDRESS: g_value_set_string (value, self->registry_address); break;
    case PROP_TOKEN_ADDRESS:    g_value_set_string (value, self->token_address); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_string (SrNetworkProfile *self,
            char            **field,
            const GValue     *value,
            GParamSpec       *pspec)
{
  const char *str = g_value_get_string (value);

  if (g_strcmp0 (*field, str) == 0)
    return;
  g_free (*field);
  *field = g_strdup (str ? str : "");
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

static void
sr_network_profile_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  SrNetworkProfile *self = SR_NETWORK_PROFILE (object);

  switch (prop_id)
    {
    case PROP_NAME:             set_string (self, &self->name, value, pspec); break;
    case PROP_RPC_URL:          set_string (self, &self->rpc_url, value, pspec); break;
    case PROP_REGISTRY_ADDRESS: set_string (self, &self->registry_address, value, pspec); break;
    case PROP_TOKEN_ADDRESS:    set_string (self, &self->token_address, value, pspec); break;
    case PROP_CHAIN_ID:
      if (self->chain_id != g_value_get_uint64 (value))
        {
          self->chain_id = g_value_get_uint64 (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_network_profile_class_init (SrNetworkProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sr_network_profile_finalize;
  object_class->get_property = sr_network_profile_get_property;
  object_class->set_property = sr_network_profile_set_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "", flags);
  properties[PROP_RPC_URL] = g_param_spec_string ("rpc-url", NULL, NULL, "", flags);
  properties[PROP_CHAIN_ID] = g_param_spec_uint64 ("chain-id", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_REGISTRY_ADDRESS] = g_param_spec_string ("registry-address", NULL, NULL, "", flags);
  properties[PROP_TOKEN_ADDRESS] = g_param_spec_string ("token-address", NULL, NULL, "", flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sr_network_profile_init (SrNetworkProfile *self)
{
  self->name = g_strdup ("");
  self->rpc_url = g_strdup ("");
  self->registry_address = g_strdup ("");
  self->token_address = g_strdup ("");
}

SrNetworkProfile *
sr_network_profile_new (void)
{
  return g_object_new (SR_TYPE_NETWORK_PROFILE, NULL);
}

/* Settings keys and profile properties share their names, so the profile
 * follows the settings (e.g. preferences edited while the app runs). */
void
sr_network_profile_bind_settings (SrNetworkProfile *self,
                                  GSettings        *settings)
{
  static const char * const keys[] = {
    "profile-name", "name",
    "rpc-url", "rpc-url",
    "chain-id", "chain-id",
    "registry-address", "registry-address",
    "token-address", "token-address",
  };

  g_return_if_fail (SR_IS_NETWORK_PROFILE (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  for (guint i = 0; i < G_N_ELEMENTS (keys); i += 2)
    g_settings_bind (settings, keys[i], self, keys[i + 1], G_SETTINGS_BIND_GET);
}

SrNetworkProfile *
sr_network_profile_new_from_settings (GSettings *settings)
{
  SrNetworkProfile *self = sr_network_profile_new ();

  sr_network_profile_bind_settings (self, settings);
  return self;
}

const char *
sr_network_profile_get_name (SrNetworkProfile *self)
{
  g_return_val_if_fail (SR_IS_NETWORK_PROFILE (self), NULL);
  return self->name;
}

const char *
sr_network_profile_get_rpc_url (SrNetworkProfile *self)
{
  g_return_val_if_fail (SR_IS_NETWORK_PROFILE (self), NULL);
  return self->rpc_url;
}

guint64
sr_network_profile_get_chain_id (SrNetworkProfile *self)
{
  g_return_val_if_fail (SR_IS_NETWORK_PROFILE (self), 0);
  return self->chain_id;
}

char *
sr_network_profile_describe_chain (SrNetworkProfile *self,
                                   guint64           chain_id)
{
  g_return_val_if_fail (SR_IS_NETWORK_PROFILE (self), NULL);

  /* TRANSLATORS: a network's name and its chain ID, e.g. "Devnet (chain ID 31337)" */
  return g_strdup_printf (_("%s (chain ID %llu)"),
                          chain_id == sr_network_profile_get_chain_id (self)
                            ? sr_network_profile_get_name (self) : _("Unknown network"),
                          (unsigned long long) chain_id);
}

const char *
sr_network_profile_get_registry_address (SrNetworkProfile *self)
{
  g_return_val_if_fail (SR_IS_NETWORK_PROFILE (self), NULL);
  return self->registry_address;
}

const char *
sr_network_profile_get_token_address (SrNetworkProfile *self)
{
  g_return_val_if_fail (SR_IS_NETWORK_PROFILE (self), NULL);
  return self->token_address;
}

gboolean
sr_network_profile_check_name (const char  *name,
                               GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (name ? name : ""));

  if (stripped[0] == '\0')
    {
      g_set_error_literal (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_NAME,
                           _("Give the network a name"));
      return FALSE;
    }
  if (g_utf8_strlen (stripped, -1) > 64)
    {
      g_set_error_literal (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_NAME,
                           _("The network name is too long; use at most 64 characters"));
      return FALSE;
    }
  return TRUE;
}

gboolean
sr_network_profile_check_rpc_url (const char  *url,
                                  GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (url == NULL || url[0] == '\0')
    {
      g_set_error_literal (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_URL,
                           _("Enter the RPC URL of an Ethereum node, such as http://127.0.0.1:8545"));
      return FALSE;
    }

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    {
      g_set_error (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_URL,
                   _("“%s” is not a valid URL; it should look like https://rpc.example.org"), url);
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_URL,
                   _("The RPC URL must start with http:// or https://, not %s://"), scheme);
      return FALSE;
    }

  if (g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_set_error_literal (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_URL,
                           _("The RPC URL has no host name"));
      return FALSE;
    }

  return TRUE;
}

gboolean
sr_network_profile_parse_chain_id (const char  *text,
                                   guint64     *chain_id,
                                   GError     **error)
{
  guint64 value = 0;
  g_autoptr(GError) local_error = NULL;

  if (text == NULL || text[0] == '\0' ||
      !g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT64, &value, &local_error))
    {
      g_set_error (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_CHAIN_ID,
                   _("The chain ID must be a positive whole number, such as 31337 for a local devnet"));
      return FALSE;
    }

  if (chain_id != NULL)
    *chain_id = value;
  return TRUE;
}

gboolean
sr_network_profile_check_address (const char  *address,
                                  gboolean     allow_empty,
                                  GError     **error)
{
  gsize len = address ? strlen (address) : 0;

  if (len == 0 && allow_empty)
    return TRUE;

  if (len != 42 || address[0] != '0' || (address[1] != 'x' && address[1] != 'X'))
    {
      g_set_error (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_ADDRESS,
                   _("A contract address is 0x followed by 40 hexadecimal digits"));
      return FALSE;
    }

  for (gsize i = 2; i < len; i++)
    if (!g_ascii_isxdigit (address[i]))
      {
        g_set_error (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_ADDRESS,
                     _("A contract address may only contain the digits 0–9 and letters a–f after 0x"));
        return FALSE;
      }

  return TRUE;
}

gboolean
sr_network_profile_validate (SrNetworkProfile  *self,
                             GError           **error)
{
  g_return_val_if_fail (SR_IS_NETWORK_PROFILE (self), FALSE);

  if (!sr_network_profile_check_name (self->name, error) ||
      !sr_network_profile_check_rpc_url (self->rpc_url, error))
    return FALSE;

  if (self->chain_id == 0)
    {
      g_set_error_literal (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_CHAIN_ID,
                           _("The chain ID must be a positive whole number, such as 31337 for a local devnet"));
      return FALSE;
    }

  return sr_network_profile_check_address (self->registry_address, TRUE, error) &&
         sr_network_profile_check_address (self->token_address, TRUE, error);
}

/* Where tools/devnet writes the profile of the chain it deployed. */
char *
sr_network_profile_get_devnet_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "seedreel", "networks", "devnet.ini", NULL);
}

/* The devnet profile tools/devnet writes: FALSE without an error when
 * there is none, with one when it is damaged. */
gboolean
sr_network_profile_read_devnet (const char     *devnet_path,
                                SrDevnetProfile *profile,
                                GError         **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *chain_id = NULL;

  g_return_val_if_fail (devnet_path != NULL, FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);

  memset (profile, 0, sizeof *profile);
  if (!g_key_file_load_from_file (keyfile, devnet_path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return FALSE;
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Cannot read the devnet profile %s: "), devnet_path);
      return FALSE;
    }

  profile->name = g_key_file_get_string (keyfile, "Network", "name", NULL);
  profile->rpc_url = g_key_file_get_string (keyfile, "Network", "rpc-url", NULL);
  chain_id = g_key_file_get_string (keyfile, "Network", "chain-id", NULL);
  profile->registry_address = g_key_file_get_string (keyfile, "Network", "registry-address", NULL);
  profile->token_address = g_key_file_get_string (keyfile, "Network", "token-address", NULL);

  if (!sr_network_profile_check_rpc_url (profile->rpc_url, error) ||
      !sr_network_profile_check_address (profile->registry_address, FALSE, error) ||
      !sr_network_profile_check_address (profile->token_address, FALSE, error) ||
      (chain_id != NULL && !sr_network_profile_parse_chain_id (chain_id, &profile->chain_id, error)))
    {
      g_prefix_error (error, _("The devnet profile %s is damaged: "), devnet_path);
      sr_devnet_profile_clear (profile);
      return FALSE;
    }
  if (profile->name == NULL || !sr_network_profile_check_name (profile->name, NULL))
    {
      g_free (profile->name);
      profile->name = g_strdup ("devnet");
    }
  return TRUE;
}

void
sr_devnet_profile_clear (SrDevnetProfile *profile)
{
  g_clear_pointer (&profile->name, g_free);
  g_clear_pointer (&profile->rpc_url, g_free);
  g_clear_pointer (&profile->registry_address, g_free);
  g_clear_pointer (&profile->token_address, g_free);
  profile->chain_id = 0;
}

/* Points the settings at the devnet, whatever they held before: the
 * choice a person makes in the first-run assistant. */
gboolean
sr_network_profile_use_devnet (GSettings   *settings,
                               const char  *devnet_path,
                               GError     **error)
{
  g_auto(SrDevnetProfile) profile = { 0 };

  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);

  if (!sr_network_profile_read_devnet (devnet_path, &profile, error))
    return FALSE;
  g_settings_delay (settings);
  g_settings_set_string (settings, "profile-name", profile.name);
  g_settings_set_string (settings, "rpc-url", profile.rpc_url);
  if (profile.chain_id != 0)
    g_settings_set_uint64 (settings, "chain-id", profile.chain_id);
  g_settings_set_string (settings, "registry-address", profile.registry_address);
  g_settings_set_string (settings, "token-address", profile.token_address);
  g_settings_apply (settings);
  return TRUE;
}

/* The local devnet deploys fresh contracts when its chain is reset, so while
 * the settings point at the devnet's RPC URL they follow the addresses it
 * wrote. Returns TRUE when the settings were changed. A missing file is not
 * an error; a damaged one is, and changes nothing. */
gboolean
sr_network_profile_adopt_devnet (GSettings   *settings,
                                 const char  *devnet_path,
                                 GError     **error)
{
  g_auto(SrDevnetProfile) profile = { 0 };
  g_autofree char *current_url = NULL;
  g_autofree char *current_registry = NULL;
  g_autofree char *current_token = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);
  g_return_val_if_fail (devnet_path != NULL, FALSE);

  if (!sr_network_profile_read_devnet (devnet_path, &profile, error))
    return FALSE;

  current_url = g_settings_get_string (settings, "rpc-url");
  if (g_strcmp0 (current_url, profile.rpc_url) != 0)
    return FALSE;

  current_registry = g_settings_get_string (settings, "registry-address");
  current_token = g_settings_get_string (settings, "token-address");
  if (g_strcmp0 (current_registry, profile.registry_address) == 0 &&
      g_strcmp0 (current_token, profile.token_address) == 0)
    return FALSE;

  g_settings_delay (settings);
  g_settings_set_string (settings, "registry-address", profile.registry_address);
  g_settings_set_string (settings, "token-address", profile.token_address);
  g_settings_apply (settings);
  return TRUE;
}
