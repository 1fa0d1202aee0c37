/* sr-application.h — the Seedreel application: one instance, owns the
 * settings and the long-lived engines, opens windows and links. */
#pragma once

#include <adwaita.h>

#include "chain/sr-network-profile.h"
#include "chain/sr-rpc-client.h"
#include "chain/sr-signer.h"
#include "chain/sr-token.h"
#include "chain/sr-tx-manager.h"
#include "market/sr-seeding.h"
#include "store/sr-store.h"
#include "torrent/sr-torrent-session.h"

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
/* The one libtorrent session, started on first use with the Torrent
 * settings; resume data lives in the user's state folder. NULL with
 * @error when it cannot listen or its folders cannot be created. */
SrTorrentSession *sr_application_get_torrent_session (SrApplication *self,
                                                      GError       **error);

/* Nothing is signed for a send until the user has seen the signer's own
 * summary of the exact transaction: the open send dialog registers as the
 * confirmer, is handed the summary, the single-use token and the task,
 * and completes the task (with the signed bytes or an error). */
typedef void (*SrSendConfirmFunc) (GVariant *summary,
                                   const char *token,
                                   GVariant *tx,
                                   GTask *task,
                                   gpointer user_data);
void              sr_application_set_send_confirmer  (SrApplication    *self,
                                                      SrSendConfirmFunc func,
                                                      gpointer          user_data);
/* The account's transaction manager (recreated when the account or the
 * network changes); NULL with @error until the library database is open. */
SrTxManager      *sr_application_get_tx_manager      (SrApplication *self,
                                                      const char    *address,
                                                      GError       **error);

/* What the app does for every catalog title it holds (serving keys, keeping
 * the receipts later viewers sign, signing ours): one service for the
 * torrent session on the current network, paying @account (recreated when
 * the account or the network changes). NULL with @error until the library
 * is open, or when the network names no registry. */
SrSeeding        *sr_application_get_seeding         (SrApplication *self,
                                                      const char    *account,
                                                      GError       **error);
/* Sends the final receipts of what we watched, without waiting. */
void              sr_application_flush_receipts      (SrApplication *self);

G_END_DECLS
