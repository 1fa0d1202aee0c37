/* sr-signer-service.h: the org.seedreel.Signer1 object of seedreel-signer:
 * the accounts on disk, the keys currently unlocked, and the confirmation
 * tokens that stand between a request to spend and a signature.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SR_TYPE_SIGNER_SERVICE (sr_signer_service_get_type ())
G_DECLARE_FINAL_TYPE (SrSignerService, sr_signer_service, SR, SIGNER_SERVICE, GObject)

SrSignerService *sr_signer_service_new    (const gchar      *keys_dir);
gboolean         sr_signer_service_export (SrSignerService  *self,
                                           GDBusConnection  *connection,
                                           GError          **error);
void             sr_signer_service_lock_all (SrSignerService *self);

G_END_DECLS
