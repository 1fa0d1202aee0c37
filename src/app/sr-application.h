/* sr-application.h — the Seedreel application: one instance, owns the
 * settings and the long-lived engines, opens windows and links. */
#pragma once

#include <adwaita.h>

#include "chain/sr-network-profile.h"
#include "chain/sr-rpc-client.h"
#include "chain/sr-signer.h"
#include "chain/sr-token.h"
#include "store/sr-store.h"

G_BEGIN_DECLS

#define SR_TYPE_APPLICATION (sr_application_get_type ())
G_DECLARE_FINAL_TYPE (SrApplication, sr_application, SR, APPLICATION, AdwApplication)

SrApplication    *sr_application_new                 (void);
GSettings        *sr_application_get_settings        (SrApplication *self);
SrNetworkProfile *sr_application_get_network_profile (SrApplication *self);
SrStore          *sr_application_get_store           (SrApplication *self);
SrSigner         *sr_application_get_signer          (SrApplication *self,
                                                      GError       **error);
SrRpcClient      *sr_application_get_rpc_client      (SrApplication *self);
SrToken          *sr_application_get_token           (SrApplication *self);

G_END_DECLS
