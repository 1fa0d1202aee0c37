/* sr-network-profile.h — a chain to connect to: name, RPC URL, chain id and
 * the Seedreel contract addresses, with the checks a user is shown when one
 * is entered by hand. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SR_NETWORK_PROFILE_ERROR (sr_network_profile_error_quark ())

typedef enum {
  SR_NETWORK_PROFILE_ERROR_INVALID_NAME,
  SR_NETWORK_PROFILE_ERROR_INVALID_URL,
  SR_NETWORK_PROFILE_ERROR_INVALID_CHAIN_ID,
  SR_NETWORK_PROFILE_ERROR_INVALID_ADDRESS,
} SrNetworkProfileError;

GQuark sr_network_profile_error_quark (void);

#define SR_TYPE_NETWORK_PROFILE (sr_network_profile_get_type ())
G_DECLARE_FINAL_TYPE (SrNetworkProfile, sr_network_profile, SR, NETWORK_PROFILE, GObject)

SrNetworkProfile *sr_network_profile_new                   (void);
SrNetworkProfile *sr_network_profile_new_from_settings     (GSettings        *settings);
void              sr_network_profile_bind_settings         (SrNetworkProfile *self,
                                                            GSettings        *settings);
const char       *sr_network_profile_get_name              (SrNetworkProfile *self);
const char       *sr_network_profile_get_rpc_url           (SrNetworkProfile *self);
guint64           sr_network_profile_get_chain_id          (SrNetworkProfile *self);
/* "Name (chain ID N)" for a confirmation: this profile's name when @chain_id
 * is its chain, "Unknown network" otherwise. */
char             *sr_network_profile_describe_chain        (SrNetworkProfile *self,
                                                           guint64           chain_id);
const char       *sr_network_profile_get_registry_address  (SrNetworkProfile *self);
const char       *sr_network_profile_get_token_address     (SrNetworkProfile *self);
gboolean          sr_network_profile_validate              (SrNetworkProfile *self,
                                                            GError          **error);

char             *sr_network_profile_get_devnet_path       (void);
/* What tools/devnet wrote about the local chain. */
typedef struct {
  char *name;
  char *rpc_url;
  guint64 chain_id;          /* 0 when the file names none */
  char *registry_address;
  char *token_address;
} SrDevnetProfile;

void              sr_devnet_profile_clear                  (SrDevnetProfile  *profile);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SrDevnetProfile, sr_devnet_profile_clear)

gboolean          sr_network_profile_read_devnet           (const char       *devnet_path,
                                                            SrDevnetProfile  *profile,
                                                            GError          **error);
gboolean          sr_network_profile_use_devnet            (GSettings        *settings,
                                                            const char       *devnet_path,
                                                            GError          **error);
gboolean          sr_network_profile_adopt_devnet          (GSettings        *settings,
                                                            const char       *devnet_path,
                                                            GError          **error);

gboolean          sr_network_profile_check_name            (const char       *name,
                                                            GError          **error);
gboolean          sr_network_profile_check_rpc_url         (const char       *url,
                                                            GError          **error);
gboolean          sr_network_profile_parse_chain_id        (const char       *text,
                                                            guint64          *chain_id,
                                                            GError          **error);
gboolean          sr_network_profile_check_address         (const char       *address,
                                                            gboolean          allow_empty,
                                                            GError          **error);

G_END_DECLS
